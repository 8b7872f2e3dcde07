/**
 * Pull-based reading of exact byte counts from a stream of Uint8Array pieces
 * of any size. Holds at most the bytes asked for plus one source piece.
 */

/** What the streaming functions accept: async or sync iterables of bytes, or a Web ReadableStream. */
export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array> | ReadableStream<Uint8Array>;

type PieceIterator = AsyncIterator<unknown> | Iterator<unknown>;

const EMPTY = new Uint8Array(0);

function iteratorOf(source: unknown, name: string): PieceIterator {
  if (source === null || (typeof source !== 'object' && typeof source !== 'function') || source instanceof Uint8Array) {
    throw new TypeError(`${name}: expected an iterable of Uint8Array or a ReadableStream`);
  }
  const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown> & ReadableStream<unknown>>;
  const asyncIterate = s[Symbol.asyncIterator];
  if (typeof asyncIterate === 'function') return asyncIterate.call(s);
  const iterate = s[Symbol.iterator];
  if (typeof iterate === 'function') return iterate.call(s);
  if (typeof s.getReader === 'function') {
    const reader = s.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<unknown>>,
      return: async () => {
        await reader.cancel();
        return { done: true, value: undefined };
      },
    };
  }
  throw new TypeError(`${name}: expected an iterable of Uint8Array or a ReadableStream`);
}

export class ByteReader {
  private readonly iterator: PieceIterator;
  private pieces: Uint8Array[] = [];
  /** Index of the first unconsumed piece (a cursor, so tiny pieces cost O(1) each, not an O(n) shift). */
  private head = 0;
  /** Bytes of pieces[head] already consumed. */
  private headOffset = 0;
  private buffered = 0;
  private ended = false;

  constructor(
    source: unknown,
    private readonly name = 'source',
  ) {
    this.iterator = iteratorOf(source, name);
  }

  /** Bytes consumed so far. */
  position = 0;

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    const result = await this.iterator.next();
    if (result.done) {
      this.ended = true;
      return false;
    }
    const piece: unknown = result.value;
    if (!(piece instanceof Uint8Array)) throw new TypeError(`${this.name}: expected Uint8Array pieces`);
    if (piece.length > 0) {
      this.pieces.push(piece);
      this.buffered += piece.length;
    }
    return true;
  }

  /**
   * Up to `n` bytes, fewer only at the end of the stream: in a fresh array,
   * or in the front of `into` (reused by hot loops to keep memory flat).
   */
  async read(n: number, into?: Uint8Array): Promise<Uint8Array> {
    while (this.buffered < n && (await this.pull()));
    const length = Math.min(n, this.buffered);
    const out = into ? into.subarray(0, length) : new Uint8Array(length);
    let filled = 0;
    while (filled < out.length) {
      const piece = this.pieces[this.head]!;
      const take = Math.min(piece.length - this.headOffset, out.length - filled);
      out.set(piece.subarray(this.headOffset, this.headOffset + take), filled);
      filled += take;
      this.headOffset += take;
      if (this.headOffset === piece.length) {
        // Drop the consumed piece now, not at the next compaction.
        this.pieces[this.head++] = EMPTY;
        this.headOffset = 0;
      }
    }
    if (this.head === this.pieces.length || this.head > 1024) {
      this.pieces = this.pieces.slice(this.head);
      this.head = 0;
    }
    this.buffered -= out.length;
    this.position += out.length;
    return out;
  }

  /** True when no byte is left; pulls from the source if it must. */
  async atEnd(): Promise<boolean> {
    while (this.buffered === 0) if (!(await this.pull())) return true;
    return false;
  }

  /** Stops the source early (an error, or the consumer gave up). */
  async cancel(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    try {
      await this.iterator.return?.();
    } catch {
      // The source's own clean-up failed; the caller is already handling an error or a stop.
    }
  }
}
