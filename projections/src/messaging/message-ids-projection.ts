import { MessagePosted } from '@peerlock/schema';
import { defineProjection } from '../projection.js';

/**
 * Where a message id was posted: what the conversation decider needs to know
 * about one message (a retry finding itself, a receipt finding its message,
 * a delete or an edit finding its target)
 * without holding every message of the conversation in its state (issue 15).
 * Message ids are unique across the server (the ciphertext store's primary
 * key), so the id alone is the document's key.
 *
 * Kept after a conversation is purged, like the MessagePosted events it is
 * folded from: ids, an index and a sender, never content.
 */
export interface PostedMessageLocation {
  readonly conversationId: string;
  readonly index: number;
  readonly sender: string;
}

const handledEvents = [MessagePosted] as const;

export const messageIdsProjection = defineProjection<PostedMessageLocation, typeof handledEvents>({
  name: 'message_ids',
  version: 1,
  handles: handledEvents,
  documentIds: (event) => [event.data.messageId],
  apply(view, event) {
    const d = event.data;
    // The first post of an id stands (the decider never posts one twice; a replay changes nothing).
    if (view.get(d.messageId)) return [];
    return [{ op: 'put', id: d.messageId, doc: { conversationId: d.conversationId, index: d.index, sender: d.sender } }];
  },
});
