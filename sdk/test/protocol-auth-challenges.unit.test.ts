/**
 * The client side of the auth protocol (DESIGN.md §3, threat T8): the SDK
 * plays the honest client, the test plays a server that is honest in some
 * cases and tries to use our keys as a decryption oracle in others.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DecryptionError,
  authorizationHeader,
  base64ToBytes,
  box,
  deriveAuthKeyPair,
  keyPairFromSecretKey,
  openAuthChallenge,
  openIdentityChallenge,
  openToken,
  randomBytes,
  serverKeySignedBytes,
  verifyServerKey,
} from '../src/index.js';

const server = keyPairFromSecretKey(randomBytes(32));
const identity = keyPairFromSecretKey(randomBytes(32));
const auth = deriveAuthKeyPair(identity.secretKey);

function boxTo(recipient: Uint8Array, plain: Uint8Array) {
  const nonce = randomBytes(24);
  return { nonce, ciphertext: box(plain, nonce, recipient, server.secretKey) };
}
const withPrefix = (a: number, b: number) => {
  const p = randomBytes(32);
  p[0] = a;
  p[1] = b;
  return p;
};

describe('auth challenges (T8)', () => {
  it('opens an "AC" challenge with the identity key and the auth key', () => {
    const c = withPrefix(0x41, 0x43);
    expect(openIdentityChallenge(boxTo(identity.publicKey, c), server.publicKey, identity.secretKey)).toEqual(c);
    expect(openAuthChallenge(boxTo(auth.publicKey, c), server.publicKey, auth.secretKey)).toEqual(c);
  });

  it('opens an "AT" token with the auth key', () => {
    const t = withPrefix(0x41, 0x54);
    expect(openToken(boxTo(auth.publicKey, t), server.publicKey, auth.secretKey)).toEqual(t);
  });

  it('the identity key refuses a token-shaped plaintext: it is not an oracle for tokens', () => {
    const t = withPrefix(0x41, 0x54);
    expect(() => openIdentityChallenge(boxTo(identity.publicKey, t), server.publicKey, identity.secretKey)).toThrow(DecryptionError);
  });

  it('refuses any plaintext that is not exactly 32 bytes starting with the prefix', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 80 }), (plain) => {
        fc.pre(!(plain.length === 32 && plain[0] === 0x41 && plain[1] === 0x43));
        expect(() => openIdentityChallenge(boxTo(identity.publicKey, plain), server.publicKey, identity.secretKey)).toThrow(DecryptionError);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses a token boxed to the wrong key and any flipped bit', () => {
    const t = withPrefix(0x41, 0x54);
    expect(() => openToken(boxTo(identity.publicKey, t), server.publicKey, auth.secretKey)).toThrow(DecryptionError);
    const good = boxTo(auth.publicKey, t);
    for (let bit = 0; bit < good.ciphertext.length * 8; bit += 7) {
      const bad = good.ciphertext.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expect(() => openToken({ nonce: good.nonce, ciphertext: bad }, server.publicKey, auth.secretKey)).toThrow(DecryptionError);
    }
  });
});

describe('signed server key', () => {
  const longTerm = generateKeyPairSync('ed25519');
  const pinned = base64ToBytes(
    (longTerm.publicKey.export({ format: 'jwk' }).x as string).replace(/-/g, '+').replace(/_/g, '/') + '=',
  );
  const signed = (validFrom: number, validUntil: number) => ({
    publicKey: server.publicKey,
    validFrom,
    validUntil,
    signature: new Uint8Array(sign(null, serverKeySignedBytes(server.publicKey, validFrom, validUntil), longTerm.privateKey)),
  });

  it('accepts a key signed by the pinned long-term key inside its window (node:crypto signs, tweetnacl verifies)', () => {
    expect(verifyServerKey(signed(1000, 1000 + 86400), pinned, 5000)).toEqual(server.publicKey);
  });

  it('refuses another signer, an altered window and an expired key', () => {
    const other = keyPairFromSecretKey(randomBytes(32)).publicKey;
    expect(() => verifyServerKey(signed(1000, 2000), other, 1500)).toThrow(DecryptionError);
    expect(() => verifyServerKey({ ...signed(1000, 2000), validUntil: 9000 }, pinned, 1500)).toThrow(DecryptionError);
    expect(() => verifyServerKey(signed(1000, 2000), pinned, 2000 + 301)).toThrow(DecryptionError);
  });
});

describe('authorization header', () => {
  it('lowercases the username and refuses a malformed one', () => {
    expect(authorizationHeader('Alice', new Uint8Array(32))).toMatch(/^Peerlock alice [A-Za-z0-9+/]{43}=$/);
    expect(() => authorizationHeader('al ice', new Uint8Array(32))).toThrow(RangeError);
  });
});
