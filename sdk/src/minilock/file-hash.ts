/**
 * fileInfo.fileHash = BLAKE2s-256 over every encrypted chunk as written,
 * length prefixes included (reference: hashObject.update(encryptedChunk)).
 * Node's OpenSSL BLAKE2s when available (~20x faster than blakejs), blakejs
 * elsewhere; both give the same bytes (tested).
 */
import { nativeBlake2s256 } from '#platform';
import { createBlake2s, type Blake2sHasher } from '../crypto/blake2s.js';

export function createFileHasher(): Blake2sHasher {
  return nativeBlake2s256 ? nativeBlake2s256() : createBlake2s(32);
}
