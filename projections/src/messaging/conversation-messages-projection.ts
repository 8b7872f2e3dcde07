import { ConversationPurged, MessagePosted, ReceiptPosted, type EventDataOf } from '@peerlock/schema';
import { defineProjection } from '../projection.js';

export interface StoredReceipt {
  /** The opaque box, base64, exactly as the reader posted it. */
  readonly receipt: string;
  readonly postedAt: string;
  readonly position: string;
}

/** One document per message; no ciphertext (that is in the ciphertext store). */
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
  };
}

/** `<conversationId>/<index, 10 digits>`: a prefix scan lists a conversation's messages in order. */
export const messageDocumentId = (conversationId: string, index: number): string => `${conversationId}/${String(index).padStart(10, '0')}`;

const handledEvents = [MessagePosted, ReceiptPosted, ConversationPurged] as const;

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
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${JSON.stringify(unreachable)}`);
      }
    }
  },
});
