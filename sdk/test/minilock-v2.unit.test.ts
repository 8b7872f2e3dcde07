/**
 * miniLock file format version 2 (45678/miniLockLib): as version 1, but the
 * header says "version":2 and chunk 0 holds name(256) ‖ media type(128) ‖
 * time(24). No reference vectors exist for it, so files are cross-checked
 * against a small independent encoder and decoder written here from
 * miniLockLib's EncryptOperation / DecryptOperation, on tweetnacl and blakejs
 * directly (none of the SDK's code).
 */
import blake from 'blakejs';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  base58ToBytes,
  concatBytes,
  decryptFile,
  decryptStream,
  encodeMiniLockId,
  encryptFile,
  encryptFileParts,
  MalformedFileError,
  openHeader,
  rewrapHeader,
  splitFile,
  utf8ToBytes,
} from '../src/index.js';
import { collect, identities, loadVector, pieces, sameBytes } from './minilock-fixtures.js';

const { alice, bob, carol } = identities;
const MiB = 1024 * 1024;
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const unb64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

function nonceOf(fileNonce: Uint8Array, i: number, last: boolean): Uint8Array {
  const n = new Uint8Array(24);
  n.set(fileNonce);
  new DataView(n.buffer).setUint32(16, i, true);
  if (last) n[23]! |= 0x80;
  return n;
}

function padded(s: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  out.set(utf8ToBytes(s));
  return out;
}

/** EncryptOperation with version 2, transcribed. */
function miniLockLibEncrypt(data: Uint8Array, name: string, type: string, time: Date, senderSecret: Uint8Array, ids: string[]): Uint8Array {
  const ephemeral = nacl.box.keyPair();
  const fileKey = nacl.randomBytes(32);
  const fileNonce = nacl.randomBytes(24).subarray(0, 16);
  const hash = blake.blake2sInit(32, null);
  const out: Uint8Array[] = [];
  let i = 0;
  const push = (bytes: Uint8Array, last: boolean) => {
    const box = nacl.secretbox(bytes, nonceOf(fileNonce, i++, last), fileKey);
    const framed = new Uint8Array(4 + box.length);
    new DataView(framed.buffer).setUint32(0, bytes.length, true);
    framed.set(box, 4);
    blake.blake2sUpdate(hash, framed);
    out.push(framed);
  };
  push(concatBytes(padded(name, 256), padded(type, 128), padded(time.toJSON(), 24)), false);
  for (let position = 0; ; position += MiB) {
    const slice = data.subarray(position, position + MiB);
    const last = position + slice.length === data.length;
    push(slice, last);
    if (last) break;
  }
  const fileHash = blake.blake2sFinal(hash);
  // (The ID encoding is not what is under test here.)
  const senderID = encodeMiniLockId(nacl.box.keyPair.fromSecretKey(senderSecret).publicKey);
  const decryptInfo: Record<string, string> = {};
  for (const id of ids) {
    const nonce = nacl.randomBytes(24);
    const recipient = base58ToBytes(id).subarray(0, 32);
    const fileInfo = JSON.stringify({ fileKey: b64(fileKey), fileNonce: b64(fileNonce), fileHash: b64(fileHash) });
    const permit = { senderID, recipientID: id, fileInfo: b64(nacl.box(utf8ToBytes(fileInfo), nonce, recipient, senderSecret)) };
    decryptInfo[b64(nonce)] = b64(nacl.box(utf8ToBytes(JSON.stringify(permit)), nonce, recipient, ephemeral.secretKey));
  }
  const headerJson = utf8ToBytes(JSON.stringify({ version: 2, ephemeral: b64(ephemeral.publicKey), decryptInfo }));
  const size = new Uint8Array(4);
  new DataView(size.buffer).setUint32(0, headerJson.length, true);
  return concatBytes(utf8ToBytes('miniLock'), size, headerJson, ...out);
}

/** DecryptOperation for version 2, transcribed (it drops every zero byte of each attribute). */
function miniLockLibDecrypt(file: Uint8Array, secretKey: Uint8Array): { name: string; type: string; time: string; data: Uint8Array; senderID: string } {
  const headerLength = new DataView(file.buffer, file.byteOffset + 8, 4).getUint32(0, true);
  const header = JSON.parse(text(file.subarray(12, 12 + headerLength)));
  expect(header.version).toBe(2);
  for (const [nonceText, permitText] of Object.entries(header.decryptInfo as Record<string, string>)) {
    const nonce = unb64(nonceText);
    const permitBytes = nacl.box.open(unb64(permitText), nonce, unb64(header.ephemeral), secretKey);
    if (!permitBytes) continue;
    const permit = JSON.parse(text(permitBytes));
    const fileInfo = JSON.parse(text(nacl.box.open(unb64(permit.fileInfo), nonce, base58ToBytes(permit.senderID).subarray(0, 32), secretKey)!));
    const key = unb64(fileInfo.fileKey);
    const fileNonce = unb64(fileInfo.fileNonce);
    let position = 12 + headerLength;
    const attributes = nacl.secretbox.open(file.subarray(position + 4, position + 4 + 408 + 16), nonceOf(fileNonce, 0, false), key)!;
    position += 4 + 408 + 16;
    const field = (b: Uint8Array) => text(b.filter((x) => x !== 0));
    const data: Uint8Array[] = [];
    for (let i = 1; ; i++) {
      const end = Math.min(position + MiB + 20, file.length);
      const last = end === file.length;
      data.push(nacl.secretbox.open(file.subarray(position + 4, end), nonceOf(fileNonce, i, last), key)!);
      position = end;
      if (last) break;
    }
    return { name: field(attributes.subarray(0, 256)), type: field(attributes.subarray(256, 384)), time: field(attributes.subarray(384)), data: concatBytes(...data), senderID: permit.senderID };
  }
  throw new Error('not a recipient');
}

const time = new Date('2014-10-10T12:34:56.789Z');

describe('version 2 (miniLockLib)', () => {
  it('round trips with name, media type and time, whole and streamed', async () => {
    const plain = new Uint8Array(MiB + 17).map((_, i) => i % 253);
    const file = encryptFile(plain, { senderSecretKey: alice.secretKey, recipients: [bob.id], version: 2, fileName: 'photo.jpg', mediaType: 'image/jpeg', time });
    const { header, chunks } = splitFile(file);
    expect(new TextDecoder().decode(header.subarray(12, 24))).toBe('{"version":2');
    expect(new DataView(chunks.buffer, chunks.byteOffset, 4).getUint32(0, true)).toBe(408);
    const out = decryptFile(file, bob.secretKey);
    expect(out).toMatchObject({ version: 2, fileName: 'photo.jpg', mediaType: 'image/jpeg', time: '2014-10-10T12:34:56.789Z', senderID: alice.id });
    expect(sameBytes(out.plaintext, plain)).toBe('equal');
    const streamed = await decryptStream(pieces(file, 50_000), bob.secretKey);
    expect(streamed).toMatchObject({ version: 2, mediaType: 'image/jpeg', time: '2014-10-10T12:34:56.789Z' });
    expect(sameBytes(await collect(streamed.plaintext), plain)).toBe('equal');
  });

  it('reads files made the way miniLockLib makes them', () => {
    for (const size of [0, 1000, MiB, MiB + 1]) {
      const plain = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
      const file = miniLockLibEncrypt(plain, 'résumé.pdf', 'application/pdf', time, carol.secretKey, [alice.id, bob.id]);
      for (const who of [alice, bob]) {
        const out = decryptFile(file, who.secretKey);
        expect(out).toMatchObject({ version: 2, fileName: 'résumé.pdf', mediaType: 'application/pdf', time: time.toJSON(), senderID: carol.id });
        expect(sameBytes(out.plaintext, plain)).toBe('equal');
      }
    }
  });

  it('writes files that miniLockLib’s decryption reads', () => {
    for (const size of [0, 5, MiB, 2 * MiB + 3]) {
      const plain = new Uint8Array(size).map((_, i) => (i * 13) & 0xff);
      const file = encryptFile(plain, { senderSecretKey: bob.secretKey, recipients: [carol.id], version: 2, fileName: 'a.txt', mediaType: 'text/plain', time });
      const out = miniLockLibDecrypt(file, carol.secretKey);
      expect(out).toMatchObject({ name: 'a.txt', type: 'text/plain', time: time.toJSON(), senderID: bob.id });
      expect(sameBytes(out.data, plain)).toBe('equal');
    }
  });

  it('refuses a header version that disagrees with chunk 0 (the header is not authenticated, chunk 0 is)', async () => {
    const v1 = loadVector('v1-alice-to-bob-carol').minilock.slice();
    v1.set(utf8ToBytes('{"version":2'), 12);
    const v2 = encryptFile(new Uint8Array(3), { senderSecretKey: alice.secretKey, recipients: [bob.id], version: 2, time });
    v2.set(utf8ToBytes('{"version":1'), 12);
    for (const [file, key] of [[v1, bob.secretKey], [v2, bob.secretKey]] as const) {
      expect(() => decryptFile(file, key)).toThrow(expect.objectContaining({ code: 'MALFORMED_FILE', reason: 'version' }));
      await expect(decryptStream([file], key)).rejects.toBeInstanceOf(MalformedFileError);
    }
  });

  it('keeps the version when re-wrapping', () => {
    const parts = encryptFileParts(new Uint8Array(10), { senderSecretKey: alice.secretKey, recipients: [bob.id], version: 2, mediaType: 'x/y', time });
    const fromHeader = rewrapHeader(parts.header, bob.secretKey, [carol.id]);
    expect(openHeader(fromHeader, carol.secretKey).version).toBe(2);
    expect(decryptFile(concatBytes(fromHeader, parts.chunks), carol.secretKey)).toMatchObject({ version: 2, mediaType: 'x/y', senderID: bob.id });
    const fromInfo = rewrapHeader(parts.fileInfo, alice.secretKey, [carol.id], { version: 2 });
    expect(decryptFile(concatBytes(fromInfo, parts.chunks), carol.secretKey).mediaType).toBe('x/y');
    const wrongVersion = rewrapHeader(parts.fileInfo, alice.secretKey, [carol.id]);
    expect(() => decryptFile(concatBytes(wrongVersion, parts.chunks), carol.secretKey)).toThrow(MalformedFileError);
  });

  it('defaults the time to now and the media type to empty', () => {
    const before = Date.now();
    const out = decryptFile(encryptFile(new Uint8Array(1), { senderSecretKey: alice.secretKey, recipients: [bob.id], version: 2 }), bob.secretKey);
    expect(out.mediaType).toBe('');
    expect(Date.parse(out.time!)).toBeGreaterThanOrEqual(before - 1);
  });
});
