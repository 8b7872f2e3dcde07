/**
 * Secure links for people without an account (issue 21; docs/links.md).
 * createLink, revokeLink and links need a token; openLink and linkInfo are
 * public (no Authorization header at all: the opener has no account).
 */
import type { LinkState } from '@peerlock/schema';
import { builder, commandContextOf } from '../builder.js';
import { linkStatusAt } from '../../links/link-decider.js';
import type { LinkInfo, LinkOpening } from '../../links/link-commands.js';

const LinkKindRef = builder.enumType('LinkKind', {
  description: "What the owner said the link is; the opener decides from the decrypted content, never from this.",
  values: { FILE: { value: 'FILE' }, MESSAGE: { value: 'MESSAGE' } } as const,
});

const LinkStatusRef = builder.enumType('LinkStatus', {
  description: 'As of now, checked in this order: REVOKED, EXPIRED, EXHAUSTED (opened maxOpens times), else ACTIVE.',
  values: { ACTIVE: { value: 'ACTIVE' }, EXPIRED: { value: 'EXPIRED' }, REVOKED: { value: 'REVOKED' }, EXHAUSTED: { value: 'EXHAUSTED' } } as const,
});

const LinkRef = builder.objectRef<LinkState & { now: number }>('Link').implement({
  description: "A link to a file or a message for someone without an account: the owner's view. The server holds no key to it.",
  fields: (t) => ({
    id: t.exposeString('linkId'),
    kind: t.field({ type: LinkKindRef, resolve: (l) => l.kind }),
    fileId: t.exposeString('fileId'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    maxOpens: t.exposeInt('maxOpens', { nullable: true, description: 'null: no limit.' }),
    openCount: t.exposeInt('openCount'),
    passphrase: t.exposeBoolean('passphrase', { description: 'A hint shown on the open page; the URL says whether one is needed.' }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    status: t.field({ type: LinkStatusRef, resolve: (l) => linkStatusAt(l, l.now) }),
    lastOpenedAt: t.expose('lastOpenedAt', { type: 'DateTime', nullable: true }),
  }),
});

const LinkInfoRef = builder.objectRef<LinkInfo>('LinkInfo').implement({
  description: 'What anyone with the link id may know before opening it.',
  fields: (t) => ({
    kind: t.field({ type: LinkKindRef, resolve: (l) => l.kind }),
    passphrase: t.exposeBoolean('passphrase'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    status: t.field({ type: LinkStatusRef, resolve: (l) => l.status }),
  }),
});

const LinkOpeningRef = builder.objectRef<LinkOpening>('LinkOpening').implement({
  description: 'One counted open: a grant for GET /links/<linkId>/file.',
  fields: (t) => ({
    grant: t.exposeString('grant', { description: 'Send as `Authorization: PeerlockLink <grant>`; valid until grantExpiresAt (15 minutes), stops at once when the link is revoked.' }),
    grantExpiresAt: t.expose('grantExpiresAt', { type: 'DateTime' }),
    kind: t.field({ type: LinkKindRef, resolve: (o) => o.kind }),
    owner: t.exposeString('owner', { description: "The link's creator (the server's word: the opener checks the header's sender)." }),
    fileBytes: t.expose('fileBytes', { type: 'ByteCount', description: 'Header and chunks: the size of the GET body (ByteCount: a file may pass 2^31 bytes).' }),
    openCount: t.exposeInt('openCount'),
    maxOpens: t.exposeInt('maxOpens', { nullable: true }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
  }),
});

const CreateLinkInput = builder.inputType('CreateLinkInput', {
  fields: (t) => ({
    linkId: t.id({ description: '16 random bytes, base64url without padding (22 characters), chosen by the client: a retry with the same input is the same link.' }),
    fileId: t.id(),
    kind: t.field({ type: LinkKindRef }),
    header: t.field({ type: 'Base64', description: "The file's miniLock header re-wrapped to the link's key (same limit as a share's header)." }),
    accessHash: t.field({ type: 'Base64', description: '32 bytes: SHA-256 of the access value.' }),
    expiresInSeconds: t.int({ required: false, description: 'Default 604800 (7 days); 300 to 2592000 (30 days).' }),
    maxOpens: t.int({ required: false, description: 'null or absent: no limit; 1 to 100000.' }),
    passphrase: t.boolean({ description: 'A hint shown on the open page.' }),
    destroyFileWithLink: t.boolean({ required: false, description: "Default false. The file's owner only: the file is destroyed when the link ends (revoked: at once; expired or used up: once the last grant ran out)." }),
  }),
});

builder.mutationField('createLink', (t) =>
  t.withAuth({ viewer: true }).field({
    type: LinkRef,
    description:
      'A link to a file you hold (NOT_FOUND otherwise). The same linkId with the same input again is the same link; with another input, CONFLICT. At most 1,000 links per user in any 30 days (QUOTA_EXCEEDED).',
    args: { input: t.arg({ type: CreateLinkInput }) },
    resolve: async (_root, { input }, ctx) => ({ ...(await ctx.services.links.create(input, commandContextOf(ctx))), now: ctx.services.now() }),
  }),
);

builder.mutationField('revokeLink', (t) =>
  t.withAuth({ viewer: true }).field({
    type: LinkRef,
    description: 'Your link (NOT_FOUND for others) stops opening and downloading at once; revoking again changes nothing.',
    args: { linkId: t.arg.id() },
    resolve: async (_root, args, ctx) => ({ ...(await ctx.services.links.revoke(args.linkId, commandContextOf(ctx))), now: ctx.services.now() }),
  }),
);

builder.mutationField('openLink', (t) =>
  t.field({
    type: LinkOpeningRef,
    description:
      'Public. Counts one open. Refusals in this order: NOT_FOUND (unknown), FORBIDDEN (wrong access value; counted per address, RATE_LIMITED beyond the limit), LINK_REVOKED, LINK_EXPIRED, LINK_EXHAUSTED, NOT_FOUND with field `file` (the creator no longer holds the file).',
    args: { linkId: t.arg.id(), access: t.arg({ type: 'Base64' }) },
    resolve: (_root, args, ctx) => ctx.services.links.open(args.linkId, args.access, ctx.clientAddress, ctx.services.now()),
  }),
);

builder.queryField('links', (t) =>
  t.withAuth({ viewer: true }).field({
    type: [LinkRef],
    description: 'Your links, newest first, at most 500.',
    resolve: async (_root, _args, ctx) => {
      const now = ctx.services.now();
      return (await ctx.services.links.list(ctx.viewer.username)).map((l) => ({ ...l, now }));
    },
  }),
);

builder.queryField('linkInfo', (t) =>
  t.field({
    type: LinkInfoRef,
    description: 'Public; spends nothing. NOT_FOUND for an unknown link.',
    args: { linkId: t.arg.id() },
    resolve: (_root, args, ctx) => ctx.services.links.info(args.linkId, ctx.services.now()),
  }),
);
