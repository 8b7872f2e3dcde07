import { deepStrictEqual } from 'node:assert/strict';
import type { EventMetadata, RecordedEvent } from '@peerlock/schema';
import { foldEvents, type Projection } from '../projection.js';

/** An event as a test writes it: type and payload, optionally where and when. */
export type GivenEvent<Event extends RecordedEvent> = Event extends RecordedEvent<infer Type, infer Data>
  ? {
      readonly type: Type;
      readonly data: Data;
      /** Defaults to the current version; give an older one (with an old payload) to test upcasting. */
      readonly schemaVersion?: number;
      readonly streamName?: string;
      readonly metadata?: Partial<EventMetadata>;
    }
  : never;

/** The first event of a spec happens at this instant, each later one a second later. */
export const SPEC_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * given(events).when(events).then(readModel) for projections, in memory.
 * Events go through the projection's own decoding and the runner's own fold, and
 * documents through a JSON round trip, so what passes here behaves the same in a database.
 *
 *   projectionSpec(userDirectoryProjection)
 *     .given([{ type: 'AccountRegistered', data: {...} }])
 *     .when([{ type: 'KeyRotated', data: {...} }])
 *     .then({ alice: {...} });
 */
export function projectionSpec<Doc, Event extends RecordedEvent>(projection: Projection<Doc, Event>) {
  const run = (events: readonly GivenEvent<Event>[]): Record<string, Doc> => {
    const documents = new Map<string, Doc>();
    const recorded = toRecordedEvents(events, (type) => projection.currentVersion(type));
    const handled = recorded.filter((event) => projection.handles.has(event.type)).map((event) => projection.decode(event));
    // One event at a time, as the smallest possible batches; batching must not change the result.
    for (const event of handled) {
      for (const [id, doc] of foldEvents(projection, { get: (id) => documents.get(id) }, [event])) {
        if (doc === null) documents.delete(id);
        else documents.set(id, JSON.parse(JSON.stringify(doc)) as Doc);
      }
    }
    return Object.fromEntries([...documents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  };
  const then = (given: readonly GivenEvent<Event>[]) => ({
    /** The whole read model afterwards, every document by id. */
    then(expected: Readonly<Record<string, Doc>>): void {
      deepStrictEqual(run(given), JSON.parse(JSON.stringify(expected)));
    },
  });
  return {
    given(given: readonly GivenEvent<Event>[]) {
      return {
        ...then(given),
        when: (when: readonly GivenEvent<Event>[]) => then([...given, ...when]),
      };
    },
  };
}

function toRecordedEvents<Event extends RecordedEvent>(events: readonly GivenEvent<Event>[], currentVersion: (type: string) => number): RecordedEvent[] {
  const revisions = new Map<string, bigint>();
  return events.map((event, index) => {
    const streamName = event.streamName ?? 'spec-stream';
    const streamRevision = revisions.get(streamName) ?? 0n;
    revisions.set(streamName, streamRevision + 1n);
    return {
      id: `00000000-0000-4000-8000-${String(index + 1).padStart(12, '0')}`,
      type: event.type,
      schemaVersion: event.schemaVersion ?? currentVersion(event.type),
      data: event.data,
      metadata: { actor: null, correlationId: 'spec', causationId: null, occurredAt: new Date(SPEC_EPOCH + index * 1000).toISOString(), ...event.metadata },
      streamName,
      streamRevision,
      globalPosition: BigInt(index + 1),
    };
  });
}
