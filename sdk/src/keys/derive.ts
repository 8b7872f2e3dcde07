/**
 * Key derivation (DESIGN.md §2; miniLock.crypto.getKeyPair):
 *   secretKey = scrypt(BLAKE2s-256(utf8(passphrase)), salt = utf8(salt), N = 2^17, r = 8, p = 1, dkLen = 32)
 *   publicKey = X25519(secretKey, 9)
 * miniLock uses the email as salt; Peerlock uses the username.
 *
 * The auth key (DESIGN.md §2, after Peerio's 2015 audit) is a second X25519
 * pair so that the server's login tokens are never decrypted with the
 * identity key:
 *   authSecret = BLAKE2s-256(key = identitySecret, message = utf8("peerlock/auth/v1"))
 */
import scryptModule from 'scrypt-js';
import { nativeScrypt } from '#platform';
import { assertBytes, utf8ToBytes, wipe } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';
import { scalarMultBase } from '../crypto/nacl.js';
import { encodeMiniLockId } from './minilock-id.js';

export const SCRYPT_PARAMS = Object.freeze({ N: 2 ** 17, r: 8, p: 1, dkLen: 32 });
export const AUTH_KEY_LABEL = 'peerlock/auth/v1';

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export type ScryptEngine = 'native' | 'scrypt-js';

export interface DeriveOptions {
  /** Force an engine (tests and benchmarks); default: native when available. */
  engine?: ScryptEngine;
  /** scrypt-js progress, 0..1 (browsers show it; native scrypt gives none). */
  onProgress?: (fraction: number) => void;
}

export function keyPairFromSecretKey(secretKey: Uint8Array): KeyPair {
  assertBytes(secretKey, 'secretKey', 32);
  return { secretKey: secretKey.slice(), publicKey: scalarMultBase(secretKey) };
}

/** scrypt with miniLock's parameters over BLAKE2s-256(passphrase). */
export async function deriveSecretKey(passphrase: string, salt: string, options: DeriveOptions = {}): Promise<Uint8Array> {
  if (typeof passphrase !== 'string') throw new TypeError('passphrase: expected a string');
  if (typeof salt !== 'string') throw new TypeError('salt: expected a string');
  if (passphrase.length === 0) throw new RangeError('passphrase: must not be empty');
  const { N, r, p, dkLen } = SCRYPT_PARAMS;
  const prehash = blake2s(utf8ToBytes(passphrase), 32);
  const saltBytes = utf8ToBytes(salt);
  try {
    const engine = options.engine ?? (nativeScrypt ? 'native' : 'scrypt-js');
    if (engine === 'native') {
      if (!nativeScrypt) throw new Error('native scrypt is not available on this platform');
      return await nativeScrypt(prehash, saltBytes, N, r, p, dkLen);
    }
    const progress = options.onProgress;
    return await scryptModule.scrypt(prehash, saltBytes, N, r, p, dkLen, progress ? (f: number) => void progress(f) : undefined);
  } finally {
    wipe(prehash);
  }
}

export async function deriveKeyPair(passphrase: string, salt: string, options?: DeriveOptions): Promise<KeyPair> {
  const secretKey = await deriveSecretKey(passphrase, salt, options);
  const pair = keyPairFromSecretKey(secretKey);
  wipe(secretKey);
  return pair;
}

/** The auth key pair of DESIGN.md §2, derived from the identity secret key. */
export function deriveAuthKeyPair(identitySecretKey: Uint8Array): KeyPair {
  assertBytes(identitySecretKey, 'identitySecretKey', 32);
  const authSecret = blake2s(utf8ToBytes(AUTH_KEY_LABEL), 32, identitySecretKey);
  const pair = keyPairFromSecretKey(authSecret);
  wipe(authSecret);
  return pair;
}

export function miniLockIdOf(pair: KeyPair): string {
  return encodeMiniLockId(pair.publicKey);
}
