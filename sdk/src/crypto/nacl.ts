/**
 * The NaCl primitives miniLock is built on, behind one interface with two
 * implementations that produce identical bytes:
 *   - tweetnacl (pure JS; every platform),
 *   - libsodium through sodium-native (Node only, optional; several times faster).
 *
 * secretbox = XSalsa20-Poly1305 (NaCl crypto_secretbox), output is the 16-byte
 * Poly1305 tag followed by the ciphertext ("easy" layout, as tweetnacl).
 * box = X25519 + HSalsa20 key agreement, then secretbox (NaCl crypto_box).
 * boxBeforeNm = that key agreement alone (crypto_box_beforenm): box(m, n, pk, sk)
 * is secretbox(m, n, boxBeforeNm(pk, sk)), which lets a long-term agreement be
 * computed once (see long-term-key.ts).
 */
import nacl from 'tweetnacl';
import { loadSodium } from '#platform';
import { assertBytes } from './bytes.js';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const MAC_BYTES = 16;

export interface NaclBackend {
  readonly name: 'tweetnacl' | 'libsodium';
  /** XSalsa20-Poly1305; returns tag ‖ ciphertext. */
  secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** Optional: the same bytes written into `out` (message.length + 16 bytes), saving an allocation and a copy. */
  secretboxInto?(out: Uint8Array, message: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  /** Returns the plaintext, or null when authentication fails. */
  secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array | null;
  /**
   * Optional: opens `box` into `out` (box.length - 16 bytes), which may be
   * box.subarray(16) for in-place decryption. Writes nothing unless the tag
   * verifies; returns whether it did.
   */
  secretboxOpenInto?(out: Uint8Array, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): boolean;
  box(message: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array;
  boxOpen(box: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array | null;
  /**
   * HSalsa20(X25519(mySecretKey, theirPublicKey), 0): the key box uses. Null
   * where the backend refuses the point (libsodium: a low-order public key
   * gives an all-zero X25519 output); tweetnacl computes a key anyway, as its box does.
   */
  boxBeforeNm(theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array | null;
  /** X25519(secretKey, 9): the public key of a secret key. */
  scalarMultBase(secretKey: Uint8Array): Uint8Array;
}

// tweetnacl exports its primitives as `lowlevel` without declaring them.
const lowlevel = (nacl as unknown as { lowlevel: { crypto_core_hsalsa20(out: Uint8Array, input: Uint8Array, key: Uint8Array, constant: Uint8Array): number } }).lowlevel;
const HSALSA20_ZERO_NONCE = new Uint8Array(16);
/** "expand 32-byte k", Salsa20's constant. */
const SIGMA = new Uint8Array([101, 120, 112, 97, 110, 100, 32, 51, 50, 45, 98, 121, 116, 101, 32, 107]);

/** crypto_box_beforenm's second half: HSalsa20 of an X25519 output, under a zero nonce. */
export function hsalsa20Key(sharedSecret: Uint8Array): Uint8Array {
  const k = new Uint8Array(KEY_BYTES);
  lowlevel.crypto_core_hsalsa20(k, HSALSA20_ZERO_NONCE, sharedSecret, SIGMA);
  return k;
}

export const tweetnaclBackend: NaclBackend = {
  name: 'tweetnacl',
  secretbox: (m, n, k) => nacl.secretbox(m, n, k),
  secretboxOpen: (b, n, k) => nacl.secretbox.open(b, n, k),
  box: (m, n, pk, sk) => nacl.box(m, n, pk, sk),
  boxOpen: (b, n, pk, sk) => nacl.box.open(b, n, pk, sk),
  boxBeforeNm: (pk, sk) => nacl.box.before(pk, sk),
  scalarMultBase: (sk) => nacl.scalarMult.base(sk),
};

let cachedSodium: NaclBackend | null | undefined;

/** libsodium when sodium-native is installed (Node), otherwise null. */
export function sodiumBackend(): NaclBackend | null {
  if (cachedSodium === undefined) cachedSodium = loadSodium();
  return cachedSodium;
}

let preferred: NaclBackend | undefined;

/** The fastest backend available here. Both give the same bytes. */
export function defaultBackend(): NaclBackend {
  preferred ??= sodiumBackend() ?? tweetnaclBackend;
  return preferred;
}

function checkSecretboxArgs(data: Uint8Array, nonce: Uint8Array, key: Uint8Array): void {
  assertBytes(data, 'data');
  assertBytes(nonce, 'nonce', NONCE_BYTES);
  assertBytes(key, 'key', KEY_BYTES);
}

/** Argument-checked secretbox on the default backend. */
export function secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array, backend = defaultBackend()): Uint8Array {
  checkSecretboxArgs(message, nonce, key);
  return backend.secretbox(message, nonce, key);
}

export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array, backend = defaultBackend()): Uint8Array | null {
  checkSecretboxArgs(box, nonce, key);
  if (box.length < MAC_BYTES) return null;
  return backend.secretboxOpen(box, nonce, key);
}

export function box(message: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array, backend = defaultBackend()): Uint8Array {
  assertBytes(message, 'message');
  assertBytes(nonce, 'nonce', NONCE_BYTES);
  assertBytes(theirPublicKey, 'theirPublicKey', KEY_BYTES);
  assertBytes(mySecretKey, 'mySecretKey', KEY_BYTES);
  return backend.box(message, nonce, theirPublicKey, mySecretKey);
}

export function boxOpen(ciphertext: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array, backend = defaultBackend()): Uint8Array | null {
  assertBytes(ciphertext, 'ciphertext');
  assertBytes(nonce, 'nonce', NONCE_BYTES);
  assertBytes(theirPublicKey, 'theirPublicKey', KEY_BYTES);
  assertBytes(mySecretKey, 'mySecretKey', KEY_BYTES);
  if (ciphertext.length < MAC_BYTES) return null;
  return backend.boxOpen(ciphertext, nonce, theirPublicKey, mySecretKey);
}

export function scalarMultBase(secretKey: Uint8Array, backend = defaultBackend()): Uint8Array {
  assertBytes(secretKey, 'secretKey', KEY_BYTES);
  return backend.scalarMultBase(secretKey);
}
