import { builder } from '../builder.js';
import { badInput } from '../../errors.js';
import { viewerOf } from '../../auth/viewer.js';
import { NOTIFICATION_KINDS, type Notification } from '../../notifications/notification.js';

const NotificationKindRef = builder.enumType('NotificationKind', { values: NOTIFICATION_KINDS });

const NotificationRef = builder.objectRef<Notification>('Notification').implement({
  description: 'Ids and kinds only, never content: fetch the message or receipt with a token.',
  fields: (t) => ({
    kind: t.field({ type: NotificationKindRef, resolve: (n) => n.kind }),
    position: t.string({ description: 'Global log position; resubscribe with after = the last one seen.', resolve: (n) => n.position.toString() }),
    occurredAt: t.exposeString('occurredAt'),
    from: t.exposeString('from'),
    conversationId: t.exposeString('conversationId', { nullable: true }),
    messageId: t.exposeString('messageId', { nullable: true }),
    fileId: t.exposeString('fileId', { nullable: true }),
  }),
});

builder.subscriptionType({ description: 'Live notifications over graphql-ws (one token in connection_init).' });

builder.subscriptionField('notifications', (t) =>
  t.field({
    type: NotificationRef,
    description:
      'Your own notifications only. With `after`, everything after that position first (what you missed), then live. ' +
      'Replays are rate-limited, and reach back a bounded number of log events: an older `after` is refused (BAD_INPUT, field `after`), and the client refetches its views and subscribes live.',
    args: { after: t.arg.string({ required: false }) },
    subscribe: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      if (args.after !== null && args.after !== undefined && !/^\d{1,30}$/.test(args.after)) throw badInput('after');
      const after = args.after ? BigInt(args.after) : null;
      const { notifications, config, rateLimiter, now } = ctx.services;
      const replay = notifications.replayFrom(after, config.limits.notificationReplayEvents);
      if (replay === 'too-old') throw badInput('after');
      if (replay === 'replay') await rateLimiter.check('replay', ctx.clientAddress, viewer, now());
      return notifications.stream(viewer, after, ctx.viewer?.sessionId ?? null);
    },
    resolve: (n) => n,
  }),
);
