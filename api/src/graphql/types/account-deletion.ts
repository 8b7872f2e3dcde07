import { builder } from '../builder.js';
import { deleteAccount } from '../../accounts/account-deletion.js';

builder.mutationField('deleteAccount', (t) =>
  t.withAuth({ viewer: true }).field({
    type: 'Boolean',
    description: 'Also a fresh code when two-factor is on. The username is retired forever; name and email are erased.',
    args: { totpCode: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => deleteAccount(ctx.services, ctx, args),
  }),
);
