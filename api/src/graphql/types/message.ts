import type { ConversationMessage, MessageGone, RecordedMessageAction } from '@peerlock/projections';
import { bytesToBase64 } from '@peerlock/sdk';
import { builder, commandContextOf, type GraphQLContext } from '../builder.js';
import { ReadReceiptRef } from './read-receipt.js';

/**
 * The base64 ciphertext per envelope object: a pushed message's envelope is
 * one object shared by all its recipients (notification.ts), so its
 * ciphertext is read and encoded once, not once per recipient.
 */
const encoded = new WeakMap<ConversationMessage, Promise<string | null>>();

/**
 * Why the message has no ciphertext at `now`, or null: recorded gone, or
 * past its expiresAt even if the sweep has not purged it yet (the read path
 * never serves bytes a timer has ended).
 */
export function goneOf(m: ConversationMessage, now: number): MessageGone | null {
  if (m.gone) return m.gone;
  return m.expiresAt !== undefined && Date.parse(m.expiresAt) <= now ? 'expired' : null;
}

/**
 * The stored ciphertext, base64, or null: gone, or no row (a deletion or a
 * purge this node's read models have not folded yet; the rows go after the
 * events that record it).
 */
export function ciphertextOf(m: ConversationMessage, ctx: GraphQLContext): Promise<string | null> {
  if (goneOf(m, ctx.services.now()) !== null) return Promise.resolve(null);
  let text = encoded.get(m);
  if (!text) {
    text = ctx.services.ciphertexts.get([m.messageId]).then((found) => {
      const bytes = found.get(m.messageId);
      return bytes ? bytesToBase64(bytes) : null;
    });
    // A failed read is not remembered: the next resolver tries again.
    text.catch(() => encoded.delete(m));
    encoded.set(m, text);
  }
  return text;
}

const MessageActionKindRef = builder.enumType('MessageActionKind', {
  description: 'What a message does to an earlier message of its sender (issue 20).',
  values: {
    DELETE: { value: 'delete', description: 'Takes it back for everyone, within 3 hours of its server time: its ciphertext is purged. Holds no content, so no timer.' },
    EDIT: { value: 'edit', description: 'Replaces its text, within 24 hours of its server time; the original stays until it expires.' },
  } as const,
});

const MessageGoneRef = builder.enumType('MessageGone', {
  description: 'Why a message has no ciphertext on the server any more.',
  values: {
    EXPIRED: { value: 'expired', description: 'Its expiresAt has passed (purged by the expiry sweep, or about to be).' },
    DELETED: { value: 'deleted', description: 'Its sender deleted it.' },
  } as const,
});

const MessageActionRef = builder.objectRef<RecordedMessageAction>('MessageAction').implement({
  description: "The server's cleartext record of what a message does to an earlier one: a hint. The signed statement inside the ciphertext is what a client acts on.",
  fields: (t) => ({
    kind: t.field({ type: MessageActionKindRef, description: 'Delete or edit.', resolve: (a) => a.kind }),
    targetMessageId: t.exposeString('targetMessageId', { description: 'The earlier message, posted in this conversation by the same sender.' }),
  }),
});

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
      nullable: true,
      description: 'The miniLock file; null when the message is gone (see `gone`): expired, even before the sweep, or deleted.',
      resolve: (m, _args, ctx) => ciphertextOf(m, ctx),
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: "When its ciphertext is purged: receivedAt plus the sender's timer (`expiresInSeconds`); null: never.",
      resolve: (m) => m.expiresAt ?? null,
    }),
    gone: t.field({
      type: MessageGoneRef,
      nullable: true,
      description: 'Why there is no ciphertext: EXPIRED (from expiresAt on, swept or not) or DELETED; null while it is there.',
      resolve: (m, _args, ctx) => goneOf(m, ctx.services.now()),
    }),
    action: t.field({
      type: MessageActionRef,
      nullable: true,
      description: 'What this message does to an earlier one, as its sender told the server (a hint); null for an ordinary message.',
      resolve: (m) => m.action ?? null,
    }),
    receipts: t.field({
      type: [ReadReceiptRef],
      description: 'Receipts from the other participants, by reader.',
      resolve: (m) => Object.entries(m.receipts).sort(([a], [b]) => (a < b ? -1 : 1)).map(([reader, r]) => ({ reader, ...r })),
    }),
  }),
});

const MessageActionInput = builder.inputType('MessageActionInput', {
  description: 'A delete or an edit of an earlier message of yours, as the signed plaintext states it (the server cannot read that one).',
  fields: (t) => ({
    kind: t.field({ type: MessageActionKindRef, description: "DELETE within 3 hours of the target's server time, EDIT within 24 (after that: WINDOW_CLOSED)." }),
    targetMessageId: t.string({ description: 'The earlier message: yours, in this conversation, not itself a delete or an edit, not gone.' }),
  }),
});

const SendMessageInput = builder.inputType('SendMessageInput', {
  fields: (t) => ({
    conversationId: t.string({ description: "The SDK's conversationIdOf(secret). A new id starts a conversation." }),
    messageId: t.string({ description: 'base64 of 16 random bytes, the one inside the plaintext.' }),
    participants: t.stringList({ description: 'Everyone, you included; fixed by the first message.' }),
    ciphertext: t.field({ type: 'Base64', description: 'The miniLock file, at most 1 MiB.' }),
    expiresInSeconds: t.int({
      required: false,
      description: "The timer inside the plaintext: 0 (or absent) never, else 300, 3600, 86400, 604800 or 2419200. The ciphertext is purged that long after the server received it. A DELETE's is 0.",
    }),
    action: t.field({ type: MessageActionInput, required: false, description: 'What this message does to an earlier one of yours; absent for an ordinary message.' }),
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
