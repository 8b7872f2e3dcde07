import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '../../src/eventstore/index.js';
import { SharedLogFeed } from '../../src/eventstore/shared-log-feed.js';
import { testEvent } from '../../src/eventstore/testing/index.js';
import { connections } from '../support/connections.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

/** Collects what a subscription yields until it has seen `until` (or the signal aborts). */
async function collect(source: { subscribe: SharedLogFeed['subscribe'] }, after: bigint, until: () => bigint | undefined, perBatch?: () => Promise<void>): Promise<bigint[]> {
  const seen: bigint[] = [];
  const controller = new AbortController();
  for await (const batch of source.subscribe({ after, signal: controller.signal })) {
    for (const e of batch) seen.push(e.globalPosition);
    await perBatch?.();
    const last = until();
    if (last !== undefined && seen[seen.length - 1]! >= last) controller.abort();
  }
  return seen;
}

const range = (after: bigint, to: bigint) => Array.from({ length: Number(to - after) }, (_, i) => after + BigInt(i) + 1n);

/** Wraps a store and counts its subscriptions and reads: the feed is worth having only if it is the one reader. */
function counting(store: EventStore) {
  const counts = { subscriptions: 0, eventsRead: 0 };
  return {
    counts,
    readAll: async (options: { after: bigint; maxCount: number }) => {
      const events = await store.readAll(options);
      counts.eventsRead += events.length;
      return events;
    },
    headPosition: () => store.headPosition(),
    subscribe: (options: Parameters<EventStore['subscribe']>[0]) => {
      counts.subscriptions++;
      const inner = store.subscribe(options);
      return (async function* () {
        for await (const batch of inner) {
          counts.eventsRead += batch.length;
          yield batch;
        }
      })();
    },
  };
}

function feedSuite(name: string, open: () => Promise<EventStore>, cleanup: () => Promise<void>, skip = '') {
  describe.skipIf(skip !== '')(`shared log feed on ${name}${skip}`, () => {
    const connect = connections(open, cleanup);

    it('gives every consumer the exact log after its start, in order, while writers on other connections append', async () => {
      const store = await connect();
      const writers = await Promise.all([1, 2, 3].map(() => connect()));
      await store.append(`pre-${Date.now()}`, Array.from({ length: 20 }, (_, n) => testEvent({ n })));
      const counted = counting(store);
      // A window this small makes consumers fall behind it and come back into it many times.
      const feed = new SharedLogFeed(counted, { capacity: 8, maxBatchSize: 5 });
      await feed.start();
      const start = await store.headPosition();
      let last: bigint | undefined;
      const consumers = [0n, start - 10n, start].map((after, i) =>
        collect(feed, after, () => last, i === 1 ? () => new Promise((resolve) => setTimeout(resolve, 2)) : undefined).then((seen) => ({ after, seen })),
      );
      const appends = writers.map(async (writer, w) => {
        let position = 0n;
        for (let k = 0; k < 60; k++) position = (await writer.append(`feed-${w}-${Date.now()}`, [testEvent({ k }), testEvent({ k: k + 0.5 })])).position;
        return position;
      });
      const positions = await Promise.all(appends);
      last = positions.reduce((a, b) => (a > b ? a : b));
      // A consumer waiting in the window needs one more event to notice `last` was set.
      await store.append(`feed-tail-${Date.now()}`, [testEvent()]);
      const end = await store.headPosition();
      for (const { after, seen } of await Promise.all(consumers)) {
        expect(seen.slice(0, Number(last - after))).toEqual(range(after, last));
        expect(seen.every((p, i) => i === 0 || p > seen[i - 1]!)).toBe(true);
        expect(seen[seen.length - 1]! <= end).toBe(true);
      }
      await feed.stop();
      expect(counted.counts.subscriptions).toBe(1);
    });

    it('reads each event once for any number of consumers that keep up', async () => {
      const store = await connect();
      const counted = counting(store);
      const feed = new SharedLogFeed(counted);
      await feed.start();
      const start = await store.headPosition();
      let last: bigint | undefined;
      const consumers = Array.from({ length: 6 }, () => collect(feed, start, () => last));
      // Consumers are waiting in the window before anything is appended.
      await new Promise((resolve) => setTimeout(resolve, 20));
      let position = 0n;
      for (let k = 0; k < 30; k++) position = (await store.append(`once-${Date.now()}-${k}`, [testEvent({ k })])).position;
      last = position;
      await store.append(`once-tail-${Date.now()}`, [testEvent()]);
      for (const seen of await Promise.all(consumers)) expect(seen.slice(0, 30)).toEqual(range(start, last!));
      await feed.stop();
      expect(counted.counts.subscriptions).toBe(1);
      // Each event once: the 30 the consumers saw, and the tail if the feed got to it before it stopped.
      // Six consumers reading for themselves would have read at least 180.
      expect(counted.counts.eventsRead).toBeGreaterThanOrEqual(30);
      expect(counted.counts.eventsRead).toBeLessThanOrEqual(31);
    });

    it('hands its consumers over to subscriptions of their own when it stops, losing nothing', async () => {
      const store = await connect();
      const feed = new SharedLogFeed(store, { capacity: 4 });
      const before = await store.headPosition();
      // Not started yet: served by the store directly.
      let last: bigint | undefined;
      const early = collect(feed, before, () => last);
      await feed.start();
      const late = collect(feed, before, () => last);
      let position = 0n;
      for (let k = 0; k < 10; k++) position = (await store.append(`stop-${Date.now()}-${k}`, [testEvent({ k })])).position;
      await feed.stop();
      for (let k = 10; k < 20; k++) position = (await store.append(`stop-${Date.now()}-${k}`, [testEvent({ k })])).position;
      last = position;
      await store.append(`stop-tail-${Date.now()}`, [testEvent()]);
      for (const seen of await Promise.all([early, late])) expect(seen.slice(0, 20)).toEqual(range(before, last!));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'peerlock-feed-'));
feedSuite(
  'SQLite',
  async () => new SqliteEventStore({ path: join(dir, 'peerlock.db') }),
  async () => rmSync(dir, { recursive: true, force: true }),
);

const schema = testSchemaName();
feedSuite(
  'PostgreSQL',
  () => PostgresEventStore.open({ connectionString: DATABASE_URL!, schema, poolSize: 4 }),
  async () => {
    if (DATABASE_URL) await dropSchema(schema);
  },
  DATABASE_URL ? '' : POSTGRES_SKIP,
);
