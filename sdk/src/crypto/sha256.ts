/**
 * SHA-256 (FIPS 180-4), from @noble/hashes: synchronous, so the
 * key-transparency verifiers are too, and the same in browsers (tweetnacl has
 * SHA-512 only; SubtleCrypto is asynchronous). The server hashes its key log
 * with it as well (one encoder, keylog/). Measured on a 65-byte Merkle node:
 * 2.1 µs, against 9.4 µs for the plain JavaScript we had and 1.7 µs for
 * node:crypto, which browsers lack.
 */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { assertBytes } from './bytes.js';

export function sha256(message: Uint8Array): Uint8Array {
  assertBytes(message, 'message');
  return nobleSha256(message);
}
