import type { ConversationMessage } from '@peerlock/projections';
import { bytesToBase64 } from '@peerlock/sdk';
import { builder, commandContextOf } from '../builder.js';
import { PeerlockError } from '../../errors.js';
import { ReadReceiptRef } from './read-receipt.js';

/**
 * The base64 ciphertext per envelope object: a pushed message's envelope is
 * one object shared by all its recipients (notification.ts), so its
 * ciphertext is read and encoded once, not once per recipient.
 */
const encoded = new WeakMap<ConversationMessage, Promise<string>>();

export const MessageRef = builder.objectRef<ConversationMessage>('Message').implement({
  description: 'A message envelope: routing data in clear, the content a miniLock file only participants can open.',
  fields: (t) => ({
    conversationId: t.exposeString('conversationId'),
    messageId: t.exposeString('messageId'),
    index: t.exposeInt('index', { description: 'Position in the conversation, from 0, in server order.' }),
    sender: t.exposeString('sender'),
    participants: t.stringList({ resolve: (m) => [...m.participants] }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime', description: 'When the server accepted it; the SDK bounds the sender clock against it.' }),
    position: t.exposeString('position', { description: 'Global log position.' }),
    ciphertextBytes: t.expose('ciphertextBytes', { type: 'ByteCount' }),
    ciphertext: t.field({
      type: 'Base64',
      description: 'The miniLock file.',
      resolve: async (m, _args, ctx) => {
        let text = encoded.get(m);
        if (!text) {
          text = ctx.services.ciphertexts.get([m.messageId]).then((found) => {
            const bytes = found.get(m.messageId);
            if (!bytes) throw new PeerlockError('NOT_FOUND');
            return bytesToBase64(bytes);
          });
          encoded.set(m, text);
        }
        return text;
      },
    }),
    receipts: t.field({
      type: [ReadReceiptRef],
      description: 'Receipts from the other participants, by reader.',
      resolve: (m) => Object.entries(m.receipts).sort(([a], [b]) => (a < b ? -1 : 1)).map(([reader, r]) => ({ reader, ...r })),
    }),
  }),
});

const SendMessageInput = builder.inputType('SendMessageInput', {
  fields: (t) => ({
    conversationId: t.string({ description: "The SDK's conversationIdOf(secret). A new id starts a conversation." }),
    messageId: t.string({ description: 'base64 of 16 random bytes, the one inside the plaintext.' }),
    participants: t.stringList({ description: 'Everyone, you included; fixed by the first message.' }),
    ciphertext: t.field({ type: 'Base64', description: 'The miniLock file, at most 1 MiB.' }),
  }),
});

builder.mutationField('sendMessage', (t) =>
  t.withAuth({ viewer: true }).field({
    type: MessageRef,
    description: 'Only to contacts (the first message); only by participants (replies).',
    args: { input: t.arg({ type: SendMessageInput }) },
    resolve: async (_root, { input }, ctx) => {
      const { conversationId, index, posted } = await ctx.services.conversations.send(input, commandContextOf(ctx));
      return posted ?? ctx.services.conversationQueries.message(ctx.viewer.username, conversationId, index);
    },
  }),
);
