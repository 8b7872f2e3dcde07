import type { StoredReceipt } from '@peerlock/projections';
import { builder, commandContextOf } from '../builder.js';

export const ReadReceiptRef = builder.objectRef<StoredReceipt & { reader: string }>('ReadReceipt').implement({
  description: "The reader's box (DESIGN §4), opaque to the server: the sender's SDK verifies it with the reader's pinned key.",
  fields: (t) => ({
    reader: t.exposeString('reader'),
    receipt: t.expose('receipt', { type: 'Base64', description: 'nonce(24) ‖ box' }),
    postedAt: t.expose('postedAt', { type: 'DateTime' }),
    position: t.exposeString('position'),
  }),
});

const PostReadReceiptInput = builder.inputType('PostReadReceiptInput', {
  fields: (t) => ({
    conversationId: t.string(),
    messageId: t.string(),
    receipt: t.field({ type: 'Base64', description: 'At most 512 bytes.' }),
  }),
});

builder.mutationField('postReadReceipt', (t) =>
  t.withAuth({ viewer: true }).field({
    type: ReadReceiptRef,
    description: 'Idempotent per (message, reader): the first receipt stands.',
    args: { input: t.arg({ type: PostReadReceiptInput }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = ctx.viewer.username;
      const { conversationId, messageIndex } = await ctx.services.conversations.postReceipt(input, commandContextOf(ctx));
      const message = await ctx.services.conversationQueries.message(viewer, conversationId, messageIndex ?? -1);
      const stored = message.receipts[viewer];
      if (!stored) throw new Error('receipt not in the read model after catch-up');
      return { reader: viewer, ...stored };
    },
  }),
);
