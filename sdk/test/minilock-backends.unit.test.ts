/**
 * Cross tests on random inputs: tweetnacl and libsodium give identical bytes
 * for whole miniLock files; @noble/ciphers (XSalsa20-Poly1305) and
 * @noble/curves (X25519) agree with our boxes and open our files' parts;
 * the native (OpenSSL) and the blakejs BLAKE2s agree.
 */
import { xsalsa20poly1305, hsalsa } from '@noble/ciphers/salsa.js';
import { x25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import {
  bytesToUtf8,
  createBlake2s,
  decryptFile,
  encryptFile,
  sodiumBackend,
  splitFile,
  tweetnaclBackend,
  decodeHeader,
  base64ToBytes,
  decodeMiniLockId,
  DecryptionError,
  secretboxOpen,
  secretboxOpenFramed,
  boxOpenFramed,
} from '../src/index.js';
import { chunkNonce } from '../src/minilock/chunks.js';
import { createFileHasher } from '../src/minilock/file-hash.js';
import { isUnusablePublicKey } from '../src/minilock/recipients.js';
import { identities, sameBytes } from './minilock-fixtures.js';

// sodium-native is an optional dependency: without it the libsodium cross tests skip, saying so.
const maybeSodium = sodiumBackend();
const sodium = maybeSodium as NonNullable<typeof maybeSodium>;
const withSodium = (title: string, body: () => void) => describe.skipIf(!maybeSodium)(maybeSodium ? title : `${title} (skipped: the optional sodium-native backend is not installed)`, body);
const { alice, bob, carol } = identities;

/** A seeded random source, so two encryptions draw the same bytes. */
function seeded(seed: number): (n: number) => Uint8Array {
  let x = seed | 1;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
    return out;
  };
}

/** NaCl crypto_box with noble: key = HSalsa20(X25519(sk, pk), 0), then XSalsa20-Poly1305. */
function nobleBoxKey(theirPublic: Uint8Array, mySecret: Uint8Array): Uint8Array {
  const shared = x25519.getSharedSecret(mySecret, theirPublic);
  const sigma = new Uint32Array([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  const out = new Uint32Array(8);
  hsalsa(sigma, new Uint32Array(shared.slice().buffer), new Uint32Array(4), out);
  return new Uint8Array(out.buffer);
}

withSodium('tweetnacl ≡ libsodium', () => {
  it('produce identical files from the same draws, and open each other’s', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.integer(), fc.subarray([bob.id, carol.id, alice.id], { minLength: 1 }), (plain, seed, recipients) => {
        const options = { senderSecretKey: alice.secretKey, recipients, fileName: 'r.bin' };
        const a = encryptFile(plain, { ...options, backend: tweetnaclBackend, random: seeded(seed) });
        const b = encryptFile(plain, { ...options, backend: sodium, random: seeded(seed) });
        expect(sameBytes(a, b)).toBe('equal');
        const reader = recipients[0] === bob.id ? bob : recipients[0] === carol.id ? carol : alice;
        expect(sameBytes(decryptFile(a, reader.secretKey, { backend: sodium }).plaintext, plain)).toBe('equal');
        expect(sameBytes(decryptFile(b, reader.secretKey, { backend: tweetnaclBackend }).plaintext, plain)).toBe('equal');
      }),
      { numRuns: 30 },
    );
  });

  it('agree on a multi-chunk file', () => {
    const plain = seeded(5)(1024 * 1024 + 999);
    const options = { senderSecretKey: carol.secretKey, recipients: [alice.id] };
    const a = encryptFile(plain, { ...options, backend: tweetnaclBackend, random: seeded(1) });
    const b = encryptFile(plain, { ...options, backend: sodium, random: seeded(1) });
    expect(sameBytes(a, b)).toBe('equal');
  });

  it('agree on secretbox, box and X25519 for random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (m, n, k, sk) => {
        expect(sodium.secretbox(m, n, k)).toEqual(tweetnaclBackend.secretbox(m, n, k));
        const pk = tweetnaclBackend.scalarMultBase(k);
        expect(sodium.scalarMultBase(k)).toEqual(pk);
        expect(sodium.box(m, n, pk, sk)).toEqual(tweetnaclBackend.box(m, n, pk, sk));
        // crypto_box_beforenm: the same key from both, and box is secretbox under it.
        const agreed = tweetnaclBackend.boxBeforeNm(pk, sk)!;
        expect(sodium.boxBeforeNm(pk, sk)).toEqual(agreed);
        expect(sodium.secretbox(m, n, agreed)).toEqual(sodium.box(m, n, pk, sk));
      }),
      { numRuns: 50 },
    );
  });

  it('boxBeforeNm on a small-order point: libsodium refuses (null), as its box does', () => {
    const low = new Uint8Array(32); // u = 0
    expect(sodium.boxBeforeNm(low, seeded(4)(32))).toBeNull();
    expect(() => sodium.boxOpen(new Uint8Array(40), new Uint8Array(24), low, seeded(4)(32))).toThrow(DecryptionError);
  });
});

withSodium('libsodium’s allocation-free variant', () => {
  it('secretboxInto gives the same bytes as secretbox', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (m, n, k) => {
        const out = new Uint8Array(m.length + 16);
        sodium.secretboxInto!(out, m, n, k);
        expect(out).toEqual(tweetnaclBackend.secretbox(m, n, k));
      }),
      { numRuns: 40 },
    );
  });
});

const allBackends = maybeSodium ? [tweetnaclBackend, sodium] : [tweetnaclBackend];

describe.each(allBackends.map((b) => [b.name, b] as const))('%s: opening fails by throwing, in one way', (_name, backend) => {
  it('secretboxOpenInto opens in place, and on a bad tag throws DecryptionError having written nothing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.nat(), (m, n, k, at) => {
        const box = backend.secretbox(m, n, k);
        const bad = box.slice();
        bad[at % bad.length]! ^= 1;
        const before = bad.slice();
        expect(() => backend.secretboxOpenInto(bad.subarray(16), bad, n, k)).toThrow(DecryptionError);
        expect(bad).toEqual(before);
        backend.secretboxOpenInto(box.subarray(16), box, n, k);
        expect(box.subarray(16)).toEqual(m);
      }),
      { numRuns: 40 },
    );
  });

  it('a box shorter than its tag is a DecryptionError (secretbox and box), an output of the wrong size a RangeError', () => {
    const n = new Uint8Array(24);
    const k = seeded(7)(32);
    for (const length of [0, 1, 15]) {
      expect(() => backend.secretboxOpenInto(new Uint8Array(0), new Uint8Array(length), n, k)).toThrow(DecryptionError);
      expect(() => secretboxOpen(new Uint8Array(length), n, k, backend)).toThrow(DecryptionError);
      expect(() => backend.boxOpen(new Uint8Array(length), n, alice.publicKey, bob.secretKey)).toThrow(DecryptionError);
    }
    expect(() => secretboxOpenFramed(new Uint8Array(39), k, backend)).toThrow(DecryptionError);
    expect(() => boxOpenFramed(new Uint8Array(39), alice.publicKey, bob.secretKey, backend)).toThrow(DecryptionError);
    const box = backend.secretbox(new Uint8Array(10), n, k);
    expect(() => backend.secretboxOpenInto(new Uint8Array(11), box, n, k)).toThrow(RangeError);
  });

  it('boxOpen returns the plaintext, or throws DecryptionError for another key', () => {
    const m = seeded(8)(100);
    const n = seeded(9)(24);
    const sealed = backend.box(m, n, bob.publicKey, alice.secretKey);
    expect(backend.boxOpen(sealed, n, alice.publicKey, bob.secretKey)).toEqual(m);
    expect(() => backend.boxOpen(sealed, n, alice.publicKey, carol.secretKey)).toThrow(DecryptionError);
  });
});

describe('noble ciphers and curves (against tweetnacl, which libsodium equals above)', () => {
  it('secretbox = noble xsalsa20poly1305 (tag ‖ ciphertext) on random inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (m, n, k) => {
        const ours = tweetnaclBackend.secretbox(m, n, k);
        expect(xsalsa20poly1305(k, n).encrypt(m)).toEqual(ours);
        expect(secretboxOpen(xsalsa20poly1305(k, n).encrypt(m), n, k, tweetnaclBackend)).toEqual(m);
      }),
      { numRuns: 50 },
    );
  });

  it('box = noble X25519 + HSalsa20 + xsalsa20poly1305 on random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.uint8Array({ minLength: 24, maxLength: 24 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (m, n, a, b) => {
        const pkB = x25519.getPublicKey(b);
        expect(tweetnaclBackend.scalarMultBase(b)).toEqual(pkB);
        expect(xsalsa20poly1305(nobleBoxKey(pkB, a), n).encrypt(m)).toEqual(tweetnaclBackend.box(m, n, pkB, a));
        expect(tweetnaclBackend.boxBeforeNm(pkB, a)).toEqual(nobleBoxKey(pkB, a));
      }),
      { numRuns: 30 },
    );
  });

  it('noble opens a file we made: bob’s entry, the sender’s fileInfo box, and every chunk', () => {
    const plain = seeded(9)(1024 * 1024 + 1);
    const file = encryptFile(plain, { senderSecretKey: alice.secretKey, recipients: [carol.id, bob.id], fileName: 'n' });
    const { header, chunks } = splitFile(file);
    const parsed = decodeHeader(header);
    const entry = parsed.decryptInfo[1]!;
    const info = JSON.parse(bytesToUtf8(xsalsa20poly1305(nobleBoxKey(parsed.ephemeralPublicKey, bob.secretKey), entry.nonce).decrypt(entry.box)));
    expect(info.recipientID).toBe(bob.id);
    const fileInfo = JSON.parse(bytesToUtf8(xsalsa20poly1305(nobleBoxKey(decodeMiniLockId(info.senderID), bob.secretKey), entry.nonce).decrypt(base64ToBytes(info.fileInfo))));
    const key = base64ToBytes(fileInfo.fileKey);
    const fileNonce = base64ToBytes(fileInfo.fileNonce);
    let offset = 0;
    const lengths = [256, 1024 * 1024, 1];
    lengths.forEach((len, i) => {
      const boxed = chunks.subarray(offset + 4, offset + 4 + len + 16);
      const opened = xsalsa20poly1305(key, chunkNonce(fileNonce, i, i === lengths.length - 1)).decrypt(boxed);
      expect(opened.length).toBe(len);
      offset += 4 + len + 16;
    });
    expect(offset).toBe(chunks.length);
  });
});

describe('BLAKE2s: native ≡ blakejs', () => {
  it('on random inputs split at random points', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(), (data, cut) => {
        const at = data.length === 0 ? 0 : cut % data.length;
        const a = createFileHasher();
        const b = createBlake2s(32);
        for (const h of [a, b]) {
          h.update(data.subarray(0, at));
          h.update(data.subarray(at));
        }
        expect(a.digest()).toEqual(b.digest());
      }),
      { numRuns: 50 },
    );
  });
});

describe('refused public keys', () => {
  it('every listed small-order point gives an all-zero X25519 output', () => {
    const sk = seeded(3)(32);
    for (const u of [0n, 1n, 325606250916557431795983626356110631294008115727848805560023387167927233504n, 39382357235489614581723060781553021112529911719440698176882885853963445705823n, 2n ** 255n - 20n, 2n ** 255n - 19n, 2n ** 255n - 18n]) {
      const pk = new Uint8Array(32);
      for (let i = 0; i < 32; i++) pk[i] = Number((u >> BigInt(8 * i)) & 0xffn);
      expect(isUnusablePublicKey(pk)).toBe(true);
      expect(nacl.scalarMult(sk, pk)).toEqual(new Uint8Array(32));
    }
    expect(isUnusablePublicKey(alice.publicKey)).toBe(false);
  });
});
