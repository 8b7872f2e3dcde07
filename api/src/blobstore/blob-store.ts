/**
 * The blob store port (DESIGN §5, STYLE §5): opaque bytes under slash-separated
 * keys. Adapters: a local folder (embedded default) and Azure Blob Storage;
 * both pass testing/blob-store-contract.ts.
 *
 * The promises every adapter keeps:
 * - a blob is visible whole or not at all: a reader never sees a partial
 *   write, and a failed or aborted write leaves the previous blob (or none);
 * - bodies stream both ways: nothing holds a whole blob in memory;
 * - `put` refuses a body longer than `maxBytes` with BlobTooLargeError and
 *   stores nothing.
 */
export type BlobBody = AsyncIterable<Uint8Array>;

export interface BlobStore {
  /** Stores `body` under `key`, replacing any blob there; resolves with its byte length once durable. */
  put(key: string, body: BlobBody, options: { readonly maxBytes: number }): Promise<number>;
  /**
   * The blob's bytes as a stream, or null when there is none. With `buffer`,
   * an adapter may read into it instead of allocating: each piece is then a
   * view of `buffer`, valid only until the next piece is pulled (the caller
   * must be done with it by then, e.g. written to the socket). Streaming
   * large blobs then makes no garbage at all.
   */
  get(key: string, options?: { readonly buffer?: Uint8Array }): Promise<{ readonly size: number; readonly body: BlobBody } | null>;
  /** Byte length, or null when absent. */
  size(key: string): Promise<number | null>;
  /** Keys that start with `prefix`, with their sizes, in byte order of key. */
  list(prefix: string): Promise<{ key: string; size: number }[]>;
  /** Deletes every blob whose key starts with `prefix`; absent keys are no error. */
  deletePrefix(prefix: string): Promise<void>;
  close(): Promise<void>;
}

export class BlobTooLargeError extends Error {
  readonly code = 'BLOB_TOO_LARGE';
  constructor(readonly maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** Keys are ours, never a client's string: still, refuse anything that could leave the store's namespace. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/.test(key) || key.length > 512) throw new RangeError('key: expected segments of [A-Za-z0-9_-] joined by /');
}

export function assertBlobPrefix(prefix: string): void {
  if (typeof prefix !== 'string' || !/^([A-Za-z0-9_-]+\/)*$/.test(prefix) || prefix.length > 512) throw new RangeError('prefix: expected segments ending with /');
}

/** Counts bytes through, throwing BlobTooLargeError as soon as the limit is passed (so no oversized body is ever fully read). */
export async function* limited(body: BlobBody, maxBytes: number, count: (n: number) => void): BlobBody {
  let total = 0;
  for await (const piece of body) {
    total += piece.length;
    if (total > maxBytes) throw new BlobTooLargeError(maxBytes);
    count(total);
    yield piece;
  }
}
