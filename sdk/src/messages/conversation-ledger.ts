/**
 * Receiving messages (DESIGN.md §4, threats T2, T4, T7, T14). A ledger holds
 * what one device has verified of one conversation, and accepts a message
 * only if:
 *
 *   1. it decrypts with our key (miniLock authenticates the sender's key);    → Undecryptable
 *   2. the miniLock sender ID is the PINNED key of the envelope's sender,
 *      and the inner sender is the envelope's sender;                         → SenderKeyMismatch (T2)
 *   3. inner participants = envelope participants = the conversation's,
 *      and we are one of them;                                                → ParticipantsMismatch (T7)
 *   4. the conversation secret is the conversation's and the envelope's
 *      conversation id is derived from it;                                    → WrongConversation (T4)
 *   5. the message id is the envelope's and was never seen before, and its
 *      sender's sequence was not accepted before;                             → Replay (T4)
 *   6. sentAt is within the clock-skew window of the server's receivedAt;     → ClockSkew
 *   7. the sender's sequence continues with no gap and the previous-hash
 *      chain matches.                                                          → SequenceGap (T4)
 *
 * A sequence gap is reported, never hidden: the authentic message comes back
 * inside the rejection (to show under a "messages withheld" marker) and the
 * ledger moves on.
 *
 * Causal links (T14). Every message names, besides its own previous hash,
 * the latest message of each other participant its sender had accepted
 * ({ participant, sequence, hash }, message-plaintext.ts). For each sender p
 * the ledger knows the highest sequence that exists (`head`: p's own latest,
 * or a link naming p) and the hash of every message of p it accepted, so:
 *
 *   - WITHHELD. Every sequence of p up to head that never arrived is withheld,
 *     whoever revealed it: p's own later message (the gap of rule 7) or
 *     anyone's link. withheld() lists them per sender, so a message the
 *     server drops from one participant's view shows as soon as anyone who
 *     saw it writes again.
 *   - LATE. A withheld message that arrives afterwards is accepted, marked
 *     `late`, and leaves the withheld list.
 *   - EQUIVOCATION. Two authenticated statements about p's message k must
 *     name one hash: the hash of the message we accepted, a link's hash, and
 *     the previousHash of p's message k + 1. When two disagree, p showed
 *     different messages to different people (or a linking sender lies):
 *     an anomaly { kind: 'Equivocation', sender: p, sequence: k } is
 *     recorded (anomalies()). The message that revealed it keeps its
 *     verdict: its content is authentic from its own sender.
 *   - CAUSAL ORDER. causalOrder() puts every message after its sender's
 *     previous message and after every message it links to (when the hash
 *     matches, so the order cannot have a cycle), ties broken by the
 *     server's order, and flags the messages the server delivered before
 *     something they depend on (`reordered`).
 *
 * Messages are fed in the server's order; any verified message of a
 * conversation founds its ledger (its secret and participants are
 * authenticated by its sender as well as the first message's would be).
 * Costs: O(1) per sequence and per link; memory O(messages).
 *
 * WINDOW. A ledger founded with { window: true } verifies only the newest
 * messages of a long conversation (read with `last`), in the server's order
 * like any other. Every rule holds for every message in it, except that a
 * sender's sequences below the first one of theirs in the window are NOT
 * LOADED instead of withheld: that sender's chain starts there (its
 * previous hash is recorded as a statement, so an equivocation still
 * shows), and a sender with nothing in the window has nothing withheld.
 * Everything above a sender's first windowed message that a message or a
 * link reveals and that did not arrive is withheld, as in a whole read: an
 * honest server delivers a sender's messages in their order, so once one of
 * them is in the window, every later one is too. What a window cannot tell
 * is a message the server drops just before a sender's first windowed one;
 * it shows as withheld once the reader loads far enough back (or reads the
 * whole conversation).
 */
import { decryptFile } from '../minilock/decrypt-file.js';
import { PeerlockCryptoError } from '../crypto/errors.js';
import type { MessageEnvelope } from './message-envelope.js';
import { conversationIdOf, decodePlaintext, messageHash, MalformedMessageError, type CausalLink, type MessagePlaintext } from './message-plaintext.js';

export const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

/** withheld() lists at most this many sequences per sender (its `count` is exact). */
export const MAX_LISTED_WITHHELD = 1000;

export type RejectionReason = 'Undecryptable' | 'SenderKeyMismatch' | 'ParticipantsMismatch' | 'WrongConversation' | 'Replay' | 'SequenceGap' | 'ClockSkew';

export interface VerifiedMessage {
  readonly plaintext: MessagePlaintext;
  /** messageHash of its plaintext: what a later previousHash or link names. */
  readonly hash: string;
  readonly receivedAt: number;
  /** Arrived after it had been reported withheld (by a later message of its sender, or by a link). */
  readonly late: boolean;
}

export type Verification =
  | { readonly ok: true; readonly message: VerifiedMessage }
  | {
      readonly ok: false;
      readonly reason: RejectionReason;
      /** SequenceGap only: the authentic message after the gap, and the sequences of its sender missing right before it. */
      readonly message?: VerifiedMessage;
      readonly withheld?: { readonly sender: string; readonly from: number; readonly to: number };
    };

export interface SenderChain {
  /** The sequence we expect next from this sender: one past the highest known to exist. */
  readonly next: number;
  /** The hash of that highest one (accepted, or as a link gave it); null when none is known. */
  readonly lastHash: string | null;
}

/** Sequences of one sender known to exist that never arrived. */
export interface WithheldMessages {
  readonly sender: string;
  /** Ascending; the lowest MAX_LISTED_WITHHELD of them. */
  readonly sequences: readonly number[];
  /** How many are withheld (exact, even beyond the listed ones). */
  readonly count: number;
}

/**
 * Two authenticated statements named different hashes for `sender`'s
 * message `sequence`: it showed different messages to different people, or
 * a participant's link lies about it. Either way, not something the server
 * alone can cause (every statement is inside a sender-authenticated plaintext).
 */
export interface ConversationAnomaly {
  readonly kind: 'Equivocation';
  readonly sender: string;
  readonly sequence: number;
}

export interface ReceiverContext {
  readonly me: { readonly username: string; readonly secretKey: Uint8Array };
  /**
   * The miniLock ID(s) we accept for `username` on a message the server
   * received at `receivedAt`: the pinned key, plus former pinned keys still
   * valid then (keysValidAt); undefined or empty when we have no pin.
   */
  readonly pinnedKey: (username: string, receivedAt: number) => string | readonly string[] | undefined;
  readonly maxClockSkewMs?: number;
}

interface Accepted {
  readonly hash: string;
  readonly previousHash: string | null;
}

interface MutableChain {
  /** Every accepted sequence of this sender. */
  readonly accepted: Map<number, Accepted>;
  /** The highest accepted sequence (0: none). */
  top: number;
  /** The highest sequence known to exist (≥ top): accepted, or named by a link. */
  head: number;
  /** Hashes that statements (links, previous hashes) gave for sequences not accepted yet. */
  readonly claimed: Map<number, string>;
  /** Sequences up to here are not loaded (a window's start); 0 for a whole read; null in a window before this sender's first message. */
  floor: number | null;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class ConversationLedger {
  private readonly seen = new Set<string>();
  private readonly chains = new Map<string, MutableChain>();
  private readonly equivocations = new Map<string, ConversationAnomaly>();
  private openingSubject = '';

  private constructor(
    readonly conversationId: string,
    readonly conversationSecret: string,
    readonly participants: readonly string[],
    /** Founded on the newest messages only (see WINDOW above). */
    readonly window: boolean,
  ) {}

  /**
   * Verifies a conversation's first message in the server's order and founds
   * its ledger. Returns the ledger (null if the message was rejected before
   * its conversation could be authenticated) and the verdict: a message
   * whose sequence is not 1 founds it too, as SequenceGap with the sequences
   * withheld before it.
   */
  static found(envelope: MessageEnvelope, context: ReceiverContext, options: { readonly window?: boolean } = {}): { ledger: ConversationLedger | null; verification: Verification } {
    const opened = open(envelope, context);
    if ('reason' in opened) return { ledger: null, verification: opened };
    const { plaintext, hash } = opened;
    if (conversationIdOf(plaintext.conversationSecret) !== envelope.conversationId) return { ledger: null, verification: { ok: false, reason: 'WrongConversation' } };
    const ledger = new ConversationLedger(envelope.conversationId, plaintext.conversationSecret, plaintext.participants, options.window === true);
    return { ledger, verification: ledger.take(plaintext, hash, envelope.receivedAt) };
  }

  /**
   * The conversation's subject: the first non-empty one on an accepted
   * opening message (sequence 1, no links, which only the creator's first
   * message is), so a reply the server moves first does not blank it.
   */
  get subject(): string {
    return this.openingSubject;
  }

  chainOf(username: string): SenderChain {
    const chain = this.chains.get(username.toLowerCase());
    if (!chain || chain.head === 0) return { next: 1, lastHash: null };
    return { next: chain.head + 1, lastHash: chain.accepted.get(chain.head)?.hash ?? chain.claimed.get(chain.head) ?? null };
  }

  /**
   * What a message `sender` writes now must link (T14): for every other
   * participant with an accepted message, the latest one, sorted by participant.
   */
  linksFor(sender: string): CausalLink[] {
    const me = sender.toLowerCase();
    const links: CausalLink[] = [];
    for (const participant of this.participants) {
      const chain = this.chains.get(participant);
      if (participant === me || !chain || chain.top === 0) continue;
      links.push({ participant, sequence: chain.top, hash: chain.accepted.get(chain.top)!.hash });
    }
    return links;
  }

  /** Whether `username`'s chain is loaded: a whole read, or a window holding a message of theirs. */
  hasLoaded(username: string): boolean {
    return !this.window || (this.chains.get(username.toLowerCase())?.floor ?? null) !== null;
  }

  /** Sequences of `username` known to exist that have not arrived (the lowest MAX_LISTED_WITHHELD). */
  withheldOf(username: string): number[] {
    const chain = this.chains.get(username.toLowerCase());
    return chain ? listWithheld(chain) : [];
  }

  /** Everything still withheld, per sender (sorted by sender), whoever revealed it. */
  withheld(): WithheldMessages[] {
    const out: WithheldMessages[] = [];
    for (const sender of [...this.chains.keys()].sort()) {
      const chain = this.chains.get(sender)!;
      const count = chain.head - floorOf(chain) - chain.accepted.size;
      if (count > 0) out.push({ sender, sequences: listWithheld(chain), count });
    }
    return out;
  }

  /** Equivocations found so far, in the order found, each (sender, sequence) once. */
  anomalies(): ConversationAnomaly[] {
    return [...this.equivocations.values()];
  }

  /**
   * The opening message's subject, for a window that does not hold it: the
   * message is verified (rules 1–4) on its own and counts only if it is the
   * creator's first (sequence 1, no links) of this very conversation.
   */
  takeOpening(envelope: MessageEnvelope, context: ReceiverContext): boolean {
    const opened = open(envelope, context);
    if ('reason' in opened) return false;
    const { plaintext } = opened;
    if (envelope.conversationId !== this.conversationId || plaintext.conversationSecret !== this.conversationSecret) return false;
    if (!sameList(plaintext.participants, this.participants) || plaintext.sequence !== 1 || plaintext.links.length !== 0) return false;
    if (!this.openingSubject) this.openingSubject = plaintext.subject;
    return true;
  }

  /**
   * Our own message, exactly as we composed it (`hash` = messageHash of the
   * bytes we sealed), at its place in the server's order: nothing to decrypt
   * or authenticate, we wrote it. Only the bookkeeping of `accept`.
   */
  recordOwn(plaintext: MessagePlaintext, hash: string, receivedAt: number): Verification {
    if (plaintext.conversationSecret !== this.conversationSecret) return { ok: false, reason: 'WrongConversation' };
    if (this.seen.has(plaintext.messageId)) return { ok: false, reason: 'Replay' };
    return this.take(plaintext, hash, receivedAt);
  }

  /** Verifies a later message of this conversation, in the server's order. */
  accept(envelope: MessageEnvelope, context: ReceiverContext): Verification {
    const opened = open(envelope, context);
    if ('reason' in opened) return opened;
    const { plaintext, hash } = opened;
    if (envelope.conversationId !== this.conversationId || plaintext.conversationSecret !== this.conversationSecret) {
      return { ok: false, reason: 'WrongConversation' };
    }
    if (!sameList(plaintext.participants, this.participants)) return { ok: false, reason: 'ParticipantsMismatch' };
    if (this.seen.has(plaintext.messageId)) return { ok: false, reason: 'Replay' };
    return this.take(plaintext, hash, envelope.receivedAt);
  }

  /** Rules 5 (sequence) and 7, then what the message says about others (its links). */
  private take(plaintext: MessagePlaintext, hash: string, receivedAt: number): Verification {
    const { sender, sequence } = plaintext;
    const chain = this.chain(sender);
    // A sequence already accepted is a copy of the past, whatever its message id.
    if (chain.accepted.has(sequence)) return { ok: false, reason: 'Replay' };
    // Known to exist (reported withheld) and now here: accepted, marked late.
    const late = sequence <= chain.head && sequence > floorOf(chain);
    // A window: this sender's chain starts at its lowest message loaded.
    if (this.window && (chain.floor === null || sequence <= chain.floor)) {
      chain.floor = sequence - 1;
      chain.top = Math.max(chain.top, chain.floor);
    }
    const before = chain.accepted.get(sequence - 1);
    const top = chain.top;

    // Its own hash against what others said it would be; its previous hash is the sender's statement about sequence − 1.
    const claimed = chain.claimed.get(sequence);
    if (claimed !== undefined && claimed !== hash) this.anomaly(sender, sequence);
    chain.claimed.delete(sequence);
    if (sequence > 1) this.state(sender, sequence - 1, plaintext.previousHash!);
    const after = chain.accepted.get(sequence + 1);
    if (after && after.previousHash !== hash) this.anomaly(sender, sequence);

    chain.accepted.set(sequence, { hash, previousHash: plaintext.previousHash });
    chain.top = Math.max(chain.top, sequence);
    chain.head = Math.max(chain.head, sequence);
    this.seen.add(plaintext.messageId);
    if (!this.openingSubject && sequence === 1 && plaintext.links.length === 0) this.openingSubject = plaintext.subject;

    // T14: every link is a statement about another participant's message.
    for (const link of plaintext.links) {
      this.state(link.participant, link.sequence, link.hash);
      const linked = this.chain(link.participant);
      linked.head = Math.max(linked.head, link.sequence);
    }

    const message: VerifiedMessage = { plaintext, hash, receivedAt, late };
    if (late || sequence <= top) return { ok: true, message };
    if (sequence > top + 1) return { ok: false, reason: 'SequenceGap', message, withheld: { sender, from: top + 1, to: sequence - 1 } };
    // The sender chained a different previous message than the one we were shown (recorded as an equivocation above).
    if (before !== undefined && before.hash !== plaintext.previousHash) return { ok: false, reason: 'SequenceGap', message };
    return { ok: true, message };
  }

  /** An authenticated statement that `sender`'s message `sequence` hashes to `hash`. */
  private state(sender: string, sequence: number, hash: string): void {
    const chain = this.chain(sender);
    const known = chain.accepted.get(sequence)?.hash ?? chain.claimed.get(sequence);
    if (known === undefined) chain.claimed.set(sequence, hash);
    else if (known !== hash) this.anomaly(sender, sequence);
  }

  private anomaly(sender: string, sequence: number): void {
    const key = `${sender}#${sequence}`;
    if (!this.equivocations.has(key)) this.equivocations.set(key, { kind: 'Equivocation', sender, sequence });
  }

  private chain(sender: string): MutableChain {
    let chain = this.chains.get(sender);
    if (!chain) {
      chain = { accepted: new Map(), top: 0, head: 0, claimed: new Map(), floor: this.window ? null : 0 };
      this.chains.set(sender, chain);
    }
    return chain;
  }
}

/** Sequences up to here are not loaded: a window's start; with nothing of the sender in a window, all it knows of. */
const floorOf = (chain: MutableChain): number => chain.floor ?? chain.head;

/** The withheld sequences floor+1…head of a chain, ascending, at most MAX_LISTED_WITHHELD: O(accepted + listed). */
function listWithheld(chain: MutableChain): number[] {
  const out: number[] = [];
  for (let s = floorOf(chain) + 1; s <= chain.head && out.length < MAX_LISTED_WITHHELD; s++) if (!chain.accepted.has(s)) out.push(s);
  return out;
}

type Opened = { plaintext: MessagePlaintext; hash: string } | { ok: false; reason: RejectionReason };

/** Checks 1–3, 5 (envelope id) and 6, shared by the first and later messages. */
function open(envelope: MessageEnvelope, context: ReceiverContext): Opened {
  let senderID: string;
  let plaintext: MessagePlaintext;
  let hash: string;
  try {
    const file = decryptFile(envelope.ciphertext, context.me.secretKey);
    senderID = file.senderID;
    plaintext = decodePlaintext(file.plaintext);
    hash = messageHash(file.plaintext);
  } catch (error) {
    if (error instanceof PeerlockCryptoError || error instanceof MalformedMessageError) return { ok: false, reason: 'Undecryptable' };
    throw error;
  }
  const claimed = envelope.sender.toLowerCase();
  const pinned = context.pinnedKey(claimed, envelope.receivedAt);
  const accepted = pinned === undefined ? [] : typeof pinned === 'string' ? [pinned] : pinned;
  if (!accepted.includes(senderID) || plaintext.sender !== claimed) return { ok: false, reason: 'SenderKeyMismatch' };
  const envelopeParticipants = [...envelope.participants].map((p) => p.toLowerCase()).sort();
  if (!sameList(plaintext.participants, envelopeParticipants) || !plaintext.participants.includes(context.me.username.toLowerCase())) {
    return { ok: false, reason: 'ParticipantsMismatch' };
  }
  if (plaintext.messageId !== envelope.messageId) return { ok: false, reason: 'Replay' };
  const skew = context.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  if (Math.abs(plaintext.sentAt - envelope.receivedAt) > skew) return { ok: false, reason: 'ClockSkew' };
  return { plaintext, hash };
}

/** A message as causalOrder needs it: null for one that did not verify (it has no known causes). */
export type CausalEntry = { readonly plaintext: MessagePlaintext; readonly hash: string } | null;

export interface CausalOrder {
  /** Indices into the input (the server's order), in causal order. */
  readonly order: readonly number[];
  /** Per input index: the server delivered it before a message it depends on (directly or not). */
  readonly reordered: readonly boolean[];
}

/**
 * A stable topological order of one conversation's messages (T14): each
 * comes after its sender's previous message and after every message it
 * links to, and otherwise keeps the server's order (Kahn's algorithm with
 * the smallest server index first). An edge counts only when the referenced
 * hash is the hash of the message we hold, so edges follow hash commitments
 * and cannot form a cycle. O((n + links) log n).
 */
export function causalOrder(entries: readonly CausalEntry[]): CausalOrder {
  const n = entries.length;
  const index = new Map<string, number>();
  entries.forEach((e, i) => {
    const key = e && `${e.plaintext.sender}#${e.plaintext.sequence}`;
    if (key && !index.has(key)) index.set(key, i);
  });
  const causes: number[][] = entries.map(() => []);
  const effects: number[][] = entries.map(() => []);
  const edge = (sender: string, sequence: number, hash: string | null, to: number) => {
    const from = index.get(`${sender}#${sequence}`);
    if (from === undefined || from === to || entries[from]!.hash !== hash) return;
    causes[to]!.push(from);
    effects[from]!.push(to);
  };
  entries.forEach((e, i) => {
    if (!e) return;
    const { sender, sequence, previousHash, links } = e.plaintext;
    if (sequence > 1) edge(sender, sequence - 1, previousHash, i);
    for (const link of links) edge(link.participant, link.sequence, link.hash, i);
  });

  const waiting = causes.map((c) => c.length);
  const ready = new MinHeap();
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  const order: number[] = [];
  // The latest server index among everything a message depends on, directly or not.
  const latestCause = new Array<number>(n).fill(-1);
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(i);
    for (const c of causes[i]!) latestCause[i] = Math.max(latestCause[i]!, c, latestCause[c]!);
    for (const j of effects[i]!) if (--waiting[j]! === 0) ready.push(j);
  }
  // Unreachable while BLAKE2s is collision-resistant (see above); kept so a bug cannot lose a message.
  if (order.length < n) for (let i = 0; i < n; i++) if (waiting[i]! > 0) order.push(i);
  return { order, reordered: latestCause.map((c, i) => c > i) };
}

/** A binary min-heap of indices. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number {
    return this.items.length;
  }
  push(value: number): void {
    const a = this.items;
    a.push(value);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]! <= a[i]!) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]! < a[m]!) m = l;
        if (r < a.length && a[r]! < a[m]!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}
