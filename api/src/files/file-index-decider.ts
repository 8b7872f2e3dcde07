/**
 * A user's sealed file index (DESIGN §5): a sealed document
 * (sealed-documents/sealed-document-decider.ts) stored with StoreFileIndex as FileIndexStored.
 */
import type { FileIndexStored } from '@peerlock/schema';
import type { DomainEventOf } from '../aggregates/domain-event.js';
import { sealedDocumentDecider, type SealedDocumentState, type StoreSealedDocument } from '../sealed-documents/sealed-document-decider.js';

export type FileIndexDomainEvent = DomainEventOf<readonly [typeof FileIndexStored]>;
export type FileIndexState = SealedDocumentState;
export type StoreFileIndex = StoreSealedDocument<'StoreFileIndex'>;

export const fileIndexDecider = sealedDocumentDecider({ store: 'StoreFileIndex', stored: 'FileIndexStored' });
