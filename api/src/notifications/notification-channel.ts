/**
 * A queue that is an AsyncIterator: the producer pushes, GraphQL pulls.
 * Hand-rolled rather than an async generator because a generator parked on
 * an await cannot be returned from until it wakes, and a subscription that
 * gets no notifications must still end the moment its client unsubscribes.
 */
export class NotificationChannel<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | null = null;
  private drained: (() => void) | null = null;
  private closed = false;
  private failure: unknown = null;

  constructor(
    private readonly maxQueued: number,
    private readonly onClose: () => void,
  ) {}

  get queued(): number {
    return this.items.length;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve({ value: item, done: false });
      return;
    }
    this.items.push(item);
    // A client that does not keep up is cut off rather than buffered without bound; it resumes from its last position.
    if (this.items.length > this.maxQueued) this.fail(new Error('subscriber too slow'));
  }

  fail(error: unknown): void {
    if (this.closed) return;
    this.failure = error;
    this.items.length = 0;
    this.finish();
    const w = this.waiter;
    this.waiter = null;
    w?.reject(error);
  }

  /** Resolves when the queue is at most `level` long (or the channel closed). */
  async below(level: number): Promise<void> {
    while (!this.closed && this.items.length > level) await new Promise<void>((resolve) => (this.drained = resolve));
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) {
      const value = this.items.shift()!;
      this.wakeDrained();
      return Promise.resolve({ value, done: false });
    }
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      return Promise.reject(failure);
    }
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    this.wakeDrained();
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.finish();
    const w = this.waiter;
    this.waiter = null;
    w?.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    this.fail(error);
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.wakeDrained();
    this.onClose();
  }

  private wakeDrained(): void {
    const d = this.drained;
    this.drained = null;
    d?.();
  }
}
