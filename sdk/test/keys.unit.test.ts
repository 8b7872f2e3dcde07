/**
 * Keys, miniLock IDs and passphrases against the reference's own data
 * (sdk/test/vectors: identities.json and reference-kats.json, made by the
 * miniLock reference at commit ffea0ecb). Real scrypt runs are slow (~0.6 s
 * native, ~3 s scrypt-js), so only a few identities go through it; the rest
 * check each step of the derivation separately.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { blake2s as nobleBlake2s } from '@noble/hashes/blake2.js';
import {
  AUTH_KEY_LABEL,
  InvalidMiniLockIdError,
  base58ToBytes,
  blake2s,
  bytesToBase58,
  bytesToBase64,
  bytesToHex,
  checkPassphraseStrength,
  decodeMiniLockId,
  deriveAuthKeyPair,
  deriveKeyPair,
  encodeMiniLockId,
  hexToBytes,
  isMiniLockId,
  keyPairFromSecretKey,
  miniLockIdOf,
  randomBytes,
  utf8ToBytes,
} from '../src/index.js';

const vectorsDir = fileURLToPath(new URL('./vectors/', import.meta.url));
const identities = JSON.parse(readFileSync(vectorsDir + 'identities.json', 'utf8')).identities as Record<string, Identity>;
const kats = JSON.parse(readFileSync(vectorsDir + 'reference-kats.json', 'utf8'));

interface Identity {
  email: string;
  passphrase: string;
  passphraseBlake2s256_hex: string;
  secretKey_hex: string;
  publicKey_hex: string;
  idChecksumByte_hex: string;
  miniLockID: string;
}

describe('key derivation (real scrypt, N = 2^17)', () => {
  it('derives alice exactly as the reference, with native scrypt and with scrypt-js', async () => {
    const alice = identities.alice!;
    const native = await deriveKeyPair(alice.passphrase, alice.email, { engine: 'native' });
    const progress: number[] = [];
    const js = await deriveKeyPair(alice.passphrase, alice.email, { engine: 'scrypt-js', onProgress: (f) => progress.push(f) });
    for (const pair of [native, js]) {
      expect(bytesToHex(pair.secretKey)).toBe(alice.secretKey_hex);
      expect(bytesToHex(pair.publicKey)).toBe(alice.publicKey_hex);
      expect(miniLockIdOf(pair)).toBe(alice.miniLockID);
    }
    expect(progress.at(-1)).toBe(1);
  });

  it('reproduces the reference test deriveKey.js (salt "miniLockScrypt..")', async () => {
    const { passphrase, salt, expected } = kats.inRepo.deriveKey;
    const pair = await deriveKeyPair(passphrase, salt);
    expect(bytesToBase64(pair.secretKey)).toBe(expected.secretKey_b64);
    expect(bytesToBase58(pair.publicKey)).toBe(expected.publicKey_base58);
    expect(miniLockIdOf(pair)).toBe(expected.miniLockID);
  });

  it('reproduces miniLockLib’s key for a passphrase with a non-ASCII apostrophe', async () => {
    const bobby = kats.thirdParty.keys.find((k: { email: string }) => k.email === 'bobby@example.com');
    const pair = await deriveKeyPair(bobby.passphrase, bobby.email);
    expect(miniLockIdOf(pair)).toBe(bobby.miniLockID);
  });
});

describe('each derivation step, for every identity', () => {
  for (const [name, id] of Object.entries(identities)) {
    it(`${name}: BLAKE2s-256 pre-hash, X25519 public key, ID checksum and ID`, () => {
      expect(bytesToHex(blake2s(utf8ToBytes(id.passphrase)))).toBe(id.passphraseBlake2s256_hex);
      const pair = keyPairFromSecretKey(hexToBytes(id.secretKey_hex));
      expect(bytesToHex(pair.publicKey)).toBe(id.publicKey_hex);
      expect(bytesToHex(blake2s(pair.publicKey, 1))).toBe(id.idChecksumByte_hex);
      expect(encodeMiniLockId(pair.publicKey)).toBe(id.miniLockID);
      expect(bytesToHex(decodeMiniLockId(id.miniLockID))).toBe(id.publicKey_hex);
    });
  }

  it('third-party secret keys give their published IDs', () => {
    for (const key of kats.thirdParty.keys) {
      const pair = keyPairFromSecretKey(hexToBytes(key.got.secretKey_hex));
      expect(encodeMiniLockId(pair.publicKey)).toBe(key.miniLockID);
    }
    for (const [secretB58, id] of Object.entries(kats.inRepo.encryptDecryptFile.secretKeyToID as Record<string, string>)) {
      expect(miniLockIdOf(keyPairFromSecretKey(base58ToBytes(secretB58)))).toBe(id);
    }
  });
});

describe('auth key (DESIGN.md §2)', () => {
  const aliceSecret = hexToBytes(identities.alice!.secretKey_hex);

  it('is keyed BLAKE2s-256 of the domain label, cross-checked with @noble/hashes', () => {
    const expected = nobleBlake2s(utf8ToBytes(AUTH_KEY_LABEL), { key: aliceSecret, dkLen: 32 });
    const auth = deriveAuthKeyPair(aliceSecret);
    expect(bytesToHex(auth.secretKey)).toBe(bytesToHex(expected));
    expect(bytesToHex(auth.publicKey)).toBe(bytesToHex(keyPairFromSecretKey(expected).publicKey));
  });

  it('is pinned (our own known answer, computed once by this implementation)', () => {
    const auth = deriveAuthKeyPair(aliceSecret);
    expect(bytesToHex(auth.secretKey)).toBe('37705bd2eaa2735d3fbc5391cbcc85f0013a3940a799f8363c3dc2287d14c59a');
    expect(encodeMiniLockId(auth.publicKey)).toBe('7EazxACJZ9MzMf5ZTMY9mkW6Y13gRSNqCf9zXn3xtLEMg');
  });

  it('differs from the identity key and between users', () => {
    const alice = deriveAuthKeyPair(aliceSecret);
    const bob = deriveAuthKeyPair(hexToBytes(identities.bob!.secretKey_hex));
    expect(bytesToHex(alice.publicKey)).not.toBe(identities.alice!.publicKey_hex);
    expect(bytesToHex(alice.publicKey)).not.toBe(bytesToHex(bob.publicKey));
  });
});

describe('miniLock ID validation', () => {
  it('rejects the reference validateID.js non-IDs', () => {
    for (const s of kats.inRepo.validateID.notIDs as string[]) {
      expect(isMiniLockId(s), s).toBe(false);
      expect(() => decodeMiniLockId(s)).toThrow(InvalidMiniLockIdError);
    }
  });

  it('rejects a changed last character as a checksum failure', () => {
    for (const s of kats.inRepo.validateID.flippedChecksumExamples as string[]) {
      expect(() => decodeMiniLockId(s)).toThrow(expect.objectContaining({ code: 'INVALID_MINILOCK_ID', reason: 'checksum' }));
    }
  });

  it.each([
    ['empty', '', 'length'],
    ['too long', '3'.repeat(47), 'length'],
    ['five characters short (32 bytes)', identities.alice!.miniLockID.slice(5), 'length'],
    ['zero (not in base58)', '0' + identities.alice!.miniLockID.slice(1), 'characters'],
    ['capital O', identities.alice!.miniLockID.slice(0, -1) + 'O', 'characters'],
    ['non-ASCII', identities.alice!.miniLockID.slice(0, -1) + 'é', 'characters'],
    ['whitespace', ' ' + identities.alice!.miniLockID, 'characters'],
  ])('%s → %s', (_label, input, reason) => {
    expect(() => decodeMiniLockId(input)).toThrow(expect.objectContaining({ code: 'INVALID_MINILOCK_ID', reason }));
  });

  it('round trips random public keys, including leading zero bytes', () => {
    for (let i = 0; i < 200; i++) {
      const pk = randomBytes(32);
      if (i % 10 === 0) pk[0] = 0;
      expect(decodeMiniLockId(encodeMiniLockId(pk))).toEqual(pk);
    }
  });
});

describe('passphrase strength (miniLock checkKeyStrength)', () => {
  const { email, rows } = kats.inRepo.checkPassphrase;
  const cases = (rows as { passphrase: string; expected: boolean }[]).map((r): [string, boolean] => [r.passphrase, r.expected]);
  it.each(cases)('%s → %s', (passphrase, expected) => {
    expect(checkPassphraseStrength(passphrase, email).ok).toBe(expected);
  });

  it('agrees with the third-party verdicts', () => {
    for (const key of kats.thirdParty.keys) expect(checkPassphraseStrength(key.passphrase, key.email).ok).toBe(key.checkKeyStrength);
  });

  it('names the reasons', () => {
    expect(checkPassphraseStrength('hello').reasons).toEqual(['too-short', 'low-entropy']);
    const p = 'syndicated racetrack portcullises rumen alice boom yelp satins';
    expect(checkPassphraseStrength(p, 'ALICE').reasons).toEqual(['contains-salt']);
  });
});

describe('bad input', () => {
  const notStrings = [undefined, null, 42, new Uint8Array(3), {}];
  it.each(notStrings)('TypeError for non-string input %s', async (bad) => {
    await expect(deriveKeyPair(bad as never, 'salt')).rejects.toThrow(TypeError);
    await expect(deriveKeyPair('passphrase', bad as never)).rejects.toThrow(TypeError);
    expect(() => decodeMiniLockId(bad as never)).toThrow(TypeError);
    expect(() => checkPassphraseStrength(bad as never)).toThrow(TypeError);
  });
  it('RangeError for an empty passphrase and wrong key lengths', async () => {
    await expect(deriveKeyPair('', 'salt')).rejects.toThrow(RangeError);
    expect(() => keyPairFromSecretKey(new Uint8Array(31))).toThrow(RangeError);
    expect(() => deriveAuthKeyPair(new Uint8Array(33))).toThrow(RangeError);
    expect(() => encodeMiniLockId(new Uint8Array(33))).toThrow(RangeError);
  });
  it('TypeError for non-bytes keys', () => {
    expect(() => keyPairFromSecretKey([1, 2, 3] as never)).toThrow(TypeError);
    expect(() => encodeMiniLockId('abc' as never)).toThrow(TypeError);
  });
});
