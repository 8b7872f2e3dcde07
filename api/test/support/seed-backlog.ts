/**
 * A backlog of conversation events written straight into a server's event
 * log, as a bulk import would (issue 15): the read models are then that many
 * events behind until the server's runners fold them.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { conversationEvents, conversationStreamName } from '@peerlock/schema';
import type { EventStore } from '../../src/eventstore/event-store.js';

const SHA = `${'s'.repeat(43)}=`;

/** `messages` MessagePosted events over `conversations` two-person conversations (plus one ConversationStarted each). */
export async function seedConversations(store: EventStore, options: { conversations: number; messages: number }): Promise<number> {
  const perConversation = Math.ceil(options.messages / options.conversations);
  let written = 0;
  for (let c = 0; c < options.conversations; c++) {
    const conversationId = randomBytes(32).toString('base64url');
    const participants = [`seed${c % 50}a`, `seed${c % 50}b`];
    const events: { type: string; data: unknown }[] = [{ type: 'ConversationStarted', data: { conversationId, creator: participants[0], participants } }];
    for (let i = 0; i < perConversation && written + i < options.messages; i++) {
      events.push({ type: 'MessagePosted', data: { conversationId, messageId: randomBytes(16).toString('base64'), index: i, sender: participants[i % 2], participants, ciphertextBytes: 1024, ciphertextSha256: SHA } });
    }
    written += events.length - 1;
    for (let at = 0; at < events.length; at += 1000) {
      const batch = events.slice(at, at + 1000).map((e) => {
        const encoded = conversationEvents.encode(e.type as never, e.data as never);
        return { id: randomUUID(), type: encoded.type, schemaVersion: encoded.schemaVersion, data: encoded.data as Record<string, unknown>, metadata: { actor: 'seed', correlationId: 'seed', causationId: null, occurredAt: new Date().toISOString() } };
      });
      await store.append(conversationStreamName(conversationId), batch, { expectedRevision: 'any' });
    }
  }
  return written;
}
