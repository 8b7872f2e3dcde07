/**
 * The archive's record format (peerlock-archive/v1) and its resumable
 * miniLock writer (sdk/src/archive, docs/archive.md): every bound a hostile
 * archive meets, and an export stopped anywhere and resumed giving an archive
 * that opens, with the passphrase's key alone, to exactly the plaintext an
 * uninterrupted one holds.
 */
import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_FILE_NAME,
  ArchiveRejectedError,
  ArchiveResumeError,
  ArchiveWriter,
  MAX_RECORD_HEADER_BYTES,
  MemoryArchiveTarget,
  decryptStream,
  DecryptionError,
  encodeRecord,
  keyPairFromSecretKey,
  MalformedFileError,
  miniLockIdOf,
  randomBytes,
  readPayload,
  readRecord,
  sealCheckpoint,
  openCheckpoint,
  utf8ToBytes,
  type ArchiveRecord,
} from '../src/index.js';
import { ByteReader } from '../src/minilock/byte-reader.js';

const me = keyPairFromSecretKey(randomBytes(32));
const myId = miniLockIdOf(me);

const reader = (...pieces: Uint8Array[]) => new ByteReader(pieces, 'test');
const u32 = (n: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, false);
  return out;
};
const framed = (json: string) => {
  const body = utf8ToBytes(json);
  return new Uint8Array([...u32(body.length), ...body]);
};
/** Byte equality without a deep-equal over megabytes. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
const errorOf = (p: Promise<unknown>) => p.then(() => 'no error', (e: unknown) => e);

async function decryptAll(bytes: Uint8Array, secretKey = me.secretKey): Promise<{ plaintext: Uint8Array; senderID: string; fileName: string }> {
  const file = await decryptStream([bytes], secretKey);
  const parts: Uint8Array[] = [];
  for await (const p of file.plaintext) parts.push(p.slice());
  const plaintext = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) plaintext.set(p, (at += p.length) - p.length);
  return { plaintext, senderID: file.senderID, fileName: file.fileName };
}

describe('archive records', () => {
  const manifest: ArchiveRecord = { type: 'manifest', format: 'peerlock-archive/v1', username: 'alice', miniLockId: myId, server: 'http://a/graphql', exportedAt: 1, includesFiles: true };

  it('round-trips every record type, payload left to the caller', async () => {
    const records: ArchiveRecord[] = [
      manifest,
      { type: 'contact', username: 'bob', miniLockId: myId, pinnedAt: 5, verified: true, relation: 'contact' },
      { type: 'conversation', id: 'c1', participants: ['alice', 'bob'], subject: 'hi', withheld: [{ sender: 'bob', sequences: [3], count: 1 }], messageCount: 2 },
      { type: 'message', conversationId: 'c1', id: 'm1', sender: 'bob', serverTime: 10, sentAt: 9, body: 'hello', verification: { state: 'verified', late: true } },
      { type: 'message', conversationId: 'c1', id: 'm2', sender: 'bob', serverTime: 11, verification: { state: 'refused', reason: 'SenderKeyMismatch' } },
      { type: 'file', id: 'f1', name: 'a.bin', size: 3, origin: 'uploaded', sender: myId, bytesFollow: true, payloadBytes: 3 },
      { type: 'file-end', id: 'f1', sha256: 'ab'.repeat(32) },
      { type: 'end', counts: { contacts: 1, conversations: 1, messages: 2, files: 1, fileBytes: 3 } },
    ];
    const pieces = records.flatMap((r) => (r.type === 'file' ? [encodeRecord(r), new Uint8Array([1, 2, 3])] : [encodeRecord(r)]));
    const r = reader(...pieces);
    const read: ArchiveRecord[] = [];
    for (let rec = await readRecord(r); rec; rec = await readRecord(r)) {
      read.push(rec);
      if (rec.type === 'file') for await (const p of readPayload(r, rec.payloadBytes)) expect([...p]).toEqual([1, 2, 3]);
    }
    expect(read).toEqual(records);
  });

  it('refuses a header over 1 MiB before reading it, and an empty one', async () => {
    const big = await errorOf(readRecord(reader(u32(MAX_RECORD_HEADER_BYTES + 1))));
    expect(big).toBeInstanceOf(ArchiveRejectedError);
    expect((big as ArchiveRejectedError).reason).toBe('record-too-large');
    expect(((await errorOf(readRecord(reader(u32(0))))) as ArchiveRejectedError).reason).toBe('record-too-large');
    expect(() => encodeRecord({ ...manifest, server: 'x'.repeat(MAX_RECORD_HEADER_BYTES) } as ArchiveRecord)).toThrow(RangeError);
  });

  it('refuses truncation: in the length, in the header, in a payload', async () => {
    expect(((await errorOf(readRecord(reader(new Uint8Array([0, 0]))))) as ArchiveRejectedError).reason).toBe('truncated');
    expect(((await errorOf(readRecord(reader(framed('{"type":"end"}').subarray(0, 8))))) as ArchiveRejectedError).reason).toBe('truncated');
    const r = reader(new Uint8Array([1, 2]));
    const payload = errorOf((async () => { for await (const _ of readPayload(r, 3)) void _; })());
    expect(((await payload) as ArchiveRejectedError).reason).toBe('truncated');
    expect(await readRecord(reader())).toBeNull();
  });

  it.each([
    ['not JSON', '{'],
    ['not an object', '[1]'],
    ['an unknown type', '{"type":"shell"}'],
    ['a manifest of another format', '{"type":"manifest","format":"peerlock-archive/v9"}'],
    ['a contact with a bad key', '{"type":"contact","username":"bob","miniLockId":"nope","pinnedAt":1,"verified":true,"relation":"contact"}'],
    ['a refused message with content', '{"type":"message","conversationId":"c","id":"m","sender":"bob","serverTime":1,"body":"forged","verification":{"state":"refused","reason":"Undecryptable"}}'],
    ['a message with a made-up verification', '{"type":"message","conversationId":"c","id":"m","sender":"bob","serverTime":1,"verification":{"state":"trust-me"}}'],
    ['a file whose payload is not its size', '{"type":"file","id":"f","name":"n","size":10,"origin":"uploaded","sender":"x","bytesFollow":true,"payloadBytes":5}'],
    ['a refused file with bytes', '{"type":"file","id":"f","name":"n","size":5,"origin":"uploaded","sender":"x","bytesFollow":true,"payloadBytes":5,"refused":"header-mismatch"}'],
    ['a negative count', '{"type":"end","counts":{"contacts":-1,"conversations":0,"messages":0,"files":0,"fileBytes":0}}'],
    ['a bad hash', '{"type":"file-end","id":"f","sha256":"zz"}'],
  ])('refuses %s with a typed error', async (_name, json) => {
    const error = await errorOf(readRecord(reader(framed(json))));
    expect(error).toBeInstanceOf(ArchiveRejectedError);
    expect(['malformed-record', 'unsupported-version']).toContain((error as ArchiveRejectedError).reason);
  });
});

describe('the resumable archive writer', () => {
  const plaintext = randomBytes(3 * 1024 * 1024 + 12_345);

  it('writes one miniLock file from and to the user, opened with the secret key alone', async () => {
    const target = new MemoryArchiveTarget();
    const writer = await ArchiveWriter.start(me.secretKey, target);
    for (let at = 0; at < plaintext.length; at += 77_777) await writer.write(plaintext.subarray(at, at + 77_777));
    await writer.finish();
    const opened = await decryptAll(target.bytes());
    expect(same(opened.plaintext, plaintext)).toBe(true);
    expect(opened.senderID).toBe(myId);
    expect(opened.fileName).toBe(ARCHIVE_FILE_NAME);
    // Someone else's key does not open it.
    expect(await errorOf(decryptAll(target.bytes(), randomBytes(32)))).toHaveProperty('code', 'NOT_A_RECIPIENT');
  });

  it.each([0, 1, 1024 * 1024, 2 * 1024 * 1024 + 5])('stopped after %i bytes (and a chunk written past the checkpoint), resumes to the same plaintext', async (cut) => {
    const target = new MemoryArchiveTarget();
    const first = await ArchiveWriter.start(me.secretKey, target);
    await first.write(plaintext.subarray(0, cut));
    await first.checkpoint({ at: cut });
    // Written after the checkpoint, then the process died: the resume cuts it off.
    await first.write(plaintext.subarray(cut, cut + 2 * 1024 * 1024 + 1));
    const sealed = (await target.loadCheckpoint())!;
    const checkpoint = openCheckpoint<{ at: number }>(sealed, me.secretKey);
    expect(checkpoint.cursor.at).toBe(cut);
    const second = await ArchiveWriter.resume(me.secretKey, target, checkpoint.encryptor);
    await second.write(plaintext.subarray(checkpoint.cursor.at));
    await second.finish();
    expect(same((await decryptAll(target.bytes())).plaintext, plaintext)).toBe(true);
  });

  it('keeps no key in the clear: the checkpoint opens only with the user key, and names no key outright', async () => {
    const target = new MemoryArchiveTarget();
    const writer = await ArchiveWriter.start(me.secretKey, target);
    await writer.write(plaintext.subarray(0, 1000));
    await writer.checkpoint({});
    const sealed = (await target.loadCheckpoint())!;
    const { encryptor } = openCheckpoint(sealed, me.secretKey);
    expect(Buffer.from(sealed).includes(Buffer.from(encryptor.fileKey, 'base64'))).toBe(false);
    expect(Buffer.from(sealed).includes(Buffer.from(encryptor.fileKey))).toBe(false);
    const other = await errorOf((async () => openCheckpoint(sealed, randomBytes(32)))());
    expect(other).toBeInstanceOf(ArchiveResumeError);
    expect((other as ArchiveResumeError).reason).toBe('checkpoint-unreadable');
    const altered = sealed.slice();
    altered[40]! ^= 1;
    expect(((await errorOf((async () => openCheckpoint(altered, me.secretKey))())) as ArchiveResumeError).reason).toBe('checkpoint-unreadable');
    // Well-sealed but not a checkpoint.
    const notOne = sealCheckpoint({ v: 2 } as never, me.secretKey);
    expect(((await errorOf((async () => openCheckpoint(notOne, me.secretKey))())) as ArchiveResumeError).reason).toBe('checkpoint-unreadable');
  });

  it('refuses to resume from a partial shorter than its checkpoint', async () => {
    const target = new MemoryArchiveTarget();
    const writer = await ArchiveWriter.start(me.secretKey, target);
    await writer.write(plaintext);
    await writer.checkpoint({});
    await target.truncate((await target.partialLength()) - 1);
    const { encryptor } = openCheckpoint((await target.loadCheckpoint())!, me.secretKey);
    const error = await errorOf(ArchiveWriter.resume(me.secretKey, target, encryptor));
    expect(error).toBeInstanceOf(ArchiveResumeError);
    expect((error as ArchiveResumeError).reason).toBe('partial-short');
  });

  it('an archive cut short or altered does not open: typed miniLock errors', async () => {
    const target = new MemoryArchiveTarget();
    const writer = await ArchiveWriter.start(me.secretKey, target);
    await writer.write(plaintext);
    await writer.finish();
    const bytes = target.bytes();
    const cut = await errorOf(decryptAll(bytes.subarray(0, bytes.length - 1024 * 1024 - 20)));
    expect(cut).toBeInstanceOf(MalformedFileError);
    const altered = bytes.slice();
    altered[altered.length - 100]! ^= 1;
    expect(await errorOf(decryptAll(altered))).toBeInstanceOf(DecryptionError);
  });
});
