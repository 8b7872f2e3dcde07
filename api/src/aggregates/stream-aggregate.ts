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
 */
import { randomUUID } from 'node:crypto';
import type { EventRegistry, AnyEventDefinition } from '@peerlock/schema';
import type { EventStore } from '../eventstore/event-store.js';
import { ConcurrencyError } from '../eventstore/event-store-errors.js';
import { PeerlockError } from '../errors.js';
import type { Decider } from './domain-event.js';

const MAX_ATTEMPTS = 16;

export interface Loaded<State> {
  readonly state: State;
  /** Revision of the last event folded in; null when the stream does not exist. */
  readonly revision: bigint | null;
}

export interface ExecuteContext {
  readonly actor: string;
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
  private readonly cache = new Map<string, Loaded<State>>();

  constructor(
    private readonly store: EventStore,
    private readonly registry: EventRegistry<AnyEventDefinition>,
    private readonly decider: Decider<Command, Event, State>,
    private readonly options: {
      readonly cacheSize?: number;
      readonly afterAppend?: (position: bigint) => Promise<void>;
      /** evolve(anyState, event) depends on the event only: the last event alone gives the state. */
      readonly lastEventIsState?: boolean;
    } = {},
  ) {}

  async load(streamName: string): Promise<Loaded<State>> {
    const cached = this.cache.get(streamName);
    const recorded = await this.store.readStream(
      streamName,
      cached?.revision != null ? { fromRevision: cached.revision + 1n } : this.options.lastEventIsState ? { direction: 'backwards', maxCount: 1 } : {},
    );
    let state = cached?.state ?? this.decider.initialState();
    let revision = cached?.revision ?? null;
    for (const event of recorded) {
      const decoded = this.registry.decode(event);
      state = this.decider.evolve(state, { type: decoded.type, data: decoded.data } as unknown as Event);
      revision = event.streamRevision;
    }
    const loaded = { state, revision };
    if (revision !== null) this.remember(streamName, loaded);
    return loaded;
  }

  /** `build` turns the current state into a command; it runs again after a conflict (facts may have changed). */
  async execute(streamName: string, build: (state: State) => Promise<Command> | Command, context: ExecuteContext): Promise<Executed<State, Event>> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, revision } = await this.load(streamName);
      const command = await build(state);
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
        this.remember(streamName, { state: after, revision: result.nextExpectedRevision });
        await this.options.afterAppend?.(result.position);
        return { before: state, after, events, position: result.position };
      } catch (err) {
        if (err instanceof ConcurrencyError) continue;
        throw err;
      }
    }
    throw new PeerlockError('CONFLICT');
  }

  private remember(streamName: string, loaded: Loaded<State>): void {
    this.cache.delete(streamName);
    this.cache.set(streamName, loaded);
    const limit = this.options.cacheSize ?? 10_000;
    if (this.cache.size > limit) this.cache.delete(this.cache.keys().next().value!);
  }
}
