import { builder } from '../builder.js';
import { authChallenge, endSession, listSessions, refreshSession, type LoginResult } from '../../auth/login.js';
import type { SessionGrant, TokenBatch } from '../../auth/token-issuer.js';
import type { DeviceSession } from '../../storage/auth-store.js';
import { SealedBoxRef } from './sealed-box.js';
import { SignedServerKeyRef } from './server-key.js';

const SessionGrantRef = builder.objectRef<SessionGrant>('SessionGrant').implement({
  description: 'A device session opened by this login: later token batches come from refreshSession with its secret, without a two-factor code, until it ends.',
  fields: (t) => ({
    id: t.exposeString('id'),
    secret: t.field({ type: SealedBoxRef, description: 'The session secret ("AS" ‖ 30 bytes), boxed to your auth key like the tokens.', resolve: (g) => g.secret }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', description: 'The session ends then at the latest.' }),
  }),
});

const TokenBatchRef = builder.objectRef<TokenBatch & { session?: SessionGrant | null }>('TokenBatch').implement({
  description: 'Single-use tokens ("AT" ‖ 30 bytes), each boxed to your auth key. Send one per request: Authorization: Peerlock <username> <base64 token>.',
  fields: (t) => ({
    serverKey: t.field({ type: SignedServerKeyRef, resolve: (b) => b.serverKey }),
    tokens: t.field({ type: [SealedBoxRef], resolve: (b) => [...b.tokens] }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    session: t.field({ type: SessionGrantRef, nullable: true, description: 'Set when the login asked for a device session.', resolve: (b) => b.session ?? null }),
  }),
});

const DeviceInput = builder.inputType('DeviceInput', {
  description: 'Open a device session with this login (DESIGN §3): later batches need no two-factor code.',
  fields: (t) => ({
    label: t.string({ description: 'Shown in your session list, up to 80 characters.' }),
    trusted: t.boolean({ required: false, description: '"Trust this device": the long lifetime (30 days by default); otherwise a short one (12 hours).' }),
  }),
});

const DeviceSessionRef = builder.objectRef<DeviceSession & { current: boolean }>('DeviceSession').implement({
  fields: (t) => ({
    id: t.string({ resolve: (s) => s.sessionId }),
    label: t.exposeString('label'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', description: 'The login or the last token batch.' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    current: t.exposeBoolean('current', { description: 'The session this request came through.' }),
  }),
});

builder.mutationField('authChallenge', (t) =>
  t.field({
    type: TokenBatchRef,
    description: 'Login. With two-factor on, totpCode (a current TOTP code or a backup code) is required. With device, the login opens a device session.',
    args: { username: t.arg.string(), totpCode: t.arg.string({ required: false }), device: t.arg({ type: DeviceInput, required: false }) },
    resolve: (_root, args, ctx): Promise<LoginResult> => authChallenge(ctx.services, ctx, args),
  }),
);

builder.mutationField('refreshSession', (t) =>
  t.field({
    type: TokenBatchRef,
    description: 'A new token batch for a live device session, proved by its secret (base64); no two-factor code. SESSION_ENDED when the session is over.',
    args: { username: t.arg.string(), sessionId: t.arg.string(), secret: t.arg.string() },
    resolve: (_root, args, ctx) => refreshSession(ctx.services, ctx, args),
  }),
);

builder.queryField('sessions', (t) =>
  t.withAuth({ viewer: true }).field({
    type: [DeviceSessionRef],
    description: 'Your live device sessions, most recently used first.',
    resolve: (_root, _args, ctx) => listSessions(ctx.services, ctx),
  }),
);

builder.mutationField('revokeSession', (t) =>
  t.withAuth({ viewer: true }).boolean({
    description: 'Ends one of your device sessions at once: its tokens, its refreshes and its live subscriptions. False when there is no such live session.',
    args: { id: t.arg.string() },
    resolve: (_root, args, ctx) => endSession(ctx.services, ctx, args.id, 'revoked'),
  }),
);

builder.mutationField('logout', (t) =>
  t.withAuth({ viewer: true }).boolean({
    description: 'Ends the device session this request came through (false when it has none).',
    resolve: async (_root, _args, ctx) => (ctx.viewer.sessionId ? endSession(ctx.services, ctx, ctx.viewer.sessionId, 'logout') : false),
  }),
);
