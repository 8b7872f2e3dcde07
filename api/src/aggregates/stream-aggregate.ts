/**
 * The imperative shell shared by the stream-per-aggregate deciders (contacts,
 * conversations, pin sets): load the state, decide, append with the revision
 * the state was folded from, and on a conflict start again from a fresh load.
 *
 * Conversation streams grow with every message, so folded states are cached
 * per process with their revision and only the tail is read on each load
 * (`fromRevision`): another node's appends are still always seen, because the
 * tail read goes to the shared store. The cache is bounded (least recently used out).
 *
 * A decider whose every event carries its whole state (`lastEventIsState`,
 * e.g. a counter) is loaded from its stream's last event alone, so a cold
 * load costs one event however long the stream is.
 *
 * Otherwise a cold load (a restart, an eviction, another node) starts from
 * the stream's snapshot, if the aggregate keeps them (`snapshots`), and
 * reads the rest in pages of LOAD_PAGE events, giving the event loop back
 * between pages: a conversation of 100,000 messages neither freezes the
 * server while it loads nor costs its whole history on every cold load. A
 * snapshot is written (not awaited: it is only a shortcut) whenever the
 * state has moved `snapshots.every` events past the last one.
 *
 * One writer per stream per node: commands on one stream run one after the
 * other in arrival order (a queue, not optimistic retries that collide and
 * rebuild), so on one node a busy conversation never conflicts with itself.
 * The queue is bounded (MAX_QUEUED_PER_STREAM); beyond it a command is
 * refused UNAVAILABLE with a short Retry-After rather than buffered without
 * bound. Across nodes a conflict is still possible and rare: the writer
 * reads only the stream's new tail and decides again, after a short jittered
 * pause so two nodes do not collide in step.
 */
import { randomUUID } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EventRegistry, AnyEventDefinition, RecordedEvent } from '@peerlock/schema';
import type { EventStore } from '../eventstore/event-store.js';
import { ConcurrencyError } from '../eventstore/event-store-errors.js';
import { PeerlockError } from '../errors.js';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import type { Decider } from './domain-event.js';

const MAX_ATTEMPTS = 16;
/** Commands waiting for one stream's writer on this node; beyond it, UNAVAILABLE (retry shortly). */
export const MAX_QUEUED_PER_STREAM = 256;
/** Events read and folded per turn of the event loop on a cold load (~1–3 ms each for small events). */
const LOAD_PAGE = 500;

export interface Loaded<State> {
  readonly state: State;
  /** Revision of the last event folded in; null when the stream does not exist. */
  readonly revision: bigint | null;
  /** Global position of the last event folded in; null when the stream does not exist. */
  readonly position: bigint | null;
}

/** Where and how often an aggregate keeps snapshots of its states (its state must be plain JSON). */
export interface SnapshotPolicy {
  readonly store: SnapshotStore;
  /** Names the decider and its state's shape: a new version ignores older snapshots. */
  readonly key: string;
  /** Events between snapshots. */
  readonly every: number;
  /** Told when a snapshot could not be written (the load still succeeded). */
  readonly onError?: (error: unknown) => void;
}

interface Cached<State> extends Loaded<State> {
  /** Revision of the newest snapshot written or read for this stream; -1n for none. */
  readonly snapshotRevision: bigint;
}

export interface ExecuteContext {
  readonly actor: string | null;
  readonly correlationId: string;
  readonly now: number;
}

export interface Executed<State, Event> {
  readonly before: State;
  readonly after: State;
  readonly events: readonly Event[];
  /** Global position of the last appended event; null when the decision was a no-op. */
  readonly position: bigint | null;
}

export class StreamAggregate<Command, Event extends { readonly type: string; readonly data: unknown }, State> {
  private readonly cache = new Map<string, Cached<State>>();
  /** Per stream with commands queued or running: the end of its queue and how many are in it. */
  private readonly writers = new Map<string, { tail: Promise<void>; queued: number }>();

  constructor(
    private readonly store: EventStore,
    private readonly registry: EventRegistry<AnyEventDefinition>,
    private readonly decider: Decider<Command, Event, State>,
    private readonly options: {
      readonly cacheSize?: number;
      readonly afterAppend?: (position: bigint) => Promise<void>;
      /** evolve(anyState, event) depends on the event only: the last event alone gives the state. */
      readonly lastEventIsState?: boolean;
      readonly snapshots?: SnapshotPolicy;
      /**
       * Decide on the state cached here without reading the stream's tail
       * first: this node's own writes are all in it (one writer per stream),
       * and another node's append since makes ours fail its expected
       * revision, after which the tail is read and the command decided again.
       * Only for deciders whose no-op decisions stay true once true (a
       * message already posted, a receipt already stored, a conversation
       * already removed), since a no-op on a stale state appends nothing to
       * fail.
       */
      readonly decideOnCachedState?: boolean;
    } = {},
  ) {}

  async load(streamName: string): Promise<Loaded<State>> {
    if (this.options.lastEventIsState && !this.cache.has(streamName)) {
      const [last] = await this.store.readStream(streamName, { direction: 'backwards', maxCount: 1 });
      if (!last) return { state: this.decider.initialState(), revision: null, position: null };
      const loaded = { state: this.fold(this.decider.initialState(), last), revision: last.streamRevision, position: last.globalPosition, snapshotRevision: -1n };
      this.remember(streamName, loaded);
      return loaded;
    }
    let current: Cached<State> = this.cache.get(streamName) ?? (await this.fromSnapshot(streamName));
    for (let cold = current.revision === null || !this.cache.has(streamName); ; cold = true) {
      const from = current.revision === null ? 0n : current.revision + 1n;
      // A warm load reads the tail in one go (usually nothing, or another node's few events).
      const page = await this.store.readStream(streamName, { fromRevision: from, ...(cold ? { maxCount: LOAD_PAGE } : {}) });
      let { state, revision, position } = current;
      for (const event of page) {
        state = this.fold(state, event);
        revision = event.streamRevision;
        position = event.globalPosition;
      }
      current = { state, revision, position, snapshotRevision: current.snapshotRevision };
      if (!cold || page.length < LOAD_PAGE) break;
      // Give the event loop back between pages of a long stream.
      await nextTurn();
    }
    if (current.revision !== null) this.remember(streamName, this.snapshotIfDue(streamName, current));
    return current;
  }

  /**
   * `build` turns the current state into a command; it runs again after a conflict (facts may have changed, and `loaded` says as of where).
   * `readTail`: decide on the stream as stored even where the aggregate would decide on its cached state, for a command
   * whose refusals or no-ops on a state another node has moved past would not be caught by the append (nothing to append).
   */
  async execute(
    streamName: string,
    build: (state: State, loaded: Loaded<State>) => Promise<Command> | Command,
    context: ExecuteContext,
    options: { readonly readTail?: boolean } = {},
  ): Promise<Executed<State, Event>> {
    return this.inTurn(streamName, () => this.decideAndAppend(streamName, build, context, options.readTail === true));
  }

  /** Runs `work` after every command queued before it on this stream (see "One writer per stream" above). */
  private async inTurn<T>(streamName: string, work: () => Promise<T>): Promise<T> {
    let writer = this.writers.get(streamName);
    if (!writer) this.writers.set(streamName, (writer = { tail: Promise.resolve(), queued: 0 }));
    if (writer.queued >= MAX_QUEUED_PER_STREAM) throw new PeerlockError('UNAVAILABLE', { retryAfterSeconds: 1 });
    writer.queued++;
    const before = writer.tail;
    let done!: () => void;
    writer.tail = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      return await work();
    } finally {
      done();
      if (--writer.queued === 0) this.writers.delete(streamName);
    }
  }

  private async decideAndAppend(
    streamName: string,
    build: (state: State, loaded: Loaded<State>) => Promise<Command> | Command,
    context: ExecuteContext,
    readTail: boolean,
  ): Promise<Executed<State, Event>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // Another node appended meanwhile: give it a moment (0–2^attempt ms, at most 64), then read only the new tail.
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(64, 2 ** attempt)));
      const cached = attempt === 0 && this.options.decideOnCachedState && !readTail ? this.cache.get(streamName) : undefined;
      const loaded = cached ?? (await this.load(streamName));
      const { state, revision } = loaded;
      const command = await build(state, loaded);
      const events = this.decider.decide(command, state);
      if (events.length === 0) return { before: state, after: state, events, position: null };
      const after = events.reduce(this.decider.evolve, state);
      const occurredAt = new Date(context.now).toISOString();
      try {
        const result = await this.store.append(
          streamName,
          events.map((e) => {
            const encoded = this.registry.encode(e.type, e.data);
            return {
              id: randomUUID(),
              type: encoded.type,
              schemaVersion: encoded.schemaVersion,
              data: encoded.data as Record<string, unknown>,
              metadata: { actor: context.actor, correlationId: context.correlationId, causationId: null, occurredAt },
            };
          }),
          { expectedRevision: revision ?? 'noStream' },
        );
        const snapshotRevision = this.cache.get(streamName)?.snapshotRevision ?? -1n;
        this.remember(streamName, this.snapshotIfDue(streamName, { state: after, revision: result.nextExpectedRevision, position: result.position, snapshotRevision }));
        await this.options.afterAppend?.(result.position);
        return { before: state, after, events, position: result.position };
      } catch (err) {
        if (err instanceof ConcurrencyError) continue;
        throw err;
      }
    }
    throw new PeerlockError('CONFLICT');
  }

  private fold(state: State, event: RecordedEvent): State {
    const decoded = this.registry.decode(event);
    return this.decider.evolve(state, { type: decoded.type, data: decoded.data } as unknown as Event);
  }

  private async fromSnapshot(streamName: string): Promise<Cached<State>> {
    const empty = { state: this.decider.initialState(), revision: null, position: null, snapshotRevision: -1n };
    const policy = this.options.snapshots;
    if (!policy) return empty;
    const snapshot = await policy.store.get(`${policy.key}:${streamName}`).catch((error: unknown) => {
      // Only a shortcut: without it the stream is read from its start.
      policy.onError?.(error);
      return undefined;
    });
    if (!snapshot) return empty;
    return { state: snapshot.state as State, revision: snapshot.revision, position: snapshot.position, snapshotRevision: snapshot.revision };
  }

  /** Writes a snapshot when the state moved `every` events past the last one; returns the entry to cache. */
  private snapshotIfDue(streamName: string, loaded: Cached<State>): Cached<State> {
    const policy = this.options.snapshots;
    if (!policy || loaded.revision === null || loaded.position === null || loaded.revision - loaded.snapshotRevision < BigInt(policy.every)) return loaded;
    const snapshot = { revision: loaded.revision, position: loaded.position, state: loaded.state };
    policy.store.put(`${policy.key}:${streamName}`, snapshot).catch((error: unknown) => policy.onError?.(error));
    return { ...loaded, snapshotRevision: loaded.revision };
  }

  private remember(streamName: string, loaded: Cached<State>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, loaded);
    const limit = this.options.cacheSize ?? 10_000;
    if (this.cache.size > limit) this.cache.delete(this.cache.keys().next().value!);
  }
}
