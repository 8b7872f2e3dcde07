/**
 * An archive target in memory: the web client's (a download is made from its
 * pieces) and the tests'. Resuming works within one process (a test stops an
 * export and continues it on the same target); the pieces are the chunks as
 * written, so no copy of the whole archive is made until bytes() is asked for.
 */
import type { ArchiveTarget } from './writer.js';

export class MemoryArchiveTarget implements ArchiveTarget {
  private pieces: Uint8Array[] = [];
  private length = 0;
  private sealedCheckpoint: Uint8Array | null = null;
  private header: Uint8Array | null = null;

  async loadCheckpoint(): Promise<Uint8Array | null> {
    return this.sealedCheckpoint;
  }

  async saveCheckpoint(sealed: Uint8Array): Promise<void> {
    this.sealedCheckpoint = sealed;
  }

  async partialLength(): Promise<number> {
    return this.length;
  }

  async truncate(length: number): Promise<void> {
    const kept: Uint8Array[] = [];
    let at = 0;
    for (const p of this.pieces) {
      if (at >= length) break;
      kept.push(at + p.length <= length ? p : p.subarray(0, length - at));
      at += p.length;
    }
    this.pieces = kept;
    this.length = Math.min(this.length, length);
    this.header = null;
  }

  async append(bytes: Uint8Array): Promise<void> {
    this.pieces.push(bytes.slice());
    this.length += bytes.length;
  }

  async sync(): Promise<void> {}

  async complete(header: Uint8Array): Promise<void> {
    this.header = header.slice();
    this.sealedCheckpoint = null;
  }

  /** Whether complete() ran since the last change. */
  get completed(): boolean {
    return this.header !== null;
  }

  /** The archive (header over its room, then the chunks), as pieces: e.g. `new Blob(target.parts())`. */
  parts(): Uint8Array[] {
    if (!this.header) throw new Error('archive: not complete');
    const header = this.header;
    const out: Uint8Array[] = [header];
    let skip = header.length;
    for (const p of this.pieces) {
      if (skip >= p.length) {
        skip -= p.length;
        continue;
      }
      out.push(skip ? p.subarray(skip) : p);
      skip = 0;
    }
    return out;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts()) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}
