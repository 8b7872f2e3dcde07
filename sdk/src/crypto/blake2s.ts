/**
 * BLAKE2s (RFC 7693) through blakejs. miniLock uses BLAKE2s-256 for the
 * passphrase pre-hash and the file hash, and BLAKE2s with a 1-byte digest for
 * the miniLock ID checksum.
 */
import blake from 'blakejs';
import { assertBytes } from './bytes.js';

export function blake2s(data: Uint8Array, outLength = 32, key?: Uint8Array): Uint8Array {
  assertBytes(data, 'data');
  if (!Number.isInteger(outLength) || outLength < 1 || outLength > 32) throw new RangeError('blake2s: outLength must be 1..32');
  if (key !== undefined) {
    assertBytes(key, 'key');
    if (key.length > 32) throw new RangeError('blake2s: key must be at most 32 bytes');
  }
  return blake.blake2s(data, key ?? null, outLength);
}

/** Incremental BLAKE2s-256, for hashing a file while it streams. */
export interface Blake2sHasher {
  update(data: Uint8Array): void;
  digest(): Uint8Array;
}

export function createBlake2s(outLength = 32): Blake2sHasher {
  const ctx = blake.blake2sInit(outLength, null);
  let done = false;
  return {
    update(data) {
      if (done) throw new Error('blake2s: update after digest');
      assertBytes(data, 'data');
      blake.blake2sUpdate(ctx, data);
    },
    digest() {
      if (done) throw new Error('blake2s: digest called twice');
      done = true;
      return blake.blake2sFinal(ctx);
    },
  };
}
