import { builder } from '../builder.js';
import { authChallenge } from '../../auth/login.js';
import type { TokenBatch } from '../../auth/token-issuer.js';
import { SealedBoxRef } from './sealed-box.js';
import { SignedServerKeyRef } from './server-key.js';

const TokenBatchRef = builder.objectRef<TokenBatch>('TokenBatch').implement({
  description: 'Single-use tokens ("AT" ‖ 30 bytes), each boxed to your auth key. Send one per request: Authorization: Peerlock <username> <base64 token>.',
  fields: (t) => ({
    serverKey: t.field({ type: SignedServerKeyRef, resolve: (b) => b.serverKey }),
    tokens: t.field({ type: [SealedBoxRef], resolve: (b) => [...b.tokens] }),
    expiresAt: t.string({ description: 'ISO-8601', resolve: (b) => new Date(b.expiresAt).toISOString() }),
  }),
});

builder.mutationField('authChallenge', (t) =>
  t.field({
    type: TokenBatchRef,
    description: 'Login. With two-factor on, totpCode (a current TOTP code or a backup code) is required.',
    args: { username: t.arg.string(), totpCode: t.arg.string({ required: false }) },
    resolve: (_root, args, ctx) => authChallenge(ctx.services, ctx, args),
  }),
);
