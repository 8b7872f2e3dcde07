import { unreadCount, type InboxConversation } from '@peerlock/projections';
import { builder, commandContextOf } from '../builder.js';
import { MessageRef } from './message.js';
import { connectionOf } from './page-info.js';

export const ConversationRef = builder.objectRef<InboxConversation>('Conversation').implement({
  description: 'A conversation as you see it: the server knows who takes part and when, never what is said.',
  fields: (t) => ({
    id: t.exposeString('conversationId'),
    participants: t.stringList({ resolve: (c) => [...c.participants] }),
    lastMessageAt: t.expose('lastMessageAt', { type: 'DateTime' }),
    messageCount: t.exposeInt('messageCount'),
    unreadCount: t.int({ description: 'Messages from others after the last one you sent a receipt for (or replied after).', resolve: (c) => unreadCount(c) }),
    messages: t.connection(
      {
        type: MessageRef,
        description: 'Oldest first. `first`/`after` page forwards; `last`/`before` page backwards from the newest (or from `before`), still oldest first within the page.',
        resolve: async (c, args, ctx) => connectionOf(await ctx.services.conversationQueries.messages(c, args)),
      },
      { name: 'MessageConnection' },
      { name: 'MessageEdge' },
    ),
  }),
});

const ConversationConnectionRef = builder.connectionObject({ type: ConversationRef, name: 'ConversationConnection' }, { name: 'ConversationEdge' });

builder.queryField('conversations', (t) =>
  t.withAuth({ viewer: true }).field({
    type: ConversationConnectionRef,
    description: 'Most recent first.',
    args: { first: t.arg.int({ required: false }), after: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => connectionOf(await ctx.services.conversationQueries.conversations(ctx.viewer.username, args.first, args.after)),
  }),
);

builder.queryField('conversation', (t) =>
  t.withAuth({ viewer: true }).field({
    type: ConversationRef,
    description: 'FORBIDDEN unless it is one of yours.',
    args: { id: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.conversationQueries.conversation(ctx.viewer.username, args.id),
  }),
);

const RemoveConversationResultRef = builder.objectRef<{ purged: boolean }>('RemoveConversationResult').implement({
  fields: (t) => ({ purged: t.exposeBoolean('purged', { description: 'Every participant has removed it: its ciphertext is gone from the server.' }) }),
});

builder.mutationField('removeConversation', (t) =>
  t.withAuth({ viewer: true }).field({
    type: RemoveConversationResultRef,
    description: 'Removes it from your view; newer messages bring it back.',
    args: { id: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.conversations.remove(args.id, commandContextOf(ctx)),
  }),
);
