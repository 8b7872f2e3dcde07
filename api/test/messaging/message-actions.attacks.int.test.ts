/**
 * Disappearing messages, delete for everyone and edit (issue 20), played on
 * the wire: the hostile proxy sits between real SDK clients and the real
 * server and rewrites what the server answers, as a lying server could; a
 * dishonest participant bypasses its own client (and the server's check) by
 * composing and sending an action itself. Every case asserts the exact typed
 * verdict the recipient's SDK gives, and that nothing it should not act on
 * is acted on: a made-up tombstone is withheld, not expired; a foreign,
 * replayed, mis-hashed or late delete leaves the original shown.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parse } from 'graphql';
import {
  bytesToBase64,
  base64ToBytes,
  composeMessage,
  ConversationLedger,
  DELETE_WINDOW_MS,
  keyPairFromSecretKey,
  MessageActionError,
  miniLockIdOf,
  PeerlockApiError,
  PeerlockClient,
  randomBytes,
  type KeyPair,
  type MessageAction,
  type ReadMessage,
  type TimerSeconds,
} from '@peerlock/sdk';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { startHostileProxy, type HostileProxy, type Rewrite } from '../../src/testing/index.js';
import { TestClock, startTestServer, type TestServer } from '../support/test-server.js';

interface WireMessage {
  conversationId: string;
  messageId: string;
  index: number;
  sender: string;
  participants: string[];
  receivedAt: string;
  position: string;
  ciphertext: string | null;
  expiresAt: string | null;
  gone: 'EXPIRED' | 'DELETED' | null;
  action: { kind: string; targetMessageId: string } | null;
  receipts: unknown[];
}

const MESSAGES = parse(`query Messages($id: String!) {
  conversation(id: $id) { messages(first: 100) { edges { node { conversationId messageId index sender participants receivedAt position ciphertext expiresAt gone action { kind targetMessageId } receipts { reader } } } } }
}`) as TypedDocumentNode<{ conversation: { messages: { edges: { node: WireMessage }[] } } }, { id: string }>;

const SEND = parse(`mutation Raw($input: SendMessageInput!) { sendMessage(input: $input) { index receivedAt } }`) as TypedDocumentNode<
  { sendMessage: { index: number; receivedAt: string } },
  { input: Record<string, unknown> }
>;

/** The `conversation` answers the proxy rewrites: each page's message nodes. */
const rewriteNodes = (data: { conversation: { messages: { edges: { node: WireMessage }[] } } }, change: (nodes: WireMessage[]) => WireMessage[]) => ({
  ...data,
  conversation: { ...data.conversation, messages: { ...data.conversation.messages, edges: change(data.conversation.messages.edges.map((e) => e.node)).map((node) => ({ cursor: String(node.index), node })) } },
});

describe('issue 20 on the wire: timers, deletes and edits a lying server or a dishonest sender makes', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  const clock = new TestClock(Date.now());
  const identities = new Map<string, KeyPair>();
  const clients = new Map<string, PeerlockClient>();
  const rules: Rewrite[] = [];

  const client = () => new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket, now: clock.now });
  const keys = () => Object.fromEntries([...identities].map(([u, k]) => [u, miniLockIdOf(k)]));

  /** A fresh device of `username` (its own session), as a recipient opening the conversation. */
  async function device(username: string): Promise<PeerlockClient> {
    const c = client();
    await c.login({ username, identity: identities.get(username)! });
    return c;
  }

  /**
   * What a sender who bypasses its own client sends: its next message in the
   * conversation, chained on what it verified, with any action — and, unless
   * `tell` is set, without telling the server it is one (so the server's own
   * checks cannot refuse it).
   */
  async function sendRaw(username: string, conversationId: string, input: { body?: string; action?: MessageAction; expiresIn?: TimerSeconds; tell?: boolean }) {
    const c = clients.get(username)!;
    const me = { username, secretKey: identities.get(username)!.secretKey };
    const ledger = await ledgerOf(username, conversationId);
    const composed = composeMessage({ sender: me, conversation: ledger, keys: keys(), body: input.body ?? '', now: clock.now(), ...(input.action ? { action: input.action } : {}), ...(input.expiresIn !== undefined ? { expiresIn: input.expiresIn } : {}) });
    const action = input.action;
    const told = input.tell && action && action.kind !== 'timer' ? { action: { kind: action.kind.toUpperCase(), targetMessageId: action.messageId } } : {};
    await c.call(SEND, { input: { conversationId, messageId: composed.messageId, participants: [...composed.participants], ciphertext: bytesToBase64(composed.ciphertext), expiresInSeconds: composed.plaintext.expiresIn, ...told } }, true);
    return { composed, ledger };
  }

  /** alice's message `messageId` as a delete or an edit of hers must name it, from a ledger of what she verified. */
  const targetIn = (ledger: ConversationLedger, username: string, messageId: string, kind: 'delete' | 'edit'): Extract<MessageAction, { kind: 'delete' | 'edit' }> => {
    const own = ledger.messageOf(username, messageId)!;
    return { kind, messageId, sequence: own.sequence, hash: own.hash };
  };

  const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'no error', (error: unknown) => error);

const shownBodies = (messages: readonly ReadMessage[]) => messages.filter((m) => m.rejected === null && !m.deleted && !m.action).map((m) => m.body);

  beforeAll(async () => {
    server = await startTestServer('sqlite', {}, clock);
    proxy = await startHostileProxy({ target: server.url });
    for (const username of ['alice', 'bob', 'carol']) {
      const c = client();
      const identity = keyPairFromSecretKey(randomBytes(32));
      identities.set(username, identity);
      await c.signup({ username, passphrase: '', identity });
      clients.set(username, c);
    }
    const [alice, bob, carol] = ['alice', 'bob', 'carol'].map((u) => clients.get(u)!);
    await alice!.requestContact('bob');
    await bob!.acceptContact('alice');
    await alice!.requestContact('carol');
    await carol!.acceptContact('alice');
  });
  afterEach(() => {
    for (const rule of rules.splice(0)) rule.remove();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  async function conversation(subject: string) {
    const alice = clients.get('alice')!;
    const opened = await alice.messaging.send(['bob', 'carol'], { subject, body: `${subject}: hello` });
    return opened.conversationId;
  }

  it('the honest path: a timer everyone sees, replies that expire by it (not withheld after), an unsend and an edit', async () => {
    const c = await conversation('honest');
    const [alice, bob] = [clients.get('alice')!, clients.get('bob')!];
    await bob.messaging.read(c);
    await bob.messaging.setTimer(c, 300);
    const reply = await alice.messaging.reply(c, { body: 'gone in five minutes' });
    expect(reply.expiresAt).toBe(reply.receivedAt + 300_000);
    const keep = await alice.messaging.setTimer(c, 0);
    expect(keep.action).toEqual({ kind: 'timer', seconds: 0 });
    const oops = await alice.messaging.reply(c, { body: 'oops, wrong chat' });
    const typo = await alice.messaging.reply(c, { body: 'see you at 5' });
    await alice.messaging.unsend(c, oops.messageId);
    await alice.messaging.edit(c, typo.messageId, 'see you at 6');
    // Edited, then taken back: neither text stays anywhere in the view.
    const regret = await alice.messaging.reply(c, { body: 'first thought' });
    await alice.messaging.edit(c, regret.messageId, 'second thought');
    await alice.messaging.unsend(c, regret.messageId);

    const carol = await device('carol');
    const before = await carol.messaging.read(c);
    expect(before.timer).toMatchObject({ seconds: 0, setBy: 'alice' });
    expect(shownBodies(before.messages)).toEqual(['honest: hello', 'gone in five minutes', 'see you at 6']);
    expect(before.messages.find((m) => m.messageId === oops.messageId)).toMatchObject({ deleted: { at: expect.any(Number) } });
    expect(before.messages.find((m) => m.messageId === oops.messageId)?.body).toBeUndefined();
    expect(before.messages.find((m) => m.messageId === typo.messageId)).toMatchObject({ body: 'see you at 6', edited: { at: expect.any(Number) } });
    expect(JSON.stringify(before.messages)).not.toMatch(/first thought|second thought/);
    expect(before.messages.find((m) => m.messageId === regret.messageId)).toMatchObject({ deleted: { at: expect.any(Number) } });
    expect(before.messages.filter((m) => m.action?.kind === 'timer').map((m) => [m.sender, m.action])).toEqual([
      ['bob', { kind: 'timer', seconds: 300 }],
      ['alice', { kind: 'timer', seconds: 0 }],
    ]);

    clock.advance(301_000);
    await server.app.sweepMessagesNow();
    const after = await (await device('carol')).messaging.read(c);
    expect(shownBodies(after.messages)).toEqual(['honest: hello', 'see you at 6']);
    expect(after.withheld).toEqual([]);
    expect(after.anomalies).toEqual([]);
  });

  it('a tombstone the server makes up (EXPIRED without any timer, DELETED without a delete): withheld, never silently gone', async () => {
    const c = await conversation('tombstones');
    await clients.get('alice')!.messaging.reply(c, { body: 'second' });
    await clients.get('alice')!.messaging.reply(c, { body: 'third' });
    for (const gone of ['EXPIRED', 'DELETED'] as const) {
      rules.push(
        proxy.onGraphql('ConversationNewestMessages', (data) => rewriteNodes(data, (nodes) => nodes.map((n) => (n.index === 1 ? { ...n, ciphertext: null, gone } : n)))),
        proxy.onGraphql('ConversationMessages', (data) => rewriteNodes(data, (nodes) => nodes.map((n) => (n.index === 1 ? { ...n, ciphertext: null, gone } : n)))),
      );
      const view = await (await device('bob')).messaging.read(c);
      expect(shownBodies(view.messages)).toEqual(['tombstones: hello', 'third']);
      expect(view.withheld).toEqual([{ sender: 'alice', sequences: [2], count: 1 }]);
      for (const rule of rules.splice(0)) rule.remove();
    }
  });

  it('an expiry the server shortens: the client keeps the message until its own signed expiry', async () => {
    const c = await conversation('shortened');
    const alice = clients.get('alice')!;
    await alice.messaging.setTimer(c, 604_800);
    const weekly = await alice.messaging.reply(c, { body: 'for a week' });
    rules.push(
      proxy.onGraphql('ConversationNewestMessages', (data) => rewriteNodes(data, (nodes) => nodes.map((n) => ({ ...n, expiresAt: new Date(clock.now() - 1000).toISOString() })))),
    );
    const view = await (await device('bob')).messaging.read(c, { last: 50 });
    expect(view.messages.find((m) => m.messageId === weekly.messageId)).toMatchObject({ body: 'for a week', expiresAt: weekly.receivedAt + 604_800_000 });
  });

  it('a forged timer (another participant named as its sender): SenderKeyMismatch, and the timer stays as verified', async () => {
    const c = await conversation('forged timer');
    await clients.get('alice')!.messaging.setTimer(c, 3600);
    rules.push(proxy.onGraphql('ConversationMessages', (data) => rewriteNodes(data, (nodes) => nodes.map((n) => (n.index === 1 ? { ...n, sender: 'carol' } : n)))));
    const view = await (await device('bob')).messaging.read(c);
    expect(view.messages.map((m) => [m.index, m.rejected])).toEqual([
      [0, null],
      [1, 'SenderKeyMismatch'],
    ]);
    expect(view.timer).toBeNull();
  });

  it('a delete replayed under another id, or shown as another sender’s: Replay, SenderKeyMismatch; the original stays shown', async () => {
    const c = await conversation('replayed delete');
    const alice = clients.get('alice')!;
    const first = await alice.messaging.reply(c, { body: 'keep me' });
    const second = await alice.messaging.reply(c, { body: 'delete me' });
    await alice.messaging.unsend(c, second.messageId);
    // The server serves the delete (index 3) again as a fourth message aimed at `first`: the envelope's id is not the plaintext's.
    rules.push(
      proxy.onGraphql('ConversationMessages', (data) =>
        rewriteNodes(data, (nodes) => [...nodes, { ...nodes.find((n) => n.index === 3)!, index: 4, messageId: bytesToBase64(randomBytes(16)) }]),
      ),
    );
    const replayed = await (await device('bob')).messaging.read(c);
    expect(replayed.messages.find((m) => m.index === 4)?.rejected).toBe('Replay');
    expect(shownBodies(replayed.messages)).toEqual(['replayed delete: hello', 'keep me']);
    for (const rule of rules.splice(0)) rule.remove();

    rules.push(proxy.onGraphql('ConversationMessages', (data) => rewriteNodes(data, (nodes) => nodes.map((n) => (n.index === 3 ? { ...n, sender: 'carol' } : n)))));
    const misnamed = await (await device('bob')).messaging.read(c);
    expect(misnamed.messages.find((m) => m.index === 3)?.rejected).toBe('SenderKeyMismatch');
    // Without the verified delete, the purged original is no deleted placeholder (nothing names it: a conversation's tail is deniable).
    expect(misnamed.messages.find((m) => m.messageId === second.messageId)).toBeUndefined();
    expect(shownBodies(misnamed.messages)).toEqual(['replayed delete: hello', 'keep me']);
    expect(first.messageId).toBeTruthy();
  });

  it('a participant who deletes or edits another’s message, or names a wrong hash (bypassing its client and the server): ActionRefused, the original stays', async () => {
    const c = await conversation('foreign');
    const alice = clients.get('alice')!;
    const target = await alice.messaging.reply(c, { body: 'mine, not yours' });
    await clients.get('bob')!.messaging.read(c);
    // bob names alice's message id at the place of his own latest message.
    const bobsOwn = await clients.get('bob')!.messaging.reply(c, { body: 'bob here' });
    const { ledger } = await sendRaw('bob', c, { body: '', action: { ...targetIn(await ledgerOf('bob', c), 'bob', bobsOwn.messageId, 'delete'), messageId: target.messageId } });
    expect(ledger).toBeTruthy();
    const { composed: wrong } = await sendRaw('alice', c, { body: 'edited?', action: { ...targetIn(await ledgerOf('alice', c), 'alice', target.messageId, 'edit'), hash: bytesToBase64(randomBytes(32)) } });
    const view = await (await device('carol')).messaging.read(c);
    const verdicts = view.messages.filter((m) => m.rejected === 'ActionRefused').map((m) => [m.sender, m.refused]);
    expect(verdicts).toEqual([
      ['bob', 'NotOwnMessage'],
      ['alice', 'WrongHash'],
    ]);
    expect(view.messages.find((m) => m.messageId === target.messageId)).toMatchObject({ body: 'mine, not yours', rejected: null });
    expect(view.messages.find((m) => m.messageId === target.messageId)?.edited).toBeUndefined();
    expect(view.withheld).toEqual([]);
    expect(wrong.messageId).toBeTruthy();
  });

  it('a delete after the 3-hour window: the SDK refuses to send it, the server refuses it, and one that bypasses both is ActionRefused OutsideWindow', async () => {
    const c = await conversation('late');
    const alice = clients.get('alice')!;
    const target = await alice.messaging.reply(c, { body: 'too late to take back' });
    clock.advance(DELETE_WINDOW_MS + 60_000);
    const local = await errorOf(alice.messaging.unsend(c, target.messageId));
    expect(local).toBeInstanceOf(MessageActionError);
    expect((local as MessageActionError).reason).toBe('window-closed');
    const action = targetIn(await ledgerOf('alice', c), 'alice', target.messageId, 'delete');
    const refused = await errorOf(sendRaw('alice', c, { action, tell: true }));
    expect(refused).toBeInstanceOf(PeerlockApiError);
    expect((refused as PeerlockApiError).code).toBe('WINDOW_CLOSED');
    await sendRaw('alice', c, { action });
    const view = await (await device('bob')).messaging.read(c);
    expect(view.messages.filter((m) => m.rejected !== null).map((m) => [m.rejected, m.refused])).toEqual([['ActionRefused', 'OutsideWindow']]);
    expect(shownBodies(view.messages)).toEqual(['late: hello', 'too late to take back']);
    // An edit is still within its 24 hours.
    await alice.messaging.edit(c, target.messageId, 'edited in time');
    expect(shownBodies((await (await device('bob')).messaging.read(c)).messages)).toEqual(['late: hello', 'edited in time']);
  });

  /** A ledger of what `username` verified of the conversation (for naming targets in sendRaw). */
  async function ledgerOf(username: string, conversationId: string): Promise<ConversationLedger> {
    const me = { username, secretKey: identities.get(username)!.secretKey };
    const context = { me, pinnedKey: (u: string) => keys()[u] };
    let ledger: ConversationLedger | null = null;
    for (const { node } of (await clients.get(username)!.call(MESSAGES, { id: conversationId }, true)).conversation.messages.edges) {
      if (node.ciphertext === null) continue;
      const envelope = { ...node, ciphertext: base64ToBytes(node.ciphertext), receivedAt: Date.parse(node.receivedAt) };
      if (ledger) ledger.accept(envelope, context);
      else ledger = ConversationLedger.found(envelope, context).ledger;
    }
    return ledger!;
  }
});
