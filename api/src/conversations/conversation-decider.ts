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
 */
import { MAX_CONVERSATION_PARTICIPANTS, MAX_MESSAGE_CIPHERTEXT_BYTES, conversationEventDefinitions } from '@peerlock/schema';
import { PeerlockError, badInput } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type ConversationDomainEvent = DomainEventOf<typeof conversationEventDefinitions>;

export interface PostedMessage {
  readonly index: number;
  readonly sender: string;
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
  | { readonly type: 'RemoveConversation'; readonly actor: string };

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
    default:
      return assertNever(command);
  }
}

function postMessage(command: Extract<ConversationCommand, { type: 'PostMessage' }>, state: ConversationState): ConversationDomainEvent[] {
  const { actor, participants, facts } = command;
  if (command.ciphertextBytes < 1 || command.ciphertextBytes > MAX_MESSAGE_CIPHERTEXT_BYTES) throw badInput('ciphertext');
  if (participants.length < 1 || participants.length > MAX_CONVERSATION_PARTICIPANTS || !isCanonical(participants)) throw badInput('participants');
  if (!participants.includes(actor)) throw new PeerlockError('FORBIDDEN');
  const others = participants.filter((p) => p !== actor);
  if (others.some((p) => facts.blockedBy.includes(p))) throw new PeerlockError('FORBIDDEN');
  const posted = (index: number) =>
    ev('MessagePosted', {
      conversationId: command.conversationId,
      messageId: command.messageId,
      index,
      sender: actor,
      participants: [...participants],
      ciphertextBytes: command.ciphertextBytes,
      ciphertextSha256: command.ciphertextSha256,
    });

  if (state.status === 'absent') {
    if (others.some((p) => !facts.contacts.includes(p))) throw new PeerlockError('FORBIDDEN');
    return [ev('ConversationStarted', { conversationId: command.conversationId, creator: actor, participants: [...participants] }), posted(0)];
  }
  if (state.status === 'purged') throw new PeerlockError('NOT_FOUND');
  // Someone outside the conversation learns nothing more than "not yours".
  if (!state.participants.includes(actor)) throw new PeerlockError('FORBIDDEN');
  if (participants.length !== state.participants.length || participants.some((p, i) => p !== state.participants[i])) throw badInput('participants');
  const existing = command.posted;
  // The shell already matched the stored bytes of a retry (ciphertext store claim): the message stands once.
  if (existing) {
    if (existing.sender === actor) return [];
    throw new PeerlockError('CONFLICT');
  }
  if (others.length === 1 && !facts.contacts.includes(others[0]!)) throw new PeerlockError('FORBIDDEN');
  return [posted(state.messageCount)];
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
    default:
      return assertNever(event);
  }
}

export const conversationDecider = { decide, evolve, initialState: initialConversationState };
