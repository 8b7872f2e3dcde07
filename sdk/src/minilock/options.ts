/**
 * Options shared by the miniLock functions: the NaCl backend, and an
 * injectable random source so that tests can replay the reference's draws.
 */
import { randomBytes } from '../crypto/bytes.js';
import { defaultBackend, type NaclBackend } from '../crypto/nacl.js';

/** Returns `length` fresh random bytes. Defaults to crypto.getRandomValues. */
export type RandomSource = (length: number) => Uint8Array;

export interface BackendOption {
  /** NaCl implementation; default: libsodium in Node when installed, tweetnacl otherwise. */
  backend?: NaclBackend;
}

export interface RandomOption {
  /** Source of the file key, nonces and ephemeral key (tests inject the reference's draws). */
  random?: RandomSource;
}

export function checkOptions(options: unknown, name = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw new TypeError(`${name}: expected an object`);
  return options as Record<string, unknown>;
}

export function resolveBackend(backend: unknown): NaclBackend {
  if (backend === undefined) return defaultBackend();
  const b = backend as Partial<NaclBackend> | null;
  if (
    b === null ||
    typeof b !== 'object' ||
    typeof b.secretbox !== 'function' ||
    typeof b.secretboxOpenInto !== 'function' ||
    typeof b.box !== 'function' ||
    typeof b.boxOpen !== 'function' ||
    typeof b.boxBeforeNm !== 'function' ||
    typeof b.scalarMultBase !== 'function'
  ) {
    throw new TypeError('backend: expected a NaclBackend');
  }
  return b as NaclBackend;
}

export function resolveRandom(random: unknown): RandomSource {
  if (random === undefined) return randomBytes;
  if (typeof random !== 'function') throw new TypeError('random: expected a function');
  return random as RandomSource;
}

/** One draw from the random source, checked so a faulty source cannot shorten a key. */
export function draw(random: RandomSource, length: number): Uint8Array {
  const out: unknown = random(length);
  if (!(out instanceof Uint8Array)) throw new TypeError('random: expected the source to return a Uint8Array');
  if (out.length !== length) throw new RangeError(`random: expected ${length} bytes, got ${out.length}`);
  return out.slice();
}
