/**
 * Ed25519 signature verification (RFC 8032 §5.1.7) through tweetnacl's
 * `sign.detached.verify`. The SDK only ever verifies: the server signs its
 * daily ephemeral X25519 key with its long-term Ed25519 key (DESIGN.md §2).
 */
import nacl from 'tweetnacl';
import { assertBytes } from '../crypto/bytes.js';

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export function verifyEd25519(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  assertBytes(message, 'message');
  assertBytes(signature, 'signature', ED25519_SIGNATURE_BYTES);
  assertBytes(publicKey, 'publicKey', ED25519_PUBLIC_KEY_BYTES);
  return nacl.sign.detached.verify(message, signature, publicKey);
}
