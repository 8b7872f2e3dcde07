import { ConversationPurged, MessageDeleted, MessagePosted, MessagesExpired, ReceiptPosted, type EventDataOf } from '@peerlock/schema';
import { defineProjection } from '../projection.js';

export interface StoredReceipt {
  /** The opaque box, base64, exactly as the reader posted it. */
  readonly receipt: string;
  readonly postedAt: string;
  readonly position: string;
}

/** What the server's cleartext record says a message does to an earlier one (issue 20): a hint for clients. */
export interface RecordedMessageAction {
  readonly kind: 'delete' | 'edit';
  readonly targetMessageId: string;
}

/** Why a message has no ciphertext any more. */
export type MessageGone = 'expired' | 'deleted';

/**
 * One document per message; no ciphertext (that is in the ciphertext store).
 * The fields of issue 20 are absent on a message without them, so every
 * document folded before them is still what this fold makes of the same
 * events (no rebuild: version 1 stands).
 */
export interface ConversationMessage {
  readonly conversationId: string;
  readonly messageId: string;
  readonly index: number;
  readonly sender: string;
  readonly participants: readonly string[];
  readonly receivedAt: string;
  readonly position: string;
  readonly ciphertextBytes: number;
  /** Receipts by reader: at most one per (message, reader). */
  readonly receipts: Readonly<Record<string, StoredReceipt>>;
  /** Server time its ciphertext is purged at (receivedAt + the sender's timer); absent: never. Readers treat it as gone from then on, swept or not. */
  readonly expiresAt?: string;
  /** Its ciphertext was purged: it expired, or its sender deleted it. */
  readonly gone?: MessageGone;
  /** When it was recorded gone (the MessagesExpired or MessageDeleted event's time). */
  readonly goneAt?: string;
  /** A delete or an edit of an earlier message of the sender's. */
  readonly action?: RecordedMessageAction;
}

/** A posted message's document, as this read model stores it and as a notification pushes it (one shape for both). */
export function postedMessageDocument(data: EventDataOf<typeof MessagePosted>, occurredAt: string, globalPosition: bigint): ConversationMessage {
  return {
    conversationId: data.conversationId,
    messageId: data.messageId,
    index: data.index,
    sender: data.sender,
    participants: data.participants,
    receivedAt: occurredAt,
    position: globalPosition.toString(),
    ciphertextBytes: data.ciphertextBytes,
    receipts: {},
    ...(data.expiresAt !== undefined ? { expiresAt: data.expiresAt } : {}),
    ...(data.action !== undefined ? { action: { kind: data.action.kind, targetMessageId: data.action.targetMessageId } } : {}),
  };
}

/** The document with its ciphertext recorded gone. */
const markedGone = (doc: ConversationMessage, gone: MessageGone, goneAt: string): ConversationMessage => ({ ...doc, gone, goneAt });

/** `<conversationId>/<index, 10 digits>`: a prefix scan lists a conversation's messages in order. */
export const messageDocumentId = (conversationId: string, index: number): string => `${conversationId}/${String(index).padStart(10, '0')}`;

const handledEvents = [MessagePosted, ReceiptPosted, ConversationPurged, MessageDeleted, MessagesExpired] as const;

export const conversationMessagesProjection = defineProjection<ConversationMessage, typeof handledEvents>({
  name: 'conversation_messages',
  version: 1,
  handles: handledEvents,
  documentIds: (event) => {
    switch (event.type) {
      case 'MessagePosted':
        return [messageDocumentId(event.data.conversationId, event.data.index)];
      case 'ReceiptPosted':
        return [messageDocumentId(event.data.conversationId, event.data.messageIndex)];
      case 'ConversationPurged':
        return Array.from({ length: event.data.messageCount }, (_, i) => messageDocumentId(event.data.conversationId, i));
      case 'MessageDeleted':
        return [messageDocumentId(event.data.conversationId, event.data.index)];
      case 'MessagesExpired':
        return event.data.messages.map((m) => messageDocumentId(event.data.conversationId, m.index));
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
  apply(view, event) {
    switch (event.type) {
      case 'MessagePosted': {
        const d = event.data;
        const id = messageDocumentId(d.conversationId, d.index);
        if (view.get(id)) return [];
        return [{ op: 'put', id, doc: postedMessageDocument(d, event.metadata.occurredAt, event.globalPosition) }];
      }
      case 'ReceiptPosted': {
        const id = messageDocumentId(event.data.conversationId, event.data.messageIndex);
        const doc = view.get(id);
        if (!doc || doc.receipts[event.data.reader]) return [];
        const receipt: StoredReceipt = { receipt: event.data.receipt, postedAt: event.metadata.occurredAt, position: event.globalPosition.toString() };
        return [{ op: 'put', id, doc: { ...doc, receipts: { ...doc.receipts, [event.data.reader]: receipt } } }];
      }
      case 'ConversationPurged':
        return Array.from({ length: event.data.messageCount }, (_, i) => ({ op: 'delete' as const, id: messageDocumentId(event.data.conversationId, i) }));
      case 'MessageDeleted': {
        const id = messageDocumentId(event.data.conversationId, event.data.index);
        const doc = view.get(id);
        // Gone once: the first reason and time stand (the decider never records one twice; a replay changes nothing).
        if (!doc || doc.gone) return [];
        return [{ op: 'put', id, doc: markedGone(doc, 'deleted', event.metadata.occurredAt) }];
      }
      case 'MessagesExpired':
        return event.data.messages.flatMap((m) => {
          const id = messageDocumentId(event.data.conversationId, m.index);
          const doc = view.get(id);
          if (!doc || doc.gone) return [];
          return [{ op: 'put' as const, id, doc: markedGone(doc, 'expired', event.metadata.occurredAt) }];
        });
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
