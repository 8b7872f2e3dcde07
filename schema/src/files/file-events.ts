import { z } from 'zod';
import { defineEvent, type EventOf } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { usernameSchema } from '../accounts/account-fields.js';

/**
 * Cloud files (DESIGN §5). One stream per owner (`files-<owner>`) holds every
 * file that user uploaded: the quota is a property of the whole set, so one
 * stream makes "reserve if under quota" a single compare-and-set.
 *
 * The log knows owner, sizes, chunk count and who holds access; never a name
 * or content (those are inside the miniLock chunks and header, which live in
 * the blob store). Sizes are of ciphertext as stored.
 */
export const fileStreamName = (owner: string): string => `files-${owner}`;

/** base64url of 16 random bytes, chosen by the server. */
export const fileIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'expected a file id');
/** A miniLock chunk on the wire: uint32 length ‖ Poly1305 tag ‖ at most 1 MiB. */
export const MAX_FILE_CHUNK_BYTES = 4 + 16 + 1024 * 1024;
/** magic ‖ length ‖ JSON; about 500 bytes per recipient, so 50 recipients fit with room to spare. */
export const MAX_FILE_HEADER_BYTES = 128 * 1024;
/** 2^20 chunks of 1 MiB: one TiB, far beyond any quota. */
export const MAX_FILE_CHUNKS = 1 << 20;
export const MAX_FILE_RECIPIENTS = 50;

const bytes = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Quota reserved for `ciphertextBytes`; chunks may be sent until `expiresAt`. */
export const FileUploadStarted = defineEvent(
  'FileUploadStarted',
  z.strictObject({
    fileId: fileIdSchema,
    owner: usernameSchema,
    chunkCount: z.number().int().min(2).max(MAX_FILE_CHUNKS),
    ciphertextBytes: bytes,
    expiresAt: z.string().datetime(),
  }),
);

/** Every chunk is stored with the declared sizes, and the owner's header is stored. */
export const FileUploaded = defineEvent(
  'FileUploaded',
  z.strictObject({ fileId: fileIdSchema, owner: usernameSchema, headerBytes: z.number().int().min(1).max(MAX_FILE_HEADER_BYTES) }),
);

/** The upload was not finished in time: its chunks are deleted and the reservation released. */
export const FileUploadExpired = defineEvent('FileUploadExpired', z.strictObject({ fileId: fileIdSchema, owner: usernameSchema, ciphertextBytes: bytes }));

/**
 * `by` (a holder) gave `recipients` a re-wrapped header; the chunks are shared, not copied.
 *
 * Version 2 (issue 20, attachments under a disappearing-messages timer): a
 * share may carry `expiresAt` (server time: the share's time + the timer);
 * the recipients of this share lose access then, unless they saved the file
 * (FileSaved). `destroyWithShare` (only with `expiresAt`, only by the owner):
 * the owner uploaded the file for this share alone, so the owner's own
 * access ends then too, unless the owner saved it. Each end of access is a
 * FileAccessRemoved; when nobody holds the file any more, a FileDeleted.
 */
const fileSharedV1 = z.strictObject({
  fileId: fileIdSchema,
  owner: usernameSchema,
  by: usernameSchema,
  recipients: z.array(usernameSchema).min(1).max(MAX_FILE_RECIPIENTS),
  headerBytes: z.number().int().min(1).max(MAX_FILE_HEADER_BYTES),
});
export const FileShared = defineEvent('FileShared', fileSharedV1).evolve(
  z
    .strictObject({ ...fileSharedV1.shape, expiresAt: z.string().datetime().optional(), destroyWithShare: z.literal(true).optional() })
    .refine((d) => d.destroyWithShare === undefined || d.expiresAt !== undefined, { message: 'destroyWithShare needs expiresAt', path: ['destroyWithShare'] }),
  // A share of version 1 has no timer.
  (v1) => v1,
);

/**
 * `username` no longer holds the file: they dropped it (removeFile), or the
 * timer of the share that gave it to them ran out (FileShared `expiresAt`).
 */
export const FileAccessRemoved = defineEvent('FileAccessRemoved', z.strictObject({ fileId: fileIdSchema, owner: usernameSchema, username: usernameSchema }));

/**
 * `username` (a holder: the owner or a recipient) keeps the file: no share's
 * timer ends their access. Recorded once per holder; dropping access
 * (FileAccessRemoved) forgets it.
 */
export const FileSaved = defineEvent('FileSaved', z.strictObject({ fileId: fileIdSchema, owner: usernameSchema, username: usernameSchema }));

/**
 * Nobody holds the file any more (the last holder removed it, or the owner
 * destroyed it): blobs go, the owner's quota is released. `holders` are those
 * who lost access with this event.
 */
export const FileDeleted = defineEvent(
  'FileDeleted',
  z.strictObject({ fileId: fileIdSchema, owner: usernameSchema, holders: z.array(usernameSchema), ciphertextBytes: bytes, destroyed: z.boolean() }),
);

export const fileEventDefinitions = [FileUploadStarted, FileUploaded, FileUploadExpired, FileShared, FileAccessRemoved, FileSaved, FileDeleted] as const;
export const fileEvents = createEventRegistry(fileEventDefinitions);
export type FileEvent = EventOf<(typeof fileEventDefinitions)[number]>;
