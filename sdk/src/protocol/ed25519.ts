/**
 * Ed25519 (RFC 8032). Clients only verify (the server signs its daily
 * ephemeral X25519 key and its key-log heads with its long-term key,
 * DESIGN.md §2 and §6); signing from a 32-byte seed is here for key-log
 * witnesses, which co-sign heads (keylog/signed-note.ts).
 *
 * Verification is @noble/curves' (strict RFC 8032: canonical encodings,
 * s < L; 1.1 ms against tweetnacl's 9.6 ms on this machine, and a key-log
 * lookup checks up to four signatures); signing stays tweetnacl's.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import nacl from 'tweetnacl';
import { assertBytes } from '../crypto/bytes.js';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export function verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  assertBytes(message, 'message');
  assertBytes(signature, 'signature', ED25519_SIGNATURE_BYTES);
  assertBytes(publicKey, 'publicKey', ED25519_PUBLIC_KEY_BYTES);
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    // A public key that is not a point: no signature verifies under it.
    return false;
  }
}

export const ED25519_SEED_BYTES = 32;

/** The public key of a 32-byte seed (RFC 8032 §5.1.5). */
export function ed25519PublicKey(seed: Uint8Array): Uint8Array {
  assertBytes(seed, 'seed', ED25519_SEED_BYTES);
  return nacl.sign.keyPair.fromSeed(seed).publicKey;
}

/** A signature by the key of a 32-byte seed (RFC 8032 §5.1.6). */
export function signEd25519(message: Uint8Array, seed: Uint8Array): Uint8Array {
  assertBytes(message, 'message');
  assertBytes(seed, 'seed', ED25519_SEED_BYTES);
  const { secretKey } = nacl.sign.keyPair.fromSeed(seed);
  try {
    return nacl.sign.detached(message, secretKey);
  } finally {
    secretKey.fill(0);
  }
}
