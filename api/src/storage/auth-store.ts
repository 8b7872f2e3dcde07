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
}

export interface RateLimitHit {
  /** Hits in the current window, this one included. */
  readonly count: number;
  readonly windowStart: number;
}

export interface AuthStore {
  /** Stores a batch and evicts the user's oldest tokens beyond `cap`, atomically per user. */
  issueTokens(batch: IssuedTokens, now: number, cap: number): Promise<void>;
  /** Deletes the (hash, username) row in one statement; true only if it existed and had not expired. */
  consumeToken(username: string, hash: Uint8Array, now: number): Promise<boolean>;
  countTokens(username: string, now: number): Promise<number>;
  revokeTokens(username: string): Promise<void>;
  /** Counts one hit in a fixed window that starts at the first hit after the previous window ended. */
  hitRateLimit(bucket: string, windowMs: number, now: number): Promise<RateLimitHit>;
  putDataKey(keyId: string, key: Uint8Array, now: number): Promise<void>;
  getDataKey(keyId: string): Promise<Uint8Array | null>;
  /** Crypto-shredding: after this, everything encrypted under the key is unreadable everywhere. */
  destroyDataKey(keyId: string): Promise<void>;
  close(): Promise<void>;
}
