import { builder } from '../builder.js';
import { confirmTwoFactor, disableTwoFactor, setupTwoFactor } from '../../twofactor/two-factor-settings.js';

const TwoFactorSetupRef = builder.objectRef<{ otpauthUri: string; secret: string; sealedSetup: string; expiresAt: number }>('TwoFactorSetup').implement({
  fields: (t) => ({
    otpauthUri: t.exposeString('otpauthUri', { description: 'Show as a QR code.' }),
    secret: t.exposeString('secret', { description: 'base32, for manual entry' }),
    sealedSetup: t.exposeString('sealedSetup', { description: 'Send back with the first code to confirmTwoFactor within 5 minutes.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const TwoFactorConfirmationRef = builder.objectRef<{ backupCodes: string[] }>('TwoFactorConfirmation').implement({
  fields: (t) => ({
    backupCodes: t.exposeStringList('backupCodes', { description: 'Ten one-time codes, shown once.' }),
  }),
});

builder.mutationField('setupTwoFactor', (t) =>
  t.withAuth({ viewer: true }).field({ type: TwoFactorSetupRef, resolve: (_root, _args, ctx) => setupTwoFactor(ctx.services, ctx) }),
);

builder.mutationField('confirmTwoFactor', (t) =>
  t.withAuth({ viewer: true }).field({
    type: TwoFactorConfirmationRef,
    args: { sealedSetup: t.arg.string(), code: t.arg.string() },
    resolve: (_root, args, ctx) => confirmTwoFactor(ctx.services, ctx, args),
  }),
);

builder.mutationField('disableTwoFactor', (t) =>
  t.withAuth({ viewer: true }).field({
    type: 'Boolean',
    description: 'Also a fresh code.',
    args: { code: t.arg.string() },
    resolve: (_root, args, ctx) => disableTwoFactor(ctx.services, ctx, args),
  }),
);
