/**
 * The connections of storage/postgres-pool.ts against a private PostgreSQL
 * that is stopped, restarted and crashed under them: nothing ends the
 * process, failures in the gap are classified as the database's state
 * (UNAVAILABLE for clients), and everything works again once it is back.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostgresPool, PostgresListener } from '../../src/storage/postgres-pool.js';
import { isConnectionFault, storageFaultOf, untilAvailable } from '../../src/storage/storage-faults.js';
import { maskError } from '../../src/plugins/use-error-codes.js';
import { PostgresEventStore } from '../../src/eventstore/postgres-event-store.js';
import { PrivatePostgres, privatePostgresUnavailable } from '../support/private-postgres.js';

const unavailable = privatePostgresUnavailable();
// In CI a missing PostgreSQL server is a failure, never a silent skip.
const skip = unavailable && !process.env.CI ? ` (skipped: ${unavailable})` : '';

describe.skipIf(skip !== '')(`PostgreSQL connections across a database restart${skip}`, () => {
  let server: PrivatePostgres;
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);

  beforeAll(async () => {
    server = await PrivatePostgres.start();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('a pool with idle and checked-out connections survives -m fast and -m immediate, and queries in the gap are connection faults', async () => {
    const pool = createPostgresPool({ connectionString: server.url, name: 'test-pool', max: 4, log });
    try {
      // Idle connections (the crash this fixes) and one checked out across the restart.
      await Promise.all([1, 2, 3].map(() => pool.query('SELECT pg_sleep(0.01)')));
      const held = await pool.connect();
      for (const mode of ['fast', 'immediate'] as const) {
        lines.length = 0;
        await server.stopServer(mode);
        const inGap = await pool.query('SELECT 1').catch((error: unknown) => error);
        expect(isConnectionFault(inGap), String(inGap)).toBe(true);
        expect(maskError(inGap)).toMatchObject({ extensions: { code: 'UNAVAILABLE', http: { status: 503, headers: { 'retry-after': '2' } } } });
        await server.startServer();
        expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
        expect(lines[0]).toMatch(/^postgres 127\.0\.0\.1:\d+\/postgres: connection lost \(.+\); requests get UNAVAILABLE until it is back$/);
        expect(lines.at(-1)).toMatch(/^postgres 127\.0\.0\.1:\d+\/postgres: connected again after \d+\.\d s$/);
        expect(lines).toHaveLength(2);
      }
      const broken = await held.query('SELECT 1').catch((error: unknown) => error);
      expect(isConnectionFault(broken), String(broken)).toBe(true);
      held.release(broken as Error);
      expect((await pool.query('SELECT 1 AS n')).rowCount).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it('a LISTEN connection comes back by itself and says so, so its subscribers can catch up', async () => {
    const payloads: (string | undefined)[] = [];
    let connected = 0;
    const listener = new PostgresListener({ connectionString: server.url, name: 'test-listener', channel: 'peerlock_test', log }, (p) => payloads.push(p), () => connected++);
    const pool = createPostgresPool({ connectionString: server.url, name: 'test-notify', max: 1, log });
    try {
      listener.start();
      await vi.waitFor(() => expect(connected).toBe(1));
      await pool.query(`NOTIFY peerlock_test, 'one'`);
      await vi.waitFor(() => expect(payloads).toEqual(['one']));
      await server.restart('immediate', 500);
      await vi.waitFor(() => expect(connected).toBe(2), { timeout: 15_000 });
      await pool.query(`NOTIFY peerlock_test, 'two'`);
      await vi.waitFor(() => expect(payloads).toEqual(['one', 'two']));
    } finally {
      await listener.close();
      await pool.end();
    }
  });

  it('an event store subscription goes on from its position after a restart: nothing lost, nothing twice', async () => {
    const store = await PostgresEventStore.open({ connectionString: server.url, schema: 'restart_subscription', log });
    const writer = await PostgresEventStore.open({ connectionString: server.url, schema: 'restart_subscription', log });
    const controller = new AbortController();
    const seen: bigint[] = [];
    const event = () => ({ id: crypto.randomUUID(), type: 'Tested', schemaVersion: 1, data: {}, metadata: { actor: null, correlationId: 'c', causationId: null, occurredAt: new Date().toISOString() } });
    const follow = (async () => {
      // The shared log feed's loop: a failed read ends the subscription; subscribe again from the last position.
      while (!controller.signal.aborted) {
        try {
          for await (const batch of store.subscribe({ after: seen.at(-1) ?? 0n, signal: controller.signal })) seen.push(...batch.map((e) => e.globalPosition));
        } catch (error) {
          expect(isConnectionFault(error), String(error)).toBe(true);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
    })();
    try {
      let acknowledged = 0;
      const append = async () => {
        for (;;) {
          try {
            await writer.append(`s-${acknowledged}`, [event()]);
            acknowledged++;
            return;
          } catch (error) {
            expect(isConnectionFault(error), String(error)).toBe(true);
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      };
      for (let i = 0; i < 20; i++) await append();
      const restarting = server.restart('fast', 300);
      for (let i = 0; i < 20; i++) await append();
      await restarting;
      for (let i = 0; i < 20; i++) await append();
      await vi.waitFor(() => expect(seen.length).toBe(acknowledged), { timeout: 15_000 });
      expect(seen).toEqual(seen.map((_, i) => BigInt(i + 1)));
    } finally {
      controller.abort();
      await follow;
      await store.close();
      await writer.close();
    }
  });

  it('waits for a database that is down at start, one line per attempt, and starts when it is up', async () => {
    await server.stopServer('fast');
    const attempts: string[] = [];
    setTimeout(() => void server.startServer(), 1500);
    const store = await untilAvailable('opening the event store', () => PostgresEventStore.open({ connectionString: server.url, schema: 'late_start', log }), {
      log: (line) => attempts.push(line),
      initialDelayMs: 200,
      maxDelayMs: 400,
    });
    try {
      expect(await store.headPosition()).toBe(0n);
      expect(attempts.length).toBeGreaterThan(1);
      for (const line of attempts) expect(line).toMatch(/^opening the event store: database unavailable \(.*ECONNREFUSED.*\), attempt \d+; retrying in 0\.\d s$/);
    } finally {
      await store.close();
    }
  });

  it('does not wait out faults that waiting cannot fix', async () => {
    const wrong = server.url.replace(/\/postgres$/, '/no_such_database');
    await expect(untilAvailable('opening', () => PostgresEventStore.open({ connectionString: wrong }), { log })).rejects.toMatchObject({ code: '3D000' });
    expect(storageFaultOf(Object.assign(new Error('database "x" does not exist'), { code: '3D000' }))).toBeNull();
  });
});

