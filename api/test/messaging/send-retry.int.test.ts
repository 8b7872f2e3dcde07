/**
 * `messaging.send` when the answer is lost (issue 14): the SDK cannot tell
 * whether a message it sent was stored, so it sends the very same message
 * (same id, same bytes) again, and reports one outcome. Played on the wire:
 * the hostile proxy lets the server store the message and then cuts the
 * client's connection, cuts it before the server sees anything, or answers
 * UNAVAILABLE itself. Whatever it does, the recipient reads the message
 * exactly once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PeerlockApiError, PeerlockClient, PeerlockNetworkError, SEND_ATTEMPTS, keyPairFromSecretKey, randomBytes, bytesToUtf8 } from '@peerlock/sdk';
import { startHostileProxy, type ForgedResponse, type HostileProxy, type InterceptedRequest, type Rewrite } from '../../src/testing/index.js';
import { unavailable } from '../support/forged-responses.js';
import { TestClock, startTestServer, type TestServer } from '../support/test-server.js';

const isSend = (method: string, path: string) => method === 'POST' && path.split('?')[0] === '/graphql';
const sendsMessage = (request: InterceptedRequest) => /mutation SendMessage\b/.test(bytesToUtf8(request.body));

describe('sending again after a lost answer, on the wire', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  let alice: PeerlockClient;
  let bob: PeerlockClient;
  const rules: Rewrite[] = [];

  /** Answers the SendMessage requests in turn with `plan` (forwarding and dropping, dropping, forging); later ones pass. */
  function onSends(...plan: ('stored-then-cut' | 'cut' | ForgedResponse)[]): { seen: () => number } {
    let seen = 0;
    rules.push(
      proxy.onHttp(isSend, async (request) => {
        if (!sendsMessage(request)) return undefined;
        const step = plan[seen++];
        if (step === undefined) return undefined;
        if (step === 'stored-then-cut') {
          const answer = await request.forward();
          expect(answer.status).toBe(200);
          return { drop: true };
        }
        if (step === 'cut') return { drop: true };
        return step;
      }),
    );
    return { seen: () => seen };
  }

  /** What Bob reads of the conversation: the bodies of its verified messages. */
  const bobReads = async (conversationId: string) => (await bob.messaging.read(conversationId)).messages.map((m) => ({ body: m.body, rejected: m.rejected }));

  beforeAll(async () => {
    // Today's date (the default test clock is months back): a message's own time is checked against the server's.
    server = await startTestServer('sqlite', {}, new TestClock(Date.now()));
    proxy = await startHostileProxy({ target: server.url });
    const signedUp = async (username: string) => {
      const client = new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket, now: server.clock.now });
      await client.signup({ username, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
      return client;
    };
    alice = await signedUp('alice');
    bob = await signedUp('bob');
    await alice.requestContact('bob');
    await bob.acceptContact('alice');
  });
  afterEach(() => {
    for (const rule of rules.splice(0)) rule.remove();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('the server stored it and the answer was cut: sent again, reported sent, read once', async () => {
    const sends = onSends('stored-then-cut');
    const sent = await alice.messaging.send(['bob'], { subject: 'cut', body: 'stored, answer lost' });
    expect(sends.seen()).toBe(2);
    expect(rules[0]!.count).toBe(1);
    expect(await bobReads(sent.conversationId)).toEqual([{ body: 'stored, answer lost', rejected: null }]);
    // The outcome reported is the stored message's.
    const view = await alice.messaging.read(sent.conversationId);
    expect(view.messages.map((m) => [m.messageId, m.index])).toEqual([[sent.messageId, sent.index]]);
  });

  it('the connection was cut before the server saw it: sent again, read once', async () => {
    const sends = onSends('cut');
    const sent = await alice.messaging.send(['bob'], { subject: 'lost', body: 'never arrived the first time' });
    expect(sends.seen()).toBe(2);
    expect(await bobReads(sent.conversationId)).toEqual([{ body: 'never arrived the first time', rejected: null }]);
  });

  it('UNAVAILABLE twice with a short Retry-After, then stored: one message, after the waits', async () => {
    const sends = onSends(unavailable(1), unavailable(1));
    const started = Date.now();
    const sent = await alice.messaging.send(['bob'], { subject: 'busy', body: 'after two refusals' });
    expect(sends.seen()).toBe(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(await bobReads(sent.conversationId)).toEqual([{ body: 'after two refusals', rejected: null }]);
  });

  it(`stored, then every answer cut: NETWORK after ${SEND_ATTEMPTS} attempts, and still only one message`, async () => {
    const sends = onSends(...Array.from({ length: SEND_ATTEMPTS }, () => 'stored-then-cut' as const));
    const error = await alice.messaging.send(['bob'], { subject: 'unknown', body: 'outcome unknown' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerlockNetworkError);
    expect(error).toMatchObject({ code: 'NETWORK' });
    expect(sends.seen()).toBe(SEND_ATTEMPTS);
    // The caller never learnt the conversation's id: Bob reads every conversation, and finds exactly one copy.
    let copies = 0;
    for (const c of await bob.messaging.conversations()) copies += (await bobReads(c.id)).filter((m) => m.body === 'outcome unknown').length;
    expect(copies).toBe(1);
  });

  it('UNAVAILABLE with a long Retry-After (a full disk) or a refusal is not sent again', async () => {
    const full = onSends(unavailable(30));
    await expect(alice.messaging.send(['bob'], { body: 'disk full' })).rejects.toMatchObject({ code: 'UNAVAILABLE', details: { retryAfterSeconds: 30 } });
    expect(full.seen()).toBe(1);
    for (const rule of rules.splice(0)) rule.remove();
    const refused = onSends({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] }) });
    const error = await alice.messaging.send(['bob'], { body: 'refused' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PeerlockApiError);
    expect(error).toMatchObject({ code: 'FORBIDDEN' });
    expect(refused.seen()).toBe(1);
  });
});
