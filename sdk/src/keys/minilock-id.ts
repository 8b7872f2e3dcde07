/**
 * miniLock IDs (miniLock.crypto.getMiniLockID / validateID):
 *   ID = Base58( publicKey(32) ‖ BLAKE2s(publicKey, outlen = 1) )
 * 33 bytes before encoding; the 1-byte checksum catches typos, not attacks.
 */
import { assertBytes, equalBytes } from '../crypto/bytes.js';
import { base58ToBytes, bytesToBase58 } from '../crypto/base58.js';
import { blake2s } from '../crypto/blake2s.js';
import { InvalidMiniLockIdError, InvalidEncodingError } from '../crypto/errors.js';

export const PUBLIC_KEY_BYTES = 32;
const ID_BYTES = PUBLIC_KEY_BYTES + 1;
/** The longest string that could encode 33 bytes; bounds work on hostile input. */
const MAX_ID_LENGTH = 46;

export function encodeMiniLockId(publicKey: Uint8Array): string {
  assertBytes(publicKey, 'publicKey', PUBLIC_KEY_BYTES);
  const id = new Uint8Array(ID_BYTES);
  id.set(publicKey);
  id[PUBLIC_KEY_BYTES] = blake2s(publicKey, 1)[0]!;
  return bytesToBase58(id);
}

/** Returns the public key inside a miniLock ID, or throws InvalidMiniLockIdError. */
export function decodeMiniLockId(id: string): Uint8Array {
  if (typeof id !== 'string') throw new TypeError('decodeMiniLockId: expected a string');
  if (id.length === 0 || id.length > MAX_ID_LENGTH) throw new InvalidMiniLockIdError('length');
  let bytes: Uint8Array;
  try {
    bytes = base58ToBytes(id);
  } catch (err) {
    if (err instanceof InvalidEncodingError) throw new InvalidMiniLockIdError('characters');
    throw err;
  }
  if (bytes.length !== ID_BYTES) throw new InvalidMiniLockIdError('length');
  const publicKey = bytes.slice(0, PUBLIC_KEY_BYTES);
  if (!equalBytes(blake2s(publicKey, 1), bytes.subarray(PUBLIC_KEY_BYTES))) throw new InvalidMiniLockIdError('checksum');
  return publicKey;
}

export function isMiniLockId(id: unknown): id is string {
  if (typeof id !== 'string') return false;
  try {
    decodeMiniLockId(id);
    return true;
  } catch {
    return false;
  }
}
