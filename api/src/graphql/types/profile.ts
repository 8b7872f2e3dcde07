import { builder } from '../builder.js';
import { updateProfile } from '../../accounts/profile-update.js';
import { AccountRef, NotificationPreferencesInput, loadViewerAccount } from './account.js';

const ProfileInput = builder.inputType('ProfileInput', {
  description: 'Omitted fields stay as they are; null clears.',
  fields: (t) => ({
    displayName: t.string({ required: false }),
    email: t.string({ required: false }),
    notifications: t.field({ type: NotificationPreferencesInput, required: false }),
  }),
});

builder.mutationField('updateProfile', (t) =>
  t.withAuth({ viewer: true }).field({
    type: AccountRef,
    args: { input: t.arg({ type: ProfileInput }) },
    resolve: async (_root, { input }, ctx) => {
      await updateProfile(ctx.services, ctx, input);
      return loadViewerAccount(ctx);
    },
  }),
);
