/**
 * What X25519 gives for a long-term secret key, computed once.
 *
 * miniLock keys are static (DESIGN.md §2): every message between the same
 * two people boxes its fileInfo under the same key agreement,
 *
 *   k = crypto_box_beforenm(theirPublicKey, mySecretKey) = HSalsa20(X25519(mySecretKey, theirPublicKey), 0)
 *   box(m, n, theirPublicKey, mySecretKey) = secretbox(m, n, k)        (NaCl crypto_box_afternm)
 *
 * so k, and the public key of the secret key, are remembered instead of
 * recomputed per message: a scalar multiplication is most of what sealing and
 * opening a short message costs (two of the four on the sender's side of a
 * two-party message, one of two or three on the reader's; in the browser,
 * where tweetnacl does them in JavaScript, each is about a millisecond).
 * Ephemeral keys (one header's) are never remembered.
 *
 * A LongTermKey holds its own copy of the secret key and the agreed keys:
 * they are as secret as the key itself. One is remembered per secret-key
 * array (a WeakMap, so it goes when the caller's array goes), and only while
 * that array still holds the same bytes; forgetLongTermKey wipes it at once
 * (the SDK client calls it at logout, before it wipes its own copy).
 */
import { encodeMiniLockId } from '../keys/minilock-id.js';
import { assertBytes, wipe } from './bytes.js';
import type { NaclBackend } from './nacl.js';

/** Agreed keys kept per long-term key; past it the memory starts over (a client talks to far fewer people). */
const MAX_AGREED = 4096;

export class LongTermKey {
  readonly publicKey: Uint8Array;
  /** The miniLock ID of publicKey. */
  readonly id: string;
  private readonly secretKey: Uint8Array;
  /** hex(theirPublicKey) → k, or null where the backend refuses the point (libsodium: a low-order key). */
  private readonly agreed = new Map<string, Uint8Array | null>();

  constructor(
    secretKey: Uint8Array,
    readonly backend: NaclBackend,
  ) {
    this.secretKey = secretKey.slice();
    this.publicKey = backend.scalarMultBase(this.secretKey);
    this.id = encodeMiniLockId(this.publicKey);
  }

  /** crypto_box_beforenm(theirPublicKey, this secret key), remembered; null when it cannot be agreed. */
  sharedKey(theirPublicKey: Uint8Array): Uint8Array | null {
    const name = hex(theirPublicKey);
    let k = this.agreed.get(name);
    if (k === undefined) {
      if (this.agreed.size >= MAX_AGREED) this.wipeAgreed();
      k = this.backend.boxBeforeNm(theirPublicKey, this.secretKey);
      this.agreed.set(name, k);
    }
    return k;
  }

  /** The same agreement with a key met once (a header's ephemeral key): not remembered. */
  agree(theirPublicKey: Uint8Array): Uint8Array | null {
    return this.backend.boxBeforeNm(theirPublicKey, this.secretKey);
  }

  /** Whether `secretKey` still holds the bytes this was made from (compared without an early exit). */
  holds(secretKey: Uint8Array): boolean {
    if (secretKey.length !== this.secretKey.length) return false;
    let diff = 0;
    for (let i = 0; i < secretKey.length; i++) diff |= secretKey[i]! ^ this.secretKey[i]!;
    return diff === 0;
  }

  wipe(): void {
    this.wipeAgreed();
    wipe(this.secretKey);
  }

  private wipeAgreed(): void {
    for (const k of this.agreed.values()) if (k) wipe(k);
    this.agreed.clear();
  }
}

const remembered = new WeakMap<Uint8Array, LongTermKey>();

/** The LongTermKey of `secretKey` (32 bytes, checked by the caller) on `backend`, made on first use. */
export function longTermKey(secretKey: Uint8Array, backend: NaclBackend): LongTermKey {
  const known = remembered.get(secretKey);
  if (known && known.backend === backend && known.holds(secretKey)) return known;
  // The caller's array now holds another key (or this is another backend): start afresh.
  known?.wipe();
  const key = new LongTermKey(secretKey, backend);
  remembered.set(secretKey, key);
  return key;
}

/** Wipes and forgets what was remembered for `secretKey` (the array the miniLock calls were given). */
export function forgetLongTermKey(secretKey: Uint8Array): void {
  assertBytes(secretKey, 'secretKey');
  remembered.get(secretKey)?.wipe();
  remembered.delete(secretKey);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return out;
}
