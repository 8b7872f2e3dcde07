import type { StoredReceipt } from '@peerlock/projections';
import { builder } from '../builder.js';
import { viewerOf } from '../../auth/viewer.js';

export const ReadReceiptRef = builder.objectRef<StoredReceipt & { reader: string }>('ReadReceipt').implement({
  description: "The reader's box (DESIGN §4), opaque to the server: the sender's SDK verifies it with the reader's pinned key.",
  fields: (t) => ({
    reader: t.exposeString('reader'),
    receipt: t.exposeString('receipt', { description: 'base64: nonce(24) ‖ box' }),
    postedAt: t.exposeString('postedAt'),
    position: t.exposeString('position'),
  }),
});

const PostReadReceiptInput = builder.inputType('PostReadReceiptInput', {
  fields: (t) => ({
    conversationId: t.string(),
    messageId: t.string(),
    receipt: t.string({ description: 'base64, at most 512 bytes' }),
  }),
});

builder.mutationField('postReadReceipt', (t) =>
  t.field({
    type: ReadReceiptRef,
    description: 'Requires a token. Idempotent per (message, reader): the first receipt stands.',
    args: { input: t.arg({ type: PostReadReceiptInput }) },
    resolve: async (_root, { input }, ctx) => {
      const viewer = viewerOf(ctx);
      const { conversationId, messageIndex } = await ctx.services.conversations.postReceipt(input, { actor: viewer, correlationId: ctx.requestId, now: ctx.services.now() });
      const message = await ctx.services.conversationQueries.message(viewer, conversationId, messageIndex ?? -1);
      const stored = message.receipts[viewer];
      if (!stored) throw new Error('receipt not in the read model after catch-up');
      return { reader: viewer, ...stored };
    },
  }),
);
