/**
 * The server's signed ephemeral key (DESIGN.md §2, docs/auth.md "Server keys").
 *
 * The server boxes challenges and tokens from an X25519 key that rotates
 * daily. Each one is signed by the long-term Ed25519 key that clients pin:
 *
 *   signed = "peerlock/server-ephemeral-key/v1" ‖ 0x00
 *            ‖ ephemeralPublicKey (32)
 *            ‖ u64be(validFrom, Unix seconds) ‖ u64be(validUntil, Unix seconds)
 *
 * The label and the NUL separator keep this signature from ever being valid
 * for any other message the long-term key signs.
 */
import { assertBytes, concatBytes, utf8ToBytes } from '../crypto/bytes.js';
import { DecryptionError } from '../crypto/errors.js';
import { verifyEd25519 } from './ed25519.js';

export const SERVER_KEY_LABEL = 'peerlock/server-ephemeral-key/v1';

export interface SignedServerKey {
  readonly publicKey: Uint8Array;
  /** Unix seconds. */
  readonly validFrom: number;
  readonly validUntil: number;
  readonly signature: Uint8Array;
}

function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('timestamp: expected a non-negative safe integer');
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value));
  return out;
}

/** The exact bytes the long-term key signs; the server uses the same function. */
export function serverKeySignedBytes(publicKey: Uint8Array, validFrom: number, validUntil: number): Uint8Array {
  assertBytes(publicKey, 'publicKey', 32);
  return concatBytes(utf8ToBytes(SERVER_KEY_LABEL), new Uint8Array([0]), publicKey, u64be(validFrom), u64be(validUntil));
}

/**
 * Checks the signature against the pinned long-term key and the validity
 * window against `nowSeconds` (allowing `skewSeconds` of clock difference).
 * Any failure is the one opaque DecryptionError: a client has nothing to do
 * with a bad server key but refuse it.
 */
export function verifyServerKey(key: SignedServerKey, pinnedSigningKey: Uint8Array, nowSeconds: number, skewSeconds = 300): Uint8Array {
  assertBytes(key.publicKey, 'publicKey', 32);
  assertBytes(key.signature, 'signature', 64);
  assertBytes(pinnedSigningKey, 'pinnedSigningKey', 32);
  const message = serverKeySignedBytes(key.publicKey, key.validFrom, key.validUntil);
  if (!verifyEd25519(message, key.signature, pinnedSigningKey)) throw new DecryptionError('server key signature does not verify');
  if (nowSeconds + skewSeconds < key.validFrom || nowSeconds - skewSeconds >= key.validUntil) throw new DecryptionError('server key is outside its validity window');
  return key.publicKey.slice();
}
