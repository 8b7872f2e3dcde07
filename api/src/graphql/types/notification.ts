import { builder } from '../builder.js';
import { badInput } from '../../errors.js';
import { NOTIFICATION_KINDS, type Notification } from '../../notifications/notification.js';
import { MessageRef, ciphertextOf, goneOf } from './message.js';

const NotificationKindRef = builder.enumType('NotificationKind', {
  values: NOTIFICATION_KINDS,
  description:
    "MESSAGE_RECEIVED to every participant (the envelope in `message`); RECEIPT_RECEIVED to the message's sender; MESSAGE_EXPIRED and MESSAGE_DELETED to every participant, one per message " +
    '(`messageId`: the message whose ciphertext is gone; a delete message itself comes as MESSAGE_RECEIVED); CONTACT_* and FILE_SHARED to the user concerned.',
});

const NotificationRef = builder.objectRef<Notification>('Notification').implement({
  description:
    'What changed for you. A new message comes whole (its envelope with the ciphertext): verify and show it without a fetch. ' +
    'Everything else is ids and kinds: fetch the receipt, contact list or file with a token.',
  fields: (t) => ({
    kind: t.field({ type: NotificationKindRef, resolve: (n) => n.kind }),
    position: t.string({ description: 'Global log position; resubscribe with after = the last one seen.', resolve: (n) => n.position.toString() }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    from: t.exposeString('from'),
    conversationId: t.exposeString('conversationId', { nullable: true }),
    messageId: t.exposeString('messageId', { nullable: true }),
    fileId: t.exposeString('fileId', { nullable: true }),
    message: t.field({
      type: MessageRef,
      nullable: true,
      description:
        'MESSAGE_RECEIVED: the envelope, ciphertext included; without it (`gone` EXPIRED) once expired; null once the conversation was purged or the message deleted (fetch it).',
      resolve: async (n, _args, ctx) => {
        const m = n.message;
        if (!m || goneOf(m, ctx.services.now()) !== null) return m;
        // No row: purged or deleted since it was posted (a replay). Null, not an error: an error would end the client's stream.
        return (await ciphertextOf(m, ctx)) === null ? null : m;
      },
    }),
    miniLockId: t.exposeString('miniLockId', {
      nullable: true,
      description: "CONTACT_KEY_CHANGED: the contact's new key, as the server says: check it in the key log before using it.",
    }),
  }),
});

builder.subscriptionType({ description: 'Live notifications over graphql-ws (one token in connection_init).' });

builder.subscriptionField('notifications', (t) =>
  t.withAuth({ viewer: true }).field({
    type: NotificationRef,
    description:
      'Your own notifications only. With `after`, everything after that position first (what you missed), then live. ' +
      'Replays are rate-limited, and reach back a bounded number of log events: an older `after` is refused (BAD_INPUT, field `after`), and the client refetches its views and subscribes live.',
    args: { after: t.arg.string({ required: false }) },
    subscribe: async (_root, args, ctx) => {
      const viewer = ctx.viewer.username;
      if (args.after !== null && args.after !== undefined && !/^\d{1,30}$/.test(args.after)) throw badInput('after');
      const after = args.after ? BigInt(args.after) : null;
      const { notifications, config, rateLimiter, now } = ctx.services;
      const replay = notifications.replayFrom(after, config.limits.notificationReplayEvents);
      if (replay === 'too-old') throw badInput('after');
      if (replay === 'replay') await rateLimiter.check('replay', ctx.clientAddress, viewer, now());
      return notifications.stream(viewer, after, ctx.viewer.sessionId, ctx.connectionId ?? null);
    },
    resolve: (n) => n,
  }),
);
