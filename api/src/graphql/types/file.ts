import type { FileRecord } from '@peerlock/projections';
import { builder } from '../builder.js';
import { viewerOf } from '../../auth/viewer.js';
import { pageSize } from '../../conversations/conversation-queries.js';
import { badInput } from '../../errors.js';
import type { StartedUpload } from '../../files/file-commands.js';
import { PageInfoRef, pageInfoOf, type PageInfoShape } from './page-info.js';

const context = (ctx: Parameters<typeof viewerOf>[0] & { services: { now: () => number }; requestId: string }) => ({
  actor: viewerOf(ctx),
  correlationId: ctx.requestId,
  now: ctx.services.now(),
});

export const FileRef = builder.objectRef<FileRecord & { viewer: string }>('File').implement({
  description: 'A file in encrypted cloud storage: what the server knows of it. Name and content are inside the miniLock chunks.',
  fields: (t) => ({
    id: t.exposeString('fileId'),
    owner: t.exposeString('owner'),
    ready: t.boolean({ description: 'Every chunk and the header are stored; false while uploading.', resolve: (f) => f.status === 'ready' }),
    ciphertextBytes: t.exposeFloat('ciphertextBytes', { description: 'Size of the chunk stream (a Float: files may pass 2^31 bytes).' }),
    chunkCount: t.exposeInt('chunkCount'),
    uploadedAt: t.exposeString('uploadedAt', { nullable: true }),
    sharedWith: t.stringList({
      description: 'Holders other than the owner; only the owner sees the list.',
      resolve: (f) => (f.viewer === f.owner ? Object.keys(f.holders).filter((h) => h !== f.owner).sort() : []),
    }),
    downloadPath: t.string({ description: 'GET it with a token: your header followed by the chunks, a complete .minilock file.', resolve: (f) => `/files/${f.fileId}` }),
  }),
});

const FileUploadRef = builder.objectRef<StartedUpload>('FileUpload').implement({
  description: 'An open upload: PUT each chunk to chunkPath/<index>, then finalizeFileUpload before expiresAt.',
  fields: (t) => ({
    fileId: t.exposeString('fileId'),
    chunkCount: t.exposeInt('chunkCount'),
    ciphertextBytes: t.exposeFloat('ciphertextBytes'),
    maxChunkBytes: t.exposeInt('maxChunkBytes'),
    expiresAt: t.exposeString('expiresAt'),
    chunkPath: t.string({ resolve: (u) => `/files/${u.fileId}/chunks` }),
  }),
});

const FileQuotaRef = builder.objectRef<{ usedBytes: number; limitBytes: number }>('FileQuota').implement({
  description: 'Ciphertext bytes of your files and open uploads, against your limit.',
  fields: (t) => ({ usedBytes: t.exposeFloat('usedBytes'), limitBytes: t.exposeFloat('limitBytes') }),
});

const FileEdgeRef = builder.objectRef<{ cursor: string; node: FileRecord & { viewer: string } }>('FileEdge').implement({
  fields: (t) => ({ cursor: t.exposeString('cursor'), node: t.field({ type: FileRef, resolve: (e) => e.node }) }),
});
const FileConnectionRef = builder
  .objectRef<{ edges: { cursor: string; node: FileRecord & { viewer: string } }[]; pageInfo: PageInfoShape }>('FileConnection')
  .implement({
    fields: (t) => ({
      edges: t.field({ type: [FileEdgeRef], resolve: (c) => c.edges }),
      pageInfo: t.field({ type: PageInfoRef, resolve: (c) => c.pageInfo }),
    }),
  });

builder.queryField('files', (t) =>
  t.field({
    type: FileConnectionRef,
    description: 'Requires a token. Files you hold (yours and those shared with you), newest first.',
    args: { first: t.arg.int({ required: false }), after: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      const after = args.after ?? null;
      if (after !== null && !/^\d{20}\/[A-Za-z0-9_-]{22}$/.test(after)) throw badInput('after');
      const page = await ctx.services.files.list(viewer, pageSize(args.first), after);
      const edges = page.edges.map((e) => ({ cursor: e.cursor, node: { ...e.node, viewer } }));
      return { edges, pageInfo: pageInfoOf({ edges, hasNextPage: page.hasNextPage }) };
    },
  }),
);

builder.queryField('fileQuota', (t) =>
  t.field({ type: FileQuotaRef, description: 'Requires a token.', resolve: (_root, _args, ctx) => ctx.services.files.quota(viewerOf(ctx)) }),
);

builder.mutationField('startFileUpload', (t) =>
  t.field({
    type: FileUploadRef,
    description: 'Requires a token. Reserves ciphertextBytes of your quota (QUOTA_EXCEEDED otherwise) until the upload is finalized or expires.',
    args: { chunkCount: t.arg.int(), ciphertextBytes: t.arg.float() },
    resolve: (_root, args, ctx) => ctx.services.files.start(args, context(ctx)),
  }),
);

builder.mutationField('finalizeFileUpload', (t) =>
  t.field({
    type: FileRef,
    description: 'Requires a token. Stores your header (base64 miniLock header) once every chunk is there with the declared sizes.',
    args: { fileId: t.arg.string(), header: t.arg.string() },
    resolve: async (_root, args, ctx) => ({ ...(await ctx.services.files.finalize(args, context(ctx))), viewer: viewerOf(ctx) }),
  }),
);

builder.mutationField('shareFile', (t) =>
  t.field({
    type: FileRef,
    description: 'Requires a token. Gives contacts access with a header re-wrapped for them (no chunk is copied); attach the same header to a message.',
    args: { fileId: t.arg.string(), recipients: t.arg.stringList(), header: t.arg.string() },
    resolve: async (_root, args, ctx) => ({ ...(await ctx.services.files.share(args, context(ctx))), viewer: viewerOf(ctx) }),
  }),
);

const FileRemovalRef = builder.objectRef<{ deleted: boolean }>('FileRemoval').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted', { description: 'Nobody holds it any more: its blobs are gone and the owner\'s quota released.' }) }),
});

builder.mutationField('removeFile', (t) =>
  t.field({
    type: FileRemovalRef,
    description: 'Requires a token. Drops your own access.',
    args: { fileId: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.files.remove(args.fileId, context(ctx)),
  }),
);

builder.mutationField('destroyFile', (t) =>
  t.field({
    type: FileRemovalRef,
    description: 'Requires a token; owner only. Deletes the file for everyone (also cancels an open upload).',
    args: { fileId: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.files.destroy(args.fileId, context(ctx)),
  }),
);
