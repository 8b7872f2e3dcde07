/**
 * UNAVAILABLE (the server's database restarting, a full disk): a typed,
 * retryable refusal. A read is sent once more after a short Retry-After; a
 * mutation's UNAVAILABLE, a second one, or a long Retry-After reaches the
 * caller as a PeerlockApiError with the code and the wait.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PeerlockClient } from '../../src/client/peerlock-client.js';
import { PeerlockApiError, serverCodeOf } from '../../src/client/errors.js';
import { ServerKeysDocument, SignupChallengeDocument } from '../../src/client/generated/graphql.js';

const unavailable = (retryAfterSeconds: number) =>
  new Response(JSON.stringify({ errors: [{ message: 'Temporarily unavailable, retry later', extensions: { code: 'UNAVAILABLE', retryAfterSeconds } }] }), {
    status: 503,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
  });
const serverKeys = () => new Response(JSON.stringify({ data: { serverKeys: { signingPublicKey: 'k', ephemeral: [] } } }), { status: 200, headers: { 'content-type': 'application/json' } });

function clientAnswering(...answers: (() => Response)[]) {
  const sent: number[] = [];
  const client = new PeerlockClient({
    url: 'http://peerlock.test/graphql',
    fetch: async () => {
      sent.push(Date.now());
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      return next();
    },
  });
  return { client, sent };
}

describe('UNAVAILABLE', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'Date'] });
    // The jitter (up to the wait again) at its middle: the retry comes 1.5 × Retry-After after the refusal.
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('is one of the server codes the client knows', () => {
    expect(serverCodeOf('UNAVAILABLE')).toBe('UNAVAILABLE');
  });

  it('a query is sent once more after the Retry-After and a jitter, and its answer returned', async () => {
    const { client, sent } = clientAnswering(() => unavailable(2), serverKeys);
    const result = client.call(ServerKeysDocument, {});
    await vi.advanceTimersByTimeAsync(2999);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    await expect(result).resolves.toEqual({ serverKeys: { signingPublicKey: 'k', ephemeral: [] } });
    expect(sent[1]! - sent[0]!).toBe(3000);
  });

  it('a second UNAVAILABLE reaches the caller, typed, with the wait', async () => {
    const { client, sent } = clientAnswering(() => unavailable(1), () => unavailable(1));
    const result = client.call(ServerKeysDocument, {}).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1500);
    const error = await result;
    expect(error).toBeInstanceOf(PeerlockApiError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', status: 503, details: { retryAfterSeconds: 1 } });
    expect(sent).toHaveLength(2);
  });

  it('a mutation is not sent again: its UNAVAILABLE is the caller’s', async () => {
    const { client, sent } = clientAnswering(() => unavailable(1), serverKeys);
    const input = { username: 'alice', miniLockId: 'x', authPublicKey: 'y' };
    await expect(client.call(SignupChallengeDocument, { input })).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    expect(sent).toHaveLength(1);
  });

  it('a long Retry-After (a full disk) is not waited out inside the call', async () => {
    const { client, sent } = clientAnswering(() => unavailable(30), serverKeys);
    await expect(client.call(ServerKeysDocument, {})).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { retryAfterSeconds: 30 } });
    expect(sent).toHaveLength(1);
  });
});
