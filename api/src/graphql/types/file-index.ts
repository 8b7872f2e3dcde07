import { sealedDocumentFields } from './sealed-document.js';

sealedDocumentFields({
  typeName: 'FileIndex',
  description:
    'Your file index: the files you uploaded or accepted, with their file hash and key commitment, sealed by the SDK to your own key (DESIGN §5). Version 0 and a null blob: none stored yet.',
  query: 'fileIndex',
  mutation: 'storeFileIndex',
  blobLimit: 'base64, at most 184 KiB',
  documents: (ctx) => ctx.services.fileIndexes,
});
