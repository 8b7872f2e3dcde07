/**
 * Known answers from the miniLock reference (sdk/test/vectors): decrypt each
 * vector, and re-encrypt with the recorded random draws for byte equality.
 */
import { describe, expect, it } from 'vitest';
import {
  base58ToBytes,
  base64ToBytes,
  blake2s,
  bytesToBase64,
  bytesToHex,
  bytesToUtf8,
  decryptFile,
  decryptStream,
  decodeHeader,
  encodeMiniLockId,
  encryptFile,
  encryptStream,
  keyPairFromSecretKey,
  NotARecipientError,
  openHeader,
  splitFile,
  sodiumBackend,
  tweetnaclBackend,
  type NaclBackend,
} from '../src/index.js';
import { collect, identities, loadVector, pieces, replay, sameBytes, vectorNames, vectorsDir } from './minilock-fixtures.js';
import { readFileSync } from 'node:fs';

// libsodium (the optional sodium-native) joins tweetnacl when it is installed.
const sodium = sodiumBackend();
const backends: NaclBackend[] = sodium ? [tweetnaclBackend, sodium] : [tweetnaclBackend];
if (!sodium) console.warn('minilock vectors: the optional sodium-native backend is not installed; checking with tweetnacl only');

describe.each(vectorNames)('vector %s', (name) => {
  const v = loadVector(name);
  const sender = identities[v.sender];

  it('has the documented layout', () => {
    const { header, chunks } = splitFile(v.minilock);
    expect(header.length).toBe(v.json.ciphertextOffset);
    expect(bytesToUtf8(header.subarray(12))).toBe(v.json.headerJSON);
    expect(bytesToBase64(blake2s(chunks))).toBe(v.json.fileHash_b64);
    const parsed = decodeHeader(header);
    expect(bytesToBase64(parsed.ephemeralPublicKey)).toBe(v.json.ephemeralPublicKey_b64);
    expect(parsed.decryptInfo.map((e) => bytesToBase64(e.nonce))).toEqual(v.json.decryptInfo.map((d) => d.nonce_b64));
  });

  it.each(backends.map((b) => [b.name, b] as const))('every recipient decrypts it (%s)', (_, backend) => {
    for (const r of v.recipients) {
      const out = decryptFile(v.minilock, identities[r].secretKey, { backend });
      expect(sameBytes(out.plaintext, v.plain)).toBe('equal');
      expect(out.fileName).toBe(v.fileName);
      expect(out.senderID).toBe(sender.id);
      expect(out.recipientID).toBe(identities[r].id);
      expect(bytesToBase64(out.fileInfo.fileKey)).toBe(v.json.fileKey_b64);
      expect(bytesToBase64(out.fileInfo.fileNonce)).toBe(v.json.fileNonce_b64);
      expect(bytesToBase64(out.fileInfo.fileHash)).toBe(v.json.fileHash_b64);
    }
  });

  it('streams to the same plaintext from uneven pieces', async () => {
    const r = identities[v.recipients[0]!];
    const out = await decryptStream(pieces(v.minilock, 65_537), r.secretKey);
    expect(out.fileName).toBe(v.fileName);
    expect(out.senderID).toBe(sender.id);
    expect(sameBytes(await collect(out.plaintext), v.plain)).toBe('equal');
  });

  it('refuses the sender, who is not a recipient', () => {
    expect(() => decryptFile(v.minilock, sender.secretKey)).toThrow(NotARecipientError);
    const { header } = splitFile(v.minilock);
    try {
      openHeader(header, sender.secretKey);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(NotARecipientError);
      expect((e as NotARecipientError).code).toBe('NOT_A_RECIPIENT');
    }
  });

  it('opens to the exact decryptInfo and fileInfo JSON of the dissection', () => {
    // Our encoding of what we opened must equal the reference's plaintext JSON.
    const { header } = splitFile(v.minilock);
    v.recipients.forEach((r, i) => {
      const opened = openHeader(header, identities[r].secretKey);
      const fileInfoJson = JSON.stringify({
        fileKey: bytesToBase64(opened.fileInfo.fileKey),
        fileNonce: bytesToBase64(opened.fileInfo.fileNonce),
        fileHash: bytesToBase64(opened.fileInfo.fileHash),
      });
      expect(fileInfoJson).toBe(v.json.decryptInfo[i]!.fileInfoPlaintextJSON);
      expect(JSON.parse(v.json.decryptInfo[i]!.decryptInfoPlaintextJSON).recipientID).toBe(identities[r].id);
    });
  });

  it.each(backends.map((b) => [b.name, b] as const))('re-encrypts byte for byte from the recorded draws (%s)', (_, backend) => {
    const draws = replay(v.draws);
    const file = encryptFile(v.plain, {
      senderSecretKey: sender.secretKey,
      recipients: v.recipients.map((r) => identities[r].id),
      fileName: v.fileName,
      random: draws.random,
      backend,
    });
    expect(draws.remaining()).toBe(0);
    expect(file.length).toBe(v.minilock.length);
    expect(bytesToHex(file.subarray(0, 4096))).toBe(bytesToHex(v.minilock.subarray(0, 4096)));
    expect(sameBytes(file, v.minilock)).toBe('equal');
  });

  it('re-encrypts byte for byte when streaming', async () => {
    const draws = replay(v.draws);
    const enc = encryptStream(pieces(v.plain, 100_003), {
      senderSecretKey: sender.secretKey,
      recipients: v.recipients.map((r) => identities[r].id),
      fileName: v.fileName,
      random: draws.random,
    });
    const chunkStream = await collect(enc.chunks);
    const { header } = enc.finish();
    expect(draws.remaining()).toBe(0);
    const expected = splitFile(v.minilock);
    expect(sameBytes(header, expected.header)).toBe('equal');
    expect(sameBytes(chunkStream, expected.chunks)).toBe('equal');
  });

  it('has the documented chunk nonces and offsets', () => {
    let offset = v.json.ciphertextOffset;
    for (const c of v.json.chunks) {
      expect(c.offset).toBe(offset);
      const len = new DataView(v.minilock.buffer, v.minilock.byteOffset + offset, 4).getUint32(0, true);
      expect(len).toBe(c.plaintextLength);
      expect(c.encryptedLength).toBe(c.plaintextLength + 20);
      offset += c.encryptedLength;
    }
    expect(offset).toBe(v.minilock.length);
  });
});

describe('reference KAT encryptDecryptFile (test.jpg is not shipped)', () => {
  const kats = JSON.parse(readFileSync(vectorsDir + 'reference-kats.json', 'utf8'));
  const kat = kats.inRepo.encryptDecryptFile;
  const secrets = Object.keys(kat.secretKeyToID) as [string, string];

  it('maps each base58 secret key to its miniLock ID', () => {
    for (const [sk, id] of Object.entries(kat.secretKeyToID as Record<string, string>)) {
      expect(encodeMiniLockId(keyPairFromSecretKey(base58ToBytes(sk)).publicKey)).toBe(id);
    }
    expect(kat.secretKeyToID[secrets[0]]).toBe(kat.expected.sender);
  });

  it('encrypts for the sender and the other ID; both decrypt; size = plaintext + 1488', () => {
    const [senderSk, otherSk] = secrets.map((s) => base58ToBytes(s)) as [Uint8Array, Uint8Array];
    const plain = new Uint8Array(kat.expected.originalSize).map((_, i) => (i * 31 + 7) & 0xff);
    const file = encryptFile(plain, {
      senderSecretKey: senderSk,
      recipients: [kat.expected.sender, kat.secretKeyToID[secrets[1]]],
      fileName: kat.expected.decryptedName,
    });
    expect(file.length).toBe(kat.expected.encryptedSize);
    expect(splitFile(file).header.length - 12).toBe(kat.got.headerLength);
    for (const sk of [senderSk, otherSk]) {
      const out = decryptFile(file, sk);
      expect(sameBytes(out.plaintext, plain)).toBe('equal');
      expect(out.fileName).toBe('test.jpg');
      expect(out.senderID).toBe(kat.expected.sender);
    }
    expect(bytesToBase64(blake2s(plain))).not.toBe(kat.expected.blake2s256_b64);
    expect(base64ToBytes(kat.expected.blake2s256_b64).length).toBe(32);
  });
});
