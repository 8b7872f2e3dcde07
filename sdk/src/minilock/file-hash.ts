/**
 * fileInfo.fileHash = BLAKE2s-256 over every encrypted chunk as written,
 * length prefixes included (reference: hashObject.update(encryptedChunk)).
 *
 * Whole-buffer paths hash inline: Node's OpenSSL BLAKE2s when available
 * (~20x faster than blakejs), blakejs elsewhere; both give the same bytes
 * (tested). Streams of more than one data chunk hash on a worker thread
 * where the platform has one, overlapping the hash with the secretbox work.
 */
import { createParallelBlake2s256, nativeBlake2s256 } from '#platform';
import { createBlake2s, type Blake2sHasher } from '../crypto/blake2s.js';
import type { ParallelHasher } from '../platform/types.js';
import { CHUNK_SIZE } from './format.js';

/** What the chunk sealer and opener feed. */
export interface HashInput {
  update(data: Uint8Array): void;
}

export function createFileHasher(): Blake2sHasher {
  return nativeBlake2s256 ? nativeBlake2s256() : createBlake2s(32);
}

/** Bytes the worker may lag behind by before a stream waits for it. */
const MAX_PENDING_BYTES = 2 * CHUNK_SIZE;

/**
 * The file hash of a stream. Until choose() is called (when the stream knows
 * whether it is larger than one data chunk), updates are buffered as copies;
 * in practice that is only the 276-byte name chunk.
 */
export class StreamHasher implements HashInput {
  private buffered: Uint8Array[] | null = [];
  private inline: Blake2sHasher | null = null;
  private parallel: ParallelHasher | null = null;

  choose(large: boolean): void {
    if (this.buffered === null) return;
    if (large && createParallelBlake2s256) this.parallel = createParallelBlake2s256();
    else this.inline = createFileHasher();
    const target = (this.parallel ?? this.inline)!;
    for (const b of this.buffered) target.update(b);
    this.buffered = null;
  }

  update(data: Uint8Array): void {
    if (this.buffered) this.buffered.push(data.slice());
    else (this.parallel ?? this.inline)!.update(data);
  }

  /** A slot of the hash worker to read `bytes` into (see ParallelHasher.borrow), or null: then use update(). */
  borrow(bytes: number): Uint8Array | null {
    return this.parallel?.borrow?.(bytes) ?? null;
  }

  /** Hashes a filled slot from borrow() where it is, without a copy. */
  updateBorrowed(view: Uint8Array): void {
    this.parallel!.updateBorrowed!(view);
  }

  /** Backpressure: wait while the worker is more than two chunks behind. */
  async drain(): Promise<void> {
    if (this.parallel) await this.parallel.drain(MAX_PENDING_BYTES);
  }

  async digest(): Promise<Uint8Array> {
    this.choose(false);
    return this.parallel ? this.parallel.digest() : this.inline!.digest();
  }

  /** The stream stopped early: release the worker session. */
  dispose(): void {
    this.parallel?.dispose();
  }
}
