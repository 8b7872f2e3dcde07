/**
 * Conversations, messages and receipts with every DESIGN §4 check: each
 * conversation is verified in server order through a ConversationLedger and
 * shown in causal order (T14), keys come from the pins (pinned on first
 * sight, a change blocks), receipts on our own messages are verified with
 * the reader's pinned key. Nothing that fails a check is returned as
 * genuine: it comes back with its reason. Replies carry causal links taken
 * from the ledger of what we verified.
 *
 * Disappearing messages, delete for everyone and edit (issue 20): each is a
 * signed message of its sender's chain (message-plaintext.ts), verified by
 * the ledger like any other. A view shows the result: a deleted message as a
 * placeholder without its content, an edited one with its latest text, a
 * timer as who set what when; a message whose own expiry has passed is not
 * shown (and nothing of it is kept), whatever the server still serves. The
 * server's tombstones and its action records are hints (ConversationLedger,
 * EXPIRED OR DELETED, NOT WITHHELD).
 */
import { base64ToBytes, bytesToBase64 } from '../crypto/bytes.js';
import { PeerlockCryptoError } from '../crypto/errors.js';
import { decodeMiniLockId } from '../keys/minilock-id.js';
import { composeMessage } from '../messages/compose-message.js';
import {
  causalOrder,
  ConversationLedger,
  DELETE_WINDOW_MS,
  EDIT_WINDOW_MS,
  type ActionRefusal,
  type ConversationAnomaly,
  type GoneHint,
  type RejectionReason,
  type ReceiverContext,
  type TimerSetting,
  type Verification,
  type VerifiedMessage,
  type WithheldMessages,
} from '../messages/conversation-ledger.js';
import { isTimerSeconds, type FileReference, type MessageAction, type TimerSeconds } from '../messages/message-plaintext.js';
import type { MessageEnvelope } from '../messages/message-envelope.js';
import { createReadReceipt, verifyReadReceiptWithPins, ReceiptRejectedError } from '../receipts/read-receipt.js';
import { emptyPinSet, keysValidAt, type PinSet } from '../contacts/key-pins.js';
import { MessageActionError, PeerlockApiError, PeerlockNetworkError } from './errors.js';
import {
  ConversationMessagesDocument,
  ConversationNewestMessagesDocument,
  ConversationsDocument,
  PostReadReceiptDocument,
  RemoveConversationDocument,
  SendMessageDocument,
  type MessageFieldsFragment,
} from './generated/graphql.js';
import type { PeerlockClient } from './peerlock-client.js';
import { withJitter } from './retry.js';
import type { PeerlockNotification } from './notifications.js';

export interface ConversationSummary {
  readonly id: string;
  readonly participants: readonly string[];
  readonly lastMessageAt: string;
  readonly messageCount: number;
  readonly unreadCount: number;
}

export interface VerifiedReceipt {
  readonly reader: string;
  readonly readAt: number;
}

/**
 * Why a message is not shown: a ledger verdict, or SealedToFormerKey, an
 * undecryptable message the server received before our current key
 * replaced a former one (readable only with the old passphrase).
 */
export type ReadRejection = RejectionReason | 'SealedToFormerKey';

/** What a message does, as its verified plaintext says (issue 20). */
export type ShownAction = { readonly kind: 'timer'; readonly seconds: TimerSeconds } | { readonly kind: 'delete' | 'edit'; readonly messageId: string };

export interface ReadMessage {
  readonly conversationId: string;
  readonly messageId: string;
  readonly index: number;
  readonly position: string;
  readonly sender: string;
  readonly receivedAt: number;
  /** null: the message passed every check. Otherwise why it is not to be shown as genuine. */
  readonly rejected: ReadRejection | null;
  /** The plaintext when it decrypted and authenticated (also for a SequenceGap, shown under a "withheld" marker). */
  readonly subject?: string;
  readonly body?: string;
  readonly files?: readonly FileReference[];
  readonly sentAt?: number;
  /** Arrived after it had been reported withheld (a later message of its sender, or a link, showed it first). */
  readonly late?: boolean;
  /** The server delivered it before a message it depends on (its sender's previous one, or one it links to); shown in causal order. */
  readonly reordered?: boolean;
  /** SequenceGap: the sequences of this sender missing right before this message, when it was read. */
  readonly withheld?: { readonly from: number; readonly to: number };
  /** Our own messages: receipts that verified. */
  readonly receipts: readonly VerifiedReceipt[];
  /** Receipts that did not verify (forged or replayed). */
  readonly rejectedReceipts: readonly string[];
  /** When it disappears (its sender's own timer from its server time); absent if never. Not shown, nor kept, after. */
  readonly expiresAt?: number;
  /** A timer, a delete or an edit: what it does. A verified delete or edit is shown on its target, not as a message of its own. */
  readonly action?: ShownAction;
  /** ActionRefused: why the delete or edit does nothing. */
  readonly refused?: ActionRefusal;
  /** Taken back by its sender: shown as a placeholder, with no content. */
  readonly deleted?: { readonly at: number; readonly by: string };
  /** Edited by its sender: `body` is the latest text. */
  readonly edited?: { readonly at: number; readonly by: string };
}

/**
 * The server's participant list differs from the one its verified messages
 * carry (DESIGN T7, T11): reported, never acted on.
 */
export interface ParticipantsListingMismatch {
  readonly code: 'PARTICIPANTS_LISTING_MISMATCH';
  /** What the server listed. */
  readonly listed: readonly string[];
  /** Listed by the server but in no verified message. */
  readonly added: readonly string[];
  /** In the verified messages but left out of the listing. */
  readonly missing: readonly string[];
}

export interface ConversationView {
  readonly id: string;
  /**
   * The participants its verified messages carry (authenticated by their
   * senders), never the server's listing; empty when no message verified.
   */
  readonly participants: readonly string[];
  /** Set when the server's listing disagrees with `participants`. */
  readonly listingMismatch: ParticipantsListingMismatch | null;
  readonly subject: string;
  /** In causal order (T14): each after its sender's previous message and what it links to, otherwise the server's order. */
  readonly messages: readonly ReadMessage[];
  /**
   * Per sender, the sequences still missing after reading the whole
   * conversation: revealed by the sender's own later message or by anyone's
   * causal link, and not delivered since (T14).
   */
  readonly withheld: readonly WithheldMessages[];
  /** Conflicting statements about one message (a sender showed different messages to different people). */
  readonly anomalies: readonly ConversationAnomaly[];
  /**
   * true: read from the conversation's first message, so a gap anywhere is
   * withheld. false: only its newest messages were read (ReadOptions.last),
   * and each sender's messages before their first one here are not loaded,
   * not withheld (ConversationLedger, WINDOW); read more to see them. The
   * server's "nothing older" is a hint that can do no harm: taken as
   * complete, the ledger looks for gaps from every sender's first message.
   */
  readonly complete: boolean;
  /** The conversation's disappearing-messages timer, as the latest verified timer message set it; null if none was set (or, in a window, none was loaded). */
  readonly timer: TimerSetting | null;
  /** The timer a reply from us takes now (seconds, 0: none): `timer`'s, or in a window without it, the latest message's. */
  readonly timerInEffect: TimerSeconds;
}

export interface ReadOptions {
  /**
   * Read only the newest `last` messages (a long conversation opens at its
   * end: the cost is what is shown, not the conversation's length), plus the
   * opening message for the subject. Absent: the whole conversation.
   */
  readonly last?: number;
}

export interface SendInput {
  readonly subject?: string;
  readonly body: string;
  readonly files?: readonly FileReference[];
  /** A new conversation's timer: its first message expires by it, and a timer message follows it (replies take the conversation's timer). */
  readonly expiresIn?: TimerSeconds;
}

/** What a message does besides carrying text (see post). */
interface Extra {
  readonly action?: MessageAction;
}

const PAGE = 100;

/** What a window read fetched: the messages oldest first, the server's participant listing, and whether the server says there is nothing older. */
interface Fetched {
  readonly wire: readonly MessageFieldsFragment[];
  readonly listed: readonly string[];
  readonly complete: boolean;
}

/** How often one message is sent at most when its outcome stays unknown or the server is busy (see Messaging.deliver). */
export const SEND_ATTEMPTS = 5;

/**
 * How long to wait before sending a message again after `error` on attempt
 * `attempt`, or null if it must not be sent again: 0.5 s, 1 s, … without an
 * answer, the server's Retry-After (up to 5 s) for UNAVAILABLE (its storage
 * away, or too busy), 0.5 s for a CONFLICT on a resend; each with jitter
 * (up to as long again), so clients refused together spread out.
 */
function retryWait(error: unknown, attempt: number): number | null {
  if (error instanceof PeerlockNetworkError) return withJitter(500 * attempt);
  if (!(error instanceof PeerlockApiError)) return null;
  if (error.code === 'UNAVAILABLE') {
    const seconds = error.details.retryAfterSeconds ?? 1;
    return seconds <= 5 ? withJitter(seconds * 1000) : null;
  }
  if (error.code === 'CONFLICT' && attempt > 1) return withJitter(500);
  return null;
}

/**
 * A conversation as this device last verified it, kept while a notification
 * stream is open (so nothing is missed: a stream that reconnects replays what
 * it missed, in order): pushed messages are verified on it without a fetch,
 * and a reply composes on it without reading back.
 */
interface LiveConversation {
  readonly ledger: ConversationLedger;
  /** The server index the next message must have to be verified in order (a hint: the ledger checks the chains). */
  next: number;
  /** Indexes the server gave our own messages beyond `next` (already in the ledger): `next` skips them once it gets there. */
  readonly ownAhead: Set<number>;
  /** Our own sends in flight here. */
  readonly sending: Set<Promise<unknown>>;
  /** Messages taken into the ledger since it was founded (see LiveLimits). */
  taken: number;
}

/**
 * Bounds on what a long-lived stream keeps verified in memory, so a client's
 * memory does not grow with the history it has seen: past
 * `messagesPerConversation` messages a conversation's ledger is dropped (its
 * next message is read as a window of the newest, one fetch), and at most
 * `conversations` ledgers are kept (the least recently used is dropped).
 */
export interface LiveLimits {
  readonly messagesPerConversation: number;
  readonly conversations: number;
}

export const DEFAULT_LIVE_LIMITS: LiveLimits = { messagesPerConversation: 5_000, conversations: 500 };

/** How many times a push ahead of the ledger waits for our own sends in flight before the gap is fetched instead. */
const MAX_WAITS_FOR_OWN_SENDS = 8;
/** How many of our own recent message ids are remembered, to tell our echo from another device's message. */
const MAX_OWN_SENT = 4096;

export class Messaging {
  private readonly ledgers = new Map<string, LiveConversation>();
  /** Per conversation, the last reply queued: replies from this device go out one after another (see reply). */
  private readonly replying = new Map<string, Promise<unknown>>();
  /** Ids of messages this device sent, until each joined its conversation's ledger. */
  private readonly ownSent = new Set<string>();
  /** Per view read: the messages our receipt is on (a server hint: a receipt it hides is only sent again). */
  private readonly acknowledged = new WeakMap<ConversationView, Set<string>>();
  /** When our current key replaced a former one (a hint, see formerKeyUntil), per key. */
  private ownKeySince: { readonly miniLockId: string; readonly since: number | null } | null = null;

  constructor(
    private readonly client: PeerlockClient,
    private readonly limits: LiveLimits = DEFAULT_LIVE_LIMITS,
    /** The client's clock: message times, windows and expiry. */
    private readonly now: () => number = Date.now,
  ) {}

  async conversations(first = 50): Promise<ConversationSummary[]> {
    const { conversations } = await this.client.call(ConversationsDocument, { first, after: null }, true);
    return conversations.edges.map((e) => e.node);
  }

  /** Starts a conversation with contacts. Every recipient's key must be pinned and unchanged. */
  async send(to: readonly string[], input: SendInput): Promise<ReadMessage> {
    const participants = [...new Set([...to.map((u) => u.toLowerCase()), this.client.username])].sort();
    if (input.expiresIn !== undefined && !isTimerSeconds(input.expiresIn)) throw new MessageActionError('', 'bad-timer');
    const first = await this.post(null, participants, input);
    // The first message expires by its own timer; the conversation's timer is a signed entry of its own, so every reply follows it.
    if (input.expiresIn) await this.setTimer(first.conversationId, input.expiresIn);
    return first;
  }

  /**
   * Replies in a conversation, to exactly its participants. Our next
   * sequence and previous hash come from our own latest message, so the read
   * goes back (newest PAGE messages, then 4× as many each time) until it
   * holds one of ours or the whole conversation: in a long conversation a
   * reply costs what lies after our last message, not the whole history.
   * With a notification stream open, the conversation as verified so far is
   * current, and a reply reads nothing. Replies from this client to one
   * conversation go out one after another, in the order they were asked
   * for, so each takes the sequence after the one before it.
   */
  async reply(conversationId: string, input: Omit<SendInput, 'subject' | 'expiresIn'>): Promise<ReadMessage> {
    return this.inTurn(conversationId, async () => {
      const live = await this.current(conversationId);
      return this.post(live, live.ledger.participants, input);
    });
  }

  /**
   * Sets the conversation's disappearing-messages timer (seconds, one of
   * TIMER_SECONDS; 0 turns it off): a signed message in our chain, so every
   * participant sees who set what and when. Later messages from everyone who
   * verified it expire by it.
   */
  async setTimer(conversationId: string, seconds: number): Promise<ReadMessage> {
    if (!isTimerSeconds(seconds)) throw new MessageActionError(conversationId, 'bad-timer');
    return this.inTurn(conversationId, async () => {
      const live = await this.current(conversationId);
      return this.post(live, live.ledger.participants, { body: '' }, { action: { kind: 'timer', seconds } });
    });
  }

  /**
   * Deletes one of our own messages for everyone (within 3 h of its server
   * time): a signed delete naming it by id, sequence and hash; the server
   * purges its ciphertext, every participant's client hides it.
   */
  async unsend(conversationId: string, messageId: string): Promise<ReadMessage> {
    return this.act(conversationId, messageId, 'delete', '');
  }

  /** Replaces the text of one of our own messages (within 24 h of its server time) for everyone. */
  async edit(conversationId: string, messageId: string, body: string): Promise<ReadMessage> {
    return this.act(conversationId, messageId, 'edit', body);
  }

  private async act(conversationId: string, messageId: string, kind: 'delete' | 'edit', body: string): Promise<ReadMessage> {
    return this.inTurn(conversationId, async () => {
      const me = this.client.username;
      const found = () => this.ledgers.get(conversationId)?.ledger.messageOf(me, messageId) != null;
      const live = await this.current(conversationId, found);
      const own = live.ledger.messageOf(me, messageId);
      if (!own) throw new MessageActionError(messageId, 'not-found');
      if (own.isAction || live.ledger.deletionOf(messageId)) throw new MessageActionError(messageId, 'not-editable');
      if (this.now() - own.receivedAt > (kind === 'delete' ? DELETE_WINDOW_MS : EDIT_WINDOW_MS)) throw new MessageActionError(messageId, 'window-closed');
      return this.post(live, live.ledger.participants, { body }, { action: { kind, messageId, sequence: own.sequence, hash: own.hash } });
    });
  }

  /** Runs sends to one conversation one at a time, in the order asked: each takes the sequence after the one before it. */
  private async inTurn<T>(conversationId: string, send: () => Promise<T>): Promise<T> {
    const before = this.replying.get(conversationId) ?? Promise.resolve();
    const mine = before.catch(() => undefined).then(send);
    this.replying.set(conversationId, mine);
    try {
      return await mine;
    } finally {
      if (this.replying.get(conversationId) === mine) this.replying.delete(conversationId);
    }
  }

  /**
   * The conversation as verified, holding our own latest message (our chain's
   * head) and whatever else `also` needs: with a stream open it is current
   * (every message since reached receive()), so nothing is read.
   */
  private async current(conversationId: string, also: () => boolean = () => true): Promise<LiveConversation> {
    const loaded = () => this.ledgers.get(conversationId)?.ledger.hasLoaded(this.client.username) === true && also();
    if (!(this.client.streaming && loaded())) await this.readBackUntil(conversationId, loaded);
    const live = this.ledgers.get(conversationId);
    if (!live) throw new RangeError('conversationId: no verified message to reply to');
    return live;
  }

  /**
   * Reads the newest `first` messages, then four times as many each time,
   * until `enough(view)` or the whole conversation was read: finding
   * something recent (our own latest message, an attachment) costs what lies
   * after it, not the conversation's history.
   */
  async readBackUntil(conversationId: string, enough: (view: ConversationView) => boolean, first = PAGE): Promise<ConversationView> {
    for (let last = first; ; last *= 4) {
      const view = await this.read(conversationId, { last });
      if (view.complete || enough(view)) return view;
    }
  }

  /**
   * Fetches and verifies a whole conversation, or with `last` its newest
   * messages (see ReadOptions and ConversationView.complete); ids may be
   * abbreviated to a unique prefix by callers. Trusts: each message's content, sender,
   * participants and conversation secret only once its ledger verified them
   * (ConversationLedger); the participants of the view are the verified
   * ones; the causal order and what is withheld from the hashes and links
   * inside verified messages. Hints: the server's order (ties in the causal
   * order), its participant listing (compared and reported, never used),
   * receivedAt (bounded by the clock-skew check), and the time of our own
   * latest key change (only to tell SealedToFormerKey from Undecryptable).
   */
  async read(conversationId: string, options: ReadOptions = {}): Promise<ConversationView> {
    if (options.last !== undefined && !(Number.isSafeInteger(options.last) && options.last > 0)) throw new RangeError('last: a positive whole number');
    const { wire, listed, complete } = options.last === undefined ? await this.fetchAll(conversationId) : await this.fetchNewest(conversationId, options.last);
    // Pin every sender on first sight before anything is verified; a pending change keeps the old pin.
    for (const sender of new Set(wire.map((m) => m.sender))) if (sender !== this.client.username) await this.client.checkKey(sender).catch(() => undefined);
    const pins = await this.client.pins();
    const context = this.receiverContext(pins);
    // A fresh ledger each time: the server's order is replayed from the start (of the window), so nothing stale is trusted.
    let ledger: ConversationLedger | null = null;
    const verified: (VerifiedMessage | null)[] = [];
    const acknowledged = new Set<string>();
    /** Tombstones before the ledger was founded, in the server's order. */
    const hints: { sender: string; gone: GoneHint }[] = [];
    const rows = wire.map((m): ReadMessage => {
      if (m.receipts.some((r) => r.reader === this.client.username)) acknowledged.add(m.messageId);
      const gone = goneOf(m);
      if (gone) {
        // Purged: a hint for its sender's chain, shown only as a verified delete's placeholder (present, below).
        if (ledger) (ledger as ConversationLedger).hintGone(m.sender, gone);
        else hints.push({ sender: m.sender, gone });
        verified.push(null);
        return tombstoneOf(m);
      }
      const envelope = toEnvelope(m);
      let verification;
      if (ledger) verification = ledger.accept(envelope, context);
      else {
        const founded = ConversationLedger.found(envelope, context, { window: !complete, hints });
        ledger = founded.ledger;
        verification = founded.verification;
      }
      verified.push(verification.message ?? null);
      return rowOf(m, verification, m.sender === this.client.username ? this.checkReceipts(m, pins) : NO_RECEIPTS);
    });
    const founded = ledger as ConversationLedger | null;
    if (founded) {
      const sending = this.ledgers.get(conversationId)?.sending ?? new Set();
      this.keep(conversationId, { ledger: founded, next: wire.length ? wire[wire.length - 1]!.index + 1 : 0, ownAhead: new Set(), sending, taken: wire.length });
    }
    // A window without the opening message: its subject, from that message verified on its own.
    if (founded && !complete && !founded.subject) await this.takeOpening(conversationId, founded, context);
    const participants = founded ? founded.participants : [];
    const sealedBefore = rows.some((r) => r.rejected === 'Undecryptable') ? await this.formerKeyUntil() : null;
    const { order, reordered } = causalOrder(verified);
    const ordered = order.map((i): ReadMessage => {
      const row = rows[i]!;
      if (sealedBefore !== null && row.rejected === 'Undecryptable' && row.receivedAt < sealedBefore) return { ...row, rejected: 'SealedToFormerKey' };
      return verified[i] ? { ...row, reordered: reordered[i]! } : row;
    });
    const messages = founded ? present(ordered, founded, this.now()) : ordered.filter((row) => !isTombstone(row));
    const view: ConversationView = {
      id: conversationId,
      participants,
      listingMismatch: founded ? listingMismatch(listed, participants) : null,
      subject: founded?.subjectAt(this.now()) ?? '',
      messages,
      withheld: founded ? founded.withheld() : [],
      anomalies: founded ? founded.anomalies() : [],
      complete,
      timer: founded?.timer() ?? null,
      timerInEffect: founded?.timerInEffect() ?? 0,
    };
    this.acknowledged.set(view, acknowledged);
    return view;
  }

  /** Every message, oldest first, a page at a time. */
  private async fetchAll(conversationId: string): Promise<Fetched> {
    const wire: MessageFieldsFragment[] = [];
    let listed: readonly string[] = [];
    for (let after: string | null = null; ; ) {
      const { conversation }: { conversation: { participants: string[]; messages: { edges: { node: MessageFieldsFragment }[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } } } } =
        await this.client.call(ConversationMessagesDocument, { id: conversationId, first: PAGE, after }, true);
      listed = conversation.participants;
      wire.push(...conversation.messages.edges.map((e) => e.node));
      if (!conversation.messages.pageInfo.hasNextPage || !conversation.messages.pageInfo.endCursor) break;
      after = conversation.messages.pageInfo.endCursor;
    }
    return { wire, listed, complete: true };
  }

  /** The newest `last` messages (at least, or all there are), oldest first, a page at a time going back. */
  private async fetchNewest(conversationId: string, last: number): Promise<Fetched> {
    const pages: MessageFieldsFragment[][] = [];
    let listed: readonly string[] = [];
    let complete = false;
    let count = 0;
    for (let before: string | null = null; count < last; ) {
      const { conversation }: { conversation: { participants: string[]; messages: { edges: { node: MessageFieldsFragment }[]; pageInfo: { hasPreviousPage: boolean; startCursor?: string | null } } } } =
        await this.client.call(ConversationNewestMessagesDocument, { id: conversationId, last: Math.min(PAGE, last - count), before }, true);
      if (before === null) listed = conversation.participants;
      const page = conversation.messages.edges.map((e) => e.node);
      pages.unshift(page);
      count += page.length;
      complete = !conversation.messages.pageInfo.hasPreviousPage;
      if (complete || page.length === 0 || !conversation.messages.pageInfo.startCursor) break;
      before = conversation.messages.pageInfo.startCursor;
    }
    return { wire: pages.flat(), listed, complete };
  }

  /** The conversation's first message, for the subject of a window that does not hold it; not there or not the opening one: no subject. */
  private async takeOpening(conversationId: string, ledger: ConversationLedger, context: ReceiverContext): Promise<void> {
    const { conversation } = await this.client.call(ConversationMessagesDocument, { id: conversationId, first: 1, after: null }, true);
    const first = conversation.messages.edges[0]?.node;
    if (first) ledger.takeOpening(toEnvelope(first), context);
  }

  /**
   * Until when a message may have been sealed to a former key of ours: the
   * time our current key replaced it, from our current key's entry in the key
   * log (proven like any key: PeerlockClient.provenKeyEntry); null when it is
   * our signup key (no former key), or while the log cannot prove it (not
   * caught up yet, or lying: the login's own-key check says so loudly).
   *
   * It decides only which label (SealedToFormerKey or Undecryptable) a
   * message that did not decrypt gets; such a message is never shown either way.
   */
  private async formerKeyUntil(): Promise<number | null> {
    const me = this.client.username;
    const current = this.client.miniLockId;
    if (this.ownKeySince?.miniLockId === current) return this.ownKeySince.since;
    try {
      const entry = await this.client.provenKeyEntry(me, current);
      const since = entry.keySequence > 0 ? entry.timestamp : null;
      this.ownKeySince = { miniLockId: current, since };
      return since;
    } catch (error) {
      if (error instanceof PeerlockApiError || error instanceof PeerlockCryptoError) return null;
      throw error;
    }
  }

  /** Sends a read receipt for every genuine message of others in the view that we have not acknowledged yet. */
  async markRead(view: ConversationView): Promise<number> {
    let sent = 0;
    const acknowledged = this.acknowledged.get(view) ?? new Set<string>();
    this.acknowledged.set(view, acknowledged);
    for (const m of view.messages) {
      if (m.sender === this.client.username || m.rejected !== null || acknowledged.has(m.messageId)) continue;
      const senderKey = (await this.client.pin(m.sender))?.miniLockId;
      if (!senderKey) continue;
      const receipt = createReadReceipt(
        { messageId: m.messageId, conversationId: m.conversationId, sender: m.sender, reader: this.client.username, readAt: this.now() },
        this.client.secretKey(),
        decodeMiniLockId(senderKey),
      );
      await this.client.call(PostReadReceiptDocument, { input: { conversationId: m.conversationId, messageId: m.messageId, receipt: bytesToBase64(receipt) } }, true);
      acknowledged.add(m.messageId);
      sent++;
    }
    return sent;
  }

  async remove(conversationId: string): Promise<{ purged: boolean }> {
    return (await this.client.call(RemoveConversationDocument, { id: conversationId }, true)).removeConversation;
  }

  private async post(live: LiveConversation | null, participants: readonly string[], input: SendInput, extra: Extra = {}): Promise<ReadMessage> {
    const keys: Record<string, string> = {};
    for (const p of participants) keys[p] = await this.client.sendableKey(p);
    const composed = composeMessage({
      sender: { username: this.client.username, secretKey: this.client.secretKey() },
      conversation: live?.ledger ?? null,
      participants,
      keys,
      ...(input.subject !== undefined ? { subject: input.subject } : {}),
      body: input.body,
      files: input.files ?? [],
      now: this.now(),
      ...(input.expiresIn !== undefined ? { expiresIn: input.expiresIn } : {}),
      ...(extra.action ? { action: extra.action } : {}),
    });
    if (this.client.streaming) this.rememberOwn(composed.messageId);
    const action = composed.plaintext.action;
    const variables: SendVariables = {
      input: {
        conversationId: composed.conversationId,
        messageId: composed.messageId,
        participants: [...composed.participants],
        ciphertext: bytesToBase64(composed.ciphertext),
        // What the server needs to purge (it cannot read the plaintext that says the same, signed).
        expiresInSeconds: composed.plaintext.expiresIn,
        ...(action && action.kind !== 'timer' ? { action: { kind: action.kind === 'delete' ? 'DELETE' : 'EDIT', targetMessageId: action.messageId } } : {}),
      },
    };
    const sending = this.deliver(variables);
    live?.sending.add(sending);
    let sendMessage;
    try {
      sendMessage = await sending;
    } catch (error) {
      // Stored or not, we cannot tell: the ledger no longer knows our chain's head.
      if (live) this.ledgers.delete(composed.conversationId);
      throw error;
    } finally {
      live?.sending.delete(sending);
    }
    if (this.client.streaming) {
      const current = this.ledgers.get(composed.conversationId);
      if (current) {
        // Our chain moves on with what we composed at once (nothing to decrypt), whatever index the server says it took:
        // the next reply follows it. The index (a hint) only places it in the server's order for the pushes.
        current.ledger.recordOwn(composed.plaintext, composed.hash, Date.parse(sendMessage.receivedAt));
        current.taken++;
        this.ownSent.delete(composed.messageId);
        if (sendMessage.index >= current.next) current.ownAhead.add(sendMessage.index);
        skipOwn(current);
      } else if (live === null && sendMessage.index === 0) this.foundOwn(composed.conversationId, sendMessage, variables.input.ciphertext);
    } else this.ledgers.delete(composed.conversationId);
    return {
      conversationId: sendMessage.conversationId,
      messageId: sendMessage.messageId,
      index: sendMessage.index,
      position: sendMessage.position,
      sender: sendMessage.sender,
      receivedAt: Date.parse(sendMessage.receivedAt),
      rejected: null,
      subject: composed.plaintext.subject,
      body: composed.plaintext.body,
      files: composed.plaintext.files,
      sentAt: composed.plaintext.sentAt,
      receipts: [],
      rejectedReceipts: [],
      ...(composed.plaintext.expiresIn > 0 ? { expiresAt: Date.parse(sendMessage.receivedAt) + composed.plaintext.expiresIn * 1000 } : {}),
      ...(action ? { action: shownAction(action) } : {}),
    };
  }

  /**
   * A notification from the stream (PeerlockClient.notifications routes
   * every one here first). MESSAGE_RECEIVED carries the message's envelope:
   * it is verified on the conversation's ledger, in server order, exactly as
   * `read` would, and returned as shown, with no request. A fetch happens only
   * to catch up: the first message of a conversation this device has not
   * read yet (its newest messages are read as a window), a push without its
   * envelope (purged meanwhile), or a gap in the server's order that our own
   * sends do not explain (the missing messages are fetched; what the server
   * still withholds shows as withheld, as in `read`). Returns the messages
   * newly shown, oldest first (usually one).
   *
   * A message of our own sent from another device comes the same way (the
   * server leaves out only the connection that sent it): verified, shown,
   * and our chain moves on with it, so the next reply from here follows it.
   */
  async receive(notification: PeerlockNotification): Promise<ReadMessage[]> {
    const { kind, conversationId } = notification;
    if (kind === 'CONTACT_KEY_CHANGED') this.client.forgetKeyCheck(notification.from);
    if (kind !== 'MESSAGE_RECEIVED' || !conversationId) return [];
    const pushed = notification.message;
    let live = this.ledgers.get(conversationId);
    // Our own message in between is still on its way back: it goes first.
    for (let waits = 0; pushed && live && pushed.index > live.next && live.sending.size > 0 && waits < MAX_WAITS_FOR_OWN_SENDS; waits++) {
      await Promise.allSettled([...live.sending]);
      live = this.ledgers.get(conversationId);
    }
    if (!pushed || pushed.conversationId !== conversationId || !live) return this.catchUp(conversationId, pushed?.index ?? null);
    if (pushed.index < live.next) return [];
    // A gap our own sends do not explain: the missing messages are fetched (what the server still withholds shows as withheld).
    if (pushed.index > live.next) return this.catchUp(conversationId, live.next);
    const gone = goneOf(pushed);
    if (gone) {
      // Purged before it reached us: a hint for its sender's chain, nothing to show.
      live.ledger.hintGone(pushed.sender, gone);
      live.next = pushed.index + 1;
      skipOwn(live);
      return [];
    }
    if (pushed.sender !== this.client.username) await this.client.checkKey(pushed.sender).catch(() => undefined);
    const shown = this.take(live, pushed, this.receiverContext(await this.client.pins()));
    skipOwn(live);
    if (live.taken >= this.limits.messagesPerConversation) this.ledgers.delete(conversationId);
    else this.keep(conversationId, live);
    return this.ownSent.delete(shown.messageId) ? [] : [shown];
  }

  /** Keeps a conversation's ledger as the most recently used, dropping the least recently used beyond the bound. */
  private keep(conversationId: string, live: LiveConversation): void {
    this.ledgers.delete(conversationId);
    this.ledgers.set(conversationId, live);
    if (this.ledgers.size > this.limits.conversations) this.ledgers.delete(this.ledgers.keys().next().value!);
  }

  /** @internal No stream delivers to `receive` any more, or it could not replay what it missed: every conversation is read again when next needed. */
  forgetConversations(): void {
    this.ledgers.clear();
  }

  /** Reads the newest messages again (a window from `from`, or the newest PAGE) and returns those from `from` on. */
  private async catchUp(conversationId: string, from: number | null): Promise<ReadMessage[]> {
    const live = this.ledgers.get(conversationId);
    const known = live ? live.next : null;
    const view = await this.read(conversationId, { last: known !== null && from !== null ? Math.max(PAGE, from - known + PAGE) : PAGE });
    const since = known ?? from ?? 0;
    return view.messages.filter((m) => m.index >= since);
  }

  /** Verifies one message (the next in server order) on its conversation's ledger and advances it. */
  private take(live: LiveConversation, wire: MessageFieldsFragment, context: ReceiverContext): ReadMessage {
    const verification = live.ledger.accept(toEnvelope(wire), context);
    live.next = wire.index + 1;
    live.taken++;
    // A message just posted has no receipts yet (a pushed one carries none).
    return rowOf(wire, verification, NO_RECEIPTS);
  }

  /** The ledger of a conversation we just started, founded on our own first message (as sent: opened once, to found it). */
  private foundOwn(conversationId: string, sent: Omit<MessageFieldsFragment, 'ciphertext' | 'receipts'>, ciphertext: string): void {
    const { ledger } = ConversationLedger.found(toEnvelope({ ...sent, ciphertext, receipts: [] }), this.receiverContext(emptyPinSet));
    if (ledger) this.keep(conversationId, { ledger, next: sent.index + 1, ownAhead: new Set(), sending: new Set(), taken: 1 });
  }

  private receiverContext(pins: PinSet): ReceiverContext {
    return {
      me: { username: this.client.username, secretKey: this.client.secretKey() },
      pinnedKey: (u, at) => (u === this.client.username ? this.client.miniLockId : keysValidAt(pins, u, at)),
    };
  }

  private rememberOwn(messageId: string): void {
    this.ownSent.add(messageId);
    if (this.ownSent.size > MAX_OWN_SENT) this.ownSent.delete(this.ownSent.values().next().value!);
  }

  /**
   * Sends one composed message, and reports one outcome for it. Without an
   * answer (NETWORK) or with UNAVAILABLE, the message may or may not be
   * stored; the server treats the same id with the same bytes as the same
   * message (its claim in the ciphertext store says `same`, the conversation
   * appends nothing twice and answers with the stored message), so the very
   * same variables are sent again, up to SEND_ATTEMPTS in all. A CONFLICT
   * after a lost answer is the earlier attempt still being appended: asked
   * again, the server answers with it. Anything else is the caller's.
   */
  private async deliver(variables: SendVariables) {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.client.call(SendMessageDocument, variables, true)).sendMessage;
      } catch (error) {
        const wait = retryWait(error, attempt);
        if (wait === null || attempt >= SEND_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  private checkReceipts(m: MessageFieldsFragment, pins: PinSet): { ok: VerifiedReceipt[]; bad: string[] } {
    const ok: VerifiedReceipt[] = [];
    const bad: string[] = [];
    for (const r of m.receipts) {
      try {
        // The reader's key as pinned at the receipt's time (a receipt from before their key rotation still verifies).
        const readAt = verifyReadReceiptWithPins(
          base64ToBytes(r.receipt),
          { messageId: m.messageId, conversationId: m.conversationId, sender: this.client.username, reader: r.reader },
          this.client.secretKey(),
          pins,
        );
        ok.push({ reader: r.reader, readAt });
      } catch (error) {
        if (!(error instanceof ReceiptRejectedError)) throw error;
        bad.push(r.reader);
      }
    }
    return { ok, bad };
  }
}

const NO_RECEIPTS: { ok: VerifiedReceipt[]; bad: string[] } = { ok: [], bad: [] };

interface SendVariables {
  readonly input: {
    readonly conversationId: string;
    readonly messageId: string;
    readonly participants: string[];
    readonly ciphertext: string;
    readonly expiresInSeconds: number;
    readonly action?: { readonly kind: 'DELETE' | 'EDIT'; readonly targetMessageId: string };
  };
}

/** What the server says became of a message it serves without ciphertext: a hint. */
function goneOf(m: MessageFieldsFragment): GoneHint | null {
  if (m.ciphertext != null) return null;
  return m.gone === 'DELETED' ? 'deleted' : 'expired';
}

const TOMBSTONE: unique symbol = Symbol('tombstone');
type Tombstone = ReadMessage & { readonly [TOMBSTONE]: true };
const isTombstone = (row: ReadMessage): row is Tombstone => TOMBSTONE in row;

/** A purged message's place in the server's order, until present() decides (it shows only as a verified delete's placeholder). */
function tombstoneOf(m: MessageFieldsFragment): Tombstone {
  return { conversationId: m.conversationId, messageId: m.messageId, index: m.index, position: m.position, sender: m.sender, receivedAt: Date.parse(m.receivedAt), rejected: null, receipts: [], rejectedReceipts: [], [TOMBSTONE]: true };
}

const shownAction = (action: MessageAction): ShownAction => (action.kind === 'timer' ? { kind: 'timer', seconds: action.seconds } : { kind: action.kind, messageId: action.messageId });

/**
 * What a read shows, from the rows in causal order and what the ledger
 * verified (issue 20): a message past its own expiry is left out (nothing of
 * it kept); a deleted one is a placeholder without content (a tombstone only
 * when a verified delete names it); an edited one carries its latest text; a
 * verified delete, and an edit whose target is shown, are not messages of
 * their own; a timer is (who set what when); a refused action stays, with
 * its reason.
 */
function present(rows: readonly ReadMessage[], ledger: ConversationLedger, now: number): ReadMessage[] {
  const shown = new Set(rows.filter((r) => !isTombstone(r) && r.rejected === null && !r.action).map((r) => r.messageId));
  const out: ReadMessage[] = [];
  for (const row of rows) {
    const deletion = ledger.deletionOf(row.messageId);
    if (isTombstone(row)) {
      if (deletion) out.push(deletedPlaceholder(row, deletion));
      continue;
    }
    if (row.expiresAt !== undefined && row.expiresAt <= now) continue;
    const action = row.action;
    // A verified delete shows on its target; so does an edit, and an edit of a deleted message shows nothing (its text is taken back too).
    if (action && action.kind !== 'timer' && row.rejected === null && (action.kind === 'delete' || shown.has(action.messageId) || ledger.deletionOf(action.messageId))) continue;
    if (deletion && row.rejected === null && !action) {
      out.push(deletedPlaceholder(row, deletion));
      continue;
    }
    const applied = row.rejected === null && !action ? ledger.editOf(row.messageId) : null;
    // An edit past its own expiry is not shown (nothing of an expired message is), whatever it replaced.
    const edit = applied && (applied.expiresAt == null || applied.expiresAt > now) ? applied : null;
    out.push(edit ? { ...row, body: edit.body ?? '', edited: { at: edit.at, by: edit.by } } : row);
  }
  return out;
}

/**
 * A deleted message as shown: where and whose it was, when it was taken
 * back, nothing of what it said. Clients that apply a pushed delete to a row
 * on screen use it too, so a live delete shows exactly what a read would.
 */
export function deletedPlaceholder(row: ReadMessage, deletion: { readonly at: number; readonly by: string }): ReadMessage {
  return {
    conversationId: row.conversationId,
    messageId: row.messageId,
    index: row.index,
    position: row.position,
    sender: row.sender,
    receivedAt: row.receivedAt,
    rejected: null,
    receipts: row.receipts,
    rejectedReceipts: row.rejectedReceipts,
    deleted: { at: deletion.at, by: deletion.by },
  };
}

/** A message as shown: its envelope's routing data, and the content and verdict of its verification. */
function rowOf(m: MessageFieldsFragment, verification: Verification, receipts: { ok: VerifiedReceipt[]; bad: string[] }): ReadMessage {
  const plain = verification.message;
  return {
    conversationId: m.conversationId,
    messageId: m.messageId,
    index: m.index,
    position: m.position,
    sender: m.sender,
    receivedAt: Date.parse(m.receivedAt),
    rejected: verification.ok ? null : verification.reason,
    ...(plain ? { subject: plain.plaintext.subject, body: plain.plaintext.body, files: plain.plaintext.files, sentAt: plain.plaintext.sentAt, late: plain.late } : {}),
    ...(plain?.expiresAt != null ? { expiresAt: plain.expiresAt } : {}),
    ...(plain?.plaintext.action ? { action: shownAction(plain.plaintext.action) } : {}),
    ...(!verification.ok && verification.refused ? { refused: verification.refused } : {}),
    ...(!verification.ok && verification.withheld ? { withheld: { from: verification.withheld.from, to: verification.withheld.to } } : {}),
    receipts: receipts.ok,
    rejectedReceipts: receipts.bad,
  };
}

/** Moves `next` past the indexes of our own messages, already in the ledger. */
function skipOwn(live: LiveConversation): void {
  while (live.ownAhead.delete(live.next)) live.next++;
}

function listingMismatch(listed: readonly string[], verified: readonly string[]): ParticipantsListingMismatch | null {
  const canonical = [...new Set(listed.map((p) => p.toLowerCase()))].sort();
  const added = canonical.filter((p) => !verified.includes(p));
  const missing = verified.filter((p) => !canonical.includes(p));
  return added.length || missing.length ? { code: 'PARTICIPANTS_LISTING_MISMATCH', listed: [...listed], added, missing } : null;
}

function toEnvelope(m: MessageFieldsFragment): MessageEnvelope {
  return {
    conversationId: m.conversationId,
    messageId: m.messageId,
    sender: m.sender,
    participants: m.participants,
    ciphertext: base64ToBytes(m.ciphertext ?? ''),
    receivedAt: Date.parse(m.receivedAt),
  };
}
