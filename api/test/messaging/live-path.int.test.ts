/**
 * The real client path of DESIGN §4 "Notifications" (issue 17), through the
 * hostile proxy between the real SDK and the real server: with a stream
 * open, a message is one frame in (the mutation over the authenticated
 * connection, no token, no key lookup) and one push out (its envelope), and
 * the recipient verifies and shows it without a fetch. What the pushing
 * server can do wrong is played on the wire: a tampered envelope, another
 * sender named, another conversation's message, a push withheld (and the
 * fetch too), a push that comes without its envelope. Another device of
 * the sender's hears the message and goes on from it; a session that ends
 * ends the connection's operations.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PeerlockApiError, PeerlockClient, base64ToBytes, bytesToBase64, bytesToUtf8, keyPairFromSecretKey, randomBytes, type KeyPair, type LiveLimits, type NotificationStream, type PeerlockNotification, type ReadMessage } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy, type Rewrite } from '../../src/testing/index.js';
import { TestClock, startTestServer, type TestServer } from '../support/test-server.js';
import { until } from '../support/until.js';

interface Listening {
  readonly client: PeerlockClient;
  readonly shown: ReadMessage[];
  readonly notifications: PeerlockNotification[];
  readonly stream: NotificationStream;
  connected: boolean;
}

describe('the live path: one frame in, one push out, verified without a fetch', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  const identities = new Map<string, KeyPair>();
  const streams: NotificationStream[] = [];
  const rules: Rewrite[] = [];
  /** Authenticated-or-not HTTP GraphQL requests the proxy saw, by operation name. */
  const httpOperations: string[] = [];

  const client = (liveLimits?: LiveLimits) => new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket, now: Date.now, ...(liveLimits ? { liveLimits } : {}) });

  async function signedUp(username: string, liveLimits?: LiveLimits): Promise<PeerlockClient> {
    const c = client(liveLimits);
    const identity = keyPairFromSecretKey(randomBytes(32));
    identities.set(username, identity);
    await c.signup({ username, passphrase: '', identity });
    return c;
  }

  async function listening(c: PeerlockClient): Promise<Listening> {
    const l: Listening = { client: c, shown: [], notifications: [], connected: false, stream: undefined as unknown as NotificationStream };
    (l as { stream: NotificationStream }).stream = c.notifications({
      onMessages: (messages) => void l.shown.push(...messages),
      onNotification: (n) => void l.notifications.push(n),
      onConnected: () => void (l.connected = true),
      onError: () => true,
    });
    streams.push(l.stream);
    await until('the stream to connect', () => l.connected);
    return l;
  }

  const pair = async (a: string, b: string) => {
    const [x, y] = [await signedUp(a), await signedUp(b)];
    await x.requestContact(b);
    await y.acceptContact(a);
    return [x, y] as const;
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite', {}, new TestClock(Date.now()));
    proxy = await startHostileProxy({ target: server.url });
    proxy.onHttp(
      (method, path) => method === 'POST' && path.split('?')[0] === '/graphql',
      (request) => {
        httpOperations.push(/^\s*(?:query|mutation)\s+(\w+)/.exec(JSON.parse(bytesToUtf8(request.body)).query as string)?.[1] ?? '?');
        return undefined;
      },
    );
  });
  afterEach(() => {
    for (const rule of rules.splice(0)) rule.remove();
  });
  afterAll(async () => {
    await Promise.all(streams.map((s) => s.close()));
    await proxy?.close();
    await server?.close();
  });

  it('40 messages back and forth: no HTTP request, no key lookup, no fetch after the first; each verified on arrival with its chain and links', async () => {
    const [alice, bob] = await pair('alice', 'bob');
    const a = await listening(alice);
    const b = await listening(bob);
    const opened = await alice.messaging.send(['bob'], { subject: 'live', body: 'm0' });
    await until('bob to see m0', () => b.shown.length === 1);
    const before = httpOperations.length;
    for (let i = 1; i < 40; i++) {
      const [writer, reader] = i % 2 ? [bob, a] : [alice, b];
      const seen = reader.shown.length;
      await writer.messaging.reply(opened.conversationId, { body: `m${i}` });
      await until(`m${i} to arrive`, () => reader.shown.length === seen + 1);
    }
    // Everything after the first message went over the two connections.
    expect(httpOperations.slice(before)).toEqual([]);
    // No one was pushed what their own connection sent.
    expect(a.notifications.filter((n) => n.from === 'alice')).toEqual([]);
    expect(b.notifications.filter((n) => n.from === 'bob')).toEqual([]);
    const all = [...a.shown, ...b.shown].sort((x, y) => x.index - y.index);
    expect(all.map((m) => [m.body, m.rejected])).toEqual(Array.from({ length: 40 }, (_, i) => [`m${i}`, null]));
    // A reader opening the conversation afterwards verifies the same chain: the live replies linked and chained right.
    const view = await (await loggedIn('bob')).messaging.read(opened.conversationId);
    expect(view.messages.every((m) => m.rejected === null)).toBe(true);
    expect(view.withheld).toEqual([]);
    expect(view.anomalies).toEqual([]);
  });

  /** Another device of `username` (same key pair, its own session). */
  async function loggedIn(username: string): Promise<PeerlockClient> {
    const c = client();
    await c.login({ username, identity: identities.get(username)! });
    return c;
  }

  /** Bob, listening, in a conversation Alice opened; returns the conversation id. */
  async function conversation(aliceName: string, bobName: string): Promise<{ alice: PeerlockClient; b: Listening; id: string }> {
    const [alice, bob] = await pair(aliceName, bobName);
    const b = await listening(bob);
    const opened = await alice.messaging.send([bobName], { subject: 's', body: 'first' });
    await until('the first message', () => b.shown.length === 1);
    return { alice, b, id: opened.conversationId };
  }

  const onPush = (rewrite: (n: PeerlockNotification) => PeerlockNotification | undefined) => {
    const rule = proxy.onGraphql('Notifications', (data: { notifications: PeerlockNotification }) => {
      const out = data.notifications.kind === 'MESSAGE_RECEIVED' ? rewrite(data.notifications) : undefined;
      return out ? { notifications: out } : undefined;
    });
    rules.push(rule);
    return rule;
  };

  it('20 replies asked for at once from one client go out one after another: each chained after the one before, none withheld or replayed', async () => {
    const { alice, b, id } = await conversation('quinn', 'rosa');
    await listening(alice);
    await Promise.all(Array.from({ length: 20 }, (_, i) => alice.messaging.reply(id, { body: `burst ${i}` })));
    await until('all 20', () => b.shown.length === 21);
    expect(b.shown.slice(1).map((m) => [m.body, m.rejected])).toEqual(Array.from({ length: 20 }, (_, i) => [`burst ${i}`, null]));
  });

  it('both sides writing at once, 25 each: every message shown once on the other side, and the chains a fresh reader verifies have no gap or fork', async () => {
    const { alice, b, id } = await conversation('sam', 'tess');
    const a = await listening(alice);
    await alice.messaging.read(id, { last: 50 });
    await b.client.messaging.read(id, { last: 50 });
    await Promise.all([
      Promise.all(Array.from({ length: 25 }, (_, i) => alice.messaging.reply(id, { body: `sam ${i}` }))),
      Promise.all(Array.from({ length: 25 }, (_, i) => b.client.messaging.reply(id, { body: `tess ${i}` }))),
    ]);
    await until('both sides to have all', () => b.shown.filter((m) => m.sender === 'sam').length >= 26 && a.shown.filter((m) => m.sender === 'tess').length >= 25);
    const bodies = (list: ReadMessage[], sender: string) => list.filter((m) => m.sender === sender && m.rejected === null).map((m) => m.body);
    expect(new Set(bodies(b.shown, 'sam'))).toEqual(new Set(['first', ...Array.from({ length: 25 }, (_, i) => `sam ${i}`)]));
    expect(new Set(bodies(a.shown, 'tess'))).toEqual(new Set(Array.from({ length: 25 }, (_, i) => `tess ${i}`)));
    const view = await (await loggedIn('tess')).messaging.read(id);
    expect(view.messages).toHaveLength(51);
    expect(view.messages.filter((m) => m.rejected !== null)).toEqual([]);
    expect(view.withheld).toEqual([]);
    expect(view.anomalies).toEqual([]);
  });

  it('a long-lived stream keeps a bounded amount verified: past its bounds the next message is read as a window (one fetch) and shown as before', async () => {
    const ana = await signedUp('ana');
    const ben = await signedUp('ben', { messagesPerConversation: 4, conversations: 1 });
    await ana.requestContact('ben');
    await ben.acceptContact('ana');
    const b = await listening(ben);
    let fetches = 0;
    // Ben's reads travel on his stream's connection (Ana, without a stream, reads back over HTTP before each reply).
    rules.push(proxy.onGraphql('ConversationNewestMessages', (_data, context) => void (context.transport === 'ws' && fetches++)));
    const first = await ana.messaging.send(['ben'], { subject: 'long', body: 'm0' });
    await until('m0', () => b.shown.length === 1);
    for (let i = 1; i <= 6; i++) {
      await ana.messaging.reply(first.conversationId, { body: `m${i}` });
      await until(`m${i}`, () => b.shown.length === i + 1);
    }
    expect(b.shown.map((m) => [m.body, m.rejected])).toEqual(Array.from({ length: 7 }, (_, i) => [`m${i}`, null]));
    // The first message's catch-up, then a window each time the ledger passed 4 messages.
    expect(fetches).toBeGreaterThan(2);
    // One conversation kept: a second one drops the first, whose next message is read again.
    const other = await ana.messaging.send(['ben'], { subject: 'other', body: 'o0' });
    await until('o0', () => b.shown.some((m) => m.conversationId === other.conversationId));
    const before = fetches;
    await ana.messaging.reply(first.conversationId, { body: 'back' });
    await until('back', () => b.shown.some((m) => m.body === 'back'));
    expect(b.shown.find((m) => m.body === 'back')!.rejected).toBeNull();
    expect(fetches).toBe(before + 1);
  });

  it('a pushed envelope whose ciphertext was altered is shown as Undecryptable, never as the message', async () => {
    const { alice, b, id } = await conversation('carol', 'dan');
    onPush((n) => {
      const bytes = base64ToBytes(n.message!.ciphertext!);
      bytes[bytes.length - 20]! ^= 1;
      return { ...n, message: { ...n.message!, ciphertext: bytesToBase64(bytes) } };
    });
    await alice.messaging.reply(id, { body: 'altered on the way' });
    await until('the push', () => b.shown.length === 2);
    expect(b.shown[1]).toMatchObject({ rejected: 'Undecryptable' });
    expect(b.shown[1]!.body).toBeUndefined();
  });

  it('a push naming another sender is SenderKeyMismatch', async () => {
    const { alice, b, id } = await conversation('erin', 'frank');
    onPush((n) => ({ ...n, from: 'frank', message: { ...n.message!, sender: 'frank' } }));
    await alice.messaging.reply(id, { body: 'whose?' });
    await until('the push', () => b.shown.length === 2);
    expect(b.shown[1]).toMatchObject({ rejected: 'SenderKeyMismatch', sender: 'frank' });
  });

  it("another conversation's message pushed as this one's is not shown as this one's", async () => {
    const { alice, b, id } = await conversation('gina', 'hank');
    const other = await alice.messaging.send(['hank'], { subject: 'other', body: 'elsewhere' });
    await until('the other conversation', () => b.shown.length === 2);
    const foreign = b.notifications.find((n) => n.conversationId === other.conversationId)!.message!;
    onPush((n) => (n.conversationId === id ? { ...n, message: { ...foreign, conversationId: id, index: n.message!.index } } : undefined));
    await alice.messaging.reply(id, { body: 'the real one' });
    await until('the push', () => b.shown.length === 3);
    expect(b.shown[2]).toMatchObject({ conversationId: id, rejected: 'WrongConversation' });
  });

  it('a push withheld shows up with the next one (fetched to catch up); withheld from the fetch too, it is reported withheld', async () => {
    const { alice, b, id } = await conversation('ivan', 'judy');
    // Ivan listens too, so his replies go on from his own chain, not from a fetch the proxy tampers with below.
    await listening(alice);
    await alice.messaging.read(id, { last: 50 });
    // The server hides message 1's push (turned into a notification the client has no use for).
    let hidden = 0;
    const hide = onPush((n) => (n.message!.index === 1 ? (hidden++, { ...n, kind: 'CONTACT_ACCEPTED', conversationId: null, messageId: null, message: null }) : undefined));
    await alice.messaging.reply(id, { body: 'hidden push' });
    await until('the hidden push', () => hidden === 1);
    await alice.messaging.reply(id, { body: 'next' });
    await until('both', () => b.shown.length === 3);
    expect(b.shown.slice(1).map((m) => [m.index, m.body, m.rejected])).toEqual([
      [1, 'hidden push', null],
      [2, 'next', null],
    ]);
    hide.remove();

    // Now the server withholds message 3 everywhere: the push and every fetch of it.
    onPush((n) => (n.message!.index === 3 ? { ...n, kind: 'CONTACT_ACCEPTED', conversationId: null, messageId: null, message: null } : undefined));
    const dropThird = (data: { conversation: { messages: { edges: { node: { index: number } }[] } } }) => ({
      conversation: { ...data.conversation, messages: { ...data.conversation.messages, edges: data.conversation.messages.edges.filter((e) => e.node.index !== 3) } },
    });
    rules.push(proxy.onGraphql('ConversationNewestMessages', dropThird), proxy.onGraphql('ConversationMessages', dropThird));
    await alice.messaging.reply(id, { body: 'withheld' });
    await alice.messaging.reply(id, { body: 'after it' });
    await until('the one after', () => b.shown.some((m) => m.index === 4));
    const last = b.shown.find((m) => m.index === 4)!;
    // Ivan's fourth message (server index 3) is what is missing from his chain.
    expect(last).toMatchObject({ body: 'after it', rejected: 'SequenceGap', withheld: { from: 4, to: 4 } });
    expect(b.shown.some((m) => m.index === 3)).toBe(false);
  });

  it("a lying index in our own send's answer does not move our chain: the next reply still follows it, and the reader verifies both", async () => {
    const { alice, b, id } = await conversation('uma', 'vic');
    await listening(alice);
    await alice.messaging.read(id, { last: 50 });
    rules.push(proxy.onGraphql('SendMessage', (data: { sendMessage: { index: number } }) => ({ sendMessage: { ...data.sendMessage, index: data.sendMessage.index + 5 } })));
    await alice.messaging.reply(id, { body: 'told the wrong index' });
    await alice.messaging.reply(id, { body: 'and again' });
    await until('both replies', () => b.shown.length === 3);
    expect(b.shown.map((m) => [m.body, m.rejected])).toEqual([
      ['first', null],
      ['told the wrong index', null],
      ['and again', null],
    ]);
    const view = await (await loggedIn('vic')).messaging.read(id);
    expect(view.anomalies).toEqual([]);
    expect(view.withheld).toEqual([]);
  });

  it('a push whose index is a lie costs a fetch, nothing else: an index already passed drops it until the next push shows the gap, which is fetched and verified', async () => {
    const { alice, b, id } = await conversation('wes', 'xia');
    let lied = 0;
    onPush((n) => (n.message!.index === 1 ? (lied++, { ...n, message: { ...n.message!, index: 0 } }) : undefined));
    await alice.messaging.reply(id, { body: 'pushed under an old index' });
    await until('the lying push', () => lied === 1 && b.notifications.length >= 2);
    expect(b.shown).toHaveLength(1);
    await alice.messaging.reply(id, { body: 'the next one' });
    await until('both', () => b.shown.length === 3);
    expect(b.shown.slice(1).map((m) => [m.index, m.body, m.rejected])).toEqual([
      [1, 'pushed under an old index', null],
      [2, 'the next one', null],
    ]);
  });

  it("a contact's key change pushed while connected makes the next message check the key again: sending is refused until it is accepted", async () => {
    const [yan, zoe] = await pair('yan', 'zoe');
    const y = await listening(yan);
    const opened = await yan.messaging.send(['zoe'], { subject: 'before', body: 'to the old key' });
    await zoe.rotateKeys({ identity: keyPairFromSecretKey(randomBytes(32)) });
    await until('the key change to be pushed', () => y.notifications.some((n) => n.kind === 'CONTACT_KEY_CHANGED' && n.from === 'zoe'));
    await expect(yan.messaging.reply(opened.conversationId, { body: 'to which key?' })).rejects.toMatchObject({ code: 'CONTACT_KEY' });
  });

  it('a push without its envelope (purged, or an older server) is fetched, then verified as usual', async () => {
    const { alice, b, id } = await conversation('kate', 'liam');
    onPush((n) => ({ ...n, message: null }));
    await alice.messaging.reply(id, { body: 'no envelope' });
    await until('the message', () => b.shown.length === 2);
    expect(b.shown[1]).toMatchObject({ body: 'no envelope', rejected: null });
  });

  it("another device of the sender's is pushed the message too, shows it, and replies after it without a gap", async () => {
    const { alice, b, id } = await conversation('mona', 'nick');
    const phone = await listening(await loggedIn('mona'));
    await phone.client.messaging.read(id, { last: 50 });
    await alice.messaging.reply(id, { body: 'from the laptop' });
    await until('the phone to hear it', () => phone.shown.some((m) => m.body === 'from the laptop'));
    expect(phone.shown.find((m) => m.body === 'from the laptop')).toMatchObject({ sender: 'mona', rejected: null });
    // The laptop, which sent it, was not pushed its own message.
    await phone.client.messaging.reply(id, { body: 'from the phone' });
    await until('nick to see both', () => b.shown.length === 3);
    expect(b.shown.map((m) => [m.body, m.rejected])).toEqual([
      ['first', null],
      ['from the laptop', null],
      ['from the phone', null],
    ]);
  });

  it('a session ended elsewhere ends its connection: the stream stops SESSION_ENDED, and later calls are refused SESSION_ENDED', async () => {
    const [olga] = await pair('olga', 'paul');
    let stopped: unknown = null;
    let connected = false;
    const stream = olga.notifications({ onNotification: () => undefined, onConnected: () => void (connected = true), onError: (error) => void (stopped = error) });
    streams.push(stream);
    await until('the stream to connect', () => connected);
    const other = await loggedIn('olga');
    const target = (await other.sessions()).find((x) => !x.current)!;
    await other.revokeSession(target.id);
    await until('the stream to stop', () => stopped !== null);
    expect(stopped).toBeInstanceOf(PeerlockApiError);
    expect(stopped).toMatchObject({ code: 'SESSION_ENDED' });
    await stream.done;
    await expect(olga.contacts()).rejects.toMatchObject({ code: 'SESSION_ENDED' });
  });
});
