import { ConversationPurged, ConversationRemoved, MessagePosted, ReceiptPosted } from '@peerlock/schema';
import { defineProjection } from '../projection.js';

/**
 * One row per user × conversation (issue 15): a message rewrites one small
 * row per participant, whatever else the user has. (It was one document per
 * user holding every conversation and a list of every unread index, rewritten
 * whole on each message: 49 KB for 10,000 unread, and a 196 MB table of
 * churn on PostgreSQL for 207 users.)
 */
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
  /**
   * The newest index this user has read: their own latest message (replying
   * means having read what came before), their latest receipt, or where they
   * removed the conversation; -1 for none. Every message after it is from
   * someone else (a message of their own would have moved it), so the unread
   * count is `messageCount - 1 - lastReadIndex`.
   */
  readonly lastReadIndex: number;
}

export const unreadCount = (c: Pick<InboxConversation, 'messageCount' | 'lastReadIndex'>): number => c.messageCount - 1 - c.lastReadIndex;

/** `<username>/<conversationId>`: a prefix scan lists a user's conversations. */
export const inboxRowId = (username: string, conversationId: string): string => `${username}/${conversationId}`;
export const inboxPrefix = (username: string): string => `${username}/`;

const handledEvents = [MessagePosted, ReceiptPosted, ConversationRemoved, ConversationPurged] as const;

export const conversationInboxProjection = defineProjection<InboxConversation, typeof handledEvents>({
  // A new name (it was `conversation_inboxes`, one document per user): a server that had the old table builds this one from the log.
  name: 'conversation_inbox_rows',
  version: 1,
  handles: handledEvents,
  documentIds: (event) => {
    const id = event.data.conversationId;
    switch (event.type) {
      case 'MessagePosted':
      case 'ConversationPurged':
        return event.data.participants.map((p) => inboxRowId(p, id));
      case 'ReceiptPosted':
        return [inboxRowId(event.data.reader, id)];
      case 'ConversationRemoved':
        return [inboxRowId(event.data.username, id)];
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
  apply(view, event) {
    const id = event.data.conversationId;
    switch (event.type) {
      case 'MessagePosted': {
        const { index, sender, participants } = event.data;
        return participants.map((p) => {
          const row = inboxRowId(p, id);
          const before = view.get(row);
          const doc: InboxConversation = {
            conversationId: id,
            participants,
            lastMessageAt: event.metadata.occurredAt,
            lastPosition: event.globalPosition.toString(),
            messageCount: index + 1,
            visibleFrom: before?.visibleFrom ?? 0,
            removed: false,
            lastReadIndex: p === sender ? index : (before?.lastReadIndex ?? -1),
          };
          return { op: 'put' as const, id: row, doc };
        });
      }
      case 'ReceiptPosted': {
        const row = inboxRowId(event.data.reader, id);
        const before = view.get(row);
        if (!before || event.data.messageIndex <= before.lastReadIndex) return [];
        return [{ op: 'put', id: row, doc: { ...before, lastReadIndex: event.data.messageIndex } }];
      }
      case 'ConversationRemoved': {
        const row = inboxRowId(event.data.username, id);
        const before = view.get(row);
        if (!before) return [];
        return [{ op: 'put', id: row, doc: { ...before, visibleFrom: event.data.throughIndex, removed: true, lastReadIndex: Math.max(before.lastReadIndex, event.data.throughIndex - 1) } }];
      }
      case 'ConversationPurged':
        return event.data.participants.map((p) => ({ op: 'delete' as const, id: inboxRowId(p, id) }));
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
