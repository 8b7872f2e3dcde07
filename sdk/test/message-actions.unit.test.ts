/**
 * Disappearing messages, delete for everyone and edit (issue 20), on the
 * ledger: real ciphertexts from honest (and one dishonest) senders, the test
 * playing the server that relays them with the times it chooses, and
 * tombstones for what it purged.
 */
import { describe, expect, it } from 'vitest';
import {
  bytesToBase64,
  composeMessage,
  ConversationLedger,
  decodePlaintext,
  DELETE_WINDOW_MS,
  EDIT_WINDOW_MS,
  encodeMiniLockId,
  keyPairFromSecretKey,
  MalformedMessageError,
  randomBytes,
  utf8ToBytes,
  type ComposedMessage,
  type GoneHint,
  type MessageAction,
  type ReceiverContext,
  type TimerSeconds,
  type Verification,
} from '../src/index.js';

const user = (username: string) => {
  const keys = keyPairFromSecretKey(randomBytes(32));
  return { username, secretKey: keys.secretKey, id: encodeMiniLockId(keys.publicKey) };
};
type User = ReturnType<typeof user>;
const alice = user('alice');
const bob = user('bob');
const keys: Record<string, string> = { alice: alice.id, bob: bob.id };
const T0 = 1_790_000_000_000;
const contextOf = (me: User): ReceiverContext => ({ me, pinnedKey: (u) => keys[u] });

/** One device: what the server shows it, each message at the server time the test chooses. */
class Device {
  ledger: ConversationLedger | null = null;
  private hints: { sender: string; gone: GoneHint }[] = [];
  constructor(readonly me: User) {}
  see(m: ComposedMessage, at = m.plaintext.sentAt): Verification {
    const envelope = { conversationId: m.conversationId, messageId: m.messageId, sender: m.plaintext.sender, participants: m.participants, ciphertext: m.ciphertext, receivedAt: at };
    if (this.ledger) return this.ledger.accept(envelope, contextOf(this.me));
    const founded = ConversationLedger.found(envelope, contextOf(this.me), { hints: this.hints });
    this.ledger = founded.ledger;
    return founded.verification;
  }
  /** A message the server shows purged. */
  tombstone(sender: string, gone: GoneHint): void {
    if (this.ledger) this.ledger.hintGone(sender, gone);
    else this.hints.push({ sender, gone });
  }
  write(body: string, at: number, options: { action?: MessageAction; expiresIn?: TimerSeconds } = {}): ComposedMessage {
    const m = composeMessage({
      sender: this.me,
      conversation: this.ledger,
      participants: ['alice', 'bob'],
      keys,
      body,
      now: at,
      ...(this.ledger ? {} : { subject: 'Plans' }),
      ...options,
    });
    expect(this.see(m, at).ok).toBe(true);
    return m;
  }
  /** A delete or an edit of one of our own messages, named from our ledger. */
  target(kind: 'delete' | 'edit', m: ComposedMessage): Extract<MessageAction, { kind: 'delete' | 'edit' }> {
    const own = this.ledger!.messageOf(this.me.username, m.messageId)!;
    return { kind, messageId: own.messageId, sequence: own.sequence, hash: own.hash };
  }
}

describe('the timer', () => {
  it('is a signed entry: who set what and when; replies then expire by it, and the message says so itself', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const a1 = a.write('hello', T0);
    b.see(a1);
    const timer = b.write('', T0 + 1000, { action: { kind: 'timer', seconds: 3600 } });
    expect(timer.plaintext).toMatchObject({ v: 3, expiresIn: 0, action: { kind: 'timer', seconds: 3600 } });
    expect(a.see(timer).ok).toBe(true);
    expect(a.ledger!.timer()).toEqual({ seconds: 3600, setBy: 'bob', at: T0 + 1000, messageId: timer.messageId });
    // alice's next message takes the timer from what she verified.
    const a2 = a.write('this one disappears', T0 + 2000);
    expect(a2.plaintext.expiresIn).toBe(3600);
    const shown = b.see(a2, T0 + 2000);
    expect(shown).toMatchObject({ ok: true, message: { expiresAt: T0 + 2000 + 3_600_000 } });
    // Off again.
    b.write('', T0 + 3000, { action: { kind: 'timer', seconds: 0 } });
    expect(b.ledger!.timer()?.seconds).toBe(0);
  });

  it('a reply in a window that does not reach back to the timer message still takes the timer, from the latest message', () => {
    const a = new Device(alice);
    a.write('hello', T0);
    a.write('', T0 + 1, { action: { kind: 'timer', seconds: 3600 } });
    const later = a.write('an hour', T0 + 2);
    // bob's device loads only the newest message (no timer message in it).
    const b = new Device(bob);
    b.see(later);
    expect(b.ledger!.timer()).toBeNull();
    expect(b.ledger!.timerInEffect()).toBe(3600);
    expect(b.write('mine too', T0 + 3).plaintext.expiresIn).toBe(3600);
  });

  it('the subject goes with the opening message: when it expires, or is deleted', () => {
    const a = new Device(alice);
    const opening = a.write('hello', T0, { expiresIn: 300 });
    const b = new Device(bob);
    b.see(opening);
    expect(b.ledger!.subjectAt(T0 + 299_999)).toBe('Plans');
    expect(b.ledger!.subjectAt(T0 + 300_000)).toBe('');
    expect(b.ledger!.subject).toBe('');
    const c = new Device(alice);
    const kept = c.write('hello', T0);
    c.write('', T0 + 1, { action: c.target('delete', kept) });
    expect(c.ledger!.subjectAt(T0 + 2)).toBe('');
  });

  it('a malformed timer or action is Undecryptable to the receiver, and strictly refused by the decoder', () => {
    const a = new Device(alice);
    const a1 = a.write('hello', T0);
    const base = JSON.parse(new TextDecoder().decode(utf8ToBytes(JSON.stringify({ ...a1.plaintext })))) as Record<string, unknown>;
    const fieldOf = (value: Record<string, unknown>) => {
      try {
        decodePlaintext(utf8ToBytes(JSON.stringify(value)));
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedMessageError);
        return (error as MalformedMessageError).field;
      }
    };
    const target = { kind: 'delete', messageId: a1.messageId, sequence: 1, hash: bytesToBase64(randomBytes(32)) };
    expect(fieldOf(base)).toBe('accepted');
    expect(fieldOf({ ...base, expiresIn: 60 })).toBe('expiresIn');
    expect(fieldOf({ ...base, body: '', action: { kind: 'timer', seconds: 61 } })).toBe('action');
    expect(fieldOf({ ...base, action: { kind: 'timer', seconds: 300 } })).toBe('action'); // a timer carries no body
    expect(fieldOf({ ...base, action: { kind: 'pin', seconds: 300 } })).toBe('action.kind');
    expect(fieldOf({ ...base, sequence: 2, previousHash: bytesToBase64(randomBytes(32)), body: '', action: target })).toBe('action.messageId'); // names itself
    expect(fieldOf({ ...base, body: '', messageId: bytesToBase64(randomBytes(16)), action: target })).toBe('action.sequence'); // not earlier than itself
    expect(fieldOf({ ...base, sequence: 2, previousHash: target.hash, messageId: bytesToBase64(randomBytes(16)), action: target })).toBe('action'); // a delete with a body
    expect(fieldOf({ ...base, sequence: 2, previousHash: target.hash, messageId: bytesToBase64(randomBytes(16)), body: '', expiresIn: 300, action: target })).toBe('action'); // a delete that expires
    expect(fieldOf({ ...base, v: 2 })).toBe('canonical');
  });
});

describe('delete for everyone and edit', () => {
  it('the sender deletes its own message within 3 h: the recipient hides it and counts nothing withheld', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const a1 = a.write('oops', T0);
    b.see(a1);
    const del = a.write('', T0 + DELETE_WINDOW_MS, { action: a.target('delete', a1) });
    expect(b.see(del, T0 + DELETE_WINDOW_MS)).toMatchObject({ ok: true });
    expect(b.ledger!.deletionOf(a1.messageId)).toEqual({ by: del.messageId, at: T0 + DELETE_WINDOW_MS });
    expect(b.ledger!.withheld()).toEqual([]);
  });

  it('an edit within 24 h replaces the body (the latest edit wins); after a delete nothing more can be edited', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const a1 = a.write('meet at 5', T0);
    b.see(a1);
    const e1 = a.write('meet at 6', T0 + 1000, { action: a.target('edit', a1) });
    const e2 = a.write('meet at 7', T0 + EDIT_WINDOW_MS, { action: a.target('edit', a1) });
    b.see(e1);
    expect(b.see(e2, T0 + EDIT_WINDOW_MS).ok).toBe(true);
    expect(b.ledger!.editOf(a1.messageId)).toEqual({ by: e2.messageId, at: T0 + EDIT_WINDOW_MS, body: 'meet at 7', sequence: 3, expiresAt: null });
    const del = a.write('', T0 + 2000, { action: a.target('delete', a1) });
    b.see(del, T0 + 2000);
    const late = composeMessage({ sender: alice, conversation: a.ledger, keys, body: 'meet at 8', now: T0 + 3000, action: a.target('edit', a1) });
    expect(b.see(late, T0 + 3000)).toMatchObject({ ok: false, reason: 'ActionRefused', refused: 'NotEditable' });
  });

  it('an edit lives exactly as long as the message it edits, whatever the timer is now', () => {
    const a = new Device(alice);
    a.write('hello', T0);
    const timed = a.write('for a day', T0 + 1, { expiresIn: 86_400 });
    a.write('', T0 + 2, { action: { kind: 'timer', seconds: 300 } });
    const edit = a.write('for a day, edited', T0 + 3, { action: a.target('edit', timed) });
    expect(edit.plaintext.expiresIn).toBe(86_400);
    const b = new Device(bob);
    for (const m of [timed, edit]) b.see(m);
    expect(b.ledger!.editOf(timed.messageId)).toMatchObject({ body: 'for a day, edited', expiresAt: T0 + 3 + 86_400_000 });
  });

  it('outside the window, another sender’s message, a wrong hash, or an action message: ActionRefused with the reason', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const a1 = a.write('hello', T0);
    b.see(a1);
    const b1 = b.write('hi', T0 + 1);
    a.see(b1);
    // Too late, by the server times of both messages.
    const tooLate = composeMessage({ sender: alice, conversation: a.ledger, keys, body: '', now: T0 + DELETE_WINDOW_MS + 1, action: a.target('delete', a1) });
    expect(b.see(tooLate, T0 + DELETE_WINDOW_MS + 1)).toMatchObject({ ok: false, reason: 'ActionRefused', refused: 'OutsideWindow', message: { plaintext: { sender: 'alice' } } });
    // The refused delete is still in alice's chain: her next message shows no gap, and the original stays.
    expect(b.ledger!.deletionOf(a1.messageId)).toBeNull();
    a.see(tooLate, T0 + DELETE_WINDOW_MS + 1);
    // alice names bob's message (by its id, at her own sequence 1's place).
    const own1 = a.ledger!.messageOf('alice', a1.messageId)!;
    const foreign = composeMessage({ sender: alice, conversation: a.ledger, keys, body: '', now: T0 + 2, action: { kind: 'delete', messageId: b1.messageId, sequence: own1.sequence, hash: own1.hash } });
    expect(b.see(foreign, T0 + 2)).toMatchObject({ ok: false, reason: 'ActionRefused', refused: 'NotOwnMessage' });
    a.see(foreign, T0 + 2);
    const wrongHash = composeMessage({ sender: alice, conversation: a.ledger, keys, body: 'x', now: T0 + 3, action: { ...a.target('edit', a1), hash: bytesToBase64(randomBytes(32)) } });
    expect(b.see(wrongHash, T0 + 3)).toMatchObject({ ok: false, reason: 'ActionRefused', refused: 'WrongHash' });
    a.see(wrongHash, T0 + 3);
    const timer = a.write('', T0 + 4, { action: { kind: 'timer', seconds: 300 } });
    b.see(timer, T0 + 4);
    const ofTimer = composeMessage({ sender: alice, conversation: a.ledger, keys, body: '', now: T0 + 5, action: a.target('delete', timer) });
    expect(b.see(ofTimer, T0 + 5)).toMatchObject({ ok: false, reason: 'ActionRefused', refused: 'NotEditable' });
    expect(b.ledger!.withheld()).toEqual([]);
  });

  it('a delete of a message this device never got accounts for it (deleted, not withheld); if it then arrives outside the window, the delete does nothing', () => {
    const early = T0 - DELETE_WINDOW_MS - 1000;
    const a = new Device(alice);
    const a1 = a.write('hello', early);
    const a2 = a.write('oops', early + 1);
    // alice's own client would not send this (nor the server store it): a sender's device with a wrong clock, say.
    const del = composeMessage({ sender: alice, conversation: a.ledger, keys, body: '', now: T0, action: a.target('delete', a2) });
    const b = new Device(bob);
    b.see(a1);
    b.tombstone('alice', 'deleted');
    // The gap at a2 is covered by the tombstone; the verified delete then names it (its window cannot be checked).
    expect(b.see(del).ok).toBe(true);
    expect(b.ledger!.withheld()).toEqual([]);
    expect(b.ledger!.deletionOf(a2.messageId)).not.toBeNull();

    // The same delete, but the message shows up after it: more than 3 h older than the delete.
    const c = new Device(bob);
    c.see(a1);
    c.tombstone('alice', 'deleted');
    c.see(del);
    expect(c.see(a2)).toMatchObject({ ok: true, message: { late: true } });
    expect(c.ledger!.deletionOf(a2.messageId)).toBeNull();
  });
});

describe('tombstones are hints (EXPIRED OR DELETED, NOT WITHHELD)', () => {
  /** alice writes three messages under a 5-minute timer (or none); the server shows the first two purged. */
  function purgedTwo(expiresIn: TimerSeconds, gone: GoneHint) {
    const a = new Device(alice);
    a.write('one', T0, { expiresIn });
    a.write('two', T0 + 1, { expiresIn });
    const a3 = a.write('three', T0 + 2, { expiresIn });
    const b = new Device(bob);
    b.tombstone('alice', gone);
    b.tombstone('alice', gone);
    return { b, verdict: b.see(a3, T0 + 2) };
  }

  it('under a timer, expired tombstones account for the gap', () => {
    const { b, verdict } = purgedTwo(300, 'expired');
    expect(verdict.ok).toBe(true);
    expect(b.ledger!.withheld()).toEqual([]);
  });

  it('without any verified timer, "expired" is not believed: withheld', () => {
    const { b } = purgedTwo(0, 'expired');
    expect(b.ledger!.withheld()).toEqual([{ sender: 'alice', sequences: [1, 2], count: 2 }]);
  });

  it('"deleted" without a verified delete naming the message: withheld', () => {
    const { b } = purgedTwo(300, 'deleted');
    expect(b.ledger!.withheld()).toEqual([{ sender: 'alice', sequences: [1, 2], count: 2 }]);
  });

  it('fewer tombstones than missing messages: a SequenceGap as before', () => {
    const a = new Device(alice);
    a.write('one', T0, { expiresIn: 300 });
    a.write('two', T0 + 1, { expiresIn: 300 });
    const a3 = a.write('three', T0 + 2, { expiresIn: 300 });
    const b = new Device(bob);
    b.tombstone('alice', 'expired');
    expect(b.see(a3, T0 + 2)).toMatchObject({ ok: false, reason: 'SequenceGap', withheld: { from: 1, to: 2 } });
  });

  it('a link to an expired message whose sender wrote nothing since: covered by that sender’s tombstones', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const a1 = a.write('gone soon', T0, { expiresIn: 300 });
    b.see(a1);
    const b1 = b.write('still here', T0 + 1, { expiresIn: 3600 });
    const c = new Device(bob);
    c.tombstone('alice', 'expired');
    c.see(b1, T0 + 1);
    expect(c.ledger!.withheld()).toEqual([]);
    const d = new Device(bob);
    d.see(b1, T0 + 1);
    expect(d.ledger!.withheld()).toEqual([{ sender: 'alice', sequences: [1], count: 1 }]);
  });
});
