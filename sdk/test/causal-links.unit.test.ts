/**
 * Causal links (DESIGN.md T14, §4 "Causal links"): the test holds real
 * ciphertexts from honest senders and plays the server, which drops one
 * participant's message from another's view, reorders across senders, or
 * relays a sender who showed different messages to different people.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  bytesToBase64,
  causalOrder,
  ConversationLedger,
  composeMessage,
  conversationIdOf,
  decodePlaintext,
  decryptFile,
  encodeMiniLockId,
  encodePlaintext,
  encryptFile,
  keyPairFromSecretKey,
  MalformedMessageError,
  messageHash,
  randomBytes,
  utf8ToBytes,
  type ComposedMessage,
  type MessageEnvelope,
  type MessagePlaintext,
  type ReceiverContext,
  type VerifiedMessage,
} from '../src/index.js';

const user = (username: string) => {
  const keys = keyPairFromSecretKey(randomBytes(32));
  return { username, secretKey: keys.secretKey, id: encodeMiniLockId(keys.publicKey) };
};
type User = ReturnType<typeof user>;
const alice = user('alice');
const bob = user('bob');
const carol = user('carol');
const keys: Record<string, string> = { alice: alice.id, bob: bob.id, carol: carol.id };
const NOW = 1_790_000_000_000;

const contextOf = (me: User): ReceiverContext => ({ me, pinnedKey: (u) => keys[u] });
const envelopeOf = (m: { conversationId: string; messageId: string; participants: readonly string[]; ciphertext: Uint8Array }, sender: string): MessageEnvelope => ({
  conversationId: m.conversationId,
  messageId: m.messageId,
  sender,
  participants: m.participants,
  ciphertext: m.ciphertext,
  receivedAt: NOW,
});

/** One participant's device: its ledger, fed what the server shows it. */
class Device {
  ledger: ConversationLedger | null = null;
  /** window: a ledger that verifies only the newest messages (ConversationLedger WINDOW). */
  constructor(
    readonly me: User,
    readonly window = false,
  ) {}
  see(m: ComposedMessage, sender = m.plaintext.sender) {
    const envelope = envelopeOf(m, sender);
    if (this.ledger) return this.ledger.accept(envelope, contextOf(this.me));
    const founded = ConversationLedger.found(envelope, contextOf(this.me), { window: this.window });
    this.ledger = founded.ledger;
    return founded.verification;
  }
  write(body: string): ComposedMessage {
    const m = this.ledger
      ? composeMessage({ sender: this.me, conversation: this.ledger, keys, body, now: NOW })
      : composeMessage({ sender: this.me, conversation: null, participants: ['alice', 'bob', 'carol'], keys, subject: 'Plans', body, now: NOW });
    // The sender's own device reads its message back from the server, as the SDK does.
    expect(this.see(m).ok).toBe(true);
    return m;
  }
}

/** alice#1, bob#1 (a reply to it), alice#2 (after reading bob's): what alice and bob saw. */
function threeMessages() {
  const a = new Device(alice);
  const b = new Device(bob);
  const a1 = a.write('hello');
  b.see(a1);
  const b1 = b.write('the only thing bob says');
  a.see(b1);
  const a2 = a.write('thanks bob');
  return { a1, b1, a2 };
}

const plaintextOf = (m: ComposedMessage, reader: User = alice) => decodePlaintext(decryptFile(m.ciphertext, reader.secretKey).plaintext);
const hashOf = (m: ComposedMessage) => messageHash(encodePlaintext(m.plaintext));

describe('plaintext version 2', () => {
  it('composeMessage writes v3 with the links from the ledger it replies in; a new conversation has none', () => {
    const { a1, b1, a2 } = threeMessages();
    expect(a1.plaintext.v).toBe(3);
    expect(a1.plaintext.links).toEqual([]);
    expect(b1.plaintext.links).toEqual([{ participant: 'alice', sequence: 1, hash: hashOf(a1) }]);
    expect(a2.plaintext.links).toEqual([{ participant: 'bob', sequence: 1, hash: hashOf(b1) }]);
    // Round trip: what every recipient decrypts is exactly what was composed, in canonical bytes.
    for (const m of [a1, b1, a2]) {
      const bytes = decryptFile(m.ciphertext, carol.secretKey).plaintext;
      expect(decodePlaintext(bytes)).toEqual(m.plaintext);
      expect(bytes).toEqual(encodePlaintext(m.plaintext));
    }
    expect(new TextDecoder().decode(encodePlaintext(b1.plaintext))).toContain(`"previousHash":null,"links":[{"participant":"alice","sequence":1,"hash":"${hashOf(a1)}"}],"subject":""`);
  });

  describe('strict validation names the field', () => {
    const { b1 } = threeMessages();
    const base = JSON.parse(new TextDecoder().decode(encodePlaintext(b1.plaintext))) as Record<string, unknown>;
    const link = (over: Record<string, unknown>) => ({ participant: 'alice', sequence: 1, hash: bytesToBase64(randomBytes(32)), ...over });
    const fieldOf = (value: unknown) => {
      try {
        decodePlaintext(utf8ToBytes(typeof value === 'string' ? value : JSON.stringify(value)));
      } catch (error) {
        expect(error).toBeInstanceOf(MalformedMessageError);
        return (error as MalformedMessageError).field;
      }
      return 'accepted';
    };
    it.each([
      ['links missing', { ...base, links: undefined }, 'links'],
      ['links not an array', { ...base, links: { alice: link({}) } }, 'links'],
      ['an entry not an object', { ...base, links: ['alice'] }, 'links'],
      ['an extra key in an entry', { ...base, links: [{ ...link({}), at: 1 }] }, 'links'],
      ['a key missing in an entry', { ...base, links: [{ participant: 'alice', sequence: 1 }] }, 'links'],
      ['more links than other participants', { ...base, links: [link({}), link({ participant: 'carol' }), link({ participant: 'carol' })] }, 'links'],
      ['a link to the sender itself', { ...base, links: [link({ participant: 'bob' })] }, 'links.participant'],
      ['a link to a non-participant', { ...base, links: [link({ participant: 'mallory' })] }, 'links.participant'],
      ['links out of order', { ...base, links: [link({ participant: 'carol' }), link({})] }, 'links.participant'],
      ['a participant linked twice', { ...base, links: [link({}), link({})] }, 'links.participant'],
      ['sequence 0', { ...base, links: [link({ sequence: 0 })] }, 'links.sequence'],
      ['a fractional sequence', { ...base, links: [link({ sequence: 1.5 })] }, 'links.sequence'],
      ['a sequence as a string', { ...base, links: [link({ sequence: '1' })] }, 'links.sequence'],
      ['a short hash', { ...base, links: [link({ hash: bytesToBase64(randomBytes(31)) })] }, 'links.hash'],
      ['a hash that is not base64', { ...base, links: [link({ hash: '!'.repeat(44) })] }, 'links.hash'],
      ['version 1 with links', { ...base, v: 1 }, 'links'],
      ['version 4', { ...base, v: 4 }, 'v'],
      ['version 2 with an expiry', { ...base, v: 2, expiresIn: 300 }, 'expiresIn'],
    ])('%s → %s', (_what, value, field) => {
      expect(fieldOf(value)).toBe(field);
    });

    it('a v2 plaintext must be its canonical bytes: whitespace, another key order or an unknown key → canonical', () => {
      expect(fieldOf(base)).toBe('accepted');
      expect(fieldOf(JSON.stringify(base, null, 1))).toBe('canonical');
      const { links, ...rest } = base;
      expect(fieldOf({ links, ...rest })).toBe('canonical');
      expect(fieldOf({ ...base, extra: true })).toBe('canonical');
    });
  });
});

describe('T14: a dropped message from another sender does not vanish', () => {
  it('carol sees "withheld from bob #1" when the server drops the only message bob sent, between two of alice’s', () => {
    const { a1, a2 } = threeMessages();
    const c = new Device(carol);
    expect(c.see(a1).ok).toBe(true);
    // alice#2 itself is fine: her own chain has no gap. What it links to is what is missing.
    expect(c.see(a2)).toMatchObject({ ok: true, message: { late: false } });
    expect(c.ledger!.withheld()).toEqual([{ sender: 'bob', sequences: [1], count: 1 }]);
    expect(c.ledger!.withheldOf('alice')).toEqual([]);
    expect(c.ledger!.anomalies()).toEqual([]);
  });

  it('the withheld message arriving later fills it, marked late, and must match the link', () => {
    const { a1, b1, a2 } = threeMessages();
    const c = new Device(carol);
    c.see(a1);
    c.see(a2);
    expect(c.see(b1)).toMatchObject({ ok: true, message: { late: true, plaintext: { sender: 'bob', sequence: 1 } } });
    expect(c.ledger!.withheld()).toEqual([]);
    expect(c.ledger!.anomalies()).toEqual([]);
    // Filled once: another copy of it is a replay.
    expect(c.see(b1)).toEqual({ ok: false, reason: 'Replay' });
  });

  it('the only copy of the first message dropped: a later message founds the ledger and reports the gap', () => {
    const { a1, a2 } = threeMessages();
    const c = new Device(carol);
    expect(c.see(a2)).toMatchObject({ ok: false, reason: 'SequenceGap', withheld: { sender: 'alice', from: 1, to: 1 }, message: { plaintext: { body: 'thanks bob' } } });
    expect(c.ledger!.withheld()).toEqual([
      { sender: 'alice', sequences: [1], count: 1 },
      { sender: 'bob', sequences: [1], count: 1 },
    ]);
    expect(c.see(a1)).toMatchObject({ ok: true, message: { late: true } });
    expect(c.ledger!.subject).toBe('Plans');
  });

  it('a gap in a sender’s own chain and a link-revealed gap are listed together, per sender', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const a1 = a.write('1');
    b.see(a1);
    const b1 = b.write('b1');
    const b2 = b.write('b2');
    a.see(b1);
    a.see(b2);
    const a2 = a.write('2');
    const a3 = a.write('3');
    const c = new Device(carol);
    c.see(a1);
    c.see(a3);
    expect(c.ledger!.withheld()).toEqual([
      { sender: 'alice', sequences: [2], count: 1 },
      { sender: 'bob', sequences: [1, 2], count: 2 },
    ]);
    expect(c.see(b2)).toMatchObject({ ok: true, message: { late: true } });
    expect(c.see(a2)).toMatchObject({ ok: true, message: { late: true } });
    expect(c.ledger!.withheld()).toEqual([{ sender: 'bob', sequences: [1], count: 1 }]);
    expect(c.ledger!.anomalies()).toEqual([]);
  });

  it('carol’s next reply links the latest message of each other participant she accepted', () => {
    const { a1, b1, a2 } = threeMessages();
    const c = new Device(carol);
    c.see(a1);
    c.see(b1);
    c.see(a2);
    const c1 = c.write('hi both');
    expect(c1.plaintext.links).toEqual([
      { participant: 'alice', sequence: 2, hash: hashOf(a2) },
      { participant: 'bob', sequence: 1, hash: hashOf(b1) },
    ]);
  });
});

/** bob writes two different #1 from the same state: one the server shows alice (who replies a2, linking it), the other carol; `b` is bob's device. */
function forked() {
  const a = new Device(alice);
  const b = new Device(bob);
  const a1 = a.write('hello');
  b.see(a1);
  const forAlice = composeMessage({ sender: bob, conversation: b.ledger, keys, body: 'yes', now: NOW });
  const forCarol = composeMessage({ sender: bob, conversation: b.ledger, keys, body: 'no', now: NOW });
  a.see(forAlice);
  const a2 = a.write('great, bob said yes');
  return { a1, forAlice, forCarol, a2, b };
}

describe('a window: the newest messages of a long conversation, verified without the rest', () => {
  /** alice a1…a6 with bob's b1…b3 between them, each reply linking what its sender read. */
  function longConversation() {
    const a = new Device(alice);
    const b = new Device(bob);
    const out: ComposedMessage[] = [];
    const say = (from: Device, to: Device, body: string) => {
      const m = from.write(body);
      to.see(m);
      out.push(m);
      return m;
    };
    say(a, b, 'a1');
    say(b, a, 'b1');
    say(a, b, 'a2');
    say(a, b, 'a3');
    say(b, a, 'b2');
    say(a, b, 'a4');
    say(b, a, 'b3');
    say(a, b, 'a5');
    say(a, b, 'a6');
    return out; // a1 b1 a2 a3 b2 a4 b3 a5 a6
  }
  const windowOf = (messages: readonly ComposedMessage[]) => {
    const c = new Device(carol, true);
    const verdicts = messages.map((m) => c.see(m));
    return { c, verdicts };
  };

  it('every message from each sender’s first one in the window on verifies; nothing below it is withheld; the opening message gives the subject', () => {
    const all = longConversation();
    const { c, verdicts } = windowOf(all.slice(3)); // a3 b2 a4 b3 a5 a6
    expect(verdicts.map((v) => v.ok)).toEqual([true, true, true, true, true, true]);
    expect(verdicts.every((v) => v.ok && !v.message.late)).toBe(true);
    expect(c.ledger!.window).toBe(true);
    expect(c.ledger!.withheld()).toEqual([]);
    expect(c.ledger!.subject).toBe('');
    expect(c.ledger!.takeOpening(envelopeOf(all[0]!, 'alice'), contextOf(carol))).toBe(true);
    expect(c.ledger!.subject).toBe('Plans');
  });

  it('a message dropped inside the window is withheld, by its sender’s next message or by a link', () => {
    const all = longConversation();
    const [, , , a3, b2, a4, , a5, a6] = all;
    // a4 dropped: alice's own chain shows it.
    const own = windowOf([a3!, b2!, a5!, a6!]);
    expect(own.verdicts[2]).toMatchObject({ ok: false, reason: 'SequenceGap', withheld: { sender: 'alice', from: 4, to: 4 } });
    expect(own.c.ledger!.withheld()).toEqual([
      { sender: 'alice', sequences: [4], count: 1 },
      { sender: 'bob', sequences: [3], count: 1 },
    ]);
    // b3 dropped: bob wrote nothing after it, alice's a5 links it.
    const linked = windowOf([a3!, b2!, a4!, a5!, a6!]);
    expect(linked.verdicts.every((v) => v.ok)).toBe(true);
    expect(linked.c.ledger!.withheld()).toEqual([{ sender: 'bob', sequences: [3], count: 1 }]);
  });

  it('a sender with nothing in the window, or a drop just before a sender’s first windowed message, is not loaded, not withheld; the whole read finds it', () => {
    const all = longConversation();
    const [a1, b1, a2, a3, _b2, a4, b3, a5, a6] = all;
    // Only alice's a5 a6: they link bob's b3, which is older than the window.
    expect(windowOf([a5!, a6!]).c.ledger!.withheld()).toEqual([]);
    // b2 dropped just before the window's first bob message (b3): a window cannot tell…
    const window = windowOf([a4!, b3!, a5!, a6!]);
    expect(window.verdicts.every((v) => v.ok)).toBe(true);
    expect(window.c.ledger!.withheld()).toEqual([]);
    // …the whole conversation does.
    const whole = new Device(carol);
    for (const m of [a1, b1, a2, a3, a4, b3, a5, a6]) whole.see(m!);
    expect(whole.ledger!.withheld()).toEqual([{ sender: 'bob', sequences: [2], count: 1 }]);
  });

  it('the window’s first previous hash is still a statement: a link that names another #1 of bob is an equivocation', () => {
    const { forCarol, a2, b } = forked();
    b.see(forCarol); // bob's own chain continues from the #1 alice was not shown
    const b2 = b.write('b2');
    const { c, verdicts } = windowOf([a2, b2]);
    expect(verdicts.map((v) => v.ok)).toEqual([true, true]);
    expect(c.ledger!.anomalies()).toEqual([{ kind: 'Equivocation', sender: 'bob', sequence: 1 }]);
  });

  it('a reordered older message below a sender’s first windowed one lowers the window’s start for that sender, and a gap it opens is withheld', () => {
    const all = longConversation();
    const [, , a2, a3, , a4, , a5] = all;
    const { c, verdicts } = windowOf([a3!, a5!, a2!]);
    expect(verdicts[1]).toMatchObject({ ok: false, reason: 'SequenceGap', withheld: { sender: 'alice', from: 4, to: 4 } });
    expect(verdicts[2]).toMatchObject({ ok: true, message: { late: false } });
    expect(c.ledger!.withheldOf('alice')).toEqual([4]);
    expect(c.see(a4!)).toMatchObject({ ok: true, message: { late: true } });
  });

  it('takeOpening refuses what is not the creator’s first message of this conversation', () => {
    const all = longConversation();
    const { c } = windowOf(all.slice(7));
    const other = composeMessage({ sender: alice, conversation: null, participants: ['alice', 'bob', 'carol'], keys, subject: 'Elsewhere', body: 'x', now: NOW });
    expect(c.ledger!.takeOpening(envelopeOf(all[1]!, 'bob'), contextOf(carol))).toBe(false); // bob's first links alice's
    expect(c.ledger!.takeOpening(envelopeOf(other, 'alice'), contextOf(carol))).toBe(false);
    expect(c.ledger!.takeOpening(envelopeOf(all[0]!, 'bob'), contextOf(carol))).toBe(false); // sender forged
    expect(c.ledger!.subject).toBe('');
  });
});

describe('T14: a sender who shows different messages to different people → Equivocation', () => {
  it('a link naming another hash than the message carol accepted: reported, the linking message still authentic', () => {
    const { a1, forCarol, a2 } = forked();
    const c = new Device(carol);
    c.see(a1);
    expect(c.see(forCarol).ok).toBe(true);
    expect(c.see(a2)).toMatchObject({ ok: true, message: { plaintext: { body: 'great, bob said yes' } } });
    expect(c.ledger!.anomalies()).toEqual([{ kind: 'Equivocation', sender: 'bob', sequence: 1 }]);
    expect(c.ledger!.withheld()).toEqual([]);
  });

  it('the withheld message that arrives later with another hash than its link: accepted late, reported', () => {
    const { a1, forCarol, a2 } = forked();
    const c = new Device(carol);
    c.see(a1);
    c.see(a2);
    expect(c.see(forCarol)).toMatchObject({ ok: true, message: { late: true } });
    expect(c.ledger!.anomalies()).toEqual([{ kind: 'Equivocation', sender: 'bob', sequence: 1 }]);
  });

  it('a sender’s next message chaining a different previous message than the one shown → SequenceGap and Equivocation', () => {
    const { a1, forAlice, forCarol } = forked();
    const b = new Device(bob);
    b.see(a1);
    b.see(forAlice);
    const b2 = b.write('and another thing');
    const c = new Device(carol);
    c.see(a1);
    c.see(forCarol);
    expect(c.see(b2)).toMatchObject({ ok: false, reason: 'SequenceGap', message: { plaintext: { sequence: 2 } } });
    expect(c.ledger!.anomalies()).toEqual([{ kind: 'Equivocation', sender: 'bob', sequence: 1 }]);
  });
});

describe('T14: reordering across senders', () => {
  const entries = (ms: ComposedMessage[]): VerifiedMessage[] => {
    const c = new Device(carol);
    return ms.map((m) => {
      const v = c.see(m);
      if (!v.message) throw new Error(`not verified: ${JSON.stringify(v)}`);
      return v.message;
    });
  };

  it('bob’s reply delivered before alice’s message it replied to: shown in causal order, flagged reordered, the subject kept', () => {
    const { a1, b1, a2 } = threeMessages();
    const c = new Device(carol);
    expect(c.see(b1)).toMatchObject({ ok: true, message: { late: false } });
    expect(c.see(a1)).toMatchObject({ ok: true, message: { late: true } });
    expect(c.see(a2).ok).toBe(true);
    expect(c.ledger!.subject).toBe('Plans');
    expect(c.ledger!.withheld()).toEqual([]);
    const server = entries([b1, a1, a2]);
    const { order, reordered } = causalOrder(server);
    expect(order.map((i) => server[i]!.plaintext.body)).toEqual(['hello', 'the only thing bob says', 'thanks bob']);
    expect(reordered).toEqual([true, false, false]);
  });

  it('the server’s order is kept where causality does not decide (stable), and an honest order is not flagged', () => {
    const a = new Device(alice);
    const b = new Device(bob);
    const c = new Device(carol);
    const a1 = a.write('a1');
    b.see(a1);
    c.see(a1);
    // bob and carol answer at the same time, neither having seen the other's.
    const b1 = b.write('b1');
    const c1 = c.write('c1');
    for (const order of [[a1, b1, c1], [a1, c1, b1]]) {
      const server = entries(order);
      const result = causalOrder(server);
      expect(result.order).toEqual([0, 1, 2]);
      expect(result.reordered).toEqual([false, false, false]);
    }
    const late = entries([b1, c1, a1]);
    expect(causalOrder(late).order.map((i) => late[i]!.plaintext.body)).toEqual(['a1', 'b1', 'c1']);
    expect(causalOrder(late).reordered).toEqual([true, true, false]);
  });

  it('a transitive dependency counts: delivered before something its cause depends on → reordered', () => {
    const { a1, b1, a2 } = threeMessages();
    const server = entries([a2, b1, a1]);
    const { order, reordered } = causalOrder(server);
    expect(order.map((i) => server[i]!.plaintext.body)).toEqual(['hello', 'the only thing bob says', 'thanks bob']);
    expect(reordered).toEqual([true, true, false]);
  });

  it('a link whose hash is not the held message’s does not order (no cycle can be forged); rejected messages keep their place', () => {
    const { a1, forCarol, a2 } = forked();
    const server = entries([a1, a2, forCarol]);
    expect(causalOrder([...server, null]).order).toEqual([0, 1, 2, 3]);
    expect(causalOrder([null, ...server]).order).toEqual([0, 1, 2, 3]);
  });
});

describe('version 1 messages', () => {
  /** A v1 message as the SDK wrote it before causal links. */
  function composeV1(sender: User, ledger: ConversationLedger | null, body: string): ComposedMessage {
    const chain = ledger?.chainOf(sender.username);
    const participants = ['alice', 'bob', 'carol'];
    const plaintext: MessagePlaintext = {
      v: 1,
      conversationSecret: ledger?.conversationSecret ?? bytesToBase64(randomBytes(32)),
      messageId: bytesToBase64(randomBytes(16)),
      sender: sender.username,
      participants,
      sequence: chain?.next ?? 1,
      previousHash: chain && chain.next > 1 ? chain.lastHash : null,
      links: [],
      subject: ledger ? '' : 'Old',
      body,
      files: [],
      sentAt: NOW,
      expiresIn: 0,
      action: null,
    };
    const encoded = encodePlaintext(plaintext);
    const ciphertext = encryptFile(encoded, { senderSecretKey: sender.secretKey, recipients: participants.map((p) => keys[p]!) });
    return { conversationId: conversationIdOf(plaintext.conversationSecret), messageId: plaintext.messageId, participants, ciphertext, plaintext, hash: messageHash(encoded) };
  }

  it('still decode and verify (no links), and a v2 reply links them', () => {
    const a = new Device(alice);
    const a1 = composeV1(alice, null, 'v1 hello');
    expect(a.see(a1)).toMatchObject({ ok: true, message: { plaintext: { v: 1, links: [] } } });
    const a2 = composeV1(alice, a.ledger, 'v1 again');
    expect(a.see(a2).ok).toBe(true);
    expect(new TextDecoder().decode(decryptFile(a1.ciphertext, bob.secretKey).plaintext)).not.toContain('links');
    const b = new Device(bob);
    b.see(a1);
    b.see(a2);
    const b1 = b.write('a v2 reply');
    expect(b1.plaintext.links).toEqual([{ participant: 'alice', sequence: 2, hash: b.ledger!.chainOf('alice').lastHash }]);
    const c = new Device(carol);
    expect([c.see(a1).ok, c.see(a2).ok, c.see(b1).ok]).toEqual([true, true, true]);
    expect(c.ledger!.subject).toBe('Old');
    expect(plaintextOf(a1).v).toBe(1);
  });
});

describe('cost: opening a conversation is linear', () => {
  afterEach(() => vi.restoreAllMocks());

  /** n messages by three senders in turn, each linking what came before (one composing view that saw everything). */
  function conversation(n: number): ComposedMessage[] {
    const writers = [new Device(alice), new Device(bob), new Device(carol)];
    const composer = new Device(alice);
    const out: ComposedMessage[] = [];
    for (let i = 0; i < n; i++) {
      const who = writers[i % 3]!.me;
      const m = composer.ledger
        ? composeMessage({ sender: who, conversation: composer.ledger, keys, body: `message ${i}`, now: NOW })
        : composeMessage({ sender: who, conversation: null, participants: ['alice', 'bob', 'carol'], keys, subject: 'long', body: 'first', now: NOW });
      composer.see(m, who.username);
      out.push(m);
    }
    return out;
  }

  /** Map and Set operations while carol opens the conversation (the server dropping one message in ten). */
  function operations(messages: ComposedMessage[]): number {
    let count = 0;
    for (const proto of [Map.prototype, Set.prototype] as object[]) {
      for (const name of ['get', 'set', 'has', 'delete', 'add']) {
        const original = (proto as Record<string, unknown>)[name];
        if (typeof original !== 'function') continue;
        vi.spyOn(proto as Record<string, () => unknown>, name).mockImplementation(function (this: unknown, ...args: unknown[]) {
          count++;
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        });
      }
    }
    const c = new Device(carol);
    const verified = messages.filter((_, i) => i % 10 !== 5).map((m) => c.see(m).message ?? null);
    causalOrder(verified);
    c.ledger!.withheld();
    c.ledger!.anomalies();
    vi.restoreAllMocks();
    return count;
  }

  it('1 000 vs 4 000 messages: four times the operations, not sixteen', () => {
    const small = operations(conversation(1000));
    const large = operations(conversation(4000));
    expect(small).toBeGreaterThan(1000);
    expect(large / small).toBeGreaterThan(3.5);
    expect(large / small).toBeLessThan(4.5);
  }, 120_000);
});
