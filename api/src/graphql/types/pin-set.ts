import { sealedDocumentFields } from './sealed-document.js';

sealedDocumentFields({
  typeName: 'PinSet',
  description: 'Your key pins, sealed by the SDK to your own key (DESIGN §6). Version 0 and a null blob: none stored yet.',
  query: 'pinSet',
  mutation: 'storePinSet',
  blobLimit: 'base64, at most 64 KiB',
  documents: (ctx) => ctx.services.pinSets,
});
