/**
 * Opening what the server boxes to us during signup and login (DESIGN.md §3,
 * threat T8; docs/auth.md).
 *
 *   signup challenge  = box(ephemeralServerSecret → identity key, "AC" ‖ 30 random)
 *                       and a second one to the auth key
 *   login token       = box(ephemeralServerSecret → auth key,     "AT" ‖ 30 random)
 *   session secret    = box(ephemeralServerSecret → auth key,     "AS" ‖ 30 random)
 *
 * T8: a malicious server could send any ciphertext it wants opened and watch
 * what we send back. So each key opens only one strict shape: the identity key
 * answers nothing but a 32-byte plaintext beginning "AC", and tokens are
 * opened with the auth key only. A box that opens to anything else is refused
 * exactly like one that fails to open, with the one opaque DecryptionError,
 * and its plaintext never leaves this module.
 */
import { assertBytes, wipe } from '../crypto/bytes.js';
import { DecryptionError } from '../crypto/errors.js';
import { boxOpen } from '../crypto/nacl.js';

export const CHALLENGE_BYTES = 32;
/** "AC": account (or key) challenge. */
export const CHALLENGE_PREFIX = Object.freeze([0x41, 0x43] as const);
/** "AT": auth token. */
export const TOKEN_PREFIX = Object.freeze([0x41, 0x54] as const);
/** "AS": a device session's secret. */
export const SESSION_SECRET_PREFIX = Object.freeze([0x41, 0x53] as const);

export interface SealedBox {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

function openStrict(sealed: SealedBox, serverPublicKey: Uint8Array, mySecretKey: Uint8Array, prefix: readonly [number, number]): Uint8Array {
  assertBytes(sealed.nonce, 'nonce', 24);
  assertBytes(sealed.ciphertext, 'ciphertext');
  // 16-byte Poly1305 tag + exactly 32 bytes: anything else is refused before any key is used.
  if (sealed.ciphertext.length !== 16 + CHALLENGE_BYTES) throw new DecryptionError();
  const plain = boxOpen(sealed.ciphertext, sealed.nonce, serverPublicKey, mySecretKey);
  if (plain.length !== CHALLENGE_BYTES || plain[0] !== prefix[0] || plain[1] !== prefix[1]) {
    wipe(plain);
    throw new DecryptionError();
  }
  return plain;
}

/** The answer to a signup or key-rotation challenge boxed to the identity (miniLock) key. */
export function openIdentityChallenge(sealed: SealedBox, serverPublicKey: Uint8Array, identitySecretKey: Uint8Array): Uint8Array {
  return openStrict(sealed, serverPublicKey, identitySecretKey, CHALLENGE_PREFIX);
}

/** The answer to the signup or key-rotation challenge boxed to the auth key. */
export function openAuthChallenge(sealed: SealedBox, serverPublicKey: Uint8Array, authSecretKey: Uint8Array): Uint8Array {
  return openStrict(sealed, serverPublicKey, authSecretKey, CHALLENGE_PREFIX);
}

/** A device session's secret (DESIGN §3), proving the session on later refills; only ever opened with the auth key. */
export function openSessionSecret(sealed: SealedBox, serverPublicKey: Uint8Array, authSecretKey: Uint8Array): Uint8Array {
  return openStrict(sealed, serverPublicKey, authSecretKey, SESSION_SECRET_PREFIX);
}

/** A single-use login token; only ever opened with the auth key. */
export function openToken(sealed: SealedBox, serverPublicKey: Uint8Array, authSecretKey: Uint8Array): Uint8Array {
  return openStrict(sealed, serverPublicKey, authSecretKey, TOKEN_PREFIX);
}
