/**
 * Issues a batch of login tokens for an account whose second factor (if any)
 * was just accepted: hashes into the shared store, tokens boxed to the auth key.
 */
import { base64ToBytes } from '@peerlock/sdk';
import type { AuthStore, SpentToken } from '../storage/auth-store.js';
import type { BoxedSecret, EphemeralKey, ServerKeys } from './server-keys.js';
import { randomBytes } from 'node:crypto';
import type { DeviceSession } from '../storage/auth-store.js';
import { newSessionSecret, newToken, tokenHash } from './tokens.js';

export interface TokenBatch {
  readonly serverKey: EphemeralKey;
  readonly tokens: readonly BoxedSecret[];
  readonly expiresAt: number;
}

export interface TokenPolicy {
  readonly tokenTtlSeconds: number;
  readonly tokenBatchSize: number;
  readonly maxOutstandingTokens: number;
  readonly sessionLifetimeDays: number;
  readonly sessionUntrustedHours: number;
  readonly maxSessionsPerUser: number;
}

/** A new device session: its id, its secret boxed to the auth key (like the tokens), and when it ends at the latest. */
export interface SessionGrant {
  readonly id: string;
  readonly secret: BoxedSecret;
  readonly expiresAt: number;
}

export class TokenIssuer {
  constructor(
    private readonly store: AuthStore,
    private readonly keys: ServerKeys,
    private readonly policy: TokenPolicy,
  ) {}

  /** `sessionId`: the device session the batch belongs to (its end deletes them); null for a login without one. */
  async issue(username: string, authPublicKeyBase64: string, now: number, sessionId: string | null = null): Promise<TokenBatch> {
    const authPublicKey = base64ToBytes(authPublicKeyBase64);
    const tokens = Array.from({ length: this.policy.tokenBatchSize }, newToken);
    const expiresAt = now + this.policy.tokenTtlSeconds * 1000;
    await this.store.issueTokens({ username, hashes: tokens.map(tokenHash), expiresAt, sessionId }, now, this.policy.maxOutstandingTokens);
    const boxed = this.keys.boxAllTo(authPublicKey, tokens, now);
    for (const t of tokens) t.fill(0);
    return { serverKey: this.keys.ephemeral(now), tokens: boxed, expiresAt };
  }

  /** When the presented token existed for this user and had not expired: now spent, with its session; else null. */
  consume(username: string, token: Uint8Array, now: number): Promise<SpentToken | null> {
    return this.store.consumeToken(username, tokenHash(token), now);
  }

  /**
   * Opens a device session (DESIGN §3): only the secret's hash is stored;
   * the secret goes to the client boxed to its auth key, so only the holder
   * of the account's key can read it, and later proves the session with it.
   */
  async openSession(username: string, authPublicKeyBase64: string, device: { readonly label: string; readonly trusted: boolean }, now: number): Promise<SessionGrant> {
    const id = randomBytes(16).toString('base64url');
    const secret = newSessionSecret();
    const lifetimeMs = device.trusted ? this.policy.sessionLifetimeDays * 86_400_000 : this.policy.sessionUntrustedHours * 3_600_000;
    const session: DeviceSession = { sessionId: id, username, label: device.label, createdAt: now, lastUsedAt: now, expiresAt: now + lifetimeMs };
    await this.store.openSession(session, tokenHash(secret), this.policy.maxSessionsPerUser);
    const [boxed] = this.keys.boxAllTo(base64ToBytes(authPublicKeyBase64), [secret], now);
    secret.fill(0);
    return { id, secret: boxed!, expiresAt: session.expiresAt };
  }

  /** The live session `sessionId` of the user if `secret` is its secret (marked used now), else null. */
  useSession(username: string, sessionId: string, secret: Uint8Array, now: number): Promise<DeviceSession | null> {
    return this.store.useSession(username, sessionId, tokenHash(secret), now);
  }

  listSessions(username: string, now: number): Promise<DeviceSession[]> {
    return this.store.listSessions(username, now);
  }

  endSession(username: string, sessionId: string): Promise<boolean> {
    return this.store.endSession(username, sessionId);
  }

  /** Every token and session of the user (key change, account deletion). */
  revokeAll(username: string): Promise<void> {
    return this.store.revokeTokens(username);
  }
}
