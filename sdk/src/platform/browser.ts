/** Browser platform: no native addons; key derivation falls back to scrypt-js. */
import type { NaclBackend } from '../crypto/nacl.js';
import type { Platform } from './types.js';

export function loadSodium(): NaclBackend | null {
  return null;
}

export const nativeScrypt: Platform['nativeScrypt'] = null;

export const nativeBlake2s256: Platform['nativeBlake2s256'] = null;

export const createParallelBlake2s256: Platform['createParallelBlake2s256'] = null;
