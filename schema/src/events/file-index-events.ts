import { createEventRegistry } from './event-registry.js';
import { defineSealedDocumentStored } from './sealed-document-events.js';

/**
 * A user's file index (DESIGN §5 "What a client may act on"): for each file
 * the user uploaded or accepted, its id, file hash, key commitment, name and
 * size, sealed by the SDK to the user's own key. The server keeps the blob
 * opaque (a sealed document: sealed-document-events.ts).
 */
export const fileIndexStreamName = (username: string): string => `file-index-${username}`;

/**
 * 184 KiB of ciphertext: about 690 entries (259 bytes each sealed, plus
 * the file name's bytes; docs/files.md).
 * The bound is the event store's, not the index's: the blob is stored
 * inline in one FileIndexStored event, exactly as the pin set is, and every
 * adapter takes at most 256 KiB per event (payload and metadata JSON;
 * api/src/eventstore/event-validation.ts, itself under KurrentDB's 1 MiB
 * append). 184 KiB is 251 224 characters of base64, which leaves room for
 * the username, version and metadata. It also bounds what one store costs:
 * every change rewrites the whole blob, and the log keeps every version.
 * Beyond this a user's uploads still succeed but their index cannot grow
 * (BAD_INPUT on storeFileIndex); a larger index needs its blob outside
 * the event (the blob store) or a denser entry format.
 */
export const MAX_FILE_INDEX_BYTES = 184 * 1024;

export const FileIndexStored = defineSealedDocumentStored('FileIndexStored', MAX_FILE_INDEX_BYTES);

export const fileIndexEvents = createEventRegistry([FileIndexStored] as const);
