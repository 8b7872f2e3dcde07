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
 *
 * Opening fails the way noble's ciphers do: by throwing the one opaque
 * DecryptionError (crypto/errors.ts), never by a null a caller might forget
 * to check. The length rule (a box holds at least its 16-byte tag) is
 * checked once, in openedLength(), by both backends.
 */
import nacl from 'tweetnacl';
import { loadSodium } from '#platform';
import { assertBytes } from './bytes.js';
import { DecryptionError } from './errors.js';

export const KEY_BYTES = 32;
export const NONCE_BYTES = 24;
export const MAC_BYTES = 16;

export interface NaclBackend {
  readonly name: 'tweetnacl' | 'libsodium';
  /** XSalsa20-Poly1305; returns tag ‖ ciphertext. */
  secretbox(message: Uint8Array, nonce: Uint8Array, key: Uint8Array): Uint8Array;
  /** Optional: the same bytes written into `out` (message.length + 16 bytes), saving an allocation and a copy. */
  secretboxInto?(out: Uint8Array, message: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  /**
   * Opens `box` into `out` (openedLength(box) bytes), which may be
   * box.subarray(16) for in-place decryption. Throws DecryptionError, having
   * written nothing, unless the tag verifies.
   */
  secretboxOpenInto(out: Uint8Array, box: Uint8Array, nonce: Uint8Array, key: Uint8Array): void;
  box(message: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array;
  /** Returns the plaintext; throws DecryptionError unless the tag verifies. */
  boxOpen(box: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array;
  /**
   * HSalsa20(X25519(mySecretKey, theirPublicKey), 0): the key box uses. Null
   * where the backend refuses the point (libsodium: a low-order public key
   * gives an all-zero X25519 output); tweetnacl computes a key anyway, as its box does.
   */
  boxBeforeNm(theirPublicKey: Uint8Array, mySecretKey: Uint8Array): Uint8Array | null;
  /** X25519(secretKey, 9): the public key of a secret key. */
  scalarMultBase(secretKey: Uint8Array): Uint8Array;
}

/**
 * The plaintext length of a box (tag ‖ ciphertext), and the one place a box
 * too short to hold its tag is refused: as a failed decryption, since to the
 * caller it is one.
 */
export function openedLength(box: Uint8Array): number {
  if (box.length < MAC_BYTES) throw new DecryptionError();
  return box.length - MAC_BYTES;
}

/** Checks the space a backend's secretboxOpenInto writes to: a caller's bug, not a forgery. */
export function checkOpenInto(out: Uint8Array, box: Uint8Array): number {
  const length = openedLength(box);
  if (out.length !== length) throw new RangeError(`secretboxOpenInto: out must be ${length} bytes, got ${out.length}`);
  return length;
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
  secretboxOpenInto(out, b, n, k) {
    checkOpenInto(out, b);
    const opened = nacl.secretbox.open(b, n, k);
    if (opened === null) throw new DecryptionError();
    // tweetnacl opens into a fresh array; the copy makes in-place `out` (a view of `b`) safe.
    out.set(opened);
  },
  box: (m, n, pk, sk) => nacl.box(m, n, pk, sk),
  boxOpen(b, n, pk, sk) {
    openedLength(b);
    const opened = nacl.box.open(b, n, pk, sk);
    if (opened === null) throw new DecryptionError();
    return opened;
  },
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

/** Argument-checked secretbox open: the plaintext, or DecryptionError. */
export function secretboxOpen(box: Uint8Array, nonce: Uint8Array, key: Uint8Array, backend = defaultBackend()): Uint8Array {
  checkSecretboxArgs(box, nonce, key);
  const out = new Uint8Array(openedLength(box));
  backend.secretboxOpenInto(out, box, nonce, key);
  return out;
}

/**
 * nonce ‖ box, the form sealed documents are stored in, split. Bytes too
 * short to hold a nonce are a failed decryption like any forgery (and one
 * too short for the tag fails in openedLength).
 */
function splitFramed(framed: Uint8Array): { nonce: Uint8Array; box: Uint8Array } {
  assertBytes(framed, 'framed');
  if (framed.length < NONCE_BYTES) throw new DecryptionError();
  return { nonce: framed.subarray(0, NONCE_BYTES), box: framed.subarray(NONCE_BYTES) };
}

/** Opens nonce ‖ secretbox. */
export function secretboxOpenFramed(framed: Uint8Array, key: Uint8Array, backend = defaultBackend()): Uint8Array {
  const { nonce, box } = splitFramed(framed);
  return secretboxOpen(box, nonce, key, backend);
}

export function box(message: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array, backend = defaultBackend()): Uint8Array {
  assertBytes(message, 'message');
  assertBytes(nonce, 'nonce', NONCE_BYTES);
  assertBytes(theirPublicKey, 'theirPublicKey', KEY_BYTES);
  assertBytes(mySecretKey, 'mySecretKey', KEY_BYTES);
  return backend.box(message, nonce, theirPublicKey, mySecretKey);
}

/** Argument-checked box open: the plaintext, or DecryptionError. */
export function boxOpen(ciphertext: Uint8Array, nonce: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array, backend = defaultBackend()): Uint8Array {
  assertBytes(ciphertext, 'ciphertext');
  assertBytes(nonce, 'nonce', NONCE_BYTES);
  assertBytes(theirPublicKey, 'theirPublicKey', KEY_BYTES);
  assertBytes(mySecretKey, 'mySecretKey', KEY_BYTES);
  return backend.boxOpen(ciphertext, nonce, theirPublicKey, mySecretKey);
}

/** Opens nonce ‖ box. */
export function boxOpenFramed(framed: Uint8Array, theirPublicKey: Uint8Array, mySecretKey: Uint8Array, backend = defaultBackend()): Uint8Array {
  const { nonce, box } = splitFramed(framed);
  return boxOpen(box, nonce, theirPublicKey, mySecretKey, backend);
}

export function scalarMultBase(secretKey: Uint8Array, backend = defaultBackend()): Uint8Array {
  assertBytes(secretKey, 'secretKey', KEY_BYTES);
  return backend.scalarMultBase(secretKey);
}
