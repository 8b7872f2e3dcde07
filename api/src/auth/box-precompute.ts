/**
 * NaCl crypto_box with the shared key computed once per recipient
 * (crypto_box_beforenm / crypto_box_afternm), for boxing a batch of tokens
 * to one auth key:
 *
 *   s = X25519(sk, pk)                                 RFC 7748 §5 (node:crypto, native)
 *   k = HSalsa20(key = s, input = 0^16, const = "expand 32-byte k")   NaCl crypto_box_beforenm
 *   box(m, n, pk, sk) = secretbox(m, n, k)             NaCl crypto_box_afternm
 *
 * The output is byte-for-byte crypto_box (a test checks it against the SDK's
 * box); only the 32 X25519 multiplications of a batch become one.
 */
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { hsalsa20Key, secretbox } from '@peerlock/sdk';

/** DER prefixes of PKCS#8 / SPKI X25519 keys (RFC 8410 §7, §4); the raw 32 bytes follow. */
const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519 = Buffer.from('302a300506032b656e032100', 'hex');
export function x25519PrivateKey(secretKey: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519, secretKey]), format: 'der', type: 'pkcs8' });
}

/** A public key of small order: every shared secret with it is zero, so nothing boxed to it is secret. */
export class LowOrderKeyError extends Error {
  constructor() {
    super('public key of small order');
    this.name = 'LowOrderKeyError';
  }
}

/** crypto_box_beforenm. Refuses a low-order public key (all-zero shared secret), as libsodium does. */
export function boxBeforeNm(theirPublicKey: Uint8Array, myPrivateKey: KeyObject): Uint8Array {
  let shared: Buffer;
  try {
    shared = diffieHellman({ privateKey: myPrivateKey, publicKey: createPublicKey({ key: Buffer.concat([SPKI_X25519, theirPublicKey]), format: 'der', type: 'spki' }) });
  } catch {
    throw new LowOrderKeyError();
  }
  if (shared.every((b) => b === 0)) throw new LowOrderKeyError();
  // The HSalsa20 step is the SDK's, the one its libsodium backend uses too.
  const k = hsalsa20Key(new Uint8Array(shared.buffer, shared.byteOffset, shared.length));
  shared.fill(0);
  return k;
}

/** crypto_box_afternm: secretbox under the precomputed key. */
export function boxAfterNm(message: Uint8Array, nonce: Uint8Array, sharedKey: Uint8Array): Uint8Array {
  return secretbox(message, nonce, sharedKey);
}
