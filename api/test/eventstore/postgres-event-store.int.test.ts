import pg from 'pg';
import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import type { RecordedEvent } from '@peerlock/schema';
import { PostgresEventStore } from '../../src/eventstore/index.js';
import { eventStoreContract, testEvent } from '../../src/eventstore/testing/index.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

const schema = testSchemaName();
const open = () => PostgresEventStore.open({ connectionString: DATABASE_URL!, schema, poolSize: 4 });

eventStoreContract('PostgreSQL', {
  // Each call is a separate pool, as a separate server process would have.
  open,
  teardown: () => dropSchema(schema),
  densePositions: true,
  globallyUniqueEventIds: true,
  ...(DATABASE_URL ? {} : { skipReason: 'DATABASE_URL is not set; CI sets it, e.g. postgres://postgres@127.0.0.1:5432/test' }),
});

describe.skipIf(!DATABASE_URL)(`PostgreSQL event store: global order under concurrent writers${POSTGRES_SKIP}`, () => {
  const ownSchema = testSchemaName();
  let stores: PostgresEventStore[] = [];

  beforeAll(async () => {
    // Six "server processes" (separate pools), each with its own group-commit queue, racing on one log.
    stores = await Promise.all(Array.from({ length: 6 }, () => PostgresEventStore.open({ connectionString: DATABASE_URL!, schema: ownSchema, poolSize: 4 })));
  });

  afterAll(async () => {
    await Promise.all(stores.map((store) => store.close()));
    if (DATABASE_URL) await dropSchema(ownSchema);
  });

  it('gives subscribers a gap-free, duplicate-free order while many appenders commit concurrently', async () => {
    const writersPerStore = 8;
    const appendsPerWriter = 25;
    // Known once every append is acknowledged; subscribers stop when they reach it.
    let lastAcknowledged: bigint | undefined;
    const subscribe = (store: PostgresEventStore) =>
      (async () => {
        const seen: RecordedEvent[] = [];
        const controller = new AbortController();
        for await (const batch of store.subscribe({ after: 0n, signal: controller.signal, maxBatchSize: 37 })) {
          seen.push(...batch);
          if (lastAcknowledged !== undefined && seen[seen.length - 1]!.globalPosition >= lastAcknowledged) controller.abort();
        }
        return seen;
      })();
    // Two subscribers on different pools, started before any write: both must see the same complete sequence.
    const subscribers = [subscribe(stores[0]!), subscribe(stores[5]!)];

    // A reader polling readAll the whole time: once it has read up to p, nothing new may ever appear below p.
    let readerCursor = 0n;
    let readerStop = false;
    const readerSeen: bigint[] = [];
    const reader = (async () => {
      while (!readerStop) {
        const batch = await stores[3]!.readAll({ after: readerCursor, maxCount: 50 });
        for (const event of batch) readerSeen.push(event.globalPosition);
        if (batch.length > 0) readerCursor = batch[batch.length - 1]!.globalPosition;
      }
    })();

    const acknowledged = await Promise.all(
      stores.flatMap((store, s) =>
        Array.from({ length: writersPerStore }, async (_, w) => {
          const stream = `order-${s}-${w}`;
          const appended: { ids: string[]; position: bigint }[] = [];
          for (let i = 0; i < appendsPerWriter; i++) {
            const batch = Array.from({ length: 1 + ((s + w + i) % 4) }, () => testEvent({ s, w, i }));
            const result = await store.append(stream, batch, { expectedRevision: i === 0 ? 'noStream' : 'exists' });
            appended.push({ ids: batch.map((event) => event.id), position: result.position });
          }
          return appended;
        }),
      ),
    );
    const appends = acknowledged.flat();
    lastAcknowledged = appends.reduce((max, append) => (append.position > max ? append.position : max), 0n);
    // A final append wakes any subscriber that was idle when lastAcknowledged became known.
    await stores[1]!.append('order-wake', [testEvent({ wake: true })]);
    const [first, second] = await Promise.all(subscribers);
    readerStop = true;
    await reader;

    const allIds = appends.flatMap((append) => append.ids);
    for (const seen of [first!, second!]) {
      const ours = seen.filter((event) => event.globalPosition <= lastAcknowledged);
      expect(ours.map((event) => event.globalPosition)).toEqual(ours.map((_, i) => BigInt(i + 1)));
      expect(ours.map((event) => event.id).sort()).toEqual([...allIds].sort());
    }
    expect(first!.slice(0, allIds.length).map((event) => event.id)).toEqual(second!.slice(0, allIds.length).map((event) => event.id));
    expect(readerSeen).toEqual(readerSeen.map((_, i) => BigInt(i + 1)));
    // Appends of one writer appear in the order it made them, each atomic and contiguous in its stream.
    const byStream = new Map<string, bigint[]>();
    for (const event of first!) byStream.set(event.streamName, [...(byStream.get(event.streamName) ?? []), event.streamRevision]);
    for (const revisions of byStream.values()) expect(revisions).toEqual(revisions.map((_, i) => BigInt(i)));
  });

  it('wakes a live subscriber through LISTEN/NOTIFY, not polling', async () => {
    // One pooled connection: queries run in the order they are asked for, so a query made after the
    // subscriber's first read returns only once that read has returned (empty), and the poll interval is an hour.
    const listenerStore = await PostgresEventStore.open({ connectionString: DATABASE_URL!, schema: ownSchema, poolSize: 1, pollIntervalMs: 3_600_000 });
    const observer = new pg.Client({ connectionString: DATABASE_URL! });
    await observer.connect();
    try {
      const head = await listenerStore.headPosition();
      const iterator = listenerStore.subscribe({ after: head })[Symbol.asyncIterator]();
      const next = iterator.next();
      await listenerStore.headPosition();
      // The LISTEN connection wakes every subscriber when it (re)connects: wait until it is listening, so that
      // what wakes the subscriber below can only be the append's NOTIFY.
      for (let i = 0; ; i++) {
        const { rows } = await observer.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'peerlock-event-store-listener' AND state = 'idle' AND query LIKE 'LISTEN %'",
        );
        if (rows[0]!.n > 0) break;
        if (i === 100) throw new Error('the store never started listening');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const event = testEvent({ wake: 'up' });
      await stores[2]!.append('notify-test', [event]);
      const { value } = await next;
      expect(value?.map((e: RecordedEvent) => e.id)).toEqual([event.id]);
      await iterator.return?.();
    } finally {
      await observer.end();
      await listenerStore.close();
    }
  });
});
