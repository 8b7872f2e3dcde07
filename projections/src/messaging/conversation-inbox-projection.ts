import { ConversationPurged, ConversationRemoved, MessagePosted, ReceiptPosted } from '@peerlock/schema';
import { defineProjection } from '../projection.js';

export interface InboxConversation {
  readonly conversationId: string;
  readonly participants: readonly string[];
  /** occurredAt of the newest message. */
  readonly lastMessageAt: string;
  /** Global position of the newest message (decimal): the most-recent-first order. */
  readonly lastPosition: string;
  readonly messageCount: number;
  /** Messages below this index were removed from this user's view. */
  readonly visibleFrom: number;
  /** Hidden until a newer message arrives. */
  readonly removed: boolean;
  /** Indexes of messages from others this user has not sent a receipt for (nor any later one). */
  readonly unread: readonly number[];
}

/** One document per user: their conversations. */
export interface ConversationInbox {
  readonly username: string;
  readonly conversations: Readonly<Record<string, InboxConversation>>;
}

const handledEvents = [MessagePosted, ReceiptPosted, ConversationRemoved, ConversationPurged] as const;

export const conversationInboxProjection = defineProjection<ConversationInbox, typeof handledEvents>({
  name: 'conversation_inboxes',
  version: 1,
  handles: handledEvents,
  documentIds: (event) => {
    switch (event.type) {
      case 'MessagePosted':
      case 'ConversationPurged':
        return event.data.participants;
      case 'ReceiptPosted':
        return [event.data.reader];
      case 'ConversationRemoved':
        return [event.data.username];
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
  apply(view, event) {
    const inbox = (u: string): ConversationInbox => view.get(u) ?? { username: u, conversations: {} };
    const id = event.data.conversationId;
    const put = (u: string, entry: InboxConversation | null) => {
      const current = inbox(u);
      const conversations = { ...current.conversations };
      if (entry === null) delete conversations[id];
      else conversations[id] = entry;
      return { op: 'put' as const, id: u, doc: { ...current, conversations } };
    };
    switch (event.type) {
      case 'MessagePosted': {
        const { index, sender, participants } = event.data;
        return participants.map((p) => {
          const before = inbox(p).conversations[id];
          return put(p, {
            conversationId: id,
            participants,
            lastMessageAt: event.metadata.occurredAt,
            lastPosition: event.globalPosition.toString(),
            messageCount: index + 1,
            visibleFrom: before?.visibleFrom ?? 0,
            removed: false,
            // Replying means having read what came before.
            unread: p === sender ? [] : [...(before?.unread ?? []), index],
          });
        });
      }
      case 'ReceiptPosted': {
        const before = inbox(event.data.reader).conversations[id];
        if (!before) return [];
        return [put(event.data.reader, { ...before, unread: before.unread.filter((i) => i > event.data.messageIndex) })];
      }
      case 'ConversationRemoved': {
        const before = inbox(event.data.username).conversations[id];
        if (!before) return [];
        return [put(event.data.username, { ...before, visibleFrom: event.data.throughIndex, removed: true, unread: [] })];
      }
      case 'ConversationPurged':
        return event.data.participants.map((p) => put(p, null));
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
