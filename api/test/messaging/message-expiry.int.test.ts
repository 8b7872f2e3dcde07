/**
 * Messages that expire or are taken back (issue 20), on the server: it reads
 * nothing of them, so it enforces what the sender declares beside the
 * ciphertext (a timer, a delete or an edit of an earlier message of theirs)
 * and purges the ciphertext. The plaintexts here are real SDK compositions,
 * but their content is irrelevant: the server sees only the envelope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { bytesToBase64 } from '@peerlock/sdk';
import { conversationStreamName } from '@peerlock/schema';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, type GraphQLResponse } from '../support/graphql-client.js';
import { MESSAGE_FIELDS, MessagingClient, collect, type WireMessage } from '../support/messaging-client.js';
import { until } from '../support/until.js';

const FIELDS = `${MESSAGE_FIELDS} expiresAt gone action { kind targetMessageId }`;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface TimedMessage extends Omit<WireMessage, 'ciphertext'> {
  ciphertext: string | null;
  expiresAt: string | null;
  gone: 'EXPIRED' | 'DELETED' | null;
  action: { kind: 'DELETE' | 'EDIT'; targetMessageId: string } | null;
}

interface Extra {
  expiresInSeconds?: number | null;
  action?: { kind: 'DELETE' | 'EDIT'; targetMessageId: string };
}

/** What the client sent, so a test can send the very same bytes again (a retry). */
interface Sent {
  readonly input: Record<string, unknown>;
  readonly response: GraphQLResponse<{ sendMessage: TimedMessage }>;
}

describe.each(BACKENDS)('messages that expire or are taken back (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;

  const sendRaw = (from: MessagingClient, input: Record<string, unknown>) =>
    from.request<{ sendMessage: TimedMessage }>(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { ${FIELDS} } }`, { input });

  /** Composes with the SDK (a fresh chain each time: the server checks no chain) and sends with the declared extras. */
  async function send(from: MessagingClient, participants: readonly string[], conversationId: string | null, extra: Extra = {}): Promise<Sent> {
    const composed = await from.compose(participants, `body ${Math.random()}`, null);
    const input = {
      conversationId: conversationId ?? composed.conversationId,
      messageId: composed.messageId,
      participants: composed.participants,
      ciphertext: bytesToBase64(composed.ciphertext),
      ...extra,
    };
    return { input, response: await sendRaw(from, input) };
  }
  const sent = async (from: MessagingClient, participants: readonly string[], conversationId: string | null, extra: Extra = {}) =>
    expectOk((await send(from, participants, conversationId, extra)).response).sendMessage;

  const messagesOf = async (reader: MessagingClient, conversationId: string): Promise<TimedMessage[]> =>
    (
      await reader.ok<{ conversation: { messages: { edges: { node: TimedMessage }[] } } }>(
        `query($id: String!) { conversation(id: $id) { messages(first: 100) { edges { node { ${FIELDS} } } } } }`,
        { id: conversationId },
      )
    ).conversation.messages.edges.map((e) => e.node);
  const messageOf = async (reader: MessagingClient, conversationId: string, messageId: string) => (await messagesOf(reader, conversationId)).find((m) => m.messageId === messageId)!;
  const storedRow = async (messageId: string) => (await server.app.services.ciphertexts.get([messageId])).has(messageId);
  const eventTypes = async (conversationId: string) => (await server.app.services.eventStore.readStream(conversationStreamName(conversationId))).map((e) => e.type);
  const headPosition = async () => String(await server.app.services.eventStore.headPosition());
  /** Moves the server's clock; the clients' single-use tokens expire with it, so they log in again. */
  async function advance(ms: number): Promise<void> {
    server.clock.advance(ms);
    for (const c of [alice, bob, carol]) {
      c.tokens.length = 0;
      await c.login();
    }
  }

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    for (const c of [alice, bob, carol]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
    expectOk(await alice.contact('requestContact', 'carol'));
    expectOk(await carol.contact('acceptContact', 'alice'));
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) await c?.closeSockets();
    await server?.close();
  });

  it('a delete of one’s own message within 3 hours purges its ciphertext, marks it DELETED and tells every participant', async () => {
    const forBob = collect(await bob.socket(), await headPosition());
    const target = await sent(alice, ['alice', 'bob'], null);
    const c = target.conversationId;
    expect(target).toMatchObject({ expiresAt: null, gone: null, action: null, ciphertext: expect.any(String) });
    await advance(3 * HOUR - MINUTE);
    const deletion = await send(alice, ['alice', 'bob'], c, { expiresInSeconds: 0, action: { kind: 'DELETE', targetMessageId: target.messageId } });
    const del = expectOk(deletion.response).sendMessage;
    expect(del).toMatchObject({ index: 1, sender: 'alice', expiresAt: null, gone: null, action: { kind: 'DELETE', targetMessageId: target.messageId }, ciphertext: expect.any(String) });

    for (const reader of [alice, bob]) {
      expect(await messageOf(reader, c, target.messageId)).toMatchObject({ ciphertext: null, gone: 'DELETED', ciphertextBytes: target.ciphertextBytes });
      expect(await messageOf(reader, c, del.messageId)).toMatchObject({ gone: null, ciphertext: del.ciphertext });
    }
    expect(await storedRow(target.messageId)).toBe(false);
    expect(await storedRow(del.messageId)).toBe(true);
    // One append: the target's MessageDeleted, then the delete's MessagePosted (its position is the append's).
    expect(await eventTypes(c)).toEqual(['ConversationStarted', 'MessagePosted', 'MessageDeleted', 'MessagePosted']);

    await forBob.until(3);
    expect(forBob.received.map(({ kind, from, conversationId, messageId }) => ({ kind, from, conversationId, messageId }))).toEqual([
      { kind: 'MESSAGE_RECEIVED', from: 'alice', conversationId: c, messageId: target.messageId },
      { kind: 'MESSAGE_DELETED', from: 'alice', conversationId: c, messageId: target.messageId },
      { kind: 'MESSAGE_RECEIVED', from: 'alice', conversationId: c, messageId: del.messageId },
    ]);
    expect(forBob.errors).toEqual([]);
    forBob.dispose();

    // A retry of the delete (same id, same bytes) is answered with the stored message, however late.
    await advance(24 * HOUR);
    expect(expectOk(await sendRaw(alice, deletion.input)).sendMessage).toMatchObject({ messageId: del.messageId, index: 1, action: { kind: 'DELETE', targetMessageId: target.messageId } });
    expect(await eventTypes(c)).toHaveLength(4);
  });

  it('a retry of a deleted message’s own bytes is answered as stored, and does not bring its ciphertext back', async () => {
    const original = await send(alice, ['alice', 'bob'], null);
    const target = expectOk(original.response).sendMessage;
    await sent(alice, ['alice', 'bob'], target.conversationId, { action: { kind: 'DELETE', targetMessageId: target.messageId } });
    expect(await storedRow(target.messageId)).toBe(false);
    const again = expectOk(await sendRaw(alice, original.input)).sendMessage;
    expect(again).toMatchObject({ messageId: target.messageId, index: 0, ciphertext: null, gone: 'DELETED' });
    expect(await storedRow(target.messageId)).toBe(false);
    expect(await eventTypes(target.conversationId)).toEqual(['ConversationStarted', 'MessagePosted', 'MessageDeleted', 'MessagePosted']);
  });

  it('refuses what the sender may not do: someone else’s message, a closed window, a gone target, an action on an action, a bad timer', async () => {
    const group = ['alice', 'bob', 'carol'];
    const first = await sent(alice, group, null);
    const c = first.conversationId;
    const bobs = await sent(bob, group, c);
    const deleteOf = (messageId: string, extra: Extra = {}): Extra => ({ action: { kind: 'DELETE', targetMessageId: messageId }, ...extra });
    const editOf = (messageId: string, extra: Extra = {}): Extra => ({ action: { kind: 'EDIT', targetMessageId: messageId }, ...extra });
    const refusal = async (from: MessagingClient, extra: Extra) => (await send(from, group, c, extra)).response;

    expectCode(await refusal(alice, deleteOf(bobs.messageId)), 'FORBIDDEN');
    expectCode(await refusal(carol, editOf(first.messageId)), 'FORBIDDEN');
    const malformed = await refusal(alice, deleteOf('not-a-message-id'));
    expectCode(malformed, 'BAD_INPUT');
    expect(malformed.errors![0]!.extensions).toMatchObject({ field: 'action' });
    // Another conversation's message, or none at all, is not found here.
    const elsewhere = await sent(alice, ['alice', 'bob'], null);
    expectCode(await refusal(alice, deleteOf(elsewhere.messageId)), 'NOT_FOUND');
    expectCode(await refusal(alice, editOf(`${'Q'.repeat(22)}==`)), 'NOT_FOUND');
    for (const expiresInSeconds of [1, 299, 86_401, -300]) {
      const bad = await refusal(alice, { expiresInSeconds });
      expectCode(bad, 'BAD_INPUT');
      expect(bad.errors![0]!.extensions).toMatchObject({ field: 'expiresInSeconds' });
    }
    // A delete holds no content, so no timer.
    const timedDelete = await refusal(alice, deleteOf(first.messageId, { expiresInSeconds: 300 }));
    expectCode(timedDelete, 'BAD_INPUT');
    expect(timedDelete.errors![0]!.extensions).toMatchObject({ field: 'expiresInSeconds' });

    const edit = await sent(alice, group, c, editOf(first.messageId, { expiresInSeconds: 3600 }));
    expect(edit).toMatchObject({ action: { kind: 'EDIT', targetMessageId: first.messageId }, expiresAt: new Date(Date.parse(edit.receivedAt) + HOUR).toISOString() });
    const onAction = await refusal(alice, deleteOf(edit.messageId));
    expectCode(onAction, 'BAD_INPUT');
    expect(onAction.errors![0]!.extensions).toMatchObject({ field: 'action' });

    // 3 hours and a minute: too late to delete (403), not to edit.
    await advance(3 * HOUR + MINUTE);
    const late = await refusal(alice, deleteOf(first.messageId));
    expectCode(late, 'WINDOW_CLOSED');
    expect(late.status).toBe(403);
    expect(late.errors![0]!.message).toBe('The time to do this has passed');
    // The refused delete did not leave its target due for the sweep.
    expect((await server.app.services.ciphertexts.due(server.clock.now() + 2 * MINUTE, 1000)).map((r) => r.messageId)).not.toContain(first.messageId);
    expect(await messageOf(bob, c, first.messageId)).toMatchObject({ gone: null, ciphertext: first.ciphertext });
    await sent(alice, group, c, editOf(first.messageId));

    // Deleted: no edit of it any more.
    const recent = await sent(alice, group, c);
    await sent(alice, group, c, deleteOf(recent.messageId));
    expectCode(await refusal(alice, editOf(recent.messageId)), 'NOT_FOUND');
    expectCode(await refusal(alice, deleteOf(recent.messageId)), 'NOT_FOUND');

    // A day and a minute: too late to edit as well.
    await advance(21 * HOUR);
    expectCode(await refusal(alice, editOf(first.messageId)), 'WINDOW_CLOSED');
  });

  it('a message with a timer is served until its expiresAt, then without ciphertext before any sweep; the sweep records and purges it and tells everyone', async () => {
    const forBob = collect(await bob.socket(), await headPosition());
    const forAlice = collect(await alice.socket(), await headPosition());
    const original = await send(alice, ['alice', 'bob'], null, { expiresInSeconds: 300 });
    const timed = expectOk(original.response).sendMessage;
    const c = timed.conversationId;
    const kept = await sent(bob, ['alice', 'bob'], c);
    expect(timed.expiresAt).toBe(new Date(Date.parse(timed.receivedAt) + 300_000).toISOString());

    await advance(299_999);
    expect(await messageOf(bob, c, timed.messageId)).toMatchObject({ ciphertext: timed.ciphertext, gone: null, expiresAt: timed.expiresAt });
    await advance(1);
    // Not swept yet: the row is there, but the read path never serves it.
    expect(await storedRow(timed.messageId)).toBe(true);
    for (const reader of [alice, bob]) expect(await messageOf(reader, c, timed.messageId)).toMatchObject({ ciphertext: null, gone: 'EXPIRED' });
    expectCode((await send(alice, ['alice', 'bob'], c, { action: { kind: 'EDIT', targetMessageId: timed.messageId } })).response, 'NOT_FOUND');
    expect(await eventTypes(c)).toEqual(['ConversationStarted', 'MessagePosted', 'MessagePosted']);

    expect(await server.app.sweepMessagesNow()).toBeGreaterThanOrEqual(1);
    expect(await storedRow(timed.messageId)).toBe(false);
    expect(await storedRow(kept.messageId)).toBe(true);
    expect(await eventTypes(c)).toEqual(['ConversationStarted', 'MessagePosted', 'MessagePosted', 'MessagesExpired']);
    const [expiredEvent] = (await server.app.services.eventStore.readStream(conversationStreamName(c))).slice(-1);
    expect(expiredEvent!.data).toEqual({ conversationId: c, messages: [{ messageId: timed.messageId, index: 0 }] });
    expect(await messageOf(bob, c, timed.messageId)).toMatchObject({ ciphertext: null, gone: 'EXPIRED' });

    // Again: nothing is due, nothing is appended.
    expect(await server.app.sweepMessagesNow()).toBe(0);
    expect(await eventTypes(c)).toHaveLength(4);
    // A retry of the expired message: answered as stored, its bytes not stored again.
    expect(expectOk(await sendRaw(alice, original.input)).sendMessage).toMatchObject({ messageId: timed.messageId, index: 0, ciphertext: null, gone: 'EXPIRED' });
    expect(await storedRow(timed.messageId)).toBe(false);

    // Messages of the tests before this one expired too: only this conversation's are this test's.
    for (const stream of [forBob, forAlice]) {
      await until('the expiry notification', () => stream.received.some((n) => n.kind === 'MESSAGE_EXPIRED' && n.conversationId === c) || stream.errors.length > 0);
      expect(stream.received.filter((n) => n.conversationId === c).map(({ kind, from, messageId }) => ({ kind, from, messageId }))).toEqual([
        { kind: 'MESSAGE_RECEIVED', from: 'alice', messageId: timed.messageId },
        { kind: 'MESSAGE_RECEIVED', from: 'bob', messageId: kept.messageId },
        { kind: 'MESSAGE_EXPIRED', from: 'alice', messageId: timed.messageId },
      ]);
      expect(stream.errors).toEqual([]);
      stream.dispose();
    }
  });

  it('a replayed push of a message gone since: without ciphertext once expired, without envelope once deleted, never an error', async () => {
    const from = await headPosition();
    const timed = await sent(alice, ['alice', 'carol'], null, { expiresInSeconds: 300 });
    const doomed = await sent(alice, ['alice', 'carol'], timed.conversationId);
    await sent(alice, ['alice', 'carol'], timed.conversationId, { action: { kind: 'DELETE', targetMessageId: doomed.messageId } });
    await advance(300_000);
    await server.app.sweepMessagesNow();

    const socket: Client = await carol.socket();
    const pushed: { kind: string; conversationId: string; messageId: string; message: { messageId: string; ciphertext: string | null; gone: string | null } | null }[] = [];
    const errors: unknown[] = [];
    await new Promise<void>((resolve, reject) => {
      const dispose = socket.subscribe<{ notifications: (typeof pushed)[number] }>(
        { query: 'subscription($after: String) { notifications(after: $after) { kind conversationId messageId message { messageId ciphertext gone } } }', variables: { after: from } },
        {
          next: (r) => {
            if (r.errors) errors.push(r.errors);
            if (r.data) pushed.push(r.data.notifications);
            // The expiry is the last of them (the sweep ran last).
            if (errors.length > 0 || r.data?.notifications.kind === 'MESSAGE_EXPIRED') {
              dispose();
              resolve();
            }
          },
          error: reject,
          complete: () => resolve(),
        },
      );
    });
    expect(errors).toEqual([]);
    const here = pushed.filter((n) => n.conversationId === timed.conversationId);
    expect(here.map((n) => [n.kind, n.messageId, n.message && { gone: n.message.gone, hasCiphertext: n.message.ciphertext !== null }])).toEqual([
      ['MESSAGE_RECEIVED', timed.messageId, { gone: 'EXPIRED', hasCiphertext: false }],
      ['MESSAGE_RECEIVED', doomed.messageId, null],
      ['MESSAGE_DELETED', doomed.messageId, null],
      ['MESSAGE_RECEIVED', expect.any(String), { gone: null, hasCiphertext: true }],
      ['MESSAGE_EXPIRED', timed.messageId, null],
    ]);
  });

  it('the sweep settles rows a crash could leave: a deletion recorded but not purged, a claim never posted, a live message made due by a deletion that never happened', async () => {
    const store = server.app.services.ciphertexts;
    const now = server.clock.now();
    // Deleted in the log, its row back (as if the node had stopped between the append and the purge).
    const target = await sent(alice, ['alice', 'bob'], null);
    await sent(alice, ['alice', 'bob'], target.conversationId, { action: { kind: 'DELETE', targetMessageId: target.messageId } });
    expect(await store.put({ messageId: target.messageId, conversationId: target.conversationId, sender: 'alice', sha256: `${'A'.repeat(43)}=`, ciphertext: new Uint8Array([1]), expiresAt: now })).toBe('stored');
    // A claim whose append never happened.
    const orphan = { messageId: `${'O'.repeat(22)}==`, conversationId: 'O'.repeat(43), sender: 'alice', sha256: `${'A'.repeat(43)}=`, ciphertext: new Uint8Array([2]), expiresAt: now };
    expect(await store.put(orphan)).toBe('stored');
    // A live message made due (its deletion was refused, or never reached the log).
    const live = await sent(alice, ['alice', 'bob'], target.conversationId, { expiresInSeconds: 3600 });
    await store.expireAt([live.messageId], now);

    await server.app.sweepMessagesNow();
    expect(await storedRow(target.messageId)).toBe(false);
    expect(await storedRow(orphan.messageId)).toBe(false);
    expect(await storedRow(live.messageId)).toBe(true);
    // Given back its own expiry: due in an hour, not now.
    expect((await store.due(now, 1000)).map((r) => r.messageId)).not.toContain(live.messageId);
    expect((await store.due(now + HOUR, 1000)).map((r) => r.messageId)).toContain(live.messageId);
    expect(await messageOf(bob, target.conversationId, live.messageId)).toMatchObject({ gone: null, ciphertext: live.ciphertext });
    expect(await eventTypes(target.conversationId)).toEqual(['ConversationStarted', 'MessagePosted', 'MessageDeleted', 'MessagePosted', 'MessagePosted']);
  });
});
