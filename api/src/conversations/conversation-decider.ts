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
      readonly messages: ReadonlyMap<string, PostedMessage>;
      /** `${index}:${reader}` of every receipt stored. */
      readonly receipts: ReadonlySet<string>;
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
    }
  | { readonly type: 'PostReceipt'; readonly actor: string; readonly messageId: string; readonly receipt: string }
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
      const message = state.messages.get(command.messageId);
      if (!message) throw new PeerlockError('NOT_FOUND');
      // A receipt tells the sender that someone else read it.
      if (message.sender === command.actor) throw badInput('messageId');
      if (state.receipts.has(`${message.index}:${command.actor}`)) return [];
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
  const existing = state.messages.get(command.messageId);
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
        messages: new Map(),
        receipts: new Set(),
        removedThrough: {},
      };
    case 'MessagePosted': {
      if (state.status === 'absent') return state;
      // States are cached and shared between attempts: copy, never mutate.
      const messages = new Map(state.messages).set(event.data.messageId, { index: event.data.index, sender: event.data.sender });
      return { ...state, messages, messageCount: event.data.index + 1 };
    }
    case 'ReceiptPosted':
      if (state.status === 'absent') return state;
      return { ...state, receipts: new Set(state.receipts).add(`${event.data.messageIndex}:${event.data.reader}`) };
    case 'ConversationRemoved':
      if (state.status === 'absent') return state;
      return { ...state, removedThrough: { ...state.removedThrough, [event.data.username]: event.data.throughIndex } };
    case 'ConversationPurged':
      if (state.status === 'absent') return state;
      return { ...state, status: 'purged', messages: new Map(), receipts: new Set() };
    default:
      return assertNever(event);
  }
}

export const conversationDecider = { decide, evolve, initialState: initialConversationState };
