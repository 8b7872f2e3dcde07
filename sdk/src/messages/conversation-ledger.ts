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
 *
 * TIMERS, DELETES AND EDITS (issue 20). A message's action (message-plaintext.ts)
 * is its sender's signed statement, so the server can neither make one up nor
 * change it; the ledger applies one only if it holds:
 *
 *   - a timer sets the conversation's timer (the latest in the server's order);
 *   - a delete or an edit names, by id, sequence and hash, an earlier message
 *     of its sender's OWN chain (another's id → NotOwnMessage; another hash
 *     or sequence → WrongHash), an ordinary message (not an action, not
 *     deleted; else NotEditable), within the window after that message's
 *     server time (3 h to delete, 24 h to edit; else OutsideWindow).
 *
 * A refused action is reported as ActionRefused with its reason; the message
 * is authentic (it stays in its sender's chain, so no gap shows), it just
 * does nothing. A delete or an edit of a message not loaded cannot be checked
 * against the window and applies (there is nothing shown to take back); when
 * that message arrives later, the checks run then, and a failing action is
 * dropped. A verified delete also accounts for its target's sequence, which
 * is then deleted, not withheld.
 *
 * EXPIRED OR DELETED, NOT WITHHELD. The server replaces a message it purged
 * with a tombstone (no ciphertext). A tombstone is a hint: it is fed in the
 * server's order (hintGone) and counts for its sender's next gap, mapped in
 * order onto the missing sequences. A sequence hinted "expired" counts as
 * expired only in a conversation where some verified message carried a timer
 * (its own expiresIn, or a timer action); one hinted "deleted" only once a
 * verified delete names it. Anything else stays withheld: a server that drops
 * a message and calls it expired can at most relabel, under a timer, a
 * message it could withhold anyway.
 */
import { decryptFile } from '../minilock/decrypt-file.js';
import { PeerlockCryptoError } from '../crypto/errors.js';
import type { MessageEnvelope } from './message-envelope.js';
import {
  conversationIdOf,
  decodePlaintext,
  messageHash,
  MalformedMessageError,
  type CausalLink,
  type MessageAction,
  type MessagePlaintext,
  type TimerSeconds,
} from './message-plaintext.js';

export const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

/** withheld() lists at most this many sequences per sender (its `count` is exact). */
export const MAX_LISTED_WITHHELD = 1000;

/** How long after a message's server time its sender may take it back, or edit it (issue 20; Signal's delete window is 3 h). */
export const DELETE_WINDOW_MS = 3 * 60 * 60 * 1000;
export const EDIT_WINDOW_MS = 24 * 60 * 60 * 1000;

export type RejectionReason = 'Undecryptable' | 'SenderKeyMismatch' | 'ParticipantsMismatch' | 'WrongConversation' | 'Replay' | 'SequenceGap' | 'ClockSkew' | 'ActionRefused';

/** Why a delete or an edit does nothing (see TIMERS, DELETES AND EDITS). */
export type ActionRefusal = 'NotOwnMessage' | 'WrongHash' | 'NotEditable' | 'OutsideWindow';

/** What the server says a message without ciphertext became: a hint (see EXPIRED OR DELETED, NOT WITHHELD). */
export type GoneHint = 'expired' | 'deleted';

/** The conversation's timer as a verified message set it. */
export interface TimerSetting {
  readonly seconds: TimerSeconds;
  readonly setBy: string;
  /** The server time of the message that set it. */
  readonly at: number;
  readonly messageId: string;
}

/** A verified delete or edit of `messageId`. */
export interface AppliedAction {
  /** The delete or edit message. */
  readonly by: string;
  /** Its server time. */
  readonly at: number;
  /** An edit's new text. */
  readonly body?: string;
  /** An edit's own expiry (its text is not shown after it), null if never. */
  readonly expiresAt?: number | null;
}

export interface VerifiedMessage {
  readonly plaintext: MessagePlaintext;
  /** messageHash of its plaintext: what a later previousHash or link names. */
  readonly hash: string;
  readonly receivedAt: number;
  /** Arrived after it had been reported withheld (by a later message of its sender, or by a link). */
  readonly late: boolean;
  /** When it disappears (receivedAt + its own expiresIn), null if never. */
  readonly expiresAt: number | null;
}

export type Verification =
  | { readonly ok: true; readonly message: VerifiedMessage }
  | {
      readonly ok: false;
      readonly reason: RejectionReason;
      /** SequenceGap only: the authentic message after the gap, and the sequences of its sender missing right before it. */
      readonly message?: VerifiedMessage;
      readonly withheld?: { readonly sender: string; readonly from: number; readonly to: number };
      /** ActionRefused only: why the delete or edit does nothing. */
      readonly refused?: ActionRefusal;
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
  readonly messageId: string;
  readonly receivedAt: number;
  /** An action message (timer, delete, edit): not something to delete or edit. */
  readonly isAction: boolean;
  /** Its own timer (seconds): an edit of it lives as long. */
  readonly expiresIn: TimerSeconds;
}

/** What our own message is, for a delete or an edit of it (ConversationLedger.ownMessage). */
export interface OwnMessage {
  readonly messageId: string;
  readonly sequence: number;
  readonly hash: string;
  readonly receivedAt: number;
  readonly isAction: boolean;
  readonly expiresIn: TimerSeconds;
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
  /** Sequences accounted for without arriving: a verified delete named them, or a tombstone of a conversation under a timer. */
  readonly gone: Map<number, GoneHint>;
  /** Tombstones of this sender since its last message in the server's order (hintGone). */
  hints: GoneHint[];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class ConversationLedger {
  private readonly seen = new Set<string>();
  private readonly chains = new Map<string, MutableChain>();
  private readonly equivocations = new Map<string, ConversationAnomaly>();
  private openingSubject = '';
  /** The opening message the subject came from, and when it disappears (null: never): the subject goes with it. */
  private opening: { readonly messageId: string; readonly expiresAt: number | null } | null = null;
  /** Every accepted message id: whose, and which sequence (to refuse an action naming another's message). */
  private readonly byId = new Map<string, { readonly sender: string; readonly sequence: number }>();
  private currentTimer: TimerSetting | null = null;
  /** The timer the latest accepted ordinary message carried (a window may not hold the timer message itself). */
  private lastExpiresIn: TimerSeconds = 0;
  /** Some verified message carried a timer (see EXPIRED OR DELETED, NOT WITHHELD). */
  private timerSeen = false;
  private readonly deletions = new Map<string, AppliedAction>();
  private readonly edits = new Map<string, AppliedAction & { readonly sequence: number }>();
  /** Actions applied to a message not loaded: checked again when it arrives. */
  private readonly unchecked = new Map<string, { readonly kind: 'delete' | 'edit'; readonly sender: string; readonly at: number; readonly sequence: number }>();

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
  static found(
    envelope: MessageEnvelope,
    context: ReceiverContext,
    options: { readonly window?: boolean; readonly hints?: readonly { readonly sender: string; readonly gone: GoneHint }[] } = {},
  ): { ledger: ConversationLedger | null; verification: Verification } {
    const opened = open(envelope, context);
    if ('reason' in opened) return { ledger: null, verification: opened };
    const { plaintext, hash } = opened;
    if (conversationIdOf(plaintext.conversationSecret) !== envelope.conversationId) return { ledger: null, verification: { ok: false, reason: 'WrongConversation' } };
    const ledger = new ConversationLedger(envelope.conversationId, plaintext.conversationSecret, plaintext.participants, options.window === true);
    // Tombstones the server showed before this message, in its order.
    for (const hint of options.hints ?? []) ledger.hintGone(hint.sender, hint.gone);
    return { ledger, verification: ledger.take(plaintext, hash, envelope.receivedAt) };
  }

  /** A message the server shows without ciphertext (purged: expired or deleted), at its place in the server's order. A hint. */
  hintGone(sender: string, gone: GoneHint): void {
    const participant = sender.toLowerCase();
    if (this.participants.includes(participant)) this.chain(participant).hints.push(gone);
  }

  /** The conversation's disappearing-messages timer: the latest verified timer action in the server's order, null if none. */
  timer(): TimerSetting | null {
    return this.currentTimer;
  }

  /**
   * The timer a message written now takes: the latest verified timer
   * message's, or, when none was loaded (a window that does not reach back to
   * it), the one the latest ordinary message carried; 0 when neither.
   */
  timerInEffect(): TimerSeconds {
    return this.currentTimer?.seconds ?? this.lastExpiresIn;
  }

  /** The verified delete of `messageId`, if any. */
  deletionOf(messageId: string): AppliedAction | null {
    return this.deletions.get(messageId) ?? null;
  }

  /** The latest verified edit of `messageId` (by its sender's sequence), if any. */
  editOf(messageId: string): AppliedAction | null {
    return this.edits.get(messageId) ?? null;
  }

  /** `username`'s accepted message `messageId` (what a delete or an edit of it must name), or null. */
  messageOf(username: string, messageId: string): OwnMessage | null {
    const where = this.byId.get(messageId);
    if (!where || where.sender !== username.toLowerCase()) return null;
    const accepted = this.chains.get(where.sender)!.accepted.get(where.sequence)!;
    return { messageId, sequence: where.sequence, hash: accepted.hash, receivedAt: accepted.receivedAt, isAction: accepted.isAction, expiresIn: accepted.expiresIn };
  }

  /**
   * The conversation's subject: the first non-empty one on an accepted
   * opening message (sequence 1, no links, which only the creator's first
   * message is), so a reply the server moves first does not blank it.
   */
  get subject(): string {
    return this.openingSubject;
  }

  /**
   * The subject as of `now`: gone (and forgotten, so no copy stays in
   * memory) once the opening message it came from expired or was deleted.
   */
  subjectAt(now: number): string {
    const opening = this.opening;
    if (opening && ((opening.expiresAt !== null && opening.expiresAt <= now) || this.deletions.has(opening.messageId))) this.openingSubject = '';
    return this.openingSubject;
  }

  private takeSubject(plaintext: MessagePlaintext, receivedAt: number): void {
    if (this.openingSubject || this.opening) return;
    this.openingSubject = plaintext.subject;
    this.opening = { messageId: plaintext.messageId, expiresAt: plaintext.expiresIn > 0 ? receivedAt + plaintext.expiresIn * 1000 : null };
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
    return chain ? listWithheld(chain, this.accountedOf(chain)) : [];
  }

  /**
   * The sequences of a chain above its floor, not accepted, that are
   * accounted for: named by a verified delete, hinted expired in a gap, or
   * at its tail (above its latest accepted message, revealed by a link) the
   * tombstones since then, mapped in order.
   */
  private accountedOf(chain: MutableChain): Set<number> {
    const floor = floorOf(chain);
    const out = new Set<number>();
    for (const s of chain.gone.keys()) if (s > floor && s <= chain.head && !chain.accepted.has(s)) out.add(s);
    if (this.timerSeen) {
      chain.hints.forEach((hint, i) => {
        const s = Math.max(chain.top, floor) + 1 + i;
        if (hint === 'expired' && s <= chain.head) out.add(s);
      });
    }
    return out;
  }

  /** Everything still withheld, per sender (sorted by sender), whoever revealed it. */
  withheld(): WithheldMessages[] {
    const out: WithheldMessages[] = [];
    for (const sender of [...this.chains.keys()].sort()) {
      const chain = this.chains.get(sender)!;
      const accounted = this.accountedOf(chain);
      const count = chain.head - floorOf(chain) - chain.accepted.size - accounted.size;
      if (count > 0) out.push({ sender, sequences: listWithheld(chain, accounted), count });
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
    this.takeSubject(plaintext, envelope.receivedAt);
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
    const hints = chain.hints;
    chain.hints = [];
    if (plaintext.expiresIn > 0 || (plaintext.action?.kind === 'timer' && plaintext.action.seconds > 0)) this.timerSeen = true;
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

    const isAction = plaintext.action !== null;
    chain.accepted.set(sequence, { hash, previousHash: plaintext.previousHash, messageId: plaintext.messageId, receivedAt, isAction, expiresIn: plaintext.expiresIn });
    chain.top = Math.max(chain.top, sequence);
    chain.head = Math.max(chain.head, sequence);
    this.seen.add(plaintext.messageId);
    this.byId.set(plaintext.messageId, { sender, sequence });
    // An action that named this message before it arrived is checked now.
    const pending = this.unchecked.get(plaintext.messageId);
    if (pending) {
      this.unchecked.delete(plaintext.messageId);
      const target = { ...chain.accepted.get(sequence)!, sender, sequence };
      if (pending.sender !== sender || pending.sequence !== sequence || this.refusal(target, plaintext.messageId, pending.kind, pending.at) !== null) this.undo(plaintext.messageId, pending.kind);
    }
    if (sequence === 1 && plaintext.links.length === 0 && plaintext.subject) this.takeSubject(plaintext, receivedAt);

    // T14: every link is a statement about another participant's message.
    for (const link of plaintext.links) {
      this.state(link.participant, link.sequence, link.hash);
      const linked = this.chain(link.participant);
      linked.head = Math.max(linked.head, link.sequence);
    }

    const message: VerifiedMessage = { plaintext, hash, receivedAt, late, expiresAt: plaintext.expiresIn > 0 ? receivedAt + plaintext.expiresIn * 1000 : null };
    const refused = plaintext.action ? this.act(plaintext, receivedAt) : null;
    if (!plaintext.action && plaintext.v === 3) this.lastExpiresIn = plaintext.expiresIn;
    if (refused) return { ok: false, reason: 'ActionRefused', message, refused };
    if (late || sequence <= top) return { ok: true, message };
    if (sequence > top + 1 && !this.cover(chain, top + 1, sequence - 1, hints)) return { ok: false, reason: 'SequenceGap', message, withheld: { sender, from: top + 1, to: sequence - 1 } };
    // The sender chained a different previous message than the one we were shown (recorded as an equivocation above).
    if (before !== undefined && before.hash !== plaintext.previousHash) return { ok: false, reason: 'SequenceGap', message };
    return { ok: true, message };
  }

  /**
   * A gap from..to in a chain that the tombstones since the sender's previous
   * message cover (one each, mapped in order onto the last of them): not a
   * SequenceGap. The expired ones count as expired under a timer; the deleted
   * ones stay withheld until a verified delete names them (withheld()).
   */
  private cover(chain: MutableChain, from: number, to: number, hints: readonly GoneHint[]): boolean {
    const size = to - from + 1;
    if (hints.length < size) return false;
    hints.slice(-size).forEach((hint, i) => {
      if (hint === 'expired' && this.timerSeen && !chain.gone.has(from + i)) chain.gone.set(from + i, 'expired');
    });
    return true;
  }

  /** Applies a verified message's action, or says why it does nothing. */
  private act(plaintext: MessagePlaintext, receivedAt: number): ActionRefusal | null {
    const action = plaintext.action as MessageAction;
    const { sender } = plaintext;
    if (action.kind === 'timer') {
      this.currentTimer = { seconds: action.seconds, setBy: sender, at: receivedAt, messageId: plaintext.messageId };
      return null;
    }
    const owner = this.byId.get(action.messageId);
    if (owner && owner.sender !== sender) return 'NotOwnMessage';
    const chain = this.chain(sender);
    const target = chain.accepted.get(action.sequence);
    if (target) {
      if (target.messageId !== action.messageId || target.hash !== action.hash) return 'WrongHash';
      const refusal = this.refusal({ ...target, sender, sequence: action.sequence }, action.messageId, action.kind, receivedAt);
      if (refusal) return refusal;
    } else {
      // Our id at another sequence of the sender's: not the message named.
      if (owner) return 'WrongHash';
      // Not loaded: a statement about the sender's own chain, checked when (if) the message arrives.
      this.state(sender, action.sequence, action.hash);
      if (action.kind === 'edit' && this.deletions.has(action.messageId)) return 'NotEditable';
      this.unchecked.set(action.messageId, { kind: action.kind, sender, at: receivedAt, sequence: action.sequence });
    }
    if (action.kind === 'delete') {
      if (!this.deletions.has(action.messageId)) this.deletions.set(action.messageId, { by: plaintext.messageId, at: receivedAt });
      chain.gone.set(action.sequence, 'deleted');
    } else {
      const earlier = this.edits.get(action.messageId);
      const expiresAt = plaintext.expiresIn > 0 ? receivedAt + plaintext.expiresIn * 1000 : null;
      if (!earlier || earlier.sequence < plaintext.sequence) this.edits.set(action.messageId, { by: plaintext.messageId, at: receivedAt, body: plaintext.body, sequence: plaintext.sequence, expiresAt });
    }
    return null;
  }

  /** Why `kind` may not apply to this accepted message at `at`, or null. */
  private refusal(target: Accepted & { readonly sender: string; readonly sequence: number }, messageId: string, kind: 'delete' | 'edit', at: number): ActionRefusal | null {
    if (target.isAction) return 'NotEditable';
    if (kind === 'edit' && this.deletions.has(messageId)) return 'NotEditable';
    return at - target.receivedAt > (kind === 'delete' ? DELETE_WINDOW_MS : EDIT_WINDOW_MS) ? 'OutsideWindow' : null;
  }

  /** An action applied to a message before it arrived turned out not to hold for it: it does nothing after all. */
  private undo(messageId: string, kind: 'delete' | 'edit'): void {
    if (kind === 'edit') {
      this.edits.delete(messageId);
      return;
    }
    this.deletions.delete(messageId);
    const where = this.byId.get(messageId);
    if (where) this.chains.get(where.sender)?.gone.delete(where.sequence);
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
      chain = { accepted: new Map(), top: 0, head: 0, claimed: new Map(), floor: this.window ? null : 0, gone: new Map(), hints: [] };
      this.chains.set(sender, chain);
    }
    return chain;
  }
}

/** Sequences up to here are not loaded: a window's start; with nothing of the sender in a window, all it knows of. */
const floorOf = (chain: MutableChain): number => chain.floor ?? chain.head;

/** The withheld sequences floor+1…head of a chain, ascending, at most MAX_LISTED_WITHHELD: O(accepted + accounted + listed). */
function listWithheld(chain: MutableChain, accounted: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (let s = floorOf(chain) + 1; s <= chain.head && out.length < MAX_LISTED_WITHHELD; s++) if (!chain.accepted.has(s) && !accounted.has(s)) out.push(s);
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
