/**
 * Contacts, conversations, messages, receipts and pin sets over real HTTP,
 * with SDK-composed ciphertext verified by the SDK on the way back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToBase64, randomBytes, sealPinSet, openPinSet } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';

describe.each(BACKENDS)('messaging (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;
  let dave: MessagingClient;

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    dave = new MessagingClient(server.url, 'dave', server.clock);
    for (const c of [alice, bob, carol, dave]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
    expectOk(await alice.contact('requestContact', 'carol'));
    expectOk(await carol.contact('acceptContact', 'alice'));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('keeps both sides of a request in the contact lists, through accept, decline, cancel and remove', async () => {
    const sent = expectOk(await dave.contact('requestContact', 'Bob')).requestContact!;
    expect(sent).toMatchObject({ outgoing: ['bob'], contacts: [] });
    expect(await bob.ok('{ contacts { incoming } }')).toEqual({ contacts: { incoming: ['dave'] } });
    expect(expectOk(await bob.contact('declineContact', 'dave')).declineContact).toMatchObject({ incoming: [], contacts: ['alice'] });
    expectOk(await dave.contact('requestContact', 'bob'));
    expect(expectOk(await dave.contact('cancelContactRequest', 'bob')).cancelContactRequest).toMatchObject({ outgoing: [] });
    expectCode(await bob.contact('acceptContact', 'dave'), 'NOT_FOUND');
    expectCode(await dave.contact('requestContact', 'nobody'), 'NOT_FOUND');
    expectCode(await dave.contact('requestContact', 'dave'), 'BAD_INPUT');
    // Asking someone who already asked you is an acceptance.
    expectOk(await dave.contact('requestContact', 'carol'));
    expect(expectOk(await carol.contact('requestContact', 'dave')).requestContact).toMatchObject({ contacts: ['alice', 'dave'] });
    expect(expectOk(await dave.contact('removeContact', 'carol')).removeContact).toMatchObject({ contacts: [] });
  });

  it('delivers a conversation that every participant verifies with the SDK, most recent first, paged', async () => {
    const first = await alice.send(['alice', 'bob', 'carol'], 'hello both');
    const reply = await bob.send(first.participants, 'hi alice', first.conversationId);
    const one = await alice.send(['alice', 'bob'], 'just you');
    expect(first.index).toBe(0);
    expect(reply.index).toBe(1);

    for (const reader of [bob, carol]) {
      // A fresh device: a new ledger verifies the whole conversation from its first message.
      const ledgers = new Map();
      for (const m of await reader.messages(first.conversationId)) expect(reader.verify(m, ledgers)).toMatchObject({ ok: true });
    }
    const convs = await bob.ok<{ conversations: { edges: { cursor: string; node: { id: string; unreadCount: number; messageCount: number } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(
      '{ conversations(first: 1) { edges { cursor node { id unreadCount messageCount } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(convs.conversations.edges.map((e) => e.node)).toEqual([{ id: one.conversationId, unreadCount: 1, messageCount: 1 }]);
    expect(convs.conversations.pageInfo.hasNextPage).toBe(true);
    const next = await bob.ok<{ conversations: { edges: { node: { id: string; unreadCount: number } }[]; pageInfo: { hasNextPage: boolean } } }>(
      'query($after: String) { conversations(first: 5, after: $after) { edges { node { id unreadCount } } pageInfo { hasNextPage } } }',
      { after: convs.conversations.pageInfo.endCursor },
    );
    // Bob replied after alice's first message, so he has read it.
    expect(next.conversations).toEqual({ edges: [{ node: { id: first.conversationId, unreadCount: 0 } }], pageInfo: { hasNextPage: false } });

    const page1 = expectOk(await carol.messagesRaw(first.conversationId, 1)).conversation.messages;
    const page2 = expectOk(await carol.messagesRaw(first.conversationId, 1, page1.pageInfo.endCursor)).conversation.messages;
    expect([...page1.edges, ...page2.edges].map((e) => e.node.index)).toEqual([0, 1]);
    expect(page2.pageInfo.hasNextPage).toBe(false);
  });

  it('answers sendMessage with the envelope exactly as it is stored, also for a retry of the same message', async () => {
    const m = await alice.compose(['alice', 'bob'], 'as stored');
    const input = { conversationId: m.conversationId, messageId: m.messageId, participants: m.participants, ciphertext: bytesToBase64(m.ciphertext) };
    const sent = expectOk(await alice.sendRaw(input)).sendMessage;
    const retried = expectOk(await alice.sendRaw(input)).sendMessage;
    const stored = (await bob.messages(m.conversationId)).find((x) => x.messageId === m.messageId);
    expect(sent).toEqual(stored);
    expect(retried).toEqual(stored);
  });

  it('stores a receipt once per (message, reader) and the sender verifies it with the reader’s pinned key', async () => {
    const sent = await alice.send(['alice', 'bob'], 'read me');
    const receipt = await bob.receipt(sent);
    expect(expectOk(await bob.postReceipt(sent.conversationId, sent.messageId, receipt)).postReadReceipt.reader).toBe('bob');
    // A second receipt for the same message is a no-op: the first stands.
    expectOk(await bob.postReceipt(sent.conversationId, sent.messageId, await bob.receipt(sent)));
    const [stored] = (await alice.messages(sent.conversationId)).filter((m) => m.messageId === sent.messageId);
    expect(stored!.receipts.map((r) => r.receipt)).toEqual([receipt]);
    expect(await alice.verifyReceipt(stored!, 'bob', stored!.receipts[0]!.receipt)).toBe(server.clock.now());
    expectCode(await alice.postReceipt(sent.conversationId, sent.messageId, receipt), 'BAD_INPUT');
    const convs = await bob.ok<{ conversation: { unreadCount: number } }>('query($id: String!) { conversation(id: $id) { unreadCount } }', { id: sent.conversationId });
    expect(convs.conversation.unreadCount).toBe(0);
  });

  it('refuses sizes, ids and participant lists it must not store', async () => {
    const composed = await alice.compose(['alice', 'bob'], 'x');
    const input = { conversationId: composed.conversationId, messageId: composed.messageId, participants: composed.participants, ciphertext: bytesToBase64(composed.ciphertext) };
    expectCode(await alice.sendRaw({ ...input, ciphertext: bytesToBase64(randomBytes(1024 * 1024 + 1)) }), 'BAD_INPUT');
    expectCode(await alice.sendRaw({ ...input, conversationId: 'short' }), 'BAD_INPUT');
    expectCode(await alice.sendRaw({ ...input, participants: [] }), 'BAD_INPUT');
    expectCode(await alice.sendRaw({ ...input, participants: Array.from({ length: 51 }, (_, i) => `u${i}`) }), 'BAD_INPUT');
    expectCode(await alice.sendRaw({ ...input, participants: ['alice', 'bob', 'bob'] }), 'BAD_INPUT');
    // 1 MiB exactly is fine (the bytes are not a valid miniLock file, but the server cannot tell).
    const big = await alice.sendRaw({ ...input, ciphertext: bytesToBase64(randomBytes(1024 * 1024)) });
    expect(expectOk(big).sendMessage.ciphertextBytes).toBe(1024 * 1024);
    // The id is taken now, in this and in any other conversation.
    const other = await alice.compose(['alice', 'carol'], 'y');
    expectCode(await alice.sendRaw({ conversationId: other.conversationId, messageId: composed.messageId, participants: other.participants, ciphertext: bytesToBase64(other.ciphertext) }), 'CONFLICT');
    // A participant list other than the conversation's is refused: participants are fixed.
    const reply = await alice.compose(['alice', 'bob', 'carol'], 'z');
    expectCode(await alice.sendRaw({ conversationId: composed.conversationId, messageId: reply.messageId, participants: reply.participants, ciphertext: bytesToBase64(reply.ciphertext) }), 'BAD_INPUT');
  });

  it('removes a conversation per user and purges the ciphertext once everyone removed it', async () => {
    const sent = await alice.send(['alice', 'bob'], 'ephemeral');
    expect(expectOk(await alice.request<{ removeConversation: { purged: boolean } }>('mutation($id: String!) { removeConversation(id: $id) { purged } }', { id: sent.conversationId })).removeConversation.purged).toBe(false);
    expectCode(await alice.messagesRaw(sent.conversationId), 'FORBIDDEN');
    expect((await bob.messages(sent.conversationId)).length).toBe(1);
    // A new message brings it back for alice, showing only what came after her removal.
    const again = await bob.send(sent.participants, 'still there?', sent.conversationId);
    expect((await alice.messages(sent.conversationId)).map((m) => m.index)).toEqual([again.index]);
    await alice.ok('mutation($id: String!) { removeConversation(id: $id) { purged } }', { id: sent.conversationId });
    const last = await bob.ok<{ removeConversation: { purged: boolean } }>('mutation($id: String!) { removeConversation(id: $id) { purged } }', { id: sent.conversationId });
    expect(last.removeConversation.purged).toBe(true);
    expect((await server.app.services.ciphertexts.get([sent.messageId, again.messageId])).size).toBe(0);
    const more = await bob.compose(sent.participants, 'gone', null);
    expectCode(await bob.sendRaw({ conversationId: sent.conversationId, messageId: more.messageId, participants: sent.participants, ciphertext: bytesToBase64(more.ciphertext) }), 'NOT_FOUND');
  });

  it('ends every contact and request of a deleted account, so nobody can message it any more', async () => {
    const [erin, frank, gina, hank] = ['erin', 'frank', 'gina', 'hank'].map((u) => new MessagingClient(server.url, u, server.clock));
    for (const c of [erin!, frank!, gina!, hank!]) {
      await c.signup();
      await c.login();
    }
    expectOk(await erin!.contact('requestContact', 'frank'));
    expectOk(await frank!.contact('acceptContact', 'erin'));
    expectOk(await erin!.contact('requestContact', 'gina'));
    expectOk(await hank!.contact('requestContact', 'erin'));
    const earlier = await frank!.send(['erin', 'frank'], 'before you go');
    expectOk(await erin!.request('mutation { deleteAccount }'));

    expect(await frank!.ok('{ contacts { contacts } }')).toEqual({ contacts: { contacts: [] } });
    expect(await gina!.ok('{ contacts { incoming } }')).toEqual({ contacts: { incoming: [] } });
    expect(await hank!.ok('{ contacts { outgoing } }')).toEqual({ contacts: { outgoing: [] } });
    // Neither a new conversation nor a reply in the old one reaches the deleted account.
    for (const conversationId of [null, earlier.conversationId]) {
      const m = await frank!.compose(['erin', 'frank'], 'anyone there?', conversationId);
      expectCode(await frank!.sendRaw({ conversationId: m.conversationId, messageId: m.messageId, participants: m.participants, ciphertext: bytesToBase64(m.ciphertext) }), 'FORBIDDEN');
    }
    expectCode(await frank!.contact('requestContact', 'erin'), 'NOT_FOUND');
  });

  it('refuses messages to a deleted account at once, and the next start ends contacts a crash left behind', async () => {
    const [ivan, judy] = ['ivan', 'judy'].map((u) => new MessagingClient(server.url, u, server.clock));
    for (const c of [ivan!, judy!]) {
      await c.signup();
      await c.login();
    }
    expectOk(await ivan!.contact('requestContact', 'judy'));
    expectOk(await judy!.contact('acceptContact', 'ivan'));
    const contacts = server.app.services.contacts;
    const original = contacts.endRelationsOf.bind(contacts);
    // The process "dies" right after the deletion is recorded: the contacts are never ended.
    contacts.endRelationsOf = async () => 0;
    try {
      expectOk(await ivan!.request('mutation { deleteAccount }'));
    } finally {
      contacts.endRelationsOf = original;
    }
    expect(await judy!.ok('{ contacts { contacts } }')).toEqual({ contacts: { contacts: ['ivan'] } });
    const m = await judy!.compose(['ivan', 'judy'], 'still there?');
    expectCode(await judy!.sendRaw({ conversationId: m.conversationId, messageId: m.messageId, participants: m.participants, ciphertext: bytesToBase64(m.ciphertext) }), 'FORBIDDEN');
    // What app.start runs before serving.
    expect(await contacts.sweepDeletedAccounts(Date.now)).toBe(1);
    expect(await judy!.ok('{ contacts { contacts } }')).toEqual({ contacts: { contacts: [] } });
    expect(await contacts.sweepDeletedAccounts(Date.now)).toBe(0);
  });

  it('stores the sealed pin set with compare-and-set on its version', async () => {
    const pinSet = (version: number) => ({ version, pins: { bob: { miniLockId: bob.miniLockId, pinnedAt: server.clock.now(), verified: false } } });
    const STORE = 'mutation($v: Int!, $b: String!) { storePinSet(expectedVersion: $v, blob: $b) { version blob } }';
    expect(await alice.ok('{ pinSet { version blob } }')).toEqual({ pinSet: { version: 0, blob: null } });
    const v1 = bytesToBase64(sealPinSet(pinSet(1), alice.identity.secretKey));
    expect(await alice.ok(STORE, { v: 0, b: v1 })).toEqual({ storePinSet: { version: 1, blob: v1 } });
    // A second device that also read version 0 cannot overwrite version 1.
    expectCode(await alice.request(STORE, { v: 0, b: v1 }), 'CONFLICT');
    const stored = await alice.ok<{ pinSet: { version: number; blob: string } }>('{ pinSet { version blob } }');
    expect(openPinSet(base64ToBytes(stored.pinSet.blob), alice.identity.secretKey, 1).version).toBe(1);
    // Each user has their own.
    expect(await bob.ok('{ pinSet { version } }')).toEqual({ pinSet: { version: 0 } });
    expectCode(await alice.request(STORE, { v: 1, b: 'not base64!' }), 'BAD_INPUT');
  });
  it('pages a conversation backwards from its newest messages (last/before), oldest first within a page (issue 15)', async () => {
    let conversationId: string | null = null;
    let participants: readonly string[] = ['alice', 'bob'];
    for (let i = 0; i < 7; i++) {
      const sent = await (i % 2 ? bob : alice).send(participants, `m${i}`, conversationId);
      conversationId = sent.conversationId;
      participants = sent.participants;
    }
    const page = (vars: Record<string, unknown>) =>
      bob.ok<{ conversation: { messages: { edges: { cursor: string; node: { index: number } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } } } }>(
        'query($id: String!, $first: Int, $after: String, $last: Int, $before: String) { conversation(id: $id) { messages(first: $first, after: $after, last: $last, before: $before) { edges { cursor node { index } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }',
        { id: conversationId, ...vars },
      );
    const newest = (await page({ last: 3 })).conversation.messages;
    expect(newest.edges.map((e) => e.node.index)).toEqual([4, 5, 6]);
    expect(newest.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const older = (await page({ last: 3, before: newest.pageInfo.startCursor })).conversation.messages;
    expect(older.edges.map((e) => e.node.index)).toEqual([1, 2, 3]);
    const oldest = (await page({ last: 3, before: older.pageInfo.startCursor })).conversation.messages;
    expect(oldest.edges.map((e) => e.node.index)).toEqual([0]);
    expect(oldest.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    // Forwards from a backwards page's end meets the same messages.
    const forwards = (await page({ first: 3, after: older.pageInfo.endCursor })).conversation.messages;
    expect(forwards.edges.map((e) => e.node.index)).toEqual([4, 5, 6]);
    expectCode(await bob.request('query($id: String!) { conversation(id: $id) { messages(first: 2, last: 2) { edges { cursor } } } }', { id: conversationId }), 'BAD_INPUT');
    expectCode(await bob.request('query($id: String!) { conversation(id: $id) { messages(last: 101) { edges { cursor } } } }', { id: conversationId }), 'BAD_INPUT');
    expectCode(await bob.request('query($id: String!) { conversation(id: $id) { messages(last: 2, before: "bm90IGEgY3Vyc29y") { edges { cursor } } } }', { id: conversationId }), 'BAD_INPUT');
  });
});
