import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PostgresReadModelStore,
  ProjectionRunner,
  ProjectionVersionMismatchError,
  SqliteReadModelStore,
  rebuildProjections,
  type ReadModelStore,
  type Projection,
} from '../src/index.js';
import type { RecordedEvent } from '@peerlock/schema';
import { ArrayEventSource } from './support/array-event-source.js';
import { ledgerProjection, type Ledger } from './support/ledger-projection.js';
import { createTestSchema, DATABASE_URL, postgresSkipReason } from './support/postgres.js';

/** Deterministic pseudo-random numbers (xorshift32): the same log on every run. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % below;
  };
}

function fillLog(source: ArrayEventSource, count: number, seed = 7): void {
  const next = random(seed);
  for (let i = 0; i < count; i++) {
    const account = `acct-${next(20)}`;
    if (next(25) === 0) source.append(account, 'AccountClosed', { account });
    else source.append(account, 'Deposited', { account, amount: 1 + next(100) });
    // Noise the projection does not handle must still move the checkpoint.
    if (next(10) === 0) source.append('other', 'SomethingElse', { i });
  }
}

/** The read model computed directly from the array, the obvious way. */
function expectedLedger(source: ArrayEventSource): { id: string; doc: Ledger }[] {
  const ledgers = new Map<string, Ledger>();
  for (const event of source.events) {
    const data = event.data as { account: string; amount: number };
    if (event.type === 'AccountClosed') ledgers.delete(data.account);
    if (event.type === 'Deposited') {
      const ledger = ledgers.get(data.account);
      ledgers.set(data.account, { balance: (ledger?.balance ?? 0) + data.amount, positions: [...(ledger?.positions ?? []), event.globalPosition.toString()] });
    }
  }
  return [...ledgers].sort(([a], [b]) => (a < b ? -1 : 1)).map(([id, doc]) => ({ id, doc }));
}

async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}

function runnerSuite(name: string, open: () => Promise<{ store: () => ReadModelStore; close(): Promise<void> }>, skip = '') {
  describe.skipIf(skip !== '')(`projection runner on ${name}${skip}`, () => {
    let env: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      env = await open();
    });
    afterAll(async () => {
      await env?.close();
    });

    it('applies the whole log in order and records the last position as checkpoint', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 1500);
      const store = env.store();
      const runner = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_catch_up' }), batchSize: 200 });
      expect(await runner.catchUp()).toBe(await source.headPosition());
      expect(await store.list('ledger_catch_up')).toEqual(expectedLedger(source));
      expect(await runner.lag()).toEqual({ head: BigInt(source.events.length), checkpoint: BigInt(source.events.length), behind: 0n });
    });

    it('leaves rows and checkpoint untouched when a batch fails, then applies it exactly once', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 300);
      const poison = source.append('acct-x', 'Deposited', { account: 'acct-x', amount: 1_000_000 });
      fillLog(source, 300, 11);
      const store = env.store();
      const failing = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_failure', failOn: 1_000_000 }), batchSize: 64 });
      await expect(failing.catchUp()).rejects.toThrow('fold failed');
      const { checkpoint } = await failing.lag();
      // Every batch before the failing one committed; the failing one (64 events) did not.
      expect(checkpoint).toBeLessThan(poison.globalPosition);
      expect(checkpoint).toBeGreaterThanOrEqual(poison.globalPosition - 64n);
      const before = await store.list<Ledger>('ledger_failure');
      // Nothing of the failed batch is visible: every stored position is at or below the checkpoint.
      expect(before.flatMap(({ doc }) => doc.positions.map(BigInt)).every((position) => position <= checkpoint)).toBe(true);

      const fixed = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_failure' }), batchSize: 64 });
      await fixed.catchUp();
      expect(await store.list('ledger_failure')).toEqual(expectedLedger(source));
    });

    it('applies each event once when several runners race on one read model', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 2000, 3);
      const runners = [1, 2, 3].map(() => new ProjectionRunner({ source, store: env.store(), projection: ledgerProjection({ name: 'ledger_race' }), batchSize: 50 }));
      await Promise.all(runners.map((runner) => runner.catchUp()));
      expect(await env.store().list('ledger_race')).toEqual(expectedLedger(source));
    });

    it('follows the log live and reports its lag', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 100, 5);
      const store = env.store();
      const runner = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_live' }), batchSize: 30 });
      expect((await runner.lag()).behind).toBe(BigInt(source.events.length));
      runner.start();
      try {
        await until(async () => (await runner.lag()).behind === 0n);
        fillLog(source, 100, 9);
        await until(async () => (await runner.lag()).behind === 0n);
        expect(await store.list('ledger_live')).toEqual(expectedLedger(source));
      } finally {
        await runner.stop();
      }
    });

    it('keeps retrying while its read-model store is away (a database restart) and catches up by itself once it is back', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 100, 13);
      const real = env.store();
      let down = false;
      // Every call fails while "down", as every query does while PostgreSQL restarts.
      const store = new Proxy(real, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (typeof value !== 'function') return value;
          return (...args: unknown[]) => (down ? Promise.reject(new Error('Connection terminated unexpectedly')) : (value as (...a: unknown[]) => unknown).apply(target, args));
        },
      });
      const errors: unknown[] = [];
      const runner = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_outage' }), batchSize: 30, retryDelayMs: 5, maxRetryDelayMs: 20, onError: (e) => errors.push(e) });
      runner.start();
      try {
        await until(async () => (await runner.lag()).behind === 0n);
        down = true;
        fillLog(source, 100, 17);
        await until(async () => errors.length >= 3);
        down = false;
        await until(async () => (await runner.lag()).behind === 0n);
        expect(await real.list('ledger_outage')).toEqual(expectedLedger(source));
      } finally {
        await runner.stop();
      }
    });

    it('does not commit runs of events it does not handle, yet reports them reached and stores them by stop', async () => {
      const source = new ArrayEventSource();
      source.append('acct-1', 'Deposited', { account: 'acct-1', amount: 5 });
      const store = env.store();
      const runner = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_skips' }) });
      runner.start();
      try {
        await runner.reached(1n);
        await until(async () => (await store.checkpoint('ledger_skips'))?.position === 1n);
        for (let i = 0; i < 5; i++) source.append('other', 'SomethingElse', { i });
        // Read-your-writes waits on `reached`: it must not wait for a commit that never comes.
        await runner.reached(6n);
        expect([runner.hasReached(6n), runner.hasReached(7n)]).toEqual([true, false]);
        expect((await runner.lag()).behind).toBe(0n);
        expect((await store.checkpoint('ledger_skips'))?.position).toBe(1n);
        // The next handled event commits its rows and the skipped run in one go.
        source.append('acct-1', 'Deposited', { account: 'acct-1', amount: 7 });
        await runner.reached(7n);
        expect(await store.checkpoint('ledger_skips')).toMatchObject({ position: 7n });
        expect(await store.list('ledger_skips')).toEqual(expectedLedger(source));
        source.append('other', 'SomethingElse', { i: 99 });
        await runner.reached(8n);
        expect((await store.checkpoint('ledger_skips'))?.position).toBe(7n);
      } finally {
        await runner.stop();
      }
      expect((await store.checkpoint('ledger_skips'))?.position).toBe(8n);
    });

    it('answers many lookups started at once, each with its own document or none, in separate copies', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 300, 11);
      const store = env.store();
      await new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_lookups' }) }).catchUp();
      const expected = new Map(expectedLedger(source).map(({ id, doc }) => [id, doc]));
      const ids = [...Array.from({ length: 20 }, (_, i) => `acct-${i}`), 'acct-1', 'nobody'];
      const docs = await Promise.all(ids.map((id) => store.get<Ledger>('ledger_lookups', id)));
      ids.forEach((id, i) => expect(docs[i]).toEqual(expected.get(id)));
      expect(docs[ids.length - 1]).toBeUndefined();
      if (docs[1] !== undefined) expect(docs[ids.length - 2]).not.toBe(docs[1]);
    });

    it('rebuilds from zero to the same rows, and refuses rows of another projection version', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 800, 13);
      const store = env.store();
      const runner = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_rebuild' }), batchSize: 100 });
      await runner.catchUp();
      const incremental = await store.list('ledger_rebuild');
      expect(await runner.rebuild()).toBe(await source.headPosition());
      expect(await store.list('ledger_rebuild')).toEqual(incremental);

      const v2 = new ProjectionRunner({ source, store, projection: ledgerProjection({ name: 'ledger_rebuild', version: 2 }) });
      const error = await v2.catchUp().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProjectionVersionMismatchError);
      expect(error).toMatchObject({ code: 'PROJECTION_VERSION_MISMATCH', storedVersion: 1, codeVersion: 2 });
      await v2.rebuild();
      expect(await store.list('ledger_rebuild')).toEqual(incremental);
      expect(await store.checkpoint('ledger_rebuild')).toEqual({ position: await source.headPosition(), version: 2 });
    });

    it('rebuilds several read models in one pass beside the live ones, and switches each at once while a live runner follows', async () => {
      const source = new ArrayEventSource();
      fillLog(source, 1500, 21);
      const store = env.store();
      const names = ['ledger_blue_a', 'ledger_blue_b'];
      const live = names.map((name) => new ProjectionRunner({ source, store, projection: ledgerProjection({ name }), batchSize: 100 }));
      for (const r of live) await r.catchUp();
      // The live model is wrong (a bug since fixed): a rebuild must replace it, not patch it.
      await store.commit('ledger_blue_a', { from: await source.headPosition(), to: await source.headPosition(), documentIds: [], fold: () => new Map([['acct-bogus', { balance: -1, positions: [] }]]) });
      live[0]!.start();
      let reads = 0;
      const counting = { headPosition: () => source.headPosition(), readAll: (o: Parameters<ArrayEventSource['readAll']>[0]) => (reads++, source.readAll(o)), subscribe: source.subscribe.bind(source) };
      const at = await rebuildProjections({
        source: counting,
        store,
        projections: names.map((name) => ledgerProjection({ name }) as unknown as Projection<unknown, RecordedEvent>),
        batchSize: 200,
      });
      // One pass: each batch read once for both models.
      expect(reads).toBe(Math.ceil(Number(at) / 200) + (Number(at) % 200 === 0 ? 1 : 0));
      fillLog(source, 50, 22);
      await until(async () => (await store.checkpoint('ledger_blue_a'))?.position === (await source.headPosition()));
      await live[0]!.stop();
      expect(await store.list('ledger_blue_a')).toEqual(expectedLedger(source));
      expect(await store.checkpoint('ledger_blue_a_next')).toBeUndefined();
      await live[1]!.catchUp();
      expect(await store.list('ledger_blue_b')).toEqual(expectedLedger(source));
    });
  });
}

runnerSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-projections-'));
  const stores: SqliteReadModelStore[] = [];
  return {
    // A new connection each time: racing runners really are separate connections to one file.
    store: () => {
      const store = SqliteReadModelStore.open(join(dir, 'read-models.db'));
      stores.push(store);
      return store;
    },
    async close() {
      for (const store of stores) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

runnerSuite(
  'PostgreSQL',
  async () => {
    const db = await createTestSchema();
    return { store: () => new PostgresReadModelStore(db.pool, { schema: db.schema }), close: () => db.drop() };
  },
  DATABASE_URL ? '' : postgresSkipReason,
);
