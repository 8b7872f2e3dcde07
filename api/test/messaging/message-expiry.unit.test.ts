/** The expiry loop alone, on fake timers and a fake clock: when it sweeps, what it hands each conversation, how it fails. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageExpiry } from '../../src/conversations/message-expiry.js';

interface Row {
  messageId: string;
  conversationId: string;
  expiresAt: number;
}

describe('the message expiry loop', () => {
  let t: number;
  let rows: Row[];
  let calls: { conversationId: string; messageIds: readonly string[]; now: number }[];
  let failFor: Set<string>;
  let errors: unknown[];
  let loop: MessageExpiry;

  const store = {
    async due(now: number, limit: number) {
      return rows
        .filter((r) => r.expiresAt <= now)
        .sort((a, b) => a.expiresAt - b.expiresAt)
        .slice(0, limit)
        .map(({ messageId, conversationId }) => ({ messageId, conversationId }));
    },
    async nextDue() {
      return rows.length === 0 ? null : Math.min(...rows.map((r) => r.expiresAt));
    },
  };
  const conversations = {
    async expire(conversationId: string, messageIds: readonly string[], now: number) {
      calls.push({ conversationId, messageIds, now });
      if (failFor.has(conversationId)) throw new Error(`refused ${conversationId}`);
      rows = rows.filter((r) => !messageIds.includes(r.messageId));
      return { purged: messageIds.length, settled: messageIds.length };
    },
  };
  /** The app clock and the timers move together. */
  const pass = async (ms: number) => {
    t += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };
  const row = (n: number, conversationId: string, expiresAt: number): Row => ({ messageId: `m${n}`, conversationId, expiresAt });

  beforeEach(() => {
    vi.useFakeTimers();
    t = 1_000_000;
    rows = [];
    calls = [];
    failFor = new Set();
    errors = [];
    loop = new MessageExpiry(store, conversations, () => t, (error) => errors.push(error));
  });
  afterEach(async () => {
    await loop.stop();
    vi.useRealTimers();
  });

  it('sweeps at once when started (what fell due while the node was down), each conversation’s rows together', async () => {
    rows = [row(1, 'a', t - 10), row(2, 'b', t - 5), row(3, 'a', t), row(4, 'a', t + 10_000)];
    loop.start();
    await pass(0);
    expect(calls).toEqual([
      { conversationId: 'a', messageIds: ['m1', 'm3'], now: t },
      { conversationId: 'b', messageIds: ['m2'], now: t },
    ]);
    expect(rows.map((r) => r.messageId)).toEqual(['m4']);
  });

  it('sleeps until the next row is due', async () => {
    rows = [row(1, 'a', t + 5000)];
    loop.start();
    await pass(4999);
    expect(calls).toEqual([]);
    await pass(1);
    expect(calls.map((c) => c.messageIds)).toEqual([['m1']]);
  });

  it('sleeps at least a second (a burst is one sweep) and at most a minute (rows stored through another node)', async () => {
    loop.start();
    await pass(0);
    // Another node stored a row due at once: found within the minute, not before this loop's wake-up.
    rows = [row(1, 'a', t + 1), row(2, 'a', t + 2), row(3, 'a', t + 60_001)];
    await pass(59_999);
    expect(calls).toEqual([]);
    await pass(1);
    expect(calls.map((c) => c.messageIds)).toEqual([['m1', 'm2']]);
    // The next one is due a millisecond later: still a second's pause.
    await pass(999);
    expect(calls).toHaveLength(1);
    await pass(1);
    expect(calls).toHaveLength(2);
  });

  it('wakes earlier for a message stored with an expiry before its wake-up, not for a later one', async () => {
    loop.start();
    await pass(0);
    rows = [row(1, 'a', t + 70_000)];
    loop.wake(t + 70_000);
    rows.push(row(2, 'a', t + 3000));
    loop.wake(t + 3000);
    await pass(3000);
    expect(calls.map((c) => c.messageIds)).toEqual([['m2']]);
    // Then it sleeps until the next one (at most a minute at a time).
    await pass(60_000);
    expect(calls).toHaveLength(1);
    await pass(7000);
    expect(calls.map((c) => c.messageIds)).toEqual([['m2'], ['m1']]);
  });

  it('reads the due rows in batches until none is left', async () => {
    rows = Array.from({ length: 1200 }, (_, i) => row(i, `c${i % 3}`, t - 1));
    expect(await loop.sweepNow()).toBe(1200);
    expect(rows).toEqual([]);
    expect(calls.every((c) => c.messageIds.length <= 500)).toBe(true);
    expect(calls.flatMap((c) => c.messageIds)).toHaveLength(1200);
  });

  it('logs a failure and tries again later; one conversation’s failure does not hold up the others', async () => {
    rows = [row(1, 'bad', t - 1), row(2, 'good', t - 1)];
    failFor.add('bad');
    loop.start();
    await pass(0);
    expect(errors.map(String)).toEqual(['Error: refused bad']);
    expect(rows.map((r) => r.messageId)).toEqual(['m1']);
    failFor.clear();
    await pass(9999);
    expect(rows).toHaveLength(1);
    await pass(1);
    expect(rows).toEqual([]);
    // sweepNow (for tests) says so rather than logging.
    rows = [row(3, 'bad', t)];
    failFor.add('bad');
    await expect(loop.sweepNow()).rejects.toThrow('refused bad');
  });

  it('sweeps no more once stopped', async () => {
    loop.start();
    await pass(0);
    await loop.stop();
    rows = [row(1, 'a', t)];
    loop.wake(t);
    await pass(120_000);
    expect(calls).toEqual([]);
  });
});
