import type { NaclBackend } from '../crypto/nacl.js';
import type { Blake2sHasher } from '../crypto/blake2s.js';

/** What differs between Node and browsers; chosen by the "#platform" import condition. */
export interface Platform {
  loadSodium(): NaclBackend | null;
  /** Native scrypt (same bytes as scrypt-js), or null where there is none. */
  nativeScrypt: ((password: Uint8Array, salt: Uint8Array, N: number, r: number, p: number, dkLen: number) => Promise<Uint8Array>) | null;
  /** Native incremental BLAKE2s-256 (same bytes as blakejs, ~20x faster), or null where there is none. */
  nativeBlake2s256: (() => Blake2sHasher) | null;
  /** BLAKE2s-256 on another thread (overlaps hashing with encryption), or null where there is none. */
  createParallelBlake2s256: (() => ParallelHasher) | null;
  /**
   * zxcvbn and the EFF word list, loaded on first use: together they are
   * ~35 MiB of heap that a client pays only when it checks or generates a
   * passphrase (Node: required on demand; browsers: bundled).
   */
  loadZxcvbn(): ZxcvbnFunction;
  /**
   * fetch can send a request body from a ReadableStream over HTTP/1.1 with
   * a Content-Length (Node's undici can; browsers cannot). A Uint8Array
   * body is copied whole by fetch (the spec's "extract a body"); a stream of
   * that same array is sent as it is, which spares a 1 MiB copy per chunk.
   */
  readonly streamRequestBodies: boolean;
  loadEffWordList(): Record<string, string>;
}

export type ZxcvbnFunction = (password: string) => { guesses_log10: number };

/** An incremental hash computed elsewhere: update() queues (copying), digest() resolves when done. */
export interface ParallelHasher {
  update(data: Uint8Array): void;
  /**
   * Zero-copy updates: a free piece of the memory the hash thread reads, at
   * least `bytes` long, or null (none free, or too small). Fill it and pass
   * it (or its front) to updateBorrowed(); it must not be written again,
   * and is never handed out again before the hash thread is done with it.
   */
  borrow?(bytes: number): Uint8Array | null;
  updateBorrowed?(view: Uint8Array): void;
  /** Resolves once at most `maxPendingBytes` are still queued: the caller's backpressure. */
  drain(maxPendingBytes: number): Promise<void>;
  digest(): Promise<Uint8Array>;
  /** Abandons the hash (stream stopped early). */
  dispose(): void;
}
