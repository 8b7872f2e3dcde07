/**
 * Single-use login tokens (DESIGN §3). The pool hands out one per request
 * and refills itself with a new authChallenge before it runs dry; with
 * two-factor on a refill needs a code, which `totp` supplies (or the
 * refill fails with TWO_FACTOR_REQUIRED and the caller logs in again).
 * `totp` is asked only once the server has said a code is needed, so a user
 * without two-factor is never prompted.
 */
import { PeerlockApiError } from './errors.js';
export interface TokenSource {
  /** Fetches and opens a fresh batch (strict T8 opening happens there). */
  readonly fetchBatch: (totpCode?: string) => Promise<{ tokens: Uint8Array[]; expiresAt: number }>;
  readonly totp?: () => Promise<string | undefined>;
  readonly now: () => number;
}

/** Refill early: a few requests may be in flight when the pool runs low. */
const LOW_WATER = 3;
/** Tokens close to expiry are dropped rather than risked. */
const EXPIRY_MARGIN_MS = 15_000;
/** A caller waits through at most this many refills (each a whole batch) before giving up. */
const MAX_REFILLS_PER_TAKE = 4;

export class TokenPool {
  private tokens: Uint8Array[] = [];
  private expiresAt = 0;
  private refilling: Promise<void> | null = null;
  /** Set by the first TWO_FACTOR_REQUIRED: later refills ask for a code up front. */
  private codeNeeded = false;

  constructor(private readonly source: TokenSource) {}

  get size(): number {
    return this.live() ? this.tokens.length : 0;
  }

  /** Tokens and their expiry, for a session cache (the caller seals them). */
  snapshot(): { tokens: Uint8Array[]; expiresAt: number } {
    return { tokens: this.live() ? [...this.tokens] : [], expiresAt: this.expiresAt };
  }

  add(tokens: readonly Uint8Array[], expiresAt: number): void {
    if (!this.live()) this.tokens = [];
    this.tokens.push(...tokens);
    this.expiresAt = this.tokens.length === tokens.length ? expiresAt : Math.min(this.expiresAt, expiresAt);
  }

  clear(): void {
    for (const t of this.tokens) t.fill(0);
    this.tokens = [];
    this.expiresAt = 0;
  }

  /**
   * One token. Callers beyond what one batch holds wait for the next refill
   * rather than fail: 40 concurrent takes on a pool of 32 each get a token
   * (at most MAX_REFILLS_PER_TAKE batches are fetched for one caller, so a
   * server that answers empty batches cannot keep it looping).
   */
  async take(): Promise<Uint8Array> {
    for (let refills = 0; ; refills++) {
      // Only the callers who find the pool low refill; the others take at once.
      if (this.size <= LOW_WATER && refills < MAX_REFILLS_PER_TAKE) {
        try {
          await this.refill();
        } catch (error) {
          // A refill that needs a code we do not have may still leave a few tokens to spend.
          if (this.size === 0) throw error;
        }
      }
      if (this.live()) {
        const token = this.tokens.shift();
        if (token) return token;
      }
      if (refills >= MAX_REFILLS_PER_TAKE) throw new Error('token pool empty after refills');
    }
  }

  refill(totpCode?: string): Promise<void> {
    this.refilling ??= (async () => {
      try {
        const code = totpCode ?? (this.codeNeeded ? await this.source.totp?.() : undefined);
        let batch: { tokens: Uint8Array[]; expiresAt: number };
        try {
          batch = await this.source.fetchBatch(code);
        } catch (error) {
          if (!(error instanceof PeerlockApiError && error.code === 'TWO_FACTOR_REQUIRED') || code !== undefined || !this.source.totp) throw error;
          this.codeNeeded = true;
          const asked = await this.source.totp();
          if (asked === undefined) throw error;
          batch = await this.source.fetchBatch(asked);
        }
        this.add(batch.tokens, batch.expiresAt);
      } finally {
        this.refilling = null;
      }
    })();
    return this.refilling;
  }

  private live(): boolean {
    return this.source.now() < this.expiresAt - EXPIRY_MARGIN_MS;
  }
}
