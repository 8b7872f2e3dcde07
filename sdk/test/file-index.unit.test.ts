/**
 * The sealed file index (DESIGN §5, T11): the record format as documented in
 * sdk/src/files/file-index.ts, round trip, tampering, the log's checks
 * (contiguity, foreign records, rollback, restart after a key rotation), the
 * fold, its cost per record, and the argument checks of every export.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  blake2s,
  bytesToBase64,
  concatBytes,
  encodeMiniLockId,
  fileIndexEntry,
  fileKeyCommitment,
  keyPairFromSecretKey,
  matchesEntry,
  openFileIndexRecord,
  randomBytes,
  secretbox,
  sealFileIndexRecord,
  utf8ToBytes,
  FileIndexLog,
  FileIndexRejectedError,
  MAX_FILE_INDEX_RECORD_BYTES,
  type FileIndexEntry,
  type FileIndexRecord,
  type FileInfo,
} from '../src/index.js';

const me = keyPairFromSecretKey(randomBytes(32));
const myId = encodeMiniLockId(me.publicKey);
const fileInfo = (): FileInfo => ({ fileKey: randomBytes(32), fileNonce: randomBytes(16), fileHash: randomBytes(32) });
const fileId = () => bytesToBase64(randomBytes(16)).replace(/\+/g, '-').replace(/\//g, '_').slice(0, 22);
const rejected = (reason: string) => expect.objectContaining({ code: 'FILE_INDEX_REJECTED', reason });
/** A fixed sender of 45 characters (most miniLock IDs; a few are 44 or 46), so record sizes are exact. */
const sender = encodeMiniLockId(new Uint8Array(32).fill(42));
const entry = (name = 'scan-0001.pdf'): FileIndexEntry => fileIndexEntry({ fileId: fileId(), fileInfo: fileInfo(), name, size: 1_000_000, origin: 'accepted', sender });

const infoA = fileInfo();
const entryA = fileIndexEntry({ fileId: fileId(), fileInfo: infoA, name: 'report (final).pdf', size: 123_456, origin: 'uploaded', sender: myId });

/** Seals any JSON body exactly as the documented format says, to reach the checks behind the seal. */
function sealBody(body: unknown, secretKey = me.secretKey, label = 'peerlock/file-index/v2'): Uint8Array {
  const key = blake2s(utf8ToBytes(label), 32, secretKey);
  const nonce = randomBytes(24);
  return concatBytes(nonce, secretbox(utf8ToBytes(typeof body === 'string' ? body : JSON.stringify(body)), nonce, key));
}

function errorOf(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** Records 1..n: puts of fresh entries, sealed with `secretKey`. */
function puts(n: number, from = 1, secretKey = me.secretKey): { records: FileIndexRecord[]; blobs: Uint8Array[] } {
  const records: FileIndexRecord[] = Array.from({ length: n }, (_, i) => ({ sequence: from + i, op: 'put', entry: entry() }));
  return { records, blobs: records.map((r) => sealFileIndexRecord(r, secretKey)) };
}

/** The log of these blobs, read in this order; `check` with this device's mark. */
function readLog(blobs: readonly Uint8Array[], mark = 0, secretKey = me.secretKey): FileIndexLog {
  const log = new FileIndexLog();
  for (const blob of blobs) log.read(blob, secretKey);
  log.check(mark);
  return log;
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
});

describe('sealed file index records', () => {
  const put: FileIndexRecord = { sequence: 7, op: 'put', entry: entryA };

  it('round-trip through the seal, for another device of the same user: put, remove, restart', () => {
    for (const record of [put, { sequence: 8, op: 'remove', fileId: entryA.fileId }, { sequence: 9, op: 'restart' }] as FileIndexRecord[]) {
      expect(openFileIndexRecord(sealFileIndexRecord(record, me.secretKey), me.secretKey)).toEqual(record);
    }
  });

  it('open a blob made exactly as the format says (key label peerlock/file-index/v2, JSON with v: 2)', () => {
    const { fileId: id, fileHash, keyCommitment, name, size, origin, sender } = entryA;
    const blob = sealBody({ v: 2, sequence: 7, op: 'put', entry: { fileId: id, fileHash, keyCommitment, name, size, origin, sender } });
    expect(openFileIndexRecord(blob, me.secretKey)).toEqual(put);
    expect(openFileIndexRecord(sealBody({ v: 2, sequence: 1, op: 'remove', fileId: id }), me.secretKey)).toEqual({ sequence: 1, op: 'remove', fileId: id });
    expect(openFileIndexRecord(sealBody({ v: 2, sequence: 2, op: 'restart' }), me.secretKey)).toEqual({ sequence: 2, op: 'restart' });
  });

  it('refuse every flipped bit, a record sealed with any other key, and one under the v1 label', () => {
    const blob = sealFileIndexRecord(put, me.secretKey);
    for (let bit = 0; bit < blob.length * 8; bit++) {
      const bad = blob.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const error = errorOf(() => openFileIndexRecord(bad, me.secretKey));
      expect(error).toBeInstanceOf(FileIndexRejectedError);
      expect(error).toEqual(rejected('undecryptable'));
    }
    expect(errorOf(() => openFileIndexRecord(sealFileIndexRecord(put, randomBytes(32)), me.secretKey))).toEqual(rejected('undecryptable'));
    expect(errorOf(() => openFileIndexRecord(sealBody({ v: 2, sequence: 1, op: 'restart' }, me.secretKey, 'peerlock/file-index/v1'), me.secretKey))).toEqual(rejected('undecryptable'));
    expect(errorOf(() => openFileIndexRecord(blob.subarray(0, 39), me.secretKey))).toEqual(rejected('undecryptable'));
  });

  const { fileId: _id, ...entryFields } = entryA;
  it.each<[string, unknown]>([
    ['not JSON', '{"v":2,'],
    ['JSON null', null],
    ['an array', [2, 1, 'restart']],
    ['format 1', { v: 1, sequence: 1, op: 'restart' }],
    ['no format', { sequence: 1, op: 'restart' }],
    ['sequence 0', { v: 2, sequence: 0, op: 'restart' }],
    ['a fractional sequence', { v: 2, sequence: 1.5, op: 'restart' }],
    ['a sequence in a string', { v: 2, sequence: '1', op: 'restart' }],
    ['an unknown op', { v: 2, sequence: 1, op: 'snapshot', entries: [] }],
    ['a restart with an extra field', { v: 2, sequence: 1, op: 'restart', entries: [] }],
    ['a put without its entry', { v: 2, sequence: 1, op: 'put' }],
    ['a put with a fileId beside its entry', { v: 2, sequence: 1, op: 'put', entry: entryA, fileId: entryA.fileId }],
    ['an entry null', { v: 2, sequence: 1, op: 'put', entry: null }],
    ['an entry with an extra field', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, extra: 1 } }],
    ['an entry missing its file id', { v: 2, sequence: 1, op: 'put', entry: entryFields }],
    ['a bad file id', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, fileId: 'short' } }],
    ['a 31-byte file hash', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, fileHash: bytesToBase64(randomBytes(31)) } }],
    ['a non-canonical commitment', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, keyCommitment: entryA.keyCommitment.slice(0, -2) + 'B=' } }],
    ['a name of 257 bytes', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, name: 'x'.repeat(257) } }],
    ['a negative size', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, size: -1 } }],
    ['an unknown origin', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, origin: 'found' } }],
    ['a sender that is no miniLock ID', { v: 2, sequence: 1, op: 'put', entry: { ...entryA, sender: 'mallory' } }],
    ['a remove of no file id', { v: 2, sequence: 1, op: 'remove', fileId: 'short' }],
    ['a remove with an entry', { v: 2, sequence: 1, op: 'remove', fileId: entryA.fileId, entry: entryA }],
  ])('refuse a malformed record: %s', (_case, body) => {
    const error = errorOf(() => openFileIndexRecord(sealBody(body), me.secretKey));
    expect(error).toBeInstanceOf(FileIndexRejectedError);
    expect(error).toEqual(rejected('malformed'));
  });

  it('refuse a record whose plaintext is not UTF-8 (malformed)', () => {
    const key = blake2s(utf8ToBytes('peerlock/file-index/v2'), 32, me.secretKey);
    const nonce = randomBytes(24);
    expect(errorOf(() => openFileIndexRecord(concatBytes(nonce, secretbox(new Uint8Array([0x7b, 0xff, 0x7d]), nonce, key)), me.secretKey))).toEqual(rejected('malformed'));
  });

  it('fit MAX_FILE_INDEX_RECORD_BYTES (the server’s limit) at their largest: 1 901 bytes, a name of 256 control characters', () => {
    const sender = encodeMiniLockId(new Uint8Array(32).fill(255));
    expect(sender).toHaveLength(46);
    const largest = fileIndexEntry({ fileId: fileId(), fileInfo: infoA, name: '\u0001'.repeat(256), size: Number.MAX_SAFE_INTEGER, origin: 'attachment', sender });
    const sealed = sealFileIndexRecord({ sequence: Number.MAX_SAFE_INTEGER, op: 'put', entry: largest }, me.secretKey);
    expect(sealed.length).toBe(1901);
    expect(sealed.length).toBeLessThanOrEqual(MAX_FILE_INDEX_RECORD_BYTES);
  });

  it('cost the same bytes whatever the index’s size: about 350 per entry (351 with a 13-character name and a 45-character sender)', () => {
    const e = entry('scan-0001.pdf');
    const first = sealFileIndexRecord({ sequence: 1, op: 'put', entry: e }, me.secretKey).length;
    const later = sealFileIndexRecord({ sequence: 3000, op: 'put', entry: e }, me.secretKey).length;
    expect(first).toBe(351);
    // Only the sequence's digits grow.
    expect(later - first).toBe(3);
    expect(sealFileIndexRecord({ sequence: 3000, op: 'remove', fileId: e.fileId }, me.secretKey).length).toBe(111);
    expect(sealFileIndexRecord({ sequence: 3000, op: 'restart' }, me.secretKey).length).toBe(78);
  });
});

describe('file index log', () => {
  it('folds put and remove in order; a put of an id already there keeps the first entry; a remove of an absent id changes nothing', () => {
    const a = entry('a');
    const b = entry('b');
    const again = { ...fileIndexEntry({ fileId: a.fileId, fileInfo: fileInfo(), name: 'a2', size: 1, origin: 'uploaded', sender: myId }) };
    const records: FileIndexRecord[] = [
      { sequence: 1, op: 'put', entry: a },
      { sequence: 2, op: 'put', entry: b },
      { sequence: 3, op: 'put', entry: again },
      { sequence: 4, op: 'remove', fileId: b.fileId },
      { sequence: 5, op: 'remove', fileId: b.fileId },
    ];
    const log = readLog(records.map((r) => sealFileIndexRecord(r, me.secretKey)));
    expect(log.version).toBe(5);
    expect({ ...log.entries }).toEqual({ [a.fileId]: a });
    expect(readLog([]).version).toBe(0);
    expect({ ...readLog([]).entries }).toEqual({});
  });

  it('accepts a log as long as the device’s mark or longer, raises nothing itself, and refuses a shorter one (rollback)', () => {
    const { blobs } = puts(3);
    expect(readLog(blobs, 3).version).toBe(3);
    expect(readLog(blobs, 2).version).toBe(3);
    expect(errorOf(() => readLog(blobs, 4))).toEqual(rejected('rollback'));
    expect(errorOf(() => readLog([], 1))).toEqual(rejected('rollback'));
  });

  describe('refuses a log the server changed, with the exact reason', () => {
    const { blobs } = puts(5);
    const other = keyPairFromSecretKey(randomBytes(32));
    it.each<[string, () => Uint8Array[], number, string]>([
      ['a middle record dropped', () => [blobs[0]!, blobs[1]!, blobs[3]!, blobs[4]!], 0, 'gap'],
      ['a middle record dropped, even below the mark (the gap is named)', () => [blobs[0]!, blobs[1]!, blobs[3]!, blobs[4]!], 5, 'gap'],
      ['the first record dropped', () => blobs.slice(1), 0, 'gap'],
      ['a record served twice', () => [blobs[0]!, blobs[1]!, blobs[1]!, blobs[2]!], 0, 'gap'],
      ['the last record served twice', () => [...blobs, blobs[4]!], 0, 'gap'],
      ['two records swapped', () => [blobs[0]!, blobs[2]!, blobs[1]!, blobs[3]!, blobs[4]!], 0, 'gap'],
      ['another user’s record put in', () => [blobs[0]!, blobs[1]!, sealFileIndexRecord({ sequence: 3, op: 'put', entry: entry() }, other.secretKey), blobs[2]!], 0, 'undecryptable'],
      ['another user’s record put last, with the right sequence', () => [...blobs, sealFileIndexRecord({ sequence: 6, op: 'remove', fileId: entryA.fileId }, other.secretKey)], 0, 'undecryptable'],
      ['a record replaced by bytes no key opens', () => [blobs[0]!, randomBytes(200), blobs[2]!], 0, 'undecryptable'],
      ['a record sealed by us that is no record', () => [blobs[0]!, sealBody({ v: 2, sequence: 2, op: 'snapshot' })], 0, 'malformed'],
      ['the newest records dropped, below the mark', () => blobs.slice(0, 3), 5, 'rollback'],
    ])('%s → %s', (_case, served, mark, reason) => {
      const error = errorOf(() => readLog(served(), mark));
      expect(error).toBeInstanceOf(FileIndexRejectedError);
      expect(error).toEqual(rejected(reason));
    });
  });

  describe('after a key rotation (a restart, then a put per entry, under the new key)', () => {
    const next = keyPairFromSecretKey(randomBytes(32));
    const old = puts(4);
    const kept = [old.records[0]!, old.records[2]!].map((r) => (r.op === 'put' ? r.entry : entryA));
    const rotation: FileIndexRecord[] = [{ sequence: 5, op: 'restart' }, ...kept.map((e, i): FileIndexRecord => ({ sequence: 6 + i, op: 'put', entry: e }))];
    const rotated = rotation.map((r) => sealFileIndexRecord(r, next.secretKey));

    it('reads from the last restart on: the records before it, sealed to the old key, are counted and not opened', () => {
      const log = readLog([...old.blobs, ...rotated], 7, next.secretKey);
      expect(log.version).toBe(7);
      expect(Object.keys(log.entries).sort()).toEqual(kept.map((e) => e.fileId).sort());
    });

    it('is what the rotating device holds after skip(old records) and writing the same records', () => {
      const log = new FileIndexLog();
      log.skip(4);
      for (const r of rotation) log.wrote(r);
      log.check(7);
      expect(log.version).toBe(7);
      expect({ ...log.entries }).toEqual({ ...readLog([...old.blobs, ...rotated], 0, next.secretKey).entries });
    });

    it('refuses old-key records with no restart after them, a restart moved, and a bad record after the restart', () => {
      expect(errorOf(() => readLog(old.blobs, 0, next.secretKey))).toEqual(rejected('undecryptable'));
      const skipped = new FileIndexLog();
      skipped.skip(4);
      expect(errorOf(() => skipped.check(0))).toEqual(rejected('undecryptable'));
      // A record dropped (or one slipped in) before the restart moves it from its place: it is no restart, so the
      // old-key records before it are what is refused.
      expect(errorOf(() => readLog([...old.blobs.slice(1), ...rotated], 0, next.secretKey))).toEqual(rejected('undecryptable'));
      expect(errorOf(() => readLog([...old.blobs, randomBytes(100), ...rotated], 0, next.secretKey))).toEqual(rejected('undecryptable'));
      expect(errorOf(() => readLog([...rotated.slice(1)], 0, next.secretKey))).toEqual(rejected('gap'));
      expect(errorOf(() => readLog([...old.blobs, ...rotated, randomBytes(100)], 0, next.secretKey))).toEqual(rejected('undecryptable'));
      expect(errorOf(() => readLog([...old.blobs, rotated[0]!, rotated[2]!], 0, next.secretKey))).toEqual(rejected('gap'));
    });

    it('the old key no longer reads the index (the restart does not open for it)', () => {
      expect(errorOf(() => readLog([...old.blobs, ...rotated], 0, me.secretKey))).toEqual(rejected('undecryptable'));
    });
  });

  describe('costs O(1) per record (counted, not timed)', () => {
    afterEach(() => vi.restoreAllMocks());
    const { blobs } = puts(4000);

    /** Operations that would grow with the index if a record made the log copy or re-read what it holds. */
    function countedRead(n: number): { parses: number; parsedChars: number; keyLists: number; copies: number; tableReplaced: boolean; log: FileIndexLog } {
      const parse = vi.spyOn(JSON, 'parse');
      const keys = vi.spyOn(Object, 'keys');
      const copies = [vi.spyOn(Object, 'assign'), vi.spyOn(Object, 'entries'), vi.spyOn(Object, 'values'), vi.spyOn(Object, 'fromEntries'), vi.spyOn(globalThis, 'structuredClone')];
      const log = new FileIndexLog();
      let tableReplaced = false;
      for (const blob of blobs.slice(0, n)) {
        const table = log.entries;
        log.read(blob, me.secretKey);
        tableReplaced ||= log.entries !== table;
      }
      log.check(0);
      const counts = {
        parses: parse.mock.calls.length,
        parsedChars: parse.mock.calls.reduce((sum, [text]) => sum + String(text).length, 0),
        keyLists: keys.mock.calls.length,
        copies: copies.reduce((sum, spy) => sum + spy.mock.calls.length, 0),
        tableReplaced,
        log,
      };
      vi.restoreAllMocks();
      return counts;
    }

    it('4 000 records cost 4 times what 1 000 cost: one parse of one record each, no copy of the entries', () => {
      const small = countedRead(1000);
      const large = countedRead(4000);
      expect(large.log.version).toBe(4000);
      expect(Object.keys(large.log.entries)).toHaveLength(4000);
      expect([small.parses, large.parses]).toEqual([1000, 4000]);
      expect([small.keyLists / 1000, large.keyLists / 4000]).toEqual([2, 2]);
      expect([small.copies, large.copies]).toEqual([0, 0]);
      expect([small.tableReplaced, large.tableReplaced]).toEqual([false, false]);
      // Characters parsed grow with the records read, not with their square (only the sequence's digits differ).
      const ratio = large.parsedChars / small.parsedChars;
      expect(ratio).toBeGreaterThan(3.99);
      expect(ratio).toBeLessThan(4.02);
    });
  });
});

describe('argument checks', () => {
  const T = TypeError;
  const R = RangeError;
  const put: FileIndexRecord = { sequence: 1, op: 'put', entry: entryA };
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
    ['sealFileIndexRecord', 'record null', () => sealFileIndexRecord(null as never, me.secretKey), T],
    ['sealFileIndexRecord', 'sequence 0', () => sealFileIndexRecord({ ...put, sequence: 0 }, me.secretKey), T],
    ['sealFileIndexRecord', 'an unknown op', () => sealFileIndexRecord({ sequence: 1, op: 'snapshot' } as never, me.secretKey), T],
    ['sealFileIndexRecord', 'an entry with a bad name', () => sealFileIndexRecord({ ...put, entry: { ...entryA, name: 'x'.repeat(257) } }, me.secretKey), T],
    ['sealFileIndexRecord', 'secret key 31 bytes', () => sealFileIndexRecord(put, new Uint8Array(31)), R],
    ['openFileIndexRecord', 'blob a string', () => openFileIndexRecord('blob' as never, me.secretKey), T],
    ['openFileIndexRecord', 'secret key a string', () => openFileIndexRecord(new Uint8Array(64), 'k' as never), T],
    ['FileIndexLog.read', 'blob a string', () => new FileIndexLog().read('blob' as never, me.secretKey), T],
    ['FileIndexLog.wrote', 'not the next sequence', () => new FileIndexLog().wrote({ ...put, sequence: 2 }), R],
    ['FileIndexLog.wrote', 'not a record', () => new FileIndexLog().wrote({ sequence: 1, op: 'put' } as never), T],
    ['FileIndexLog.skip', 'count negative', () => new FileIndexLog().skip(-1), R],
    ['FileIndexLog.check', 'newestSeenVersion negative', () => new FileIndexLog().check(-1), R],
    ['FileIndexLog.check', 'newestSeenVersion fractional', () => new FileIndexLog().check(0.5), R],
  ];
  it.each(cases)('%s: %s', (_fn, _what, call, type) => {
    const error = errorOf(call);
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(/^[\w.]+: /);
  });
});
