import { MAX_FILE_INDEX_BYTES, fileIndexEvents, fileIndexStreamName } from '@peerlock/schema';
import type { EventStore } from '../eventstore/event-store.js';
import { SealedDocuments } from '../sealed-documents/sealed-documents.js';
import { fileIndexDecider } from './file-index-decider.js';

/** The sealed file indexes, one stream per user (`file-index-<username>`). */
export class FileIndexes extends SealedDocuments<'StoreFileIndex', 'FileIndexStored'> {
  constructor(store: EventStore) {
    super(store, { decider: fileIndexDecider, events: fileIndexEvents, streamName: fileIndexStreamName, maxBytes: MAX_FILE_INDEX_BYTES });
  }
}
