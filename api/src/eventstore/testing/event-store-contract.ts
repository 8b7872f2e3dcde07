import { randomUUID } from 'node:crypto';
import type { EventMetadata, RecordedEvent } from '@peerlock/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppendResult, EventStore, NewEvent } from '../event-store.js';
import {
  AppendTooLargeError,
  ConcurrencyError,
  DuplicateEventIdError,
  EventStoreClosedError,
  EventTooLargeError,
  InvalidEventError,
  InvalidExpectedRevisionError,
  InvalidReadOptionsError,
  InvalidStreamNameError,
  type EventStoreError,
} from '../event-store-errors.js';
import { EVENT_STORE_LIMITS } from '../event-validation.js';

export interface EventStoreContractOptions {
  /**
   * A new connection to the store under test. Every call must reach the same
   * database: the suite opens several to make real concurrent writers. Tests
   * use fresh stream names, so the database may be shared with other tests.
   */
  readonly open: () => Promise<EventStore>;
  /** Runs after the suite: drop the schema, delete the files. */
  readonly teardown?: () => Promise<void>;
  /** Positions are 1, 2, 3 … with no holes (SQLite, PostgreSQL); KurrentDB's are log offsets. */
  readonly densePositions: boolean;
  /**
   * The store rejects an id stored anywhere in the log, not only a retry of
   * the same append. KurrentDB only compares ids at the expected revision.
   */
  readonly globallyUniqueEventIds: boolean;
  /**
   * `duplicate` in an append result is exact, and a retry is recognized whatever its
   * expected revision. KurrentDB absorbs retries silently (best effort with `any`).
   */
  readonly exactDuplicateReporting?: boolean;
  /** Set when the database is not available here: the whole suite is skipped, with this reason in its name. */
  readonly skipReason?: string;
  /** Shown in the names of tests skipped for a missing capability. */
  readonly skipReasons?: { readonly densePositions?: string; readonly globallyUniqueEventIds?: string; readonly exactDuplicateReporting?: string };
}

const METADATA: EventMetadata = { actor: 'alice', correlationId: 'contract-suite', causationId: null, occurredAt: '2026-03-01T12:34:56.789Z' };

export const testEvent = (data: Record<string, unknown> = { n: 0 }, overrides: Partial<NewEvent> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'ContractTested',
  schemaVersion: 1,
  data,
  metadata: METADATA,
  ...overrides,
});

const numbered = (count: number, from = 0): NewEvent[] => Array.from({ length: count }, (_, i) => testEvent({ n: from + i }));
const newStream = (prefix = 'contract'): string => `${prefix}-${randomUUID()}`;

/** Settles to the error, failing the test if the promise resolves. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail');
}

async function expectStoreError(promise: Promise<unknown>, type: abstract new (...args: never[]) => EventStoreError, code: string): Promise<EventStoreError> {
  const error = await failure(promise);
  expect(error).toBeInstanceOf(type);
  expect((error as EventStoreError).code).toBe(code);
  return error as EventStoreError;
}

/** Calls an async function and turns a synchronous throw into a rejection, so bad-input checks cannot escape as throws. */
const attempt = (action: () => Promise<unknown>): Promise<unknown> => Promise.resolve().then(action);

function strictlyIncreasing(positions: readonly bigint[]): boolean {
  return positions.every((position, i) => i === 0 || position > positions[i - 1]!);
}

/**
 * The one contract every EventStore adapter passes. Each adapter's test file
 * calls this with a way to open connections to a real database.
 */
export function eventStoreContract(name: string, options: EventStoreContractOptions): void {
  describe.skipIf(options.skipReason !== undefined)(`${name}: event store contract${options.skipReason ? ` (skipped: ${options.skipReason})` : ''}`, () => {
    let store: EventStore;
    let peer: EventStore;

    beforeAll(async () => {
      store = await options.open();
      peer = await options.open();
    });

    afterAll(async () => {
      await store?.close();
      await peer?.close();
      await options.teardown?.();
    });

    describe('appending and reading streams', () => {
      it('stores events at consecutive revisions and reads them back exactly', async () => {
        const stream = newStream();
        const first = numbered(3);
        const second = numbered(2, 3);
        const a = await store.append(stream, first, { expectedRevision: 'noStream' });
        const b = await store.append(stream, second, { expectedRevision: a.nextExpectedRevision });
        expect(a).toMatchObject({ nextExpectedRevision: 2n, duplicate: false });
        expect(b).toMatchObject({ nextExpectedRevision: 4n, duplicate: false });

        const events = await store.readStream(stream);
        expect(events.map((e) => e.streamRevision)).toEqual([0n, 1n, 2n, 3n, 4n]);
        expect(events.map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, streamName: e.streamName }))).toEqual(
          [...first, ...second].map((e) => ({ id: e.id, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata, streamName: stream })),
        );
        expect(strictlyIncreasing(events.map((e) => e.globalPosition))).toBe(true);
        expect(a.position).toBe(events[2]!.globalPosition);
        expect(b.position).toBe(events[4]!.globalPosition);
        if (options.densePositions) expect(events[2]!.globalPosition - events[0]!.globalPosition).toBe(2n);
      });

      it('reads forwards and backwards from a revision, at most maxCount', async () => {
        const stream = newStream();
        await store.append(stream, numbered(10));
        const revisions = async (read: Promise<RecordedEvent[]>) => (await read).map((e) => e.streamRevision);
        expect(await revisions(store.readStream(stream, { fromRevision: 7n }))).toEqual([7n, 8n, 9n]);
        expect(await revisions(store.readStream(stream, { fromRevision: 2n, maxCount: 3 }))).toEqual([2n, 3n, 4n]);
        expect(await revisions(store.readStream(stream, { direction: 'backwards', maxCount: 3 }))).toEqual([9n, 8n, 7n]);
        expect(await revisions(store.readStream(stream, { direction: 'backwards', fromRevision: 1n }))).toEqual([1n, 0n]);
        expect(await revisions(store.readStream(stream, { fromRevision: 10n }))).toEqual([]);
      });

      it('answers many reads started at once, of different streams and revisions, each with exactly its own events', async () => {
        const streams = [newStream(), newStream(), newStream()];
        for (const [i, stream] of streams.entries()) await store.append(stream, numbered(3 + i));
        const asks = [...streams.flatMap((stream) => [0n, 1n, 2n, 5n].map((fromRevision) => ({ stream, fromRevision }))), { stream: newStream(), fromRevision: 0n }];
        const reads = await Promise.all(asks.map((a) => store.readStream(a.stream, { fromRevision: a.fromRevision })));
        for (const [i, a] of asks.entries()) {
          const alone = await store.readStream(a.stream, { fromRevision: a.fromRevision });
          expect(reads[i]).toEqual(alone);
          expect(reads[i]!.every((e) => e.streamName === a.stream && e.streamRevision >= a.fromRevision)).toBe(true);
        }
        expect(reads[0]!.map((e) => e.streamRevision)).toEqual([0n, 1n, 2n]);
        expect(reads[asks.length - 1]).toEqual([]);
      });

      it('reads an unknown stream as empty', async () => {
        expect(await store.readStream(newStream())).toEqual([]);
        expect(await store.readStream(newStream(), { direction: 'backwards' })).toEqual([]);
      });

      it('sees appends made through another connection', async () => {
        const stream = newStream();
        await peer.append(stream, numbered(2));
        expect((await store.readStream(stream)).map((e) => e.data)).toEqual([{ n: 0 }, { n: 1 }]);
      });
    });

    describe('optimistic concurrency', () => {
      it('creates a stream only if it does not exist (noStream)', async () => {
        const stream = newStream();
        await store.append(stream, numbered(1), { expectedRevision: 'noStream' });
        const error = await expectStoreError(store.append(stream, numbered(1), { expectedRevision: 'noStream' }), ConcurrencyError, 'CONCURRENCY_CONFLICT');
        expect(error).toMatchObject({ streamName: stream, expected: 'noStream', actual: 0n });
      });

      it('appends only to an existing stream (exists)', async () => {
        const stream = newStream();
        const error = await expectStoreError(store.append(stream, numbered(1), { expectedRevision: 'exists' }), ConcurrencyError, 'CONCURRENCY_CONFLICT');
        expect(error).toMatchObject({ actual: 'noStream' });
        await store.append(stream, numbered(1));
        expect((await store.append(stream, numbered(1), { expectedRevision: 'exists' })).nextExpectedRevision).toBe(1n);
      });

      it('appends at an exact revision, given as a bigint or a number, and refuses a stale or future one', async () => {
        const stream = newStream();
        await store.append(stream, numbered(3));
        expect((await store.append(stream, numbered(1), { expectedRevision: 2n })).nextExpectedRevision).toBe(3n);
        expect((await store.append(stream, numbered(1), { expectedRevision: 3 })).nextExpectedRevision).toBe(4n);
        for (const stale of [2n, 5n, 0n]) {
          const error = await expectStoreError(store.append(stream, numbered(1), { expectedRevision: stale }), ConcurrencyError, 'CONCURRENCY_CONFLICT');
          expect(error).toMatchObject({ expected: stale, actual: 4n });
        }
        const missing = await expectStoreError(store.append(newStream(), numbered(1), { expectedRevision: 0n }), ConcurrencyError, 'CONCURRENCY_CONFLICT');
        expect(missing).toMatchObject({ actual: 'noStream' });
        expect(await store.readStream(stream)).toHaveLength(5);
      });

      it('lets exactly one of many concurrent writers at the same revision win', async () => {
        const stream = newStream();
        await store.append(stream, numbered(1));
        const attempts = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? store : peer).append(stream, numbered(2, 100 * i), { expectedRevision: 0n }));
        const outcomes = await Promise.allSettled(attempts);
        const won = outcomes.filter((o) => o.status === 'fulfilled');
        const lost = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []));
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(15);
        for (const error of lost) expect(error).toBeInstanceOf(ConcurrencyError);
        expect((await store.readStream(stream)).map((e) => e.streamRevision)).toEqual([0n, 1n, 2n]);
      });

      it('serializes concurrent writers without a check (any) into one dense stream, nothing lost', async () => {
        const stream = newStream();
        const batches = Array.from({ length: 24 }, (_, i) => numbered(1 + (i % 3), 10 * i));
        await Promise.all(batches.map((batch, i) => (i % 2 === 0 ? store : peer).append(stream, batch)));
        const events = await store.readStream(stream);
        expect(events.map((e) => e.streamRevision)).toEqual(events.map((_, i) => BigInt(i)));
        expect(new Set(events.map((e) => e.id))).toEqual(new Set(batches.flat().map((e) => e.id)));
        // Each append stays contiguous: atomic, not interleaved with another.
        for (const batch of batches) {
          const at = events.findIndex((e) => e.id === batch[0]!.id);
          expect(events.slice(at, at + batch.length).map((e) => e.id)).toEqual(batch.map((e) => e.id));
        }
      });
    });

    describe('idempotent retries', () => {
      const exact = options.exactDuplicateReporting ?? true;
      const sameResult = (retry: AppendResult, first: AppendResult) => {
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(retry.position).toBe(first.position);
        if (exact) expect(retry.duplicate).toBe(true);
      };

      it('treats a repeated append of the same event ids as a no-op with the original result', async () => {
        const stream = newStream();
        const events = numbered(3);
        const first = await store.append(stream, events, { expectedRevision: 'noStream' });
        const head = await store.headPosition();
        sameResult(await peer.append(stream, events, { expectedRevision: 'noStream' }), first);
        expect(await store.readStream(stream)).toHaveLength(3);
        expect(await store.headPosition()).toBe(head);
      });

      it('recognizes a retry at its original expected revision after the stream has moved on', async () => {
        const stream = newStream();
        const events = numbered(2);
        const first = await store.append(stream, events, { expectedRevision: 'noStream' });
        const second = await store.append(stream, numbered(1, 2), { expectedRevision: first.nextExpectedRevision });
        sameResult(await store.append(stream, events, { expectedRevision: 'noStream' }), first);
        sameResult(await store.append(stream, [events[1]!], { expectedRevision: 0n }), first);
        expect((await store.readStream(stream)).map((e) => e.streamRevision)).toEqual([0n, 1n, 2n]);
        expect(await store.headPosition()).toBeGreaterThanOrEqual(second.position);
      });

      it.skipIf(!exact)(
        `recognizes a retry without an expected revision${exact ? '' : ` (skipped: ${options.skipReasons?.exactDuplicateReporting ?? 'not supported'})`}`,
        async () => {
          const stream = newStream();
          const events = numbered(2);
          const first = await store.append(stream, events);
          await store.append(stream, numbered(1, 2));
          expect(await store.append(stream, events)).toEqual({ ...first, duplicate: true });
          expect(await store.readStream(stream)).toHaveLength(3);
        },
      );

      it('stores one copy when the same append is retried concurrently', async () => {
        const stream = newStream();
        const events = numbered(2);
        const results = await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? store : peer).append(stream, events, { expectedRevision: 'noStream' })));
        if (exact) expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(new Set(results.map((r) => r.position))).toEqual(new Set([results[0]!.position]));
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it.skipIf(!options.globallyUniqueEventIds)(
        `refuses ids already stored as part of another append or stream${options.globallyUniqueEventIds ? '' : ` (skipped: ${options.skipReasons?.globallyUniqueEventIds ?? 'not supported'})`}`,
        async () => {
          const stream = newStream();
          const [a, b] = numbered(2);
          await store.append(stream, [a!]);
          await expectStoreError(store.append(stream, [a!, b!]), DuplicateEventIdError, 'DUPLICATE_EVENT_ID');
          await expectStoreError(store.append(newStream(), [a!]), DuplicateEventIdError, 'DUPLICATE_EVENT_ID');
          expect(await store.readStream(stream)).toHaveLength(1);
        },
      );

      it('refuses one id twice in one append', async () => {
        const event = testEvent();
        const error = await expectStoreError(store.append(newStream(), [event, event]), InvalidEventError, 'INVALID_EVENT');
        expect(error).toMatchObject({ index: 1, field: 'id' });
      });
    });

    describe('reading the whole log', () => {
      it('reads every event after a position, in order, at most maxCount', async () => {
        const before = await store.headPosition();
        const stream = newStream();
        const events = numbered(30);
        await store.append(stream, events.slice(0, 10));
        await peer.append(stream, events.slice(10, 20));
        const last = await store.append(stream, events.slice(20));
        const ours = (await store.readAll({ after: before, maxCount: 10_000 })).filter((e) => e.streamName === stream);
        expect(ours.map((e) => e.id)).toEqual(events.map((e) => e.id));
        expect(await store.headPosition()).toBeGreaterThanOrEqual(last.position);

        const middle = ours[14]!.globalPosition;
        const page = await store.readAll({ after: middle, maxCount: 5 });
        expect(page).toHaveLength(5);
        expect(page[0]!.globalPosition).toBeGreaterThan(middle);
        expect(strictlyIncreasing(page.map((e) => e.globalPosition))).toBe(true);
        expect(page[0]!.id).toBe(ours[15]!.id);
      });

      it('reads nothing after the head', async () => {
        await store.append(newStream(), numbered(1));
        expect(await store.readAll({ after: await store.headPosition() })).toEqual([]);
      });

      it.skipIf(!options.densePositions)(
        `numbers the log densely from 1${options.densePositions ? '' : ` (skipped: ${options.skipReasons?.densePositions ?? 'not supported'})`}`,
        async () => {
          await store.append(newStream(), numbered(3));
          const all = await store.readAll({ after: 0n, maxCount: 10_000 });
          expect(all[0]!.globalPosition).toBe(1n);
          expect(all.every((e, i) => e.globalPosition === BigInt(i + 1))).toBe(true);
        },
      );
    });

    describe('subscriptions', () => {
      it('delivers everything after the start position once, in order, across the switch from catch-up to live', async () => {
        const start = await store.headPosition();
        const stream = newStream('catchup');
        const backlog = Array.from({ length: 40 }, (_, i) => numbered(25, i * 25));
        for (const batch of backlog) await store.append(stream, batch);
        const expected = [...backlog.flat()];

        const controller = new AbortController();
        const received: RecordedEvent[] = [];
        const consumer = (async () => {
          // Small batches keep the catch-up phase long enough for the live writers below to overlap it.
          for await (const batch of store.subscribe({ after: start, signal: controller.signal, maxBatchSize: 50 })) {
            received.push(...batch);
            if (received.filter((e) => e.streamName.startsWith('catchup-') || e.streamName.startsWith('live-')).length >= expected.length + 300) controller.abort();
          }
        })();
        // Live appends race the catch-up: two connections, interleaved streams.
        const live = await Promise.all(
          [store, peer].map(async (writer, w) => {
            const liveStream = newStream('live');
            const appended: NewEvent[] = [];
            for (let i = 0; i < 50; i++) {
              const batch = numbered(3, i * 3 + w * 1000);
              await writer.append(liveStream, batch);
              appended.push(...batch);
            }
            return { liveStream, appended };
          }),
        );
        await consumer;

        const positions = received.map((e) => e.globalPosition);
        expect(strictlyIncreasing(positions)).toBe(true);
        expect(positions[0]).toBeGreaterThan(start);
        expect(received.filter((e) => e.streamName === stream).map((e) => e.id)).toEqual(expected.map((e) => e.id));
        for (const { liveStream, appended } of live) {
          expect(received.filter((e) => e.streamName === liveStream).map((e) => e.id)).toEqual(appended.map((e) => e.id));
        }
      });

      it('delivers live events from writers on other connections while concurrent appenders race', async () => {
        const start = await store.headPosition();
        const controller = new AbortController();
        const writers = Array.from({ length: 8 }, (_, w) => ({ stream: newStream(`race${w}`), connection: w % 2 === 0 ? store : peer }));
        const total = 8 * 40;
        const received: RecordedEvent[] = [];
        const consumer = (async () => {
          for await (const batch of peer.subscribe({ after: start, signal: controller.signal })) {
            received.push(...batch.filter((e) => writers.some((w) => w.stream === e.streamName)));
            if (received.length >= total) controller.abort();
          }
        })();
        const acknowledged = await Promise.all(
          writers.map(async ({ stream, connection }) => {
            const ids: string[] = [];
            for (let i = 0; i < 20; i++) {
              const batch = numbered(2, i * 2);
              await connection.append(stream, batch);
              ids.push(...batch.map((e) => e.id));
            }
            return ids;
          }),
        );
        await consumer;
        expect(strictlyIncreasing(received.map((e) => e.globalPosition))).toBe(true);
        expect(received.map((e) => e.id).sort()).toEqual(acknowledged.flat().sort());
      });

      it('starts after the given position and ends when its signal aborts', async () => {
        const stream = newStream();
        await store.append(stream, numbered(5));
        const [, , third] = await store.readStream(stream);
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        for await (const batch of store.subscribe({ after: third!.globalPosition, signal: controller.signal })) {
          seen.push(...batch.filter((e) => e.streamName === stream));
          if (seen.length === 2) controller.abort();
        }
        expect(seen.map((e) => e.streamRevision)).toEqual([3n, 4n]);
      });

      it('ends a live subscription when the store closes', async () => {
        const own = await options.open();
        const iterator = own.subscribe({ after: await own.headPosition() })[Symbol.asyncIterator]();
        const next = iterator.next();
        await own.close();
        expect(await next).toEqual({ done: true, value: undefined });
      });
    });

    describe('payloads', () => {
      it('round-trips a large event just under the size limit', async () => {
        const stream = newStream();
        const blob = 'x'.repeat(EVENT_STORE_LIMITS.maxEventBytes - 1024);
        const event = testEvent({ blob });
        await store.append(stream, [event]);
        const [stored] = await store.readStream(stream);
        expect((stored!.data as { blob: string }).blob).toBe(blob);
      });

      it('round-trips unicode and every JSON value kind exactly', async () => {
        const stream = newStream();
        const data = {
          emoji: '🔐👩🏽‍💻🏳️‍🌈',
          cjk: '端对端加密',
          rtl: 'مرحبا بالعالم',
          combining: 'e\u0301 n\u0303',
          controls: 'nul:\u0000 tab:\t newline:\n bell:\u0007',
          escapes: '"quoted" \\backslash\\ </script>',
          numbers: [0, -1, 1.5, -0.000123, 2 ** 53 - 1, 1e21],
          nested: { deep: { deeper: [true, false, null, { '🔑': 'vålue' }] } },
          empty: {},
          emptyList: [],
        };
        const metadata = { actor: 'zoë', correlationId: 'corr-ü-🧪', causationId: 'cause-1', occurredAt: '1999-12-31T23:59:59.999Z' };
        await store.append(stream, [testEvent(data, { metadata })]);
        const [stored] = await store.readStream(stream);
        expect(stored!.data).toEqual(data);
        expect(stored!.metadata).toEqual(metadata);
      });

      it('keeps the schema version of each event', async () => {
        const stream = newStream();
        await store.append(stream, [testEvent({ v: 1 }, { schemaVersion: 1 }), testEvent({ v: 7 }, { schemaVersion: 7, type: 'Other.Type_2' })]);
        expect((await store.readStream(stream)).map((e) => [e.type, e.schemaVersion])).toEqual([
          ['ContractTested', 1],
          ['Other.Type_2', 7],
        ]);
      });
    });

    describe('bad input', () => {
      it.each([
        ['empty', ''],
        ['a space', 'account alice'],
        ['a system-stream dollar', '$all'],
        ['a leading dash', '-alice'],
        ['a slash', 'account/alice'],
        ['a non-ASCII letter', 'account-zoë'],
        ['201 characters', 'a'.repeat(201)],
        ['not a string', 42],
      ])('refuses a stream name with %s', async (_, streamName) => {
        const head = await store.headPosition();
        await expectStoreError(attempt(() => store.append(streamName as string, numbered(1))), InvalidStreamNameError, 'INVALID_STREAM_NAME');
        await expectStoreError(attempt(() => store.readStream(streamName as string)), InvalidStreamNameError, 'INVALID_STREAM_NAME');
        expect(await store.headPosition()).toBe(head);
      });

      it.each([
        ['a negative bigint', -1n],
        ['a negative number', -1],
        ['a fraction', 1.5],
        ['NaN', Number.NaN],
        ['snake case', 'no_stream'],
        ['another spelling', 'NoStream'],
        ['null', null],
        ['an object', { revision: 1 }],
        ['a bigint beyond 63 bits', 2n ** 63n],
      ])('refuses an expected revision that is %s', async (_, expectedRevision) => {
        await expectStoreError(
          attempt(() => store.append(newStream(), numbered(1), { expectedRevision: expectedRevision as never })),
          InvalidExpectedRevisionError,
          'INVALID_EXPECTED_REVISION',
        );
      });

      it.each([
        ['no events', [], 'events'],
        ['an id that is not a UUID', [testEvent({}, { id: 'retry-1' })], 'id'],
        ['an empty type', [testEvent({}, { type: '' })], 'type'],
        ['a type with a space', [testEvent({}, { type: 'Account Registered' })], 'type'],
        ['schema version 0', [testEvent({}, { schemaVersion: 0 })], 'schemaVersion'],
        ['a fractional schema version', [testEvent({}, { schemaVersion: 1.5 })], 'schemaVersion'],
        ['an array payload', [testEvent([] as never)], 'data'],
        ['a string payload', [testEvent('text' as never)], 'data'],
        ['a payload with a bigint', [testEvent({ n: 1n })], 'data'],
        ['metadata without a correlation id', [testEvent({}, { metadata: { ...METADATA, correlationId: undefined as never } })], 'metadata'],
        ['a local time', [testEvent({}, { metadata: { ...METADATA, occurredAt: '2026-03-01 12:00' } })], 'metadata'],
        ['unknown metadata', [testEvent({}, { metadata: { ...METADATA, ip: '10.0.0.1' } as never })], 'metadata'],
      ])('refuses an append with %s', async (_, events, field) => {
        const error = await expectStoreError(attempt(() => store.append(newStream(), events as NewEvent[])), InvalidEventError, 'INVALID_EVENT');
        expect(error).toMatchObject({ field });
      });

      it('refuses an oversized event, and an append over the byte or count limit, writing nothing', async () => {
        const head = await store.headPosition();
        const stream = newStream();
        const tooBig = await expectStoreError(
          store.append(stream, [testEvent({ n: 0 }), testEvent({ blob: 'x'.repeat(EVENT_STORE_LIMITS.maxEventBytes) })]),
          EventTooLargeError,
          'EVENT_TOO_LARGE',
        );
        expect(tooBig).toMatchObject({ index: 1, limit: EVENT_STORE_LIMITS.maxEventBytes });
        // Multi-byte characters count as bytes, not characters.
        await expectStoreError(store.append(stream, [testEvent({ blob: '🔐'.repeat(EVENT_STORE_LIMITS.maxEventBytes / 4) })]), EventTooLargeError, 'EVENT_TOO_LARGE');
        const half = 'y'.repeat(EVENT_STORE_LIMITS.maxEventBytes / 2);
        const bytes = await expectStoreError(store.append(stream, numbered(8).map((e) => ({ ...e, data: { half } }))), AppendTooLargeError, 'APPEND_TOO_LARGE');
        expect(bytes).toMatchObject({ measure: 'bytes' });
        const count = await expectStoreError(store.append(stream, numbered(EVENT_STORE_LIMITS.maxEventsPerAppend + 1)), AppendTooLargeError, 'APPEND_TOO_LARGE');
        expect(count).toMatchObject({ measure: 'events' });
        expect(await store.readStream(stream)).toEqual([]);
        expect(await store.headPosition()).toBe(head);
      });

      it.each([
        ['readAll after a negative position', (s: EventStore) => s.readAll({ after: -1n })],
        ['readAll after a number instead of a bigint', (s: EventStore) => s.readAll({ after: 5 as never })],
        ['readAll of zero events', (s: EventStore) => s.readAll({ maxCount: 0 })],
        ['readAll of too many events', (s: EventStore) => s.readAll({ maxCount: EVENT_STORE_LIMITS.maxReadCount + 1 })],
        ['readStream from a negative revision', (s: EventStore) => s.readStream('contract-x', { fromRevision: -1n })],
        ['readStream in a made-up direction', (s: EventStore) => s.readStream('contract-x', { direction: 'sideways' as never })],
      ])('refuses %s', async (_, read) => {
        await expectStoreError(attempt(() => read(store)), InvalidReadOptionsError, 'INVALID_READ_OPTIONS');
      });

      it('refuses work after close', async () => {
        const own = await options.open();
        await own.close();
        await expectStoreError(attempt(() => own.append(newStream(), numbered(1))), EventStoreClosedError, 'EVENT_STORE_CLOSED');
        await expectStoreError(attempt(() => own.readAll()), EventStoreClosedError, 'EVENT_STORE_CLOSED');
      });
    });
  });
}
