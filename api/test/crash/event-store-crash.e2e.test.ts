import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@peerlock/schema';
import { PostgresReadModelStore, ProjectionRunner, SqliteReadModelStore, userDirectoryProjection, type ReadModelStore } from '@peerlock/projections';
import { PostgresEventStore, SqliteEventStore, type EventStore } from '../../src/eventstore/index.js';
import { DATABASE_URL, dropSchema, POSTGRES_SKIP, testSchemaName } from '../support/postgres-test-schema.js';

const here = dirname(fileURLToPath(import.meta.url));
const writerScript = join(here, 'crash-writer.ts');

type LogEntry = { kind: 'intent'; ids: string[] } | { kind: 'ack'; ids: string[]; position: string };

function readLog(path: string): LogEntry[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  // A process killed mid-line leaves at most one torn last line.
  return lines.flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as LogEntry] : [];
    } catch {
      return [];
    }
  });
}

/** Starts a writer, waits until it has `acks` more acknowledged appends, then kills it with SIGKILL mid-flight. */
async function runAndKill(env: Record<string, string>, ackLog: string, acks: number): Promise<void> {
  const before = readLog(ackLog).filter((entry) => entry.kind === 'ack').length;
  const child: ChildProcess = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', writerScript], {
    env: { ...process.env, ...env, CRASH_ACK_LOG: ackLog },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    while (readLog(ackLog).filter((entry) => entry.kind === 'ack').length < before + acks) {
      if (child.exitCode !== null) throw new Error(`writer exited early (${child.exitCode}): ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  } finally {
    child.kill('SIGKILL');
    await exited;
  }
  expect(child.signalCode).toBe('SIGKILL');
}

async function readEverything(store: EventStore): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const batch = await store.readAll({ after, maxCount: 10_000 });
    if (batch.length === 0) return all;
    all.push(...batch);
    after = batch[batch.length - 1]!.globalPosition;
  }
}

interface Backend {
  writerEnv: Record<string, string>;
  open(): Promise<{ events: EventStore; readModels: ReadModelStore; close(): Promise<void> }>;
  cleanup(): Promise<void>;
}

function crashSuite(name: string, backend: () => Promise<Backend>, skip = '') {
  describe.skipIf(skip !== '')(`crash of a writer process on ${name}${skip}`, () => {
    let setup: Backend;
    let dir: string;
    beforeAll(async () => {
      setup = await backend();
      dir = mkdtempSync(join(tmpdir(), 'peerlock-crash-log-'));
    });
    afterAll(async () => {
      await setup?.cleanup();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('keeps every acknowledged append, shows nothing half-written, and projections catch up to the rebuilt state', async () => {
      const ackLog = join(dir, 'acks.jsonl');
      // Killed twice: the second run starts on a log (and a read model) left by a killed process.
      await runAndKill({ ...setup.writerEnv, CRASH_RUN: 'r1' }, ackLog, 400);
      await runAndKill({ ...setup.writerEnv, CRASH_RUN: 'r2' }, ackLog, 400);

      const entries = readLog(ackLog);
      const intents = entries.filter((entry) => entry.kind === 'intent');
      const acks = entries.filter((entry): entry is Extract<LogEntry, { kind: 'ack' }> => entry.kind === 'ack');
      const { events, readModels, close } = await setup.open();
      try {
        const stored = await readEverything(events);
        const byId = new Map(stored.map((event) => [event.id, event]));

        // Acknowledged means durable: every event of every ack, at the acknowledged position.
        for (const ack of acks) {
          for (const id of ack.ids) expect(byId.has(id), `acknowledged event ${id} is missing`).toBe(true);
          expect(byId.get(ack.ids[ack.ids.length - 1]!)!.globalPosition.toString()).toBe(ack.position);
        }
        // Atomic: an append that was in flight at the kill is either wholly there or wholly absent.
        let inFlightKept = 0;
        for (const intent of intents) {
          const present = intent.ids.filter((id) => byId.has(id)).length;
          expect([0, intent.ids.length]).toContain(present);
          if (present > 0 && !acks.some((ack) => ack.ids[0] === intent.ids[0])) inFlightKept += 1;
        }
        expect(inFlightKept).toBeLessThanOrEqual(8);
        // Nothing else, and no holes: positions 1..n, each stream 0..k.
        expect(stored.length).toBe(intents.filter((intent) => byId.has(intent.ids[0]!)).reduce((sum, intent) => sum + intent.ids.length, 0));
        expect(stored.map((event) => event.globalPosition)).toEqual(stored.map((_, i) => BigInt(i + 1)));
        const revisions = new Map<string, bigint>();
        for (const event of stored) {
          expect(event.streamRevision).toBe(revisions.get(event.streamName) ?? 0n);
          revisions.set(event.streamName, event.streamRevision + 1n);
        }

        // The killed processes' runner left a checkpoint somewhere; catching up from it must equal a replay from zero.
        const leftBehind = (await readModels.checkpoint(userDirectoryProjection.name))?.position ?? 0n;
        expect(leftBehind).toBeGreaterThan(0n);
        const runner = new ProjectionRunner({ source: events, store: readModels, projection: userDirectoryProjection });
        expect(await runner.catchUp()).toBe(stored[stored.length - 1]!.globalPosition);
        const caughtUp = await readModels.list(userDirectoryProjection.name);
        expect(caughtUp.length).toBeGreaterThan(50);
        await runner.rebuild();
        expect(await readModels.list(userDirectoryProjection.name)).toEqual(caughtUp);
      } finally {
        await close();
      }
    });
  });
}

crashSuite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-crash-'));
  const path = join(dir, 'peerlock.db');
  return {
    writerEnv: { CRASH_STORE: 'sqlite', CRASH_SQLITE_PATH: path },
    async open() {
      const events = new SqliteEventStore({ path });
      const readModels = SqliteReadModelStore.open(path);
      return {
        events,
        readModels,
        async close() {
          await events.close();
          readModels.close();
        },
      };
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

crashSuite(
  'PostgreSQL',
  async () => {
    const schema = testSchemaName();
    return {
      writerEnv: { CRASH_STORE: 'postgres', CRASH_DATABASE_URL: DATABASE_URL!, CRASH_SCHEMA: schema },
      async open() {
        const events = await PostgresEventStore.open({ connectionString: DATABASE_URL!, schema });
        const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4 });
        return {
          events,
          readModels: new PostgresReadModelStore(pool, { schema }),
          async close() {
            await events.close();
            await pool.end();
          },
        };
      },
      cleanup: () => dropSchema(schema),
    };
  },
  DATABASE_URL ? '' : POSTGRES_SKIP,
);
