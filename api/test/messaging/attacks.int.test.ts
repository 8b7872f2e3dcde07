/**
 * DESIGN §1, one test per row. The malicious server: the test fetches the
 * real stored envelopes and receipts over GraphQL, tampers with them as a
 * server could, and hands them to the recipient's SDK, which must refuse
 * with the exact typed reason. The malicious user: the server itself
 * refuses with FORBIDDEN or TOKEN_INVALID.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizationHeader, base64ToBytes, bytesToBase64, createReadReceipt, decodeMiniLockId, keyPairFromSecretKey, randomBytes, ReceiptRejectedError, type ConversationLedger } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { MessagingClient, collect, handshakeCloseCode, toEnvelope, verifyEnvelope, type WireMessage } from '../support/messaging-client.js';

describe.each(BACKENDS)('attacks (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;
  let mallory: MessagingClient;
  /** alice → bob, carol: three messages from alice in one conversation. */
  let group: WireMessage[];
  /** A second conversation of the same three people. */
  let other: WireMessage[];

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    mallory = new MessagingClient(server.url, 'mallory', server.clock);
    for (const c of [alice, bob, carol, mallory]) {
      await c.signup();
      await c.login();
    }
    for (const friend of ['bob', 'carol']) {
      expectOk(await alice.contact('requestContact', friend));
      expectOk(await (friend === 'bob' ? bob : carol).contact('acceptContact', 'alice'));
    }
    const m0 = await alice.send(['alice', 'bob', 'carol'], 'one');
    await alice.send(m0.participants, 'two', m0.conversationId);
    await alice.send(m0.participants, 'three', m0.conversationId);
    const o0 = await alice.send(['alice', 'bob', 'carol'], 'elsewhere');
    await alice.send(o0.participants, 'elsewhere again', o0.conversationId);
    group = await bob.messages(m0.conversationId);
    other = await bob.messages(o0.conversationId);
    for (const u of ['alice', 'bob', 'carol']) await bob.pin(u);
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol, mallory]) await c?.closeSockets();
    await server?.close();
  });

  /** Bob's SDK on a fresh device, fed envelopes in the order the (malicious) server chooses. */
  const bobReads = (...messages: WireMessage[]) => {
    const ledgers = new Map<string, ConversationLedger>();
    return messages.map((m) => verifyEnvelope(toEnvelope(m), bob.receiver, ledgers));
  };

  it('honest delivery verifies', () => {
    expect(bobReads(...group, ...other).map((v) => v.ok)).toEqual([true, true, true, true, true]);
  });

  it('T2: the server swaps the sender name → SenderKeyMismatch', () => {
    const [first, second] = group;
    expect(bobReads(first!, { ...second!, sender: 'carol' })[1]).toMatchObject({ ok: false, reason: 'SenderKeyMismatch' });
  });

  it('T4: a flipped ciphertext byte → Undecryptable', () => {
    const bytes = base64ToBytes(group[1]!.ciphertext);
    bytes[bytes.length - 20]! ^= 0x01;
    expect(bobReads(group[0]!, { ...group[1]!, ciphertext: bytesToBase64(bytes) })[1]).toMatchObject({ ok: false, reason: 'Undecryptable' });
  });

  it('T4: an old message replayed under a new id → Replay', () => {
    const replayed = { ...group[0]!, messageId: bytesToBase64(randomBytes(16)), index: 3 };
    expect(bobReads(...group, replayed)[3]).toMatchObject({ ok: false, reason: 'Replay' });
    // And replayed under its own id.
    expect(bobReads(...group, group[1]!)[3]).toMatchObject({ ok: false, reason: 'Replay' });
  });

  it('T4: a message moved into another conversation → WrongConversation', () => {
    const moved = { ...other[1]!, conversationId: group[0]!.conversationId };
    expect(bobReads(group[0]!, moved)[1]).toMatchObject({ ok: false, reason: 'WrongConversation' });
  });

  it('T4: one message of a sender’s sequence dropped → SequenceGap (reported, with the withheld range)', () => {
    const [v] = bobReads(group[0]!, group[2]!).slice(1);
    expect(v).toMatchObject({ ok: false, reason: 'SequenceGap', withheld: { sender: 'alice', from: 2, to: 2 } });
  });

  it('T4: two messages reordered → SequenceGap, then the late one is marked late', () => {
    const [, third, second] = bobReads(group[0]!, group[2]!, group[1]!);
    expect(third).toMatchObject({ ok: false, reason: 'SequenceGap' });
    expect(second).toMatchObject({ ok: true, message: { late: true } });
  });

  it('T7: a participant added to the envelope → ParticipantsMismatch', () => {
    const injected = { ...group[1]!, participants: [...group[1]!.participants, 'mallory'].sort() };
    expect(bobReads(group[0]!, injected)[1]).toMatchObject({ ok: false, reason: 'ParticipantsMismatch' });
    // Also on the first message, where there is no ledger yet to compare against.
    expect(bobReads({ ...group[0]!, participants: [...group[0]!.participants, 'mallory'].sort() })[0]).toMatchObject({ ok: false, reason: 'ParticipantsMismatch' });
  });

  describe('T5: receipts', () => {
    let m1: WireMessage;
    let m2: WireMessage;
    let bobsReceipt: string;
    let carolsReceipt: string;

    beforeAll(async () => {
      [m1, m2] = group as [WireMessage, WireMessage];
      expectOk(await bob.postReceipt(m1.conversationId, m1.messageId, await bob.receipt(m1)));
      expectOk(await carol.postReceipt(m1.conversationId, m1.messageId, await carol.receipt(m1)));
      const stored = (await alice.messages(m1.conversationId))[0]!;
      bobsReceipt = stored.receipts.find((r) => r.reader === 'bob')!.receipt;
      carolsReceipt = stored.receipts.find((r) => r.reader === 'carol')!.receipt;
    });

    const rejection = async (run: () => Promise<number>) => {
      const error = await run().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ReceiptRejectedError);
      return (error as ReceiptRejectedError).reason;
    };

    it('the genuine stored receipt verifies', async () => {
      expect(await alice.verifyReceipt(m1, 'bob', bobsReceipt)).toBe(server.clock.now());
    });

    it('a receipt forged by the server (no reader key) → undecryptable', async () => {
      const forger = keyPairFromSecretKey(randomBytes(32));
      const forged = createReadReceipt({ messageId: m1.messageId, conversationId: m1.conversationId, sender: 'alice', reader: 'bob', readAt: 1 }, forger.secretKey, decodeMiniLockId(alice.miniLockId));
      expect(await rejection(() => alice.verifyReceipt(m1, 'bob', bytesToBase64(forged)))).toBe('undecryptable');
    });

    it('a receipt replayed onto another message → field-mismatch', async () => {
      expect(await rejection(() => alice.verifyReceipt(m2, 'bob', bobsReceipt))).toBe('field-mismatch');
    });

    it('a receipt with its reader substituted (carol’s shown as bob’s) → undecryptable', async () => {
      expect(await rejection(() => alice.verifyReceipt(m1, 'bob', carolsReceipt))).toBe('undecryptable');
    });
  });

  describe('the malicious user', () => {
    it('cannot send to a non-contact', async () => {
      const composed = await mallory.compose(['bob', 'mallory'], 'hi');
      expectCode(
        await mallory.sendRaw({ conversationId: composed.conversationId, messageId: composed.messageId, participants: composed.participants, ciphertext: bytesToBase64(composed.ciphertext) }),
        'FORBIDDEN',
      );
    });

    it('cannot read, reply to, or post receipts into another user’s conversation', async () => {
      const id = group[0]!.conversationId;
      expectCode(await mallory.messagesRaw(id), 'FORBIDDEN');
      expectCode(await mallory.request('query($id: String!) { conversation(id: $id) { id } }', { id }), 'FORBIDDEN');
      expectCode(await mallory.postReceipt(id, group[0]!.messageId, bytesToBase64(randomBytes(80))), 'FORBIDDEN');
      const reply = await mallory.compose(['alice', 'bob', 'carol', 'mallory'], 'let me in');
      expectCode(await mallory.sendRaw({ conversationId: id, messageId: reply.messageId, participants: group[0]!.participants, ciphertext: bytesToBase64(reply.ciphertext) }), 'FORBIDDEN');
      expectCode(await mallory.request('mutation($id: String!) { removeConversation(id: $id) { purged } }', { id }), 'FORBIDDEN');
    });

    it('cannot spend another user’s token', async () => {
      await alice.login();
      const stolen = alice.takeHeader().split(' ')[2]!;
      const res = await post(server.url, '{ contacts { contacts } }', {}, { authorization: authorizationHeader('mallory', base64ToBytes(stolen)) });
      expectCode(res, 'TOKEN_INVALID');
    });

    it('cannot subscribe to another user’s notifications', async () => {
      // Alice's token presented under bob's name: the socket is closed before anything runs.
      await alice.login();
      const stolen = base64ToBytes(alice.takeHeader().split(' ')[2]!);
      expect(await handshakeCloseCode(server.url, authorizationHeader('bob', stolen))).toBe(4403);
      // And a legitimate subscription hears only its owner's events.
      const own = collect(await mallory.socket(), String(await server.app.services.eventStore.headPosition()));
      await alice.send(group[0]!.participants, 'not for mallory', group[0]!.conversationId);
      expectOk(await bob.contact('requestContact', 'mallory'));
      await own.until(1);
      expect(own.received.map((n) => n.kind)).toEqual(['CONTACT_REQUEST']);
      own.dispose();
    });

    it('cannot message someone who blocked them, nor a removed contact', async () => {
      expectOk(await mallory.contact('acceptContact', 'bob'));
      const first = await mallory.send(['bob', 'mallory'], 'hello bob');
      expectOk(await bob.contact('blockContact', 'mallory'));
      const blocked = await mallory.compose(first.participants, 'still there?', first.conversationId);
      expectCode(await mallory.sendRaw({ conversationId: first.conversationId, messageId: blocked.messageId, participants: first.participants, ciphertext: bytesToBase64(blocked.ciphertext) }), 'FORBIDDEN');
      expectCode(await mallory.contact('requestContact', 'bob'), 'FORBIDDEN');
      expectOk(await bob.contact('unblockContact', 'mallory'));
      // Unblocking does not restore the contact: a two-person conversation needs contacts.
      expectCode(await mallory.sendRaw({ conversationId: first.conversationId, messageId: blocked.messageId, participants: first.participants, ciphertext: bytesToBase64(blocked.ciphertext) }), 'FORBIDDEN');
    });
  });
});
