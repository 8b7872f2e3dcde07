/**
 * The sealed file index (DESIGN §5 "What a client may act on", threat T11):
 * the files this user uploaded or accepted, each with what its header must
 * say, so a client re-wraps or downloads by id only a header it vouched for
 * before. It travels through the server sealed to the user's own key, like
 * the pin set (contacts/pin-sync.ts), so every device shares it and the
 * server can neither read nor alter it:
 *
 *   indexKey      = BLAKE2s-256(key = identitySecret, message = utf8("peerlock/file-index/v1"))
 *   blob          = nonce(24) ‖ secretbox(utf8(JSON{ v: 1, version, entries: [entry, …] }), nonce, indexKey)
 *   entry         = { fileId, fileHash, keyCommitment, name, size, origin, sender }
 *   fileHash      = base64(decryptInfo.fileInfo.fileHash)       (miniLock: BLAKE2s-256 of the chunk stream)
 *   keyCommitment = base64(BLAKE2s-256(key = fileInfo.fileKey,
 *                                      message = utf8("peerlock/file-key-commitment/v1") ‖ fileInfo.fileNonce))
 *
 * - `fileHash` pins every chunk (the miniLock reader checks it at the end);
 *   `keyCommitment` binds the file key and nonce a header hands out without
 *   storing the key: a header for the same chunks with any other key or nonce
 *   (which would re-wrap a useless or foreign key) has another commitment.
 *   Keyed BLAKE2s hashes the key block first, so this is a hash of
 *   (fileKey ‖ label ‖ fileNonce): collision resistant, and one-way in the key.
 * - `name` is the name inside the file (chunk 0, at most 256 bytes of UTF-8),
 *   `size` the plaintext bytes, `origin` how the file came to be trusted
 *   ('uploaded' by this user, an 'attachment' of a verified message, or
 *   'accepted' from the `sender` shown to the user), `sender` the miniLock
 *   ID that made the header.
 * - The version is inside the authenticated plaintext; openFileIndex refuses
 *   an index older than the newest this device has seen (a rollback by the server).
 */
import { assertBytes, base64ToBytes, bytesToBase64, bytesToUtf8, concatBytes, equalBytes, randomBytes, utf8ToBytes, wipe } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';
import { PeerlockCryptoError } from '../crypto/errors.js';
import { NONCE_BYTES, secretbox, secretboxOpen } from '../crypto/nacl.js';
import { isMiniLockId } from '../keys/minilock-id.js';
import { assertFileInfo, type FileInfo } from '../minilock/file-info.js';
import { FILE_HASH_BYTES, FILE_NAME_BYTES } from '../minilock/format.js';

const INDEX_LABEL = utf8ToBytes('peerlock/file-index/v1');
const COMMITMENT_LABEL = utf8ToBytes('peerlock/file-key-commitment/v1');
const FORMAT = 1;
const FILE_ID = /^[A-Za-z0-9_-]{22}$/;
const ORIGINS: ReadonlySet<unknown> = new Set<FileOrigin>(['uploaded', 'attachment', 'accepted']);
const ENTRY_KEYS = ['fileId', 'fileHash', 'keyCommitment', 'name', 'size', 'origin', 'sender'] as const;

export type FileOrigin = 'uploaded' | 'attachment' | 'accepted';

export interface FileIndexEntry {
  readonly fileId: string;
  /** base64 of the header's fileHash (32 bytes). */
  readonly fileHash: string;
  /** base64 of fileKeyCommitment(fileInfo) (32 bytes). */
  readonly keyCommitment: string;
  readonly name: string;
  readonly size: number;
  readonly origin: FileOrigin;
  /** The miniLock ID that made the header. */
  readonly sender: string;
}

export interface FileIndex {
  readonly version: number;
  /** By file id. */
  readonly entries: Readonly<Record<string, FileIndexEntry>>;
}

export type FileIndexRejection = 'rollback' | 'undecryptable' | 'malformed';

export class FileIndexRejectedError extends PeerlockCryptoError {
  readonly code = 'FILE_INDEX_REJECTED' as const;
  constructor(readonly reason: FileIndexRejection) {
    super(`file index refused: ${reason}`);
  }
}

export const emptyFileIndex: FileIndex = Object.freeze({ version: 0, entries: Object.freeze({}) });

/** BLAKE2s-256(key = fileKey, message = "peerlock/file-key-commitment/v1" ‖ fileNonce). */
export function fileKeyCommitment(fileInfo: FileInfo): Uint8Array {
  assertFileInfo(fileInfo);
  return blake2s(concatBytes(COMMITMENT_LABEL, fileInfo.fileNonce), 32, fileInfo.fileKey);
}

/** The entry for a file whose fileInfo this client holds (from its upload, or a header it verified). */
export function fileIndexEntry(input: { fileId: string; fileInfo: FileInfo; name: string; size: number; origin: FileOrigin; sender: string }): FileIndexEntry {
  const { fileId, fileInfo, name, size, origin, sender } = input;
  if (typeof fileId !== 'string' || !FILE_ID.test(fileId)) throw new TypeError('fileId: expected a file id');
  assertFileInfo(fileInfo);
  if (!isName(name)) throw new RangeError(`name: expected a string of at most ${FILE_NAME_BYTES} bytes`);
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError('size: expected a non-negative integer');
  if (!ORIGINS.has(origin)) throw new TypeError('origin: expected uploaded, attachment or accepted');
  if (!isMiniLockId(sender)) throw new TypeError('sender: expected a miniLock ID');
  return { fileId, fileHash: bytesToBase64(fileInfo.fileHash), keyCommitment: bytesToBase64(fileKeyCommitment(fileInfo)), name, size, origin, sender };
}

/** Does this fileInfo (from a header just opened) carry the file hash and key the entry recorded? Constant-time. */
export function matchesEntry(entry: FileIndexEntry, fileInfo: FileInfo): boolean {
  assertFileInfo(fileInfo);
  const hash = equalBytes(base64ToBytes(entry.fileHash, 'entry.fileHash'), fileInfo.fileHash);
  const key = equalBytes(base64ToBytes(entry.keyCommitment, 'entry.keyCommitment'), fileKeyCommitment(fileInfo));
  return hash && key;
}

/**
 * Adds an entry (version + 1). An id already in the index keeps its entry:
 * the first verified record of a file stands, so the index is unchanged.
 */
export function withFileEntry(index: FileIndex, entry: FileIndexEntry): FileIndex {
  if (Object.hasOwn(index.entries, entry.fileId)) return index;
  return { version: index.version + 1, entries: { ...index.entries, [entry.fileId]: entry } };
}

export function withoutFileEntry(index: FileIndex, fileId: string): FileIndex {
  if (!Object.hasOwn(index.entries, fileId)) return index;
  const { [fileId]: _removed, ...entries } = index.entries;
  return { version: index.version + 1, entries };
}

function indexKey(identitySecretKey: Uint8Array): Uint8Array {
  assertBytes(identitySecretKey, 'identitySecretKey', 32);
  return blake2s(INDEX_LABEL, 32, identitySecretKey);
}

export function sealFileIndex(index: FileIndex, identitySecretKey: Uint8Array): Uint8Array {
  if (typeof index !== 'object' || index === null || !Number.isSafeInteger(index.version) || index.version < 0) throw new TypeError('index: expected a FileIndex');
  const key = indexKey(identitySecretKey);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    const entries = Object.values(index.entries).map((e) => Object.fromEntries(ENTRY_KEYS.map((k) => [k, e[k]])));
    const body = utf8ToBytes(JSON.stringify({ v: FORMAT, version: index.version, entries }));
    return concatBytes(nonce, secretbox(body, nonce, key));
  } finally {
    wipe(key);
  }
}

/** Opens a file index from the server; `newestSeenVersion` is this device's high-water mark. */
export function openFileIndex(blob: Uint8Array, identitySecretKey: Uint8Array, newestSeenVersion: number): FileIndex {
  assertBytes(blob, 'blob');
  if (!Number.isSafeInteger(newestSeenVersion) || newestSeenVersion < 0) throw new RangeError('newestSeenVersion: expected a non-negative integer');
  const key = indexKey(identitySecretKey);
  let body: Uint8Array | null;
  try {
    body = blob.length < NONCE_BYTES + 16 ? null : secretboxOpen(blob.subarray(NONCE_BYTES), blob.subarray(0, NONCE_BYTES), key);
  } finally {
    wipe(key);
  }
  if (body === null) throw new FileIndexRejectedError('undecryptable');
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(body));
  } catch {
    throw new FileIndexRejectedError('malformed');
  }
  const { v, version, entries } = (parsed ?? {}) as Record<string, unknown>;
  if (v !== FORMAT || !Number.isSafeInteger(version) || (version as number) < 0 || !Array.isArray(entries)) throw new FileIndexRejectedError('malformed');
  if ((version as number) < newestSeenVersion) throw new FileIndexRejectedError('rollback');
  const out: Record<string, FileIndexEntry> = {};
  for (const value of entries) {
    const entry = parseEntry(value);
    if (Object.hasOwn(out, entry.fileId)) throw new FileIndexRejectedError('malformed');
    out[entry.fileId] = entry;
  }
  return { version: version as number, entries: out };
}

function parseEntry(value: unknown): FileIndexEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FileIndexRejectedError('malformed');
  const record = value as Record<string, unknown>;
  if (Object.keys(record).length !== ENTRY_KEYS.length || !ENTRY_KEYS.every((k) => Object.hasOwn(record, k))) throw new FileIndexRejectedError('malformed');
  const { fileId, fileHash, keyCommitment, name, size, origin, sender } = record;
  if (typeof fileId !== 'string' || !FILE_ID.test(fileId) || !isHash(fileHash) || !isHash(keyCommitment) || !isName(name)) throw new FileIndexRejectedError('malformed');
  if (!Number.isSafeInteger(size) || (size as number) < 0 || !ORIGINS.has(origin) || !isMiniLockId(sender)) throw new FileIndexRejectedError('malformed');
  return { fileId, fileHash, keyCommitment, name, size: size as number, origin: origin as FileOrigin, sender };
}

function isHash(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    return base64ToBytes(value).length === FILE_HASH_BYTES;
  } catch {
    return false;
  }
}

function isName(value: unknown): value is string {
  return typeof value === 'string' && utf8ToBytes(value).length <= FILE_NAME_BYTES;
}
