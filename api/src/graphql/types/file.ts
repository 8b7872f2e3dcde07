import type { FileRecord } from '@peerlock/projections';
import { builder, commandContextOf } from '../builder.js';
import { pageSize } from '../../conversations/conversation-queries.js';
import { badInput } from '../../errors.js';
import type { StartedUpload } from '../../files/file-commands.js';
import { connectionOf } from './page-info.js';

export const FileRef = builder.objectRef<FileRecord & { viewer: string }>('File').implement({
  description: 'A file in encrypted cloud storage: what the server knows of it. Name and content are inside the miniLock chunks.',
  fields: (t) => ({
    id: t.exposeString('fileId'),
    owner: t.exposeString('owner'),
    ready: t.boolean({ description: 'Every chunk and the header are stored; false while uploading.', resolve: (f) => f.status === 'ready' }),
    ciphertextBytes: t.expose('ciphertextBytes', { type: 'ByteCount', description: 'Size of the chunk stream.' }),
    chunkCount: t.exposeInt('chunkCount'),
    uploadedAt: t.expose('uploadedAt', { type: 'DateTime', nullable: true }),
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
    ciphertextBytes: t.expose('ciphertextBytes', { type: 'ByteCount' }),
    maxChunkBytes: t.expose('maxChunkBytes', { type: 'ByteCount' }),
    expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    chunkPath: t.string({ resolve: (u) => `/files/${u.fileId}/chunks` }),
  }),
});

const FileQuotaRef = builder.objectRef<{ usedBytes: number; limitBytes: number }>('FileQuota').implement({
  description: 'Ciphertext bytes of your files and open uploads, against your limit.',
  fields: (t) => ({ usedBytes: t.expose('usedBytes', { type: 'ByteCount' }), limitBytes: t.expose('limitBytes', { type: 'ByteCount' }) }),
});

const FileConnectionRef = builder.connectionObject({ type: FileRef, name: 'FileConnection' }, { name: 'FileEdge' });

builder.queryField('files', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileConnectionRef,
    description: 'Files you hold (yours and those shared with you), newest first.',
    args: { first: t.arg.int({ required: false }), after: t.arg.string({ required: false }) },
    resolve: async (_root, args, ctx) => {
      const viewer = ctx.viewer.username;
      const after = args.after ?? null;
      if (after !== null && !/^\d{20}\/[A-Za-z0-9_-]{22}$/.test(after)) throw badInput('after');
      const page = await ctx.services.files.list(viewer, pageSize(args.first), after, ctx.services.now());
      return connectionOf({ edges: page.edges.map((e) => ({ cursor: e.cursor, node: { ...e.node, viewer } })), hasNextPage: page.hasNextPage });
    },
  }),
);

builder.queryField('fileQuota', (t) =>
  t.withAuth({ viewer: true }).field({ type: FileQuotaRef, resolve: (_root, _args, ctx) => ctx.services.files.quota(ctx.viewer.username) }),
);

builder.mutationField('startFileUpload', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileUploadRef,
    description: 'Reserves ciphertextBytes of your quota (QUOTA_EXCEEDED otherwise) until the upload is finalized or expires.',
    args: { chunkCount: t.arg.int(), ciphertextBytes: t.arg({ type: 'ByteCount' }) },
    resolve: (_root, args, ctx) => ctx.services.files.start(args, commandContextOf(ctx)),
  }),
);

builder.mutationField('finalizeFileUpload', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileRef,
    description: 'Stores your header (base64 miniLock header) once every chunk is there with the declared sizes.',
    args: { fileId: t.arg.string(), header: t.arg.string() },
    resolve: async (_root, args, ctx) => ({ ...(await ctx.services.files.finalize(args, commandContextOf(ctx))), viewer: ctx.viewer.username }),
  }),
);

builder.mutationField('shareFile', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileRef,
    description: 'Gives contacts access with a header re-wrapped for them (no chunk is copied); attach the same header to a message.',
    args: {
      fileId: t.arg.string(),
      recipients: t.arg.stringList(),
      header: t.arg.string(),
      expiresInSeconds: t.arg.int({
        required: false,
        description:
          'A disappearing-messages timer: 0 (default, no end), 300, 3600, 86400, 604800 or 2419200. Above 0, the recipients of this share lose access this many seconds from now (server time) unless they saved the file (saveFile).',
      }),
      destroyWithShare: t.arg.boolean({
        required: false,
        description: 'Owner only, with expiresInSeconds above 0: the file was uploaded for this share alone, so your own access ends then too unless you saved it; once nobody holds it, it is deleted.',
      }),
    },
    resolve: async (_root, args, ctx) => ({ ...(await ctx.services.files.share(args, commandContextOf(ctx))), viewer: ctx.viewer.username }),
  }),
);

builder.mutationField('saveFile', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileRef,
    description: 'Keeps a file you hold (as owner or recipient) past the timer of any share that would end your access. Saving again changes nothing.',
    args: { fileId: t.arg.string() },
    resolve: async (_root, args, ctx) => ({ ...(await ctx.services.files.save(args.fileId, commandContextOf(ctx))), viewer: ctx.viewer.username }),
  }),
);

const FileRemovalRef = builder.objectRef<{ deleted: boolean }>('FileRemoval').implement({
  fields: (t) => ({ deleted: t.exposeBoolean('deleted', { description: 'Nobody holds it any more: its blobs are gone and the owner\'s quota released.' }) }),
});

builder.mutationField('removeFile', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileRemovalRef,
    description: 'Drops your own access.',
    args: { fileId: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.files.remove(args.fileId, commandContextOf(ctx)),
  }),
);

builder.mutationField('destroyFile', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileRemovalRef,
    description: 'Owner only. Deletes the file for everyone (also cancels an open upload).',
    args: { fileId: t.arg.string() },
    resolve: (_root, args, ctx) => ctx.services.files.destroy(args.fileId, commandContextOf(ctx)),
  }),
);
