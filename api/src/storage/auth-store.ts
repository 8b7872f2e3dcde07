/**
 * Shared operational state of authentication, kept in SQL so that every API
 * node sees the same values (DESIGN.md §7 "Scale-out"): single-use tokens,
 * rate-limit counters and the per-account data keys that make personal data
 * erasable. None of it is an event: tokens and counters are ephemeral, and a
 * data key must be destroyable, which an append-only log cannot do.
 *
 * Times are Unix milliseconds; "now" always comes from the caller.
 */
export interface IssuedTokens {
  readonly username: string;
  readonly hashes: readonly Uint8Array[];
  readonly expiresAt: number;
  /** The device session the batch belongs to (null: a login without a session); ending the session deletes them. */
  readonly sessionId: string | null;
}

/** A token that was valid and is now spent: whose session it belonged to. */
export interface SpentToken {
  readonly sessionId: string | null;
}

/**
 * One device's login (DESIGN §3 "Device sessions"): later token batches
 * are issued against its secret without a second factor, until it ends.
 * Only the secret's hash is stored.
 */
export interface DeviceSession {
  readonly sessionId: string;
  readonly username: string;
  /** What the client called the device ("peerlock CLI on host", "Firefox on Linux"); shown in lists. */
  readonly label: string;
  readonly createdAt: number;
  readonly lastUsedAt: number;
  readonly expiresAt: number;
}

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  readonly count: number;
  readonly windowStart: number;
}

export interface AuthStore {
  /** Stores a batch and evicts the user's oldest tokens beyond `cap`, atomically per user. */
  issueTokens(batch: IssuedTokens, now: number, cap: number): Promise<void>;
  /** Deletes the (hash, username) row in one statement; its session when it existed and had not expired, else null. */
  consumeToken(username: string, hash: Uint8Array, now: number): Promise<SpentToken | null>;
  countTokens(username: string, now: number): Promise<number>;
  /** Ends every session and deletes every token of the user (key change, account deletion). */
  revokeTokens(username: string): Promise<void>;
  /** Stores a new session (its secret's hash) and ends the user's least recently used ones beyond `cap`, with their tokens. */
  openSession(session: DeviceSession, secretHash: Uint8Array, cap: number): Promise<void>;
  /** The user's live session with that id and secret, marked used at `now`; null when there is none (ended, expired, another secret). */
  useSession(username: string, sessionId: string, secretHash: Uint8Array, now: number): Promise<DeviceSession | null>;
  /** The user's live sessions, most recently used first. */
  listSessions(username: string, now: number): Promise<DeviceSession[]>;
  /** Ends one session of the user and deletes its tokens; false when there was no such session. */
  endSession(username: string, sessionId: string): Promise<boolean>;
  /** Counts one hit in a fixed window that starts at the first hit after the previous window ended. */
  hitRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit>;
  /** The bucket's hits in its current window, counting nothing (0 when none or the window ended). */
  peekRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit>;
  putDataKey(keyId: string, key: Uint8Array, now: number): Promise<void>;
  getDataKey(keyId: string): Promise<Uint8Array | null>;
  /** Crypto-shredding: after this, everything encrypted under the key is unreadable everywhere. */
  destroyDataKey(keyId: string): Promise<void>;
  close(): Promise<void>;
}
