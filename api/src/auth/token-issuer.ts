/**
 * Issues a batch of login tokens for an account whose second factor (if any)
 * was just accepted: hashes into the shared store, tokens boxed to the auth key.
 */
import { base64ToBytes } from '@peerlock/sdk';
import type { AuthStore } from '../storage/auth-store.js';
import type { BoxedSecret, EphemeralKey, ServerKeys } from './server-keys.js';
import { newToken, tokenHash } from './tokens.js';

export interface TokenBatch {
  readonly serverKey: EphemeralKey;
  readonly tokens: readonly BoxedSecret[];
  readonly expiresAt: number;
}

export interface TokenPolicy {
  readonly tokenTtlSeconds: number;
  readonly tokenBatchSize: number;
  readonly maxOutstandingTokens: number;
}

export class TokenIssuer {
  constructor(
    private readonly store: AuthStore,
    private readonly keys: ServerKeys,
    private readonly policy: TokenPolicy,
  ) {}

  async issue(username: string, authPublicKeyBase64: string, now: number): Promise<TokenBatch> {
    const authPublicKey = base64ToBytes(authPublicKeyBase64);
    const tokens = Array.from({ length: this.policy.tokenBatchSize }, newToken);
    const expiresAt = now + this.policy.tokenTtlSeconds * 1000;
    await this.store.issueTokens({ username, hashes: tokens.map(tokenHash), expiresAt }, now, this.policy.maxOutstandingTokens);
    const boxed = this.keys.boxAllTo(authPublicKey, tokens, now);
    for (const t of tokens) t.fill(0);
    return { serverKey: this.keys.ephemeral(now), tokens: boxed, expiresAt };
  }

  /** True when the presented token existed for this user, had not expired, and is now spent. */
  consume(username: string, token: Uint8Array, now: number): Promise<boolean> {
    return this.store.consumeToken(username, tokenHash(token), now);
  }

  revokeAll(username: string): Promise<void> {
    return this.store.revokeTokens(username);
  }
}
