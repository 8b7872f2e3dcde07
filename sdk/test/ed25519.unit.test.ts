/**
 * Ed25519 verification (protocol/ed25519.ts, @noble/curves) against the
 * signers our signatures come from: node:crypto (the server) and tweetnacl
 * (witnesses, signEd25519). RFC 8032 §7.1 test 1 byte for byte, every
 * altered byte refused, and a non-canonical S (S + L) refused, as RFC 8032
 * §5.1.7 asks.
 */
import { createPrivateKey, sign } from 'node:crypto';
import nacl from 'tweetnacl';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytes, randomBytes } from '../src/crypto/bytes.js';
import { ed25519PublicKey, signEd25519, verifyEd25519 } from '../src/protocol/ed25519.js';

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

describe('Ed25519 verification', () => {
  it('RFC 8032 §7.1 test 1: key, signature, verification', () => {
    const seed = hexToBytes('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const publicKey = ed25519PublicKey(seed);
    expect(bytesToHex(publicKey)).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = signEd25519(new Uint8Array(0), seed);
    expect(bytesToHex(signature)).toBe('e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
    expect(verifyEd25519(new Uint8Array(0), signature, publicKey)).toBe(true);
  });

  it("accepts node:crypto's and tweetnacl's signatures and refuses every altered byte", () => {
    for (let round = 0; round < 20; round++) {
      const seed = randomBytes(32);
      const message = randomBytes(1 + round * 7);
      const fromNode = new Uint8Array(sign(null, message, createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })));
      const fromNacl = nacl.sign.detached(message, nacl.sign.keyPair.fromSeed(seed).secretKey);
      const publicKey = ed25519PublicKey(seed);
      expect(verifyEd25519(message, fromNode, publicKey)).toBe(true);
      expect(verifyEd25519(message, fromNacl, publicKey)).toBe(true);
      const flip = (bytes: Uint8Array, i: number) => Uint8Array.from(bytes, (b, j) => (j === i ? b ^ 1 : b));
      expect(verifyEd25519(flip(message, round % message.length), fromNode, publicKey)).toBe(false);
      expect(verifyEd25519(message, flip(fromNode, round % 64), publicKey)).toBe(false);
      expect(verifyEd25519(message, fromNode, flip(publicKey, round % 32))).toBe(false);
    }
  });

  it('refuses a non-canonical S (S + L), which a lax verifier would take', () => {
    const seed = randomBytes(32);
    const message = randomBytes(40);
    const signature = signEd25519(message, seed);
    let s = 0n;
    for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(signature[32 + i]!);
    const bumped = s + L;
    const malleated = signature.slice();
    for (let i = 0; i < 32; i++) malleated[32 + i] = Number((bumped >> BigInt(8 * i)) & 0xffn);
    expect(bumped < 2n ** 256n).toBe(true);
    expect(verifyEd25519(message, malleated, ed25519PublicKey(seed))).toBe(false);
  });
});
