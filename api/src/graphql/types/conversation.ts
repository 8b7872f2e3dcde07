import { unreadCount, type ConversationMessage, type InboxConversation } from '@peerlock/projections';
import { builder } from '../builder.js';
import { viewerOf } from '../../auth/viewer.js';
import { MessageRef } from './message.js';
import { PageInfoRef, pageInfoOf, type PageInfoShape } from './page-info.js';

interface Connection<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly pageInfo: PageInfoShape;
}

const MessageEdgeRef = builder.objectRef<{ cursor: string; node: ConversationMessage }>('MessageEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: MessageRef, resolve: (e) => e.node }) }),
});
const MessageConnectionRef = builder.objectRef<Connection<ConversationMessage>>('MessageConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [MessageEdgeRef], resolve: (c) => [...c.edges] }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
  }),
});

export const ConversationRef = builder.objectRef<InboxConversation>('Conversation').implement({
  description: 'A conversation as you see it: the server knows who takes part and when, never what is said.',
  fields: (t) => ({
    id: t.exposeString('conversationId'),
    participants: t.stringList({ resolve: (c) => [...c.participants] }),
    lastMessageAt: t.exposeString('lastMessageAt'),
    messageCount: t.exposeInt('messageCount'),
    unreadCount: t.int({ description: 'Messages from others after the last one you sent a receipt for (or replied after).', resolve: (c) => unreadCount(c) }),
    messages: t.field({
      type: MessageConnectionRef,
      description: 'Oldest first. `first`/`after` page forwards; `last`/`before` page backwards from the newest (or from `before`), still oldest first within the page.',
      args: { first: t.arg.int({ required: false }), after: t.arg.string({ required: false }), last: t.arg.int({ required: false }), before: t.arg.string({ required: false }) },
      resolve: async (c, args, ctx) => {
        const page = await ctx.services.conversationQueries.messages(c, args);
        return { edges: page.edges, pageInfo: pageInfoOf(page) };
      },
    }),
  }),
});

const ConversationEdgeRef = builder.objectRef<{ cursor: string; node: InboxConversation }>('ConversationEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: ConversationRef, resolve: (e) => e.node }) }),
});
const ConversationConnectionRef = builder.objectRef<Connection<InboxConversation>>('ConversationConnection').implement({
  fields: (t) => ({
    edges: t.field({ type: [ConversationEdgeRef], resolve: (c) => [...c.edges] }),
    pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
  }),
});

builder.queryField('conversations', (t) =>
  t.field({
    type: ConversationConnectionRef,
    description: 'Requires a token. Most recent first.',
    args: { first: t.arg.int({ required: false }), after: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      const page = await ctx.services.conversationQueries.conversations(viewerOf(ctx), args.first, args.after);
      return { edges: page.edges, pageInfo: pageInfoOf(page) };
    },
  }),
);

builder.queryField('conversation', (t) =>
  t.field({
    type: ConversationRef,
    description: 'Requires a token. FORBIDDEN unless it is one of yours.',
    args: { id: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.conversationQueries.conversation(viewerOf(ctx), args.id),
  }),
);

const RemoveConversationResultRef = builder.objectRef<{ purged: boolean }>('RemoveConversationResult').implement({
  fields: (t) => ({ purged: t.exposeBoolean('purged', { description: 'Every participant has removed it: its ciphertext is gone from the server.' }) }),
});

builder.mutationField('removeConversation', (t) =>
  t.field({
    type: RemoveConversationResultRef,
    description: 'Requires a token. Removes it from your view; newer messages bring it back.',
    args: { id: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.conversations.remove(args.id, { actor: viewerOf(ctx), correlationId: ctx.requestId, now: ctx.services.now() }),
  }),
);
