/**
 * The message protocol against a malicious server (DESIGN.md T2, T4, T7):
 * the test holds real ciphertexts from honest senders and replays,
 * re-labels, drops, reorders or splices them as a server could.
 */
import { describe, expect, it } from 'vitest';
import {
  ConversationLedger,
  composeMessage,
  conversationIdOf,
  encodeMiniLockId,
  keyPairFromSecretKey,
  randomBytes,
  type ComposedMessage,
  type MessageEnvelope,
  type ReceiverContext,
} from '../src/index.js';

const user = (username: string) => {
  const keys = keyPairFromSecretKey(randomBytes(32));
  return { username, secretKey: keys.secretKey, id: encodeMiniLockId(keys.publicKey) };
};
const alice = user('alice');
const bob = user('bob');
const carol = user('carol');
const mallory = user('mallory');
const keys = Object.fromEntries([alice, bob, carol, mallory].map((u) => [u.username, u.id]));
const NOW = 1_790_000_000_000;

const contextOf = (me: ReturnType<typeof user>): ReceiverContext => ({ me, pinnedKey: (u) => keys[u] });
const envelopeOf = (m: ComposedMessage, sender: string, receivedAt = NOW): MessageEnvelope => ({
  conversationId: m.conversationId,
  messageId: m.messageId,
  sender,
  participants: m.participants,
  ciphertext: m.ciphertext,
  receivedAt,
});

/** alice starts a conversation with bob and carol; returns the first message and bob's ledger. */
function start() {
  const first = composeMessage({ sender: alice, conversation: null, participants: ['bob', 'carol'], keys, subject: 'Plans', body: 'hello', now: NOW });
  const { ledger, verification } = ConversationLedger.found(envelopeOf(first, 'alice'), contextOf(bob));
  expect(verification.ok).toBe(true);
  // alice's own device verifies her message too and keeps her chain.
  const aliceLedger = ConversationLedger.found(envelopeOf(first, 'alice'), contextOf(alice)).ledger!;
  return { first, bobLedger: ledger!, aliceLedger };
}

function reply(ledger: ConversationLedger, from = alice, body = 'next') {
  const m = composeMessage({ sender: from, conversation: ledger, keys, body, now: NOW });
  expect(ledger.accept(envelopeOf(m, from.username), contextOf(from)).ok).toBe(true);
  return m;
}

describe('honest conversation', () => {
  it('every participant verifies the first message and the replies', () => {
    const { first, bobLedger, aliceLedger } = start();
    expect(first.conversationId).toBe(conversationIdOf(first.plaintext.conversationSecret));
    expect(bobLedger.subject).toBe('Plans');
    const carolLedger = ConversationLedger.found(envelopeOf(first, 'alice'), contextOf(carol)).ledger!;
    const second = reply(aliceLedger);
    const r1 = bobLedger.accept(envelopeOf(second, 'alice'), contextOf(bob));
    const r2 = carolLedger.accept(envelopeOf(second, 'alice'), contextOf(carol));
    expect(r1.ok && r1.message.plaintext.body).toBe('next');
    expect(r2.ok && r2.message.plaintext.sequence).toBe(2);
    // bob answers; his sequence starts at 1 in this conversation.
    const bobReply = composeMessage({ sender: bob, conversation: bobLedger, keys, body: 'hi', now: NOW });
    expect(bobReply.plaintext.sequence).toBe(1);
    expect(carolLedger.accept(envelopeOf(bobReply, 'bob'), contextOf(carol)).ok).toBe(true);
  });
});

describe('our own message recorded as composed (no decryption)', () => {
  it('takes the hash a recipient computes, so the next message chains to it and everyone verifies it', () => {
    const { bobLedger, aliceLedger } = start();
    const second = composeMessage({ sender: alice, conversation: aliceLedger, keys, body: 'second', now: NOW });
    expect(aliceLedger.recordOwn(second.plaintext, second.hash, NOW).ok).toBe(true);
    expect(bobLedger.accept(envelopeOf(second, 'alice'), contextOf(bob)).ok).toBe(true);
    // The recipient's hash of it is the one composed.
    expect(bobLedger.chainOf('alice').lastHash).toBe(second.hash);
    expect(aliceLedger.chainOf('alice')).toEqual(bobLedger.chainOf('alice'));
    const third = composeMessage({ sender: alice, conversation: aliceLedger, keys, body: 'third', now: NOW });
    expect(third.plaintext.sequence).toBe(3);
    expect(bobLedger.accept(envelopeOf(third, 'alice'), contextOf(bob))).toMatchObject({ ok: true });
  });

  it('refuses a message of another conversation or one already recorded', () => {
    const { aliceLedger } = start();
    const elsewhere = composeMessage({ sender: alice, conversation: null, participants: ['bob'], keys, body: 'x', now: NOW });
    expect(aliceLedger.recordOwn(elsewhere.plaintext, elsewhere.hash, NOW)).toEqual({ ok: false, reason: 'WrongConversation' });
    const second = composeMessage({ sender: alice, conversation: aliceLedger, keys, body: 'second', now: NOW });
    expect(aliceLedger.recordOwn(second.plaintext, second.hash, NOW).ok).toBe(true);
    expect(aliceLedger.recordOwn(second.plaintext, second.hash, NOW)).toEqual({ ok: false, reason: 'Replay' });
  });
});

describe('malicious server', () => {
  it('T2: swapping the sender name → SenderKeyMismatch', () => {
    const { first } = start();
    const forged = { ...envelopeOf(first, 'carol') };
    expect(ConversationLedger.found(forged, contextOf(bob)).verification).toEqual({ ok: false, reason: 'SenderKeyMismatch' });
  });

  it('T2: a message encrypted by a non-pinned key (the server’s own) claiming to be alice → SenderKeyMismatch', () => {
    const fake = composeMessage({ sender: { ...mallory, username: 'alice' }, conversation: null, participants: ['bob'], keys, body: 'pay me', now: NOW });
    expect(ConversationLedger.found(envelopeOf(fake, 'alice'), contextOf(bob)).verification).toEqual({ ok: false, reason: 'SenderKeyMismatch' });
  });

  it('T4: a flipped ciphertext byte → Undecryptable', () => {
    const { aliceLedger, bobLedger } = start();
    const m = reply(aliceLedger);
    for (const at of [10, m.ciphertext.length >> 1, m.ciphertext.length - 1]) {
      const bad = m.ciphertext.slice();
      bad[at]! ^= 1;
      expect(bobLedger.accept({ ...envelopeOf(m, 'alice'), ciphertext: bad }, contextOf(bob))).toEqual({ ok: false, reason: 'Undecryptable' });
    }
  });

  it('T4: replaying an old message under a new id → Replay; under its own id again → Replay', () => {
    const { aliceLedger, bobLedger } = start();
    const m = reply(aliceLedger);
    expect(bobLedger.accept(envelopeOf(m, 'alice'), contextOf(bob)).ok).toBe(true);
    expect(bobLedger.accept({ ...envelopeOf(m, 'alice'), messageId: 'AAAAAAAAAAAAAAAAAAAAAA==' }, contextOf(bob))).toEqual({ ok: false, reason: 'Replay' });
    expect(bobLedger.accept(envelopeOf(m, 'alice'), contextOf(bob))).toEqual({ ok: false, reason: 'Replay' });
  });

  it('T4: moving a message into another conversation → WrongConversation', () => {
    const a = start();
    const other = composeMessage({ sender: alice, conversation: null, participants: ['bob', 'carol'], keys, body: 'other', now: NOW });
    const otherLedger = ConversationLedger.found(envelopeOf(other, 'alice'), contextOf(bob)).ledger!;
    const m = reply(a.aliceLedger);
    // Filed under the other conversation's id, or offered to the other conversation's ledger.
    expect(otherLedger.accept({ ...envelopeOf(m, 'alice'), conversationId: other.conversationId }, contextOf(bob))).toEqual({ ok: false, reason: 'WrongConversation' });
    expect(ConversationLedger.found({ ...envelopeOf(a.first, 'alice'), conversationId: other.conversationId }, contextOf(bob)).verification).toEqual({
      ok: false,
      reason: 'WrongConversation',
    });
  });

  it('T4: dropping one message of a sender’s sequence → SequenceGap, reported with the withheld range', () => {
    const { aliceLedger, bobLedger } = start();
    reply(aliceLedger, alice, 'withheld');
    const third = reply(aliceLedger, alice, 'third');
    const v = bobLedger.accept(envelopeOf(third, 'alice'), contextOf(bob));
    expect(v).toMatchObject({ ok: false, reason: 'SequenceGap', withheld: { sender: 'alice', from: 2, to: 2 } });
    expect(!v.ok && v.message?.plaintext.body).toBe('third');
    expect(bobLedger.withheldOf('alice')).toEqual([2]);
  });

  it('T4: reordering two messages → SequenceGap, then the late one is marked late', () => {
    const { aliceLedger, bobLedger } = start();
    const second = reply(aliceLedger, alice, 'second');
    const third = reply(aliceLedger, alice, 'third');
    expect(bobLedger.accept(envelopeOf(third, 'alice'), contextOf(bob))).toMatchObject({ ok: false, reason: 'SequenceGap' });
    const late = bobLedger.accept(envelopeOf(second, 'alice'), contextOf(bob));
    expect(late).toMatchObject({ ok: true, message: { late: true } });
    expect(bobLedger.withheldOf('alice')).toEqual([]);
  });

  it('T7: adding a participant to the envelope → ParticipantsMismatch', () => {
    const { first, aliceLedger, bobLedger } = start();
    const injected = { ...envelopeOf(first, 'alice'), participants: [...first.participants, 'mallory'] };
    expect(ConversationLedger.found(injected, contextOf(bob)).verification).toEqual({ ok: false, reason: 'ParticipantsMismatch' });
    const m = reply(aliceLedger);
    expect(bobLedger.accept({ ...envelopeOf(m, 'alice'), participants: ['alice', 'bob'] }, contextOf(bob))).toEqual({ ok: false, reason: 'ParticipantsMismatch' });
  });

  it('T7: replies are encrypted only to the conversation’s participants', () => {
    const { bobLedger } = start();
    const r = composeMessage({ sender: bob, conversation: bobLedger, participants: ['mallory'], keys, body: 'x', now: NOW });
    expect(r.participants).toEqual(['alice', 'bob', 'carol']);
    expect(ConversationLedger.found(envelopeOf(r, 'bob'), contextOf(mallory)).verification).toEqual({ ok: false, reason: 'Undecryptable' });
  });

  it('after a key rotation, messages from before it verify with the replaced key; later ones with it do not', () => {
    const { first, aliceLedger } = start();
    const before = reply(aliceLedger, alice, 'before the rotation');
    const after = reply(aliceLedger, alice, 'signed with the old key after the rotation');
    // Bob accepted alice's new key at rotatedAt: her old key stays valid only for messages received before then.
    const rotatedAt = NOW + 1000;
    const newAliceKey = mallory.id;
    const context: ReceiverContext = {
      me: bob,
      pinnedKey: (u, at) => (u === 'alice' ? (at < rotatedAt ? [newAliceKey, alice.id] : [newAliceKey]) : keys[u]),
    };
    const { ledger } = ConversationLedger.found(envelopeOf(first, 'alice'), context);
    expect(ledger!.accept(envelopeOf(before, 'alice', NOW), context).ok).toBe(true);
    expect(ledger!.accept(envelopeOf(after, 'alice', rotatedAt + 1), { ...context, maxClockSkewMs: 60_000 })).toEqual({ ok: false, reason: 'SenderKeyMismatch' });
  });

  it('a sentAt far from the server’s receipt time → ClockSkew', () => {
    const { aliceLedger, bobLedger } = start();
    const m = reply(aliceLedger);
    expect(bobLedger.accept(envelopeOf(m, 'alice', NOW + 60 * 60 * 1000), contextOf(bob))).toEqual({ ok: false, reason: 'ClockSkew' });
  });
});
