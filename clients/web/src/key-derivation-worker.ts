/**
 * The identity secret key (DESIGN §2; the SDK's deriveSecretKey, miniLock's
 * getKeyPair) off the main thread, so the page stays responsive and shows
 * progress:
 *
 *   secretKey = scrypt(BLAKE2s-256(utf8(passphrase)), utf8(salt), N = 2^17, r = 8, p = 1, dkLen = 32)
 *
 * The scrypt is @noble/hashes', run in one synchronous call: a worker has
 * nothing else to do, and each postMessage is delivered to the page while
 * the computation goes on. The SDK's browser path (scrypt-js with a progress
 * callback) yields with setTimeout every 125 steps, about 2 100 times, and
 * browsers clamp nested timers to 4 ms: ~10 s of waiting for ~1 s of work
 * (bench/key-derivation-bench.ts; BENCHMARKS.md "Web: key derivation").
 * The SDK's fast path takes no progress callback, hence the formula here;
 * test/key-derivation.e2e.test.ts pins this worker's bytes in Chromium to
 * the miniLock reference vectors and to Node's OpenSSL scrypt.
 *
 * Nothing here comes from the SDK's index: importing it would bring the
 * whole SDK (zxcvbn's dictionaries included) into this worker, ~900 kB
 * fetched at every login for three constants and two hashes.
 *
 * The passphrase arrives, the 32-byte secret goes back (transferred, so no
 * copy stays here) and the worker is terminated by its caller.
 */
import { blake2s } from '@noble/hashes/blake2.js';
import { scrypt } from '@noble/hashes/scrypt.js';

export type DeriveRequest = { readonly passphrase: string; readonly salt: string };
export type DeriveReply =
  | { readonly kind: 'progress'; readonly fraction: number }
  | { readonly kind: 'done'; readonly secretKey: Uint8Array }
  | { readonly kind: 'error'; readonly message: string };

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<DeriveRequest>) => void) | null;
  postMessage(message: DeriveReply, transfer?: Transferable[]): void;
};

/** DESIGN §2 (the SDK's SCRYPT_PARAMS): 128 · N · r bytes = 128 MiB. */
const N = 2 ** 17;
const r = 8;
const p = 1;
const dkLen = 32;

function deriveSecretKey(passphrase: string, salt: string, onProgress: (fraction: number) => void): Uint8Array {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('passphrase: expected a non-empty string');
  if (typeof salt !== 'string') throw new TypeError('salt: expected a string');
  const encoder = new TextEncoder();
  // miniLock pre-hashes the passphrase with unkeyed BLAKE2s-256.
  const prehash = blake2s(encoder.encode(passphrase), { dkLen: 32 });
  try {
    return scrypt(prehash, encoder.encode(salt), { N, r, p, dkLen, onProgress });
  } finally {
    prehash.fill(0);
  }
}

scope.onmessage = (event) => {
  const { passphrase, salt } = event.data;
  let last = -1;
  try {
    const secretKey = deriveSecretKey(passphrase, salt, (fraction) => {
      // noble reports about 10 000 times: a percent step is enough for a progress bar.
      const percent = Math.floor(fraction * 100);
      if (percent !== last) {
        last = percent;
        scope.postMessage({ kind: 'progress', fraction });
      }
    });
    scope.postMessage({ kind: 'done', secretKey }, [secretKey.buffer]);
  } catch (error) {
    scope.postMessage({ kind: 'error', message: error instanceof Error ? error.message : 'key derivation failed' });
  }
};
