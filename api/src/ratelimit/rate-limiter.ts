/**
 * Rate limits on the unauthenticated, attackable operations (DESIGN.md §3):
 * signup, challenges and second-factor attempts, key-log queries (per address
 * only: each exact lookup confirms a username, DESIGN §6 T12), and on the one authenticated
 * operation whose cost a client chooses (replaying notifications from a past
 * position), each per client address and per username, counted in the shared AuthStore so the limits hold across nodes.
 *
 * Bucket names are keyed hashes of (operation, dimension, value): the table
 * holds no addresses or usernames in clear.
 */
import type { RateLimitConfig } from '../config.js';
import { PeerlockError } from '../errors.js';
import { deriveSubKey, hmacSha256 } from '../auth/key-derivation.js';
import type { AuthStore } from '../storage/auth-store.js';

export type LimitedOperation = 'signup' | 'challenge' | 'twoFactor' | 'replay' | 'keyLog' | 'linkAccess';

export class RateLimiter {
  private readonly key: Uint8Array;

  constructor(
    private readonly store: AuthStore,
    private readonly config: RateLimitConfig,
    rootKey: Uint8Array,
  ) {
    this.key = deriveSubKey(rootKey, 'rate-limit-bucket/v1');
  }

  /** Counts one attempt; RATE_LIMITED (with retryAfterSeconds) when either dimension is over its limit. */
  async check(operation: LimitedOperation, address: string, username: string | null, now: number): Promise<void> {
    const [perAddress, perUsername] = this.limits(operation);
    const windowMs = this.config.windowSeconds * 1000;
    const hits = [this.hit(operation, 'address', address, perAddress, windowMs, now)];
    if (username !== null) hits.push(this.hit(operation, 'username', username.toLowerCase(), perUsername, windowMs, now));
    const waits = (await Promise.all(hits)).filter((w): w is number => w !== null);
    if (waits.length > 0) throw new PeerlockError('RATE_LIMITED', { retryAfterSeconds: Math.max(...waits) });
  }

  /**
   * RATE_LIMITED when the address already used up its attempts, counting
   * nothing: for limits on failures only (a wrong link access value), which
   * must refuse a right guess too once the guesser is over the limit, or the
   * limit would slow nothing.
   */
  async refuseIfExhausted(operation: LimitedOperation, address: string, now: number): Promise<void> {
    const [perAddress] = this.limits(operation);
    const windowMs = this.config.windowSeconds * 1000;
    const bucket = Buffer.from(hmacSha256(this.key, operation, 'address', address)).toString('base64url');
    const { count, windowStart } = await this.store.peekRateLimit(bucket, windowMs, now);
    if (count >= perAddress) throw new PeerlockError('RATE_LIMITED', { retryAfterSeconds: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)) });
  }

  private async hit(operation: LimitedOperation, dimension: string, value: string, limit: number, windowMs: number, now: number): Promise<number | null> {
    const bucket = Buffer.from(hmacSha256(this.key, operation, dimension, value)).toString('base64url');
    const { count, windowStart } = await this.store.hitRateLimit(bucket, windowMs, now);
    if (count <= limit) return null;
    return Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
  }

  private limits(operation: LimitedOperation): [number, number] {
    const c = this.config;
    switch (operation) {
      case 'signup':
        return [c.signupPerAddress, c.signupPerUsername];
      case 'challenge':
        return [c.challengePerAddress, c.challengePerUsername];
      case 'twoFactor':
        return [c.twoFactorPerAddress, c.twoFactorPerUsername];
      case 'replay':
        return [c.replayPerAddress, c.replayPerUsername];
      case 'keyLog':
        return [c.keyLogPerAddress, Number.POSITIVE_INFINITY];
      case 'linkAccess':
        return [c.linkAccessPerAddress, Number.POSITIVE_INFINITY];
      default: {
        const unreachable: never = operation;
        throw new Error(`unknown operation ${String(unreachable)}`);
      }
    }
  }
}
