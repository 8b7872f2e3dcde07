/**
 * A conversation as a Decider (DESIGN §4). The first message creates it with
 * its participants (1–50, the sender included, each other one a contact of
 * the sender); they never change. Replies need the sender to be a
 * participant whom no other participant has blocked, and in a two-person
 * conversation the two must still be contacts ("messages only between
 * contacts"; in a group, the creator's introduction is what lets
 * non-contacts talk).
 *
 * Contact facts arrive in the command, looked up by the shell from the
 * contact streams; the decider itself reads nothing.
 *
 * The state holds only what decisions need, and is the same size after a
 * million messages as after one (issue 15: copying a map of every message on
 * each one made a conversation cost quadratic time to load): counters, the
 * fixed participants, who removed it through where. Facts about one message
 * (is this id already posted here, has this reader a receipt for it) arrive
 * in the command too, looked up by the shell in the read models as of the
 * revision the state was folded from (conversation-commands.ts). A message
 * id's uniqueness across conversations and senders is the ciphertext store's
 * primary key, claimed before the decider runs.
 *
 * Expiry and deletion (issue 20). The server cannot read a message, so it
 * enforces what the sender declares beside the ciphertext: a timer (one of
 * the SDK's TIMER_SECONDS; the message expires at its server time plus the
 * timer), and a delete or an edit of an earlier message. An action must name
 * a message posted in this conversation by the actor, which is not itself an
 * action and not gone, within 3 hours (delete) or 24 hours (edit) of its
 * server time, the windows the recipients' ledgers apply to the signed
 * statement inside the ciphertext. A delete holds no content, so it has no
 * timer; it is recorded as the target's MessageDeleted in the same append.
 * The facts about the target come from the read models, like a retry's.
 */
import { DELETE_WINDOW_MS, EDIT_WINDOW_MS, isTimerSeconds } from '@peerlock/sdk';
import { MAX_CONVERSATION_PARTICIPANTS, MAX_EXPIRED_PER_EVENT, MAX_MESSAGE_CIPHERTEXT_BYTES, conversationEventDefinitions, messageIdSchema } from '@peerlock/schema';
import { PeerlockError, badInput } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type ConversationDomainEvent = DomainEventOf<typeof conversationEventDefinitions>;

export interface PostedMessage {
  readonly index: number;
  readonly sender: string;
}

/** What the shell found about the message an action names, as of the state's revision. */
export interface ActionTarget extends PostedMessage {
  /** Its server time, ms since the epoch. */
  readonly receivedAt: number;
  /** It is itself a delete or an edit. */
  readonly isAction: boolean;
  /** Recorded gone (expired or deleted). */
  readonly gone: boolean;
  /** When it expires, ms since the epoch; null: never. */
  readonly expiresAt: number | null;
}

export type MessageActionKind = 'delete' | 'edit';

/** A message the expiry sweep found due, with what the read models say of it (as of the state's revision). */
export interface ExpiringMessage {
  readonly messageId: string;
  readonly index: number;
  /** ms since the epoch; null: it never expires. */
  readonly expiresAt: number | null;
  /** Recorded gone already. */
  readonly gone: boolean;
}

export type ConversationState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'open' | 'purged';
      readonly conversationId: string;
      readonly participants: readonly string[];
      readonly messageCount: number;
      /** Per participant: messages below this index were removed from their view. */
      readonly removedThrough: Readonly<Record<string, number>>;
      /**
       * Messages recorded expired or deleted. While it is 0 no ciphertext row
       * of this conversation was purged, so an id the ciphertext store lets a
       * sender claim afresh cannot have been posted here (the shell then skips
       * the lookup a retry needs).
       */
      readonly goneCount: number;
    };

/** What the shell knows about the sender's relations to the other participants. */
export interface ContactFacts {
  /** Participants who are contacts of the sender (accepted, nobody blocked). */
  readonly contacts: readonly string[];
  /** Participants who have blocked the sender. */
  readonly blockedBy: readonly string[];
}

export type ConversationCommand =
  | {
      readonly type: 'PostMessage';
      readonly actor: string;
      readonly conversationId: string;
      readonly messageId: string;
      /** As the sender's envelope names them: canonical (lowercase, sorted, unique). */
      readonly participants: readonly string[];
      readonly ciphertextBytes: number;
      readonly ciphertextSha256: string;
      readonly facts: ContactFacts;
      /** This message id as already posted in this conversation, or null: a retry of a stored message finds itself. */
      readonly posted: PostedMessage | null;
      /** Server time, ms: what the timer and the action windows count from. */
      readonly now: number;
      /** The sender's timer: 0 for never, else one of the SDK's TIMER_SECONDS. */
      readonly expiresInSeconds: number;
      /** A delete or an edit of an earlier message, with its target as the shell found it (null: not posted here). */
      readonly action: { readonly kind: MessageActionKind; readonly targetMessageId: string; readonly target: ActionTarget | null } | null;
    }
  | {
      readonly type: 'PostReceipt';
      readonly actor: string;
      readonly messageId: string;
      readonly receipt: string;
      /** The message as posted in this conversation, or null if it is not (here). */
      readonly message: PostedMessage | null;
      /** The actor already has a receipt stored for it. */
      readonly receiptStored: boolean;
    }
  | { readonly type: 'RemoveConversation'; readonly actor: string }
  | {
      /** From the expiry sweep: records those of `messages` that are due at `now` and not gone yet as expired. */
      readonly type: 'ExpireMessages';
      readonly now: number;
      readonly messages: readonly ExpiringMessage[];
    };

export const initialConversationState = (): ConversationState => ({ status: 'absent' });

const ev = <T extends ConversationDomainEvent['type']>(type: T, data: Extract<ConversationDomainEvent, { type: T }>['data']): ConversationDomainEvent =>
  ({ type, data }) as ConversationDomainEvent;

const isCanonical = (list: readonly string[]) => list.every((u, i) => i === 0 || list[i - 1]! < u);

export function decide(command: ConversationCommand, state: ConversationState): ConversationDomainEvent[] {
  switch (command.type) {
    case 'PostMessage':
      return postMessage(command, state);
    case 'PostReceipt': {
      if (state.status !== 'open') throw new PeerlockError('NOT_FOUND');
      if (!state.participants.includes(command.actor)) throw new PeerlockError('FORBIDDEN');
      const message = command.message;
      if (!message || message.index >= state.messageCount) throw new PeerlockError('NOT_FOUND');
      // A receipt tells the sender that someone else read it.
      if (message.sender === command.actor) throw badInput('messageId');
      if (command.receiptStored) return [];
      return [
        ev('ReceiptPosted', {
          conversationId: state.conversationId,
          messageId: command.messageId,
          messageIndex: message.index,
          messageSender: message.sender,
          reader: command.actor,
          receipt: command.receipt,
        }),
      ];
    }
    case 'RemoveConversation': {
      if (state.status !== 'open') throw new PeerlockError('NOT_FOUND');
      if (!state.participants.includes(command.actor)) throw new PeerlockError('FORBIDDEN');
      const through = state.messageCount;
      if ((state.removedThrough[command.actor] ?? 0) === through && through > 0) return [];
      const removed = ev('ConversationRemoved', { conversationId: state.conversationId, username: command.actor, throughIndex: through });
      const everyone = state.participants.every((p) => p === command.actor || (state.removedThrough[p] ?? 0) === through);
      if (!everyone) return [removed];
      return [removed, ev('ConversationPurged', { conversationId: state.conversationId, participants: [...state.participants], messageCount: through })];
    }
    case 'ExpireMessages':
      return expireMessages(command, state);
    default:
      return assertNever(command);
  }
}

function postMessage(command: Extract<ConversationCommand, { type: 'PostMessage' }>, state: ConversationState): ConversationDomainEvent[] {
  const { actor, participants, facts, action } = command;
  if (command.ciphertextBytes < 1 || command.ciphertextBytes > MAX_MESSAGE_CIPHERTEXT_BYTES) throw badInput('ciphertext');
  if (participants.length < 1 || participants.length > MAX_CONVERSATION_PARTICIPANTS || !isCanonical(participants)) throw badInput('participants');
  if (!isTimerSeconds(command.expiresInSeconds)) throw badInput('expiresInSeconds');
  if (action && !messageIdSchema.safeParse(action.targetMessageId).success) throw badInput('action');
  // A delete holds no content: nothing of it to expire.
  if (action?.kind === 'delete' && command.expiresInSeconds !== 0) throw badInput('expiresInSeconds');
  if (!participants.includes(actor)) throw new PeerlockError('FORBIDDEN');
  const others = participants.filter((p) => p !== actor);
  if (others.some((p) => facts.blockedBy.includes(p))) throw new PeerlockError('FORBIDDEN');
  const posted = (index: number, target: ActionTarget | null) =>
    ev('MessagePosted', {
      conversationId: command.conversationId,
      messageId: command.messageId,
      index,
      sender: actor,
      participants: [...participants],
      ciphertextBytes: command.ciphertextBytes,
      ciphertextSha256: command.ciphertextSha256,
      ...(command.expiresInSeconds > 0 ? { expiresAt: new Date(command.now + command.expiresInSeconds * 1000).toISOString() } : {}),
      ...(action && target ? { action: { kind: action.kind, targetMessageId: action.targetMessageId, targetIndex: target.index } } : {}),
    });

  if (state.status === 'absent') {
    if (others.some((p) => !facts.contacts.includes(p))) throw new PeerlockError('FORBIDDEN');
    // Nothing is posted yet for an action to name.
    if (action) throw new PeerlockError('NOT_FOUND');
    return [ev('ConversationStarted', { conversationId: command.conversationId, creator: actor, participants: [...participants] }), posted(0, null)];
  }
  if (state.status === 'purged') throw new PeerlockError('NOT_FOUND');
  // Someone outside the conversation learns nothing more than "not yours".
  if (!state.participants.includes(actor)) throw new PeerlockError('FORBIDDEN');
  if (participants.length !== state.participants.length || participants.some((p, i) => p !== state.participants[i])) throw badInput('participants');
  const existing = command.posted;
  // The shell already matched the stored bytes of a retry (ciphertext store claim): the message stands once.
  // Before the action's checks: a retry of a delete finds its target gone, and a late retry its window closed.
  if (existing) {
    if (existing.sender === actor) return [];
    throw new PeerlockError('CONFLICT');
  }
  if (others.length === 1 && !facts.contacts.includes(others[0]!)) throw new PeerlockError('FORBIDDEN');
  if (!action) return [posted(state.messageCount, null)];
  const target = actionTarget(action.kind, action.target, actor, command.now, state.messageCount);
  const message = posted(state.messageCount, target);
  if (action.kind === 'edit') return [message];
  // The MessagePosted last, as in every append of a message: the append's position is the message's own.
  return [ev('MessageDeleted', { conversationId: state.conversationId, messageId: action.targetMessageId, index: target.index, deletedBy: command.messageId }), message];
}

/** The target of a delete or an edit by `actor` at `now`, if the rules allow it (in this order); otherwise the refusal. */
function actionTarget(kind: MessageActionKind, target: ActionTarget | null, actor: string, now: number, messageCount: number): ActionTarget {
  // A fact from further on in the log than the state is not there yet.
  if (!target || target.index >= messageCount) throw new PeerlockError('NOT_FOUND');
  if (target.sender !== actor) throw new PeerlockError('FORBIDDEN');
  // One action per message: a delete or an edit of an action would make its meaning depend on the order of arrival.
  if (target.isAction) throw badInput('action');
  // Expired counts from its expiresAt, swept or not: the read path no longer serves it either.
  if (target.gone || (target.expiresAt !== null && target.expiresAt <= now)) throw new PeerlockError('NOT_FOUND');
  if (now - target.receivedAt > (kind === 'delete' ? DELETE_WINDOW_MS : EDIT_WINDOW_MS)) throw new PeerlockError('WINDOW_CLOSED');
  return target;
}

function expireMessages(command: Extract<ConversationCommand, { type: 'ExpireMessages' }>, state: ConversationState): ConversationDomainEvent[] {
  // Absent: nothing was posted (a claim whose append never happened). Purged: every ciphertext is gone already.
  if (state.status !== 'open') return [];
  const due = new Map<number, { messageId: string; index: number }>();
  for (const m of command.messages) {
    if (m.gone || m.expiresAt === null || m.expiresAt > command.now || m.index >= state.messageCount) continue;
    due.set(m.index, { messageId: m.messageId, index: m.index });
  }
  const messages = [...due.values()].sort((a, b) => a.index - b.index);
  const events: ConversationDomainEvent[] = [];
  for (let i = 0; i < messages.length; i += MAX_EXPIRED_PER_EVENT) {
    events.push(ev('MessagesExpired', { conversationId: state.conversationId, messages: messages.slice(i, i + MAX_EXPIRED_PER_EVENT) }));
  }
  return events;
}

export function evolve(state: ConversationState, event: ConversationDomainEvent): ConversationState {
  switch (event.type) {
    case 'ConversationStarted':
      return {
        status: 'open',
        conversationId: event.data.conversationId,
        participants: event.data.participants,
        messageCount: 0,
        removedThrough: {},
        goneCount: 0,
      };
    case 'MessagePosted':
      if (state.status === 'absent') return state;
      // States are cached and shared between attempts: copy, never mutate (a copy of a few fields).
      return { ...state, messageCount: event.data.index + 1 };
    case 'ReceiptPosted':
      // Receipts change no decision's state: the read models answer "has this reader one" (see the command).
      return state;
    case 'ConversationRemoved':
      if (state.status === 'absent') return state;
      return { ...state, removedThrough: { ...state.removedThrough, [event.data.username]: event.data.throughIndex } };
    case 'ConversationPurged':
      if (state.status === 'absent') return state;
      return { ...state, status: 'purged' };
    case 'MessageDeleted':
      if (state.status === 'absent') return state;
      return { ...state, goneCount: state.goneCount + 1 };
    case 'MessagesExpired':
      if (state.status === 'absent') return state;
      return { ...state, goneCount: state.goneCount + event.data.messages.length };
    default:
      return assertNever(event);
  }
}

export const conversationDecider = { decide, evolve, initialState: initialConversationState };
