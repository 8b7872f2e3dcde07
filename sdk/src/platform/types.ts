import type { NaclBackend } from '../crypto/nacl.js';

/** What differs between Node and browsers; chosen by the "#platform" import condition. */
export interface Platform {
  loadSodium(): NaclBackend | null;
  /** Native scrypt (same bytes as scrypt-js), or null where there is none. */
  nativeScrypt: ((password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number) => Promise<Uint8Array>) | null;
}
