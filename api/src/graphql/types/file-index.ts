import { MAX_FILE_INDEX_PAGE, MAX_FILE_INDEX_RECORD_BYTES, MAX_FILE_INDEX_RECORDS_PER_APPEND } from '@peerlock/schema';
import { builder, commandContextOf } from '../builder.js';
import type { FileIndexRecordPage } from '../../files/file-indexes.js';

const FileIndexRecordRef = builder.objectRef<FileIndexRecordPage['records'][number]>('FileIndexRecord').implement({
  description: 'One record of your file index, sealed by the SDK to your own key; its sequence is also inside the seal.',
  fields: (t) => ({
    sequence: t.exposeInt('sequence'),
    blob: t.expose('blob', { type: 'Base64' }),
  }),
});

const FileIndexRecordsRef = builder.objectRef<FileIndexRecordPage>('FileIndexRecords').implement({
  description:
    'Your file index (DESIGN §5): an append-only log of records, sealed by the SDK to your own key, for the files you uploaded or accepted (file hash and key commitment).',
  fields: (t) => ({
    records: t.field({ type: [FileIndexRecordRef], resolve: (page) => [...page.records] }),
    version: t.exposeInt('version', { description: 'Records in the log (0: none yet); the expectedVersion of the next append.' }),
  }),
});

builder.queryField('fileIndexRecords', (t) =>
  t.withAuth({ viewer: true }).field({
    type: FileIndexRecordsRef,
    description: `The records with a sequence above \`after\` (default 0), in order, at most \`first\` (default and at most ${MAX_FILE_INDEX_PAGE}).`,
    args: { after: t.arg.int({ required: false }), first: t.arg.int({ required: false }) },
    resolve: (_root, args, ctx) => ctx.services.fileIndexes.records(ctx.viewer.username, args.after, args.first),
  }),
);

builder.mutationField('appendFileIndexRecords', (t) =>
  t.withAuth({ viewer: true }).field({
    type: 'Int',
    description:
      'Appends records after the expectedVersion records you read, all or none; returns the new version. Compare-and-set: CONFLICT unless expectedVersion is the current version.',
    args: {
      expectedVersion: t.arg.int(),
      blobs: t.arg.stringList({ description: `1 to ${MAX_FILE_INDEX_RECORDS_PER_APPEND} records, each base64 of at most ${MAX_FILE_INDEX_RECORD_BYTES} bytes` }),
    },
    resolve: (_root, args, ctx) => ctx.services.fileIndexes.append(args.expectedVersion, args.blobs, commandContextOf(ctx)),
  }),
);
