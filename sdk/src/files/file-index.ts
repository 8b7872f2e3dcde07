/**
 * The sealed file index (DESIGN §5 "What a client may act on", threat T11):
 * the files this user uploaded or accepted, each with what its header must
 * say, so a client re-wraps or downloads by id only a header it vouched for
 * before. It travels through the server sealed to the user's own key, so
 * every device shares it and the server can neither read nor alter it.
 *
 * It is an append-only log of small records, one per change, so adding a
 * file costs one record whatever the index's size:
 *
 *   recordKey     = BLAKE2s-256(key = identitySecret, message = utf8("peerlock/file-index/v2"))
 *   blob          = nonce(24) ‖ secretbox(utf8(JSON(record)), nonce, recordKey)      at most 2 048 bytes
 *   record        = { v: 2, sequence, op: "put", entry }
 *                 | { v: 2, sequence, op: "remove", fileId }
 *                 | { v: 2, sequence, op: "restart" }
 *   entry         = { fileId, fileHash, keyCommitment, name, size, origin, sender }
 *   fileHash      = base64(decryptInfo.fileInfo.fileHash)       (miniLock: BLAKE2s-256 of the chunk stream)
 *   keyCommitment = base64(BLAKE2s-256(key = fileInfo.fileKey,
 *                                      message = utf8("peerlock/file-key-commitment/v1") ‖ fileInfo.fileNonce))
 *
 * - The label is v2 because the format is not v1's (one sealed blob of the
 *   whole index): a different key, so a blob of one format can never be
 *   opened as the other, whatever its contents.
 * - `sequence` is the record's place in the log, 1, 2, 3 …, inside the seal.
 *   The server stores record n as the n-th event of the user's stream; a
 *   reader requires record n to say n, so a record dropped, repeated, moved
 *   or taken from elsewhere is refused (`gap`), as is one sealed with any
 *   other key or altered (`undecryptable`), or one that opens but is not a
 *   record (`malformed`). A log shorter than this device has seen is a
 *   rollback (`rollback`).
 * - `put` adds an entry unless its id has one (the first verified record of
 *   a file stands); `remove` drops it; `restart` (written by a key rotation,
 *   followed by a `put` for every entry) ends everything before it: the
 *   reader starts over at the last restart it can open and ignores the
 *   records before it, which are sealed to an earlier key.
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
 */
import { assertBytes, base64ToBytes, bytesToBase64, bytesToUtf8, concatBytes, equalBytes, randomBytes, utf8ToBytes, wipe } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';
import { DecryptionError, PeerlockCryptoError } from '../crypto/errors.js';
import { NONCE_BYTES, secretbox, secretboxOpenFramed } from '../crypto/nacl.js';
import { isMiniLockId } from '../keys/minilock-id.js';
import { assertFileInfo, type FileInfo } from '../minilock/file-info.js';
import { FILE_HASH_BYTES, FILE_NAME_BYTES } from '../minilock/format.js';

const RECORD_LABEL = utf8ToBytes('peerlock/file-index/v2');
const COMMITMENT_LABEL = utf8ToBytes('peerlock/file-key-commitment/v1');
const FORMAT = 2;
const FILE_ID = /^[A-Za-z0-9_-]{22}$/;
const ORIGINS: ReadonlySet<unknown> = new Set<FileOrigin>(['uploaded', 'attachment', 'accepted']);
const ENTRY_KEYS = ['fileId', 'fileHash', 'keyCommitment', 'name', 'size', 'origin', 'sender'] as const;

/**
 * The largest sealed record, in bytes; the server's limit too
 * (MAX_FILE_INDEX_RECORD_BYTES in @peerlock/schema). The largest record
 * the format allows is a `put` whose name is 256 control characters, each
 * escaped to six bytes of JSON: 1 901 bytes sealed.
 */
export const MAX_FILE_INDEX_RECORD_BYTES = 2048;

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

/** One change to the index, at its place in the log (1, 2, 3 …). */
export type FileIndexRecord =
  | { readonly sequence: number; readonly op: 'put'; readonly entry: FileIndexEntry }
  | { readonly sequence: number; readonly op: 'remove'; readonly fileId: string }
  | { readonly sequence: number; readonly op: 'restart' };

/** The index a log of records folds to. */
export interface FileIndex {
  /** Records in the log: the sequence of the last one, and this device's rollback mark. */
  readonly version: number;
  /** The entries now, by file id. */
  readonly entries: Readonly<Record<string, FileIndexEntry>>;
}

export type FileIndexRejection = 'rollback' | 'gap' | 'undecryptable' | 'malformed';

export class FileIndexRejectedError extends PeerlockCryptoError {
  readonly code = 'FILE_INDEX_REJECTED' as const;
  constructor(readonly reason: FileIndexRejection) {
    super(`file index refused: ${reason}`);
  }
}

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

function recordKey(identitySecretKey: Uint8Array): Uint8Array {
  assertBytes(identitySecretKey, 'identitySecretKey', 32);
  return blake2s(RECORD_LABEL, 32, identitySecretKey);
}

/** Seals one record (at most MAX_FILE_INDEX_RECORD_BYTES). */
export function sealFileIndexRecord(record: FileIndexRecord, identitySecretKey: Uint8Array): Uint8Array {
  const body = utf8ToBytes(JSON.stringify(recordBody(record)));
  const key = recordKey(identitySecretKey);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    return concatBytes(nonce, secretbox(body, nonce, key));
  } finally {
    wipe(key);
  }
}

/**
 * Opens one record from the server. Throws FileIndexRejectedError:
 * `undecryptable` (another key, any flipped bit) or `malformed`. Whether its
 * sequence is the one expected is the log's to check (FileIndexLog).
 */
export function openFileIndexRecord(blob: Uint8Array, identitySecretKey: Uint8Array): FileIndexRecord {
  assertBytes(blob, 'blob');
  const key = recordKey(identitySecretKey);
  let body: Uint8Array;
  try {
    body = secretboxOpenFramed(blob, key);
  } catch (error) {
    if (error instanceof DecryptionError) throw new FileIndexRejectedError('undecryptable');
    throw error;
  } finally {
    wipe(key);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(body));
  } catch {
    throw new FileIndexRejectedError('malformed');
  }
  const record = parseRecord(parsed);
  if (!record) throw new FileIndexRejectedError('malformed');
  return record;
}

/**
 * A log of records read in order, folded as it goes: O(1) per record, so
 * loading n records costs O(n) and each later record O(1).
 *
 * Reading checks each record at its place: it must open with our key, say
 * that place as its sequence, and be a record. The first problem is kept,
 * not thrown, because a later `restart` (a key rotation) ends everything
 * before it, records sealed to the old key included; check() throws what is
 * left, and refuses a log shorter than this device has seen.
 */
export class FileIndexLog implements FileIndex {
  /** Changed in place (never copied): a put or remove is O(1). No prototype, so no id can name an inherited property. */
  private byId: Record<string, FileIndexEntry> = Object.create(null) as Record<string, FileIndexEntry>;
  private length = 0;
  /** The first problem since the last restart. */
  private problem: Exclude<FileIndexRejection, 'rollback'> | null = null;

  get version(): number {
    return this.length;
  }

  get entries(): Readonly<Record<string, FileIndexEntry>> {
    return this.byId;
  }

  /** Reads the next record the server served: the one at place version + 1. */
  read(blob: Uint8Array, identitySecretKey: Uint8Array): void {
    const place = this.length + 1;
    this.length = place;
    let record: FileIndexRecord;
    try {
      record = openFileIndexRecord(blob, identitySecretKey);
    } catch (error) {
      if (!(error instanceof FileIndexRejectedError)) throw error;
      this.problem ??= error.reason as Exclude<FileIndexRejection, 'rollback'>;
      return;
    }
    if (record.sequence !== place) {
      this.problem ??= 'gap';
      return;
    }
    this.fold(record);
  }

  /**
   * Counts `count` records this device will not open (sealed to the key a
   * rotation replaced); only a restart after them makes the log acceptable.
   */
  skip(count: number): void {
    if (!Number.isSafeInteger(count) || count < 0) throw new RangeError('count: expected a non-negative integer');
    if (count === 0) return;
    this.length += count;
    this.problem ??= 'undecryptable';
  }

  /** Folds a record this device sealed and the server took at place version + 1. */
  wrote(record: FileIndexRecord): void {
    recordBody(record);
    if (record.sequence !== this.length + 1) throw new RangeError('record.sequence: expected version + 1');
    this.length += 1;
    this.fold(record);
  }

  /** Throws FileIndexRejectedError if the log read so far must be refused; `newestSeenVersion` is this device's mark. */
  check(newestSeenVersion: number): void {
    if (!Number.isSafeInteger(newestSeenVersion) || newestSeenVersion < 0) throw new RangeError('newestSeenVersion: expected a non-negative integer');
    if (this.problem) throw new FileIndexRejectedError(this.problem);
    if (this.length < newestSeenVersion) throw new FileIndexRejectedError('rollback');
  }

  private fold(record: FileIndexRecord): void {
    switch (record.op) {
      case 'put':
        if (!Object.hasOwn(this.byId, record.entry.fileId)) this.byId[record.entry.fileId] = record.entry;
        return;
      case 'remove':
        delete this.byId[record.fileId];
        return;
      case 'restart':
        this.byId = Object.create(null) as Record<string, FileIndexEntry>;
        this.problem = null;
        return;
      default:
        return assertNever(record);
    }
  }
}

/** The JSON a record is sealed as, with its fields in the documented order; TypeError for anything not a record. */
function recordBody(record: FileIndexRecord): Record<string, unknown> {
  const r = (typeof record === 'object' && record !== null ? record : {}) as Partial<Record<string, unknown>>;
  const base = { v: FORMAT, sequence: r.sequence, op: r.op };
  const body =
    r.op === 'put'
      ? { ...base, entry: Object.fromEntries(ENTRY_KEYS.map((k) => [k, (r.entry as Record<string, unknown> | undefined)?.[k]])) }
      : r.op === 'remove'
        ? { ...base, fileId: r.fileId }
        : base;
  if (parseRecord(body) === null) throw new TypeError('record: expected a FileIndexRecord');
  return body;
}

/** The record a parsed JSON value is, or null. */
function parseRecord(value: unknown): FileIndexRecord | null {
  if (!isPlainObject(value)) return null;
  const { v, sequence, op } = value;
  if (v !== FORMAT || !Number.isSafeInteger(sequence) || (sequence as number) < 1) return null;
  const seq = sequence as number;
  switch (op) {
    case 'put': {
      if (!hasExactly(value, ['v', 'sequence', 'op', 'entry'])) return null;
      const entry = parseEntry(value.entry);
      return entry && { sequence: seq, op, entry };
    }
    case 'remove':
      if (!hasExactly(value, ['v', 'sequence', 'op', 'fileId']) || typeof value.fileId !== 'string' || !FILE_ID.test(value.fileId)) return null;
      return { sequence: seq, op, fileId: value.fileId };
    case 'restart':
      return hasExactly(value, ['v', 'sequence', 'op']) ? { sequence: seq, op } : null;
    default:
      return null;
  }
}

function parseEntry(value: unknown): FileIndexEntry | null {
  if (!isPlainObject(value) || !hasExactly(value, ENTRY_KEYS)) return null;
  const { fileId, fileHash, keyCommitment, name, size, origin, sender } = value;
  if (typeof fileId !== 'string' || !FILE_ID.test(fileId) || !isHash(fileHash) || !isHash(keyCommitment) || !isName(name)) return null;
  if (!Number.isSafeInteger(size) || (size as number) < 0 || !ORIGINS.has(origin) || !isMiniLockId(sender)) return null;
  return { fileId, fileHash, keyCommitment, name, size: size as number, origin: origin as FileOrigin, sender };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasExactly(value: Record<string, unknown>, keys: readonly string[]): boolean {
  return Object.keys(value).length === keys.length && keys.every((k) => Object.hasOwn(value, k));
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

function assertNever(value: never): never {
  throw new Error(`unhandled record ${JSON.stringify(value)}`);
}
