import { setImmediate as nextTurn } from 'node:timers/promises';
import type { RecordedEvent } from '@peerlock/schema';
import type { EventSource } from './event-source.js';
import { foldEvents, type Projection } from './projection.js';
import type { CommitOutcome, ReadModelStore } from './storage/read-model-store.js';

/** A run of unhandled events is committed (checkpoint only) once it is this long or this old. */
const SKIP_FLUSH_EVENTS = 1000;
const SKIP_FLUSH_MS = 1000;

export interface ProjectionLag {
  /** Position of the newest event in the log. */
  readonly head: bigint;
  /** Position of the last event folded into the read model. */
  readonly checkpoint: bigint;
  /** head − checkpoint: a count of events for SQLite and PostgreSQL (dense positions), a log distance for KurrentDB. */
  readonly behind: bigint;
}

export interface ProjectionRunnerOptions<Doc, Event extends RecordedEvent> {
  readonly source: EventSource;
  readonly store: ReadModelStore;
  readonly projection: Projection<Doc, Event>;
  /** Events per transaction. Larger batches replay faster; smaller ones hold row locks for less time. */
  readonly batchSize?: number;
  /** Called when the live loop fails (the database went away); it retries after `retryDelayMs`, doubling up to `maxRetryDelayMs`. */
  readonly onError?: (error: unknown) => void;
  /** Default 1000 ms. */
  readonly retryDelayMs?: number;
  /** Default 30 s. */
  readonly maxRetryDelayMs?: number;
}

/**
 * Applies events to one read model in global order, exactly once: every batch
 * commits its rows and the checkpoint together, and only if the checkpoint is
 * still where the batch started (see ReadModelStore.commit). Any number of
 * runners of one projection may run against one store; each event still lands once.
 */
export class ProjectionRunner<Doc, Event extends RecordedEvent = RecordedEvent> {
  private readonly source: EventSource;
  private readonly store: ReadModelStore;
  private readonly projection: Projection<Doc, Event>;
  private readonly batchSize: number;
  private live: { controller: AbortController; done: Promise<void> } | undefined;
  /** The highest checkpoint this runner has committed or seen; what `reached` compares against. */
  private known = 0n;
  private waiters: { position: bigint; resolve: () => void }[] = [];
  /** Commits the checkpoint over events the live loop skipped; set while it runs. */
  private flushSkipped: (() => Promise<boolean>) | null = null;
  /** Moved on by every stop: a catch-up started before a stop ends at its next batch. */
  private generation = 0;

  constructor(private readonly options: ProjectionRunnerOptions<Doc, Event>) {
    this.source = options.source;
    this.store = options.store;
    this.projection = options.projection;
    this.batchSize = options.batchSize ?? 1000;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  }

  get name(): string {
    return this.projection.name;
  }

  /**
   * Applies every event up to the log head as it is now; returns the new
   * checkpoint. A `stop` ends it after the batch it is committing (issue 15:
   * a catch-up 139k events behind held a SIGTERM for 18 s and more).
   */
  async catchUp(): Promise<bigint> {
    let checkpoint = (await this.store.prepare(this.projection)).position;
    this.advanceKnown(checkpoint);
    const head = await this.source.headPosition();
    const generation = this.generation;
    while (checkpoint < head && generation === this.generation) {
      const events = await this.source.readAll({ after: checkpoint, maxCount: this.batchSize });
      if (events.length === 0) break;
      // When stale, another runner (or a rebuild) moved the checkpoint: carry on from wherever it is now.
      checkpoint = (await this.applyBatch(checkpoint, events)).checkpoint;
      // A synchronous store (SQLite) would otherwise fold the whole backlog without letting a request in.
      await nextTurn();
    }
    return checkpoint;
  }

  /**
   * Resolves once this runner has seen its checkpoint at or past `position`
   * (its own commits, or another runner's found on a stale commit). Only the
   * live loop moves it forward by itself: callers without a live runner use catchUp.
   */
  reached(position: bigint): Promise<void> {
    if (this.hasReached(position)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ position, resolve }));
  }

  /** reached(position), answered now: whether this runner has seen its checkpoint at or past `position`. */
  hasReached(position: bigint): boolean {
    return this.known >= position;
  }

  private advanceKnown(checkpoint: bigint): void {
    if (checkpoint <= this.known) return;
    this.known = checkpoint;
    const ready = this.waiters.filter((w) => w.position <= checkpoint);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.position > checkpoint);
    for (const w of ready) w.resolve();
  }

  /** Drops the read model and replays the log from zero up to the current head. */
  async rebuild(): Promise<bigint> {
    await this.store.reset(this.projection);
    return this.catchUp();
  }

  async lag(): Promise<ProjectionLag> {
    const [head, stored] = await Promise.all([this.source.headPosition(), this.store.checkpoint(this.projection.name)]);
    // A live runner may be past its stored checkpoint over events it does not handle.
    const checkpoint = this.known > (stored?.position ?? 0n) ? this.known : (stored?.position ?? 0n);
    return { head, checkpoint, behind: head > checkpoint ? head - checkpoint : 0n };
  }

  /** Follows the log in the background (catch-up, then live) until `stop`. */
  start(): void {
    if (this.live) return;
    const controller = new AbortController();
    this.live = { controller, done: this.follow(controller.signal) };
  }

  async stop(): Promise<void> {
    // Ends every catch-up under way, too, after its current batch.
    this.generation++;
    const live = this.live;
    if (!live) return;
    this.live = undefined;
    const flush = this.flushSkipped;
    live.controller.abort();
    await live.done;
    // Leave the stored checkpoint where this runner got to, so a restart does not re-read the skipped run.
    await flush?.().catch((error: unknown) => this.options.onError?.(error));
  }

  private async follow(signal: AbortSignal): Promise<void> {
    const initialDelay = this.options.retryDelayMs ?? 1000;
    const maxDelay = this.options.maxRetryDelayMs ?? 30_000;
    let delay = initialDelay;
    // Back to the short delay once the read-model store answers again: the next outage starts the doubling afresh.
    const progressed = () => (delay = initialDelay);
    while (!signal.aborted) {
      try {
        await this.followOnce(signal, progressed);
        delay = initialDelay;
      } catch (error) {
        if (signal.aborted) return;
        this.options.onError?.(error);
        await sleep(delay, signal);
        delay = Math.min(delay * 2, maxDelay);
      }
    }
  }

  /**
   * Returns when the subscription must restart from the stored checkpoint (someone else moved it).
   *
   * Most events concern few projections. A run of events this projection does
   * not handle changes none of its rows, so it is not committed on its own:
   * the runner only notes that its read model is current up to there
   * (`reached` answers at once), and the stored checkpoint catches up with the
   * next commit, or when the run grows long or old, or at stop. A restart
   * re-reads at most that run, and ignores it again.
   */
  private async followOnce(signal: AbortSignal, progressed: () => void): Promise<void> {
    let checkpoint = (await this.store.prepare(this.projection)).position;
    progressed();
    this.advanceKnown(checkpoint);
    let skipped = null as { to: bigint; count: number; since: number } | null;
    const flush = async (): Promise<boolean> => {
      if (!skipped) return true;
      const to = skipped.to;
      skipped = null;
      const outcome = await this.store.commit<Doc>(this.projection.name, { from: checkpoint, to, documentIds: [], fold: () => new Map() });
      if (outcome === 'stale') return false;
      checkpoint = to;
      return true;
    };
    this.flushSkipped = flush;
    try {
      for await (const events of this.source.subscribe({ after: checkpoint, signal })) {
        // Between batches, let requests in: far behind on a synchronous store (SQLite), reading and folding
        // (or skipping) a backlog never waits for anything, and would hold the event loop until it is done.
        await nextTurn();
        for (let start = 0; start < events.length; start += this.batchSize) {
          // A stop waits for at most the batch being committed, not for the rest of what was read.
          if (signal.aborted) return;
          const slice = events.slice(start, start + this.batchSize);
          const last = slice[slice.length - 1]!.globalPosition;
          if (!slice.some((e) => this.projection.handles.has(e.type))) {
            skipped = { to: last, count: (skipped?.count ?? 0) + slice.length, since: skipped?.since ?? Date.now() };
            this.advanceKnown(last);
            if (skipped.count < SKIP_FLUSH_EVENTS && Date.now() - skipped.since < SKIP_FLUSH_MS) continue;
            if (!(await flush())) return;
            continue;
          }
          skipped = null;
          const result = await this.applyBatch(checkpoint, slice);
          if (result.outcome === 'stale') return;
          checkpoint = result.checkpoint;
        }
      }
    } finally {
      if (this.flushSkipped === flush) this.flushSkipped = null;
    }
  }

  private async applyBatch(from: bigint, events: readonly RecordedEvent[]): Promise<{ outcome: CommitOutcome; checkpoint: bigint }> {
    const handled: Event[] = [];
    for (const event of events) {
      if (this.projection.handles.has(event.type)) handled.push(this.projection.decode(event));
    }
    const documentIds = new Set<string>();
    for (const event of handled) for (const id of this.projection.documentIds(event)) documentIds.add(id);
    const to = events[events.length - 1]!.globalPosition;
    const outcome = await this.store.commit<Doc>(this.projection.name, {
      from,
      to,
      documentIds: [...documentIds],
      fold: (view) => foldEvents(this.projection, view, handled),
    });
    if (outcome === 'committed') {
      this.advanceKnown(to);
      return { outcome, checkpoint: to };
    }
    const stored = await this.store.prepare(this.projection);
    this.advanceKnown(stored.position);
    return { outcome, checkpoint: stored.position };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
