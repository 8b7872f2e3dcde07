import { builder } from '../builder.js';
import { deleteAccount } from '../../accounts/account-deletion.js';

builder.mutationField('deleteAccount', (t) =>
  t.field({
    type: 'Boolean',
    description: 'Requires a token, and a fresh code when two-factor is on. The username is retired forever; name and email are erased.',
    args: { totpCode: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => deleteAccount(ctx.services, ctx, args),
  }),
);
