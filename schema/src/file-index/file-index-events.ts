import { z } from 'zod';
import { defineEvent } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { usernameSchema } from '../accounts/account-fields.js';

/**
 * A user's file index (DESIGN §5 "What a client may act on"): for each file
 * the user uploaded or accepted, its id, file hash, key commitment, name and
 * size. The SDK keeps it as an append-only log of small records, each sealed
 * to the user's own key (sdk/src/files/file-index.ts); the server stores each
 * record opaque, as one event, in order. `sequence` is the stream revision + 1
 * (the SDK checks its own copy of it, inside the seal), so appending with an
 * expected version is a compare-and-set on the stream.
 */
export const fileIndexStreamName = (username: string): string => `file-index-${username}`;

/**
 * 2 KiB of ciphertext per record. The largest record the SDK can write is
 * 1 901 bytes sealed: a `put` whose name is 256 control characters (each
 * JSON-escaped to 6 bytes as `\u00XX`), a size and sequence of 2^53 − 1,
 * the longest origin and a 46-character sender; every other record is
 * smaller (about 350 bytes with a short name; docs/files.md). So every
 * record the SDK makes fits, and one append costs the server a bounded
 * amount whatever the index's size.
 */
export const MAX_FILE_INDEX_RECORD_BYTES = 2048;
/** Records per append: a key rotation re-writes the whole index in batches of this many (≈ 270 KB of base64 at most). */
export const MAX_FILE_INDEX_RECORDS_PER_APPEND = 100;
/** Records per page read (≈ 1.4 MB of base64 at most, ≈ 250 KB typically). */
export const MAX_FILE_INDEX_PAGE = 500;

export const FileIndexRecordAppended = defineEvent(
  'FileIndexRecordAppended',
  z.strictObject({
    username: usernameSchema,
    sequence: z.number().int().min(1),
    /** Standard base64 of the sealed record. */
    blob: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).min(4).max(Math.ceil(MAX_FILE_INDEX_RECORD_BYTES / 3) * 4),
  }),
);

export const fileIndexEvents = createEventRegistry([FileIndexRecordAppended] as const);
