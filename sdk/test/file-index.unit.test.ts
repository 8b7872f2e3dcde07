/**
 * The sealed file index (DESIGN §5, T11): format as documented in
 * sdk/src/files/file-index.ts, round trip, tampering, rollback, malformed
 * contents, and the argument checks of every exported function.
 */
import { describe, expect, it } from 'vitest';
import {
  blake2s,
  bytesToBase64,
  concatBytes,
  emptyFileIndex,
  encodeMiniLockId,
  fileIndexEntry,
  fileKeyCommitment,
  keyPairFromSecretKey,
  matchesEntry,
  openFileIndex,
  randomBytes,
  secretbox,
  sealFileIndex,
  utf8ToBytes,
  withFileEntry,
  withoutFileEntry,
  FileIndexRejectedError,
  type FileIndex,
  type FileInfo,
} from '../src/index.js';

const me = keyPairFromSecretKey(randomBytes(32));
const myId = encodeMiniLockId(me.publicKey);
const fileInfo = (): FileInfo => ({ fileKey: randomBytes(32), fileNonce: randomBytes(16), fileHash: randomBytes(32) });
const fileId = () => bytesToBase64(randomBytes(16)).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
const rejected = (reason: string) => expect.objectContaining({ code: 'FILE_INDEX_REJECTED', reason });

const infoA = fileInfo();
const entryA = fileIndexEntry({ fileId: fileId(), fileInfo: infoA, name: 'report (final).pdf', size: 123_456, origin: 'uploaded', sender: myId });
const index: FileIndex = withFileEntry(emptyFileIndex, entryA);

/** Seals any JSON body exactly as the documented format says, to reach the checks behind the seal. */
function sealBody(body: unknown, secretKey = me.secretKey): Uint8Array {
  const key = blake2s(utf8ToBytes('peerlock/file-index/v1'), 32, secretKey);
  const nonce = randomBytes(24);
  return concatBytes(nonce, secretbox(utf8ToBytes(JSON.stringify(body)), nonce, key));
}

function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('file index entries', () => {
  it('commit to the file key and nonce as specified: BLAKE2s-256(key = fileKey, "peerlock/file-key-commitment/v1" ‖ fileNonce)', () => {
    const expected = blake2s(concatBytes(utf8ToBytes('peerlock/file-key-commitment/v1'), infoA.fileNonce), 32, infoA.fileKey);
    expect(fileKeyCommitment(infoA)).toEqual(expected);
    expect(entryA.keyCommitment).toBe(bytesToBase64(expected));
    expect(entryA.fileHash).toBe(bytesToBase64(infoA.fileHash));
  });

  it('match only the same file hash, key and nonce', () => {
    expect(matchesEntry(entryA, infoA)).toBe(true);
    expect(matchesEntry(entryA, { ...infoA, fileHash: randomBytes(32) })).toBe(false);
    expect(matchesEntry(entryA, { ...infoA, fileKey: randomBytes(32) })).toBe(false);
    expect(matchesEntry(entryA, { ...infoA, fileNonce: randomBytes(16) })).toBe(false);
  });

  it('are added once: the first verified record of an id stands; removing bumps the version', () => {
    expect(index.version).toBe(1);
    const other = fileIndexEntry({ ...entryA, fileInfo: fileInfo(), origin: 'accepted' });
    expect(withFileEntry(index, other)).toBe(index);
    const removed = withoutFileEntry(index, entryA.fileId);
    expect(removed).toEqual({ version: 2, entries: {} });
    expect(withoutFileEntry(removed, entryA.fileId)).toBe(removed);
  });
});

describe('sealed file index', () => {
  it('round-trips through the seal, for another device of the same user', () => {
    expect(openFileIndex(sealFileIndex(index, me.secretKey), me.secretKey, 0)).toEqual(index);
    expect(openFileIndex(sealFileIndex(emptyFileIndex, me.secretKey), me.secretKey, 0)).toEqual(emptyFileIndex);
  });

  it('opens a blob made exactly as the format says', () => {
    const { fileId: id, ...rest } = entryA;
    const blob = sealBody({ v: 1, version: 7, entries: [{ fileId: id, ...rest }] });
    expect(openFileIndex(blob, me.secretKey, 7)).toEqual({ version: 7, entries: { [id]: entryA } });
  });

  it('refuses every flipped bit, and an index sealed with any other key', () => {
    const blob = sealFileIndex(index, me.secretKey);
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const bad = blob.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const error = errorOf(() => openFileIndex(bad, me.secretKey, 0));
      expect(error).toBeInstanceOf(FileIndexRejectedError);
      expect(error).toEqual(rejected('undecryptable'));
    }
    expect(errorOf(() => openFileIndex(sealFileIndex(index, randomBytes(32)), me.secretKey, 0))).toEqual(rejected('undecryptable'));
    expect(errorOf(() => openFileIndex(blob.subarray(0, 39), me.secretKey, 0))).toEqual(rejected('undecryptable'));
  });

  it('refuses an index older than the newest this device has seen (rollback), accepts the same or newer', () => {
    const blob = sealFileIndex(index, me.secretKey);
    expect(errorOf(() => openFileIndex(blob, me.secretKey, 2))).toEqual(rejected('rollback'));
    expect(openFileIndex(blob, me.secretKey, 1).version).toBe(1);
  });

  it.each<[string, unknown]>([
    ['not JSON', undefined],
    ['JSON null', null],
    ['format 2', { v: 2, version: 1, entries: [] }],
    ['no format', { version: 1, entries: [] }],
    ['a negative version', { v: 1, version: -1, entries: [] }],
    ['a fractional version', { v: 1, version: 1.5, entries: [] }],
    ['entries an object', { v: 1, version: 1, entries: {} }],
    ['an entry null', { v: 1, version: 1, entries: [null] }],
    ['an entry with an extra field', { v: 1, version: 1, entries: [{ ...entryA, extra: 1 }] }],
    ['an entry missing its sender', { v: 1, version: 1, entries: [{ ...entryA, sender: undefined }] }],
    ['a bad file id', { v: 1, version: 1, entries: [{ ...entryA, fileId: 'short' }] }],
    ['a 31-byte file hash', { v: 1, version: 1, entries: [{ ...entryA, fileHash: bytesToBase64(randomBytes(31)) }] }],
    ['a non-canonical commitment', { v: 1, version: 1, entries: [{ ...entryA, keyCommitment: entryA.keyCommitment.slice(0, -2) + 'B=' }] }],
    ['a name of 257 bytes', { v: 1, version: 1, entries: [{ ...entryA, name: 'x'.repeat(257) }] }],
    ['a negative size', { v: 1, version: 1, entries: [{ ...entryA, size: -1 }] }],
    ['an unknown origin', { v: 1, version: 1, entries: [{ ...entryA, origin: 'found' }] }],
    ['a sender that is no miniLock ID', { v: 1, version: 1, entries: [{ ...entryA, sender: 'mallory' }] }],
    ['the same id twice', { v: 1, version: 1, entries: [entryA, entryA] }],
  ])('refuses a malformed index: %s', (_case, body) => {
    const blob =
      body === undefined
        ? (() => {
            const key = blake2s(utf8ToBytes('peerlock/file-index/v1'), 32, me.secretKey);
            const nonce = randomBytes(24);
            return concatBytes(nonce, secretbox(utf8ToBytes('{"v":1,'), nonce, key));
          })()
        : sealBody(body);
    const error = errorOf(() => openFileIndex(blob, me.secretKey, 0));
    expect(error).toBeInstanceOf(FileIndexRejectedError);
    expect(error).toEqual(rejected('malformed'));
  });

  it('costs about 300 bytes per entry, sealed', () => {
    let big = emptyFileIndex;
    for (let i = 0; i < 1000; i++) {
      big = withFileEntry(big, fileIndexEntry({ fileId: fileId(), fileInfo: fileInfo(), name: `scan-${String(i).padStart(4, '0')}.pdf`, size: 1_000_000 + i, origin: 'accepted', sender: myId }));
    }
    const perEntry = (sealFileIndex(big, me.secretKey).length - sealFileIndex(emptyFileIndex, me.secretKey).length) / 1000;
    expect(perEntry).toBeGreaterThan(250);
    expect(perEntry).toBeLessThan(320);
  });
});

describe('argument checks', () => {
  const T = TypeError;
  const R = RangeError;
  const cases: [string, string, () => unknown, typeof TypeError | typeof RangeError][] = [
    ['fileKeyCommitment', 'fileInfo null', () => fileKeyCommitment(null as never), T],
    ['fileKeyCommitment', 'fileKey 16 bytes', () => fileKeyCommitment({ ...infoA, fileKey: new Uint8Array(16) }), R],
    ['fileIndexEntry', 'fileId not an id', () => fileIndexEntry({ ...entryA, fileId: 'x', fileInfo: infoA }), T],
    ['fileIndexEntry', 'fileInfo a string', () => fileIndexEntry({ ...entryA, fileInfo: 'k' as never }), T],
    ['fileIndexEntry', 'name 257 bytes', () => fileIndexEntry({ ...entryA, fileInfo: infoA, name: 'é'.repeat(128) + 'x' }), R],
    ['fileIndexEntry', 'size negative', () => fileIndexEntry({ ...entryA, fileInfo: infoA, size: -1 }), R],
    ['fileIndexEntry', 'origin unknown', () => fileIndexEntry({ ...entryA, fileInfo: infoA, origin: 'found' as never }), T],
    ['fileIndexEntry', 'sender not a miniLock ID', () => fileIndexEntry({ ...entryA, fileInfo: infoA, sender: 'bob' }), T],
    ['matchesEntry', 'fileInfo null', () => matchesEntry(entryA, null as never), T],
    ['sealFileIndex', 'index null', () => sealFileIndex(null as never, me.secretKey), T],
    ['sealFileIndex', 'secret key 31 bytes', () => sealFileIndex(index, new Uint8Array(31)), R],
    ['openFileIndex', 'blob a string', () => openFileIndex('blob' as never, me.secretKey, 0), T],
    ['openFileIndex', 'secret key a string', () => openFileIndex(new Uint8Array(64), 'k' as never, 0), T],
    ['openFileIndex', 'newestSeenVersion negative', () => openFileIndex(new Uint8Array(64), me.secretKey, -1), R],
    ['openFileIndex', 'newestSeenVersion fractional', () => openFileIndex(new Uint8Array(64), me.secretKey, 0.5), R],
  ];
  it.each(cases)('%s: %s', (_fn, _what, call, type) => {
    const error = errorOf(call);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(/^[\w.]+: /);
  });
});
