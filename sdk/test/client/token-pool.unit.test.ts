/**
 * The token pool's rules, with a token source that counts batches: refill
 * before running dry, one refill for many concurrent takers, expired
 * batches never handed out, and the few tokens left when a refill needs a
 * two-factor code we do not have.
 */
import { describe, expect, it } from 'vitest';
import { PeerlockApiError } from '../../src/client/errors.js';
import { TokenPool } from '../../src/client/token-pool.js';

function source(options: { batch?: number; ttlMs?: number; failWith?: Error } = {}) {
  let now = 1_000_000;
  let batches = 0;
  let serial = 0;
  const codes: (string | undefined)[] = [];
  const pool = new TokenPool({
    now: () => now,
    fetchBatch: async (code) => {
      codes.push(code);
      if (options.failWith && batches > 0) throw options.failWith;
      batches++;
      return { tokens: Array.from({ length: options.batch ?? 8 }, () => new Uint8Array([serial++])), expiresAt: now + (options.ttlMs ?? 600_000) };
    },
  });
  return { pool, batches: () => batches, codes, advance: (ms: number) => (now += ms) };
}

describe('TokenPool', () => {
  it('asks for a two-factor code only after the server said one is needed, then up front', async () => {
    let twoFactorOn = false;
    const asked: number[] = [];
    const sent: (string | undefined)[] = [];
    let serial = 0;
    const pool = new TokenPool({
      now: () => 1_000_000,
      totp: async () => {
        asked.push(serial);
        return '123456';
      },
      fetchBatch: async (code) => {
        sent.push(code);
        if (twoFactorOn && code === undefined) throw new PeerlockApiError('TWO_FACTOR_REQUIRED', 401);
        return { tokens: Array.from({ length: 4 }, () => new Uint8Array([serial++])), expiresAt: 2_000_000 };
      },
    });
    await pool.refill();
    expect(asked).toEqual([]);
    twoFactorOn = true;
    await pool.refill();
    await pool.refill();
    expect(sent).toEqual([undefined, undefined, '123456', '123456']);
    expect(asked.length).toBe(2);
  });

  it('gives every one of more concurrent callers than a batch holds a token (40 takes on batches of 32)', async () => {
    const s = source({ batch: 32 });
    const taken = await Promise.all(Array.from({ length: 40 }, () => s.pool.take()));
    expect(new Set(taken.map((t) => t[0])).size).toBe(40);
    expect(s.batches()).toBe(2);
  });

  it('gives up after a few refills when the server keeps answering empty batches', async () => {
    let batches = 0;
    const pool = new TokenPool({ now: () => 0, fetchBatch: async () => (batches++, { tokens: [], expiresAt: 600_000 }) });
    await expect(pool.take()).rejects.toThrow('token pool empty after refills');
    expect(batches).toBe(4);
  });

  it('hands out each token once and refills before it runs dry', async () => {
    const s = source({ batch: 8 });
    const taken = [];
    for (let i = 0; i < 12; i++) taken.push((await s.pool.take())[0]);
    expect(new Set(taken).size).toBe(12);
    expect(s.batches()).toBe(2);
  });

  it('coalesces the refills of concurrent takers into one batch', async () => {
    const s = source({ batch: 32 });
    const taken = await Promise.all(Array.from({ length: 20 }, () => s.pool.take()));
    expect(new Set(taken.map((t) => t[0])).size).toBe(20);
    expect(s.batches()).toBe(1);
  });

  it('never hands out a token of an expired batch', async () => {
    const s = source({ batch: 8, ttlMs: 60_000 });
    const first = await s.pool.take();
    s.advance(60_000);
    const next = await s.pool.take();
    expect(next[0]).toBe(8);
    expect(first[0]).toBe(0);
    expect(s.batches()).toBe(2);
  });

  it('spends what is left when a refill is refused, then reports the refusal', async () => {
    const s = source({ batch: 5, failWith: new PeerlockApiError('TWO_FACTOR_REQUIRED', 401) });
    await s.pool.take();
    await s.pool.take();
    // 3 left: at the low-water mark each take tries a refill, fails, and spends one anyway.
    for (let i = 0; i < 3; i++) await s.pool.take();
    await expect(s.pool.take()).rejects.toMatchObject({ code: 'TWO_FACTOR_REQUIRED' });
  });

  it('passes a code given for the refill through to the source', async () => {
    const s = source();
    await s.pool.refill('123456');
    expect(s.codes).toEqual(['123456']);
  });
});
