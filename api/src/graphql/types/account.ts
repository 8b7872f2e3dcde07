import { builder, type ViewerContext } from '../builder.js';
import { PeerlockError } from '../../errors.js';
import type { DirectoryUser } from '../../accounts/directory-queries.js';
import type { NotificationPreferences } from '../../accounts/personal-data.js';

const NotificationPreferencesRef = builder.objectRef<NotificationPreferences>('NotificationPreferences').implement({
  fields: (t) => ({
    newMessages: t.exposeBoolean('newMessages'),
    contactRequests: t.exposeBoolean('contactRequests'),
    fileShares: t.exposeBoolean('fileShares'),
  }),
});

export const NotificationPreferencesInput = builder.inputType('NotificationPreferencesInput', {
  fields: (t) => ({
    newMessages: t.boolean({ required: false }),
    contactRequests: t.boolean({ required: false }),
    fileShares: t.boolean({ required: false }),
  }),
});

export const AccountRef = builder.objectRef<DirectoryUser>('Account').implement({
  description: 'Your own account, with the personal data only you can see.',
  fields: (t) => ({
    username: t.string({ resolve: (u) => u.entry.username }),
    miniLockId: t.string({ resolve: (u) => u.entry.miniLockId }),
    authPublicKey: t.field({ type: 'Base64', resolve: (u) => u.entry.authPublicKey }),
    displayName: t.string({ nullable: true, resolve: (u) => u.profile?.displayName ?? null }),
    email: t.string({ nullable: true, resolve: (u) => u.profile?.email ?? null }),
    notifications: t.field({
      type: NotificationPreferencesRef,
      resolve: (u) => u.profile?.notifications ?? { newMessages: true, contactRequests: true, fileShares: true },
    }),
    twoFactorEnabled: t.boolean({ resolve: (u) => u.entry.twoFactorEnabled }),
  }),
});

export async function loadViewerAccount(ctx: ViewerContext): Promise<DirectoryUser> {
  const me = await ctx.services.directory.user(ctx.viewer.username);
  if (!me) throw new PeerlockError('NOT_FOUND');
  return me;
}

builder.queryField('me', (t) =>
  t.withAuth({ viewer: true }).field({
    type: AccountRef,
    resolve: (_root, _args, ctx) => loadViewerAccount(ctx),
  }),
);
