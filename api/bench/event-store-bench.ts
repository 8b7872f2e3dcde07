/**
 * `npm run bench -w @peerlock/api`: event store and projection throughput per
 * adapter, each next to the same database's bare insert and read rates measured
 * in the same run. Results go to the "Event store and projections" section of
 * BENCHMARKS.md at the repository root (other sections are left as they are).
 *
 * SQLite always runs; PostgreSQL when DATABASE_URL is set; KurrentDB when
 * KURRENTDB_URL is set. BENCH_REPLAY_EVENTS overrides the replay size (1,000,000);
 * BENCH_TARGETS (e.g. `postgres`) limits the run to some stores, for quick looks.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PostgresReadModelStore, ProjectionRunner, SqliteReadModelStore, userDirectoryProjection, type ReadModelStore } from '@peerlock/projections';
import { KurrentDbEventStore, PostgresEventStore, SqliteEventStore, type EventStore } from '../src/eventstore/index.js';
import { kurrentDbBaseline, postgresBaseline, sqliteBaseline, type BareBaseline } from './bare-baselines.js';
import { benchEvent, mixedLogAppend } from './bench-events.js';
import { concurrentLoops, formatMs, formatRate, interleaved, percentiles, timed, type Latencies, type Throughput } from './measure.js';

const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000);
const TARGETS = new Set((process.env.BENCH_TARGETS ?? 'sqlite,postgres,kurrentdb').split(','));
const here = dirname(fileURLToPath(import.meta.url));
const benchmarksFile = join(here, '..', '..', 'BENCHMARKS.md');
const SECTION = '## Event store and projections';

interface Target {
  readonly name: string;
  readonly durability: string;
  /** Appends per writer for single-event and 100-event scenarios, sized so each runs a few seconds at most. */
  readonly singles: number;
  readonly batches: number;
  open(): Promise<EventStore>;
  baseline(): Promise<BareBaseline>;
  readModels(): ReadModelStore;
  cleanup(): Promise<void>;
}

interface Row {
  readonly label: string;
  readonly adapter: Throughput & { latency?: Latencies };
  readonly bare?: Throughput;
}

const ROUNDS = 3;

async function appendScenarios(target: Target, store: EventStore, bare: BareBaseline): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [label, size, perWriterTotal] of [
    ['single-event appends', 1, target.singles],
    ['appends of 100 events', 100, target.batches],
  ] as const) {
    for (const writers of [1, 8]) {
      const perWriter = Math.max(1, Math.round(perWriterTotal / writers / ROUNDS));
      const tag = randomBytes(4).toString('hex');
      const revisions = new Map<number, bigint | 'noStream'>();
      const latencies: Float64Array[] = [];
      const { a: adapter, b: ceiling } = await interleaved(
        ROUNDS,
        async () => {
          // Built before the clock starts: the benchmark measures the store, not the event factory.
          const prepared = Array.from({ length: writers }, () => Array.from({ length: perWriter }, (_, index) => Array.from({ length: size }, (_, i) => benchEvent(index * size + i))));
          // Writers behave like deciders: each append states the revision it was decided on.
          const result = await concurrentLoops(writers, perWriter, size, async (writer, index) => {
            const appended = await store.append(`bench-${tag}-${writer}`, prepared[writer]![index]!, { expectedRevision: revisions.get(writer) ?? 'noStream' });
            revisions.set(writer, appended.nextExpectedRevision);
          });
          latencies.push(result.samples);
          return result;
        },
        () => concurrentLoops(writers, perWriter, size, (writer, index) => (size === 1 ? bare.single(writer, index) : bare.batch(writer, index, size))),
      );
      const latency = percentiles(Float64Array.from(latencies.flatMap((samples) => [...samples])));
      rows.push({ label: `${label}, ${writers} writer${writers > 1 ? 's' : ''}`, adapter: { ...adapter, latency }, bare: ceiling });
      log(`${target.name}: ${rows[rows.length - 1]!.label}: ${formatRate(adapter.perSecond)} events/s (bare ${formatRate(ceiling.perSecond)})`);
    }
  }
  return rows;
}

async function fillLog(store: EventStore, events: number): Promise<Throughput> {
  const perAppend = 100;
  const appends = Math.ceil(events / perAppend);
  const writers = 8;
  let next = 0;
  return timed(appends * perAppend, () =>
    Promise.all(
      Array.from({ length: writers }, async () => {
        for (let account = next++; account < appends; account = next++) {
          const { streamName, events: batch } = mixedLogAppend(account, perAppend, false);
          await store.append(streamName, batch, { expectedRevision: 'noStream' });
        }
      }),
    ),
  );
}

async function replay(store: EventStore, head: bigint): Promise<Throughput> {
  let count = 0;
  const controller = new AbortController();
  return timed(Number(head), async () => {
    for await (const batch of store.subscribe({ after: 0n, signal: controller.signal, maxBatchSize: 1000 })) {
      count += batch.length;
      if (batch[batch.length - 1]!.globalPosition >= head) controller.abort();
    }
    if (count < Number(head) && !(store instanceof KurrentDbEventStore)) throw new Error(`replay saw ${count} of ${head} events`);
  });
}

async function bareReplay(bare: BareBaseline, events: number): Promise<Throughput> {
  return timed(events, async () => {
    for (let after: bigint | undefined = 0n; after !== undefined; ) after = await bare.read(after, 1000);
  });
}

async function runTarget(target: Target): Promise<{ section: string; rows: Row[] }> {
  log(`${target.name}: starting`);
  const store = await target.open();
  const bare = await target.baseline();
  try {
    const rows = await appendScenarios(target, store, bare);
    const fill = await fillLog(store, REPLAY_EVENTS);
    log(`${target.name}: loaded ${formatRate(fill.events)} events at ${formatRate(fill.perSecond)} events/s`);
    const head = await store.headPosition();
    const total = (await countEvents(store, head)) ?? fill.events;
    const { a: replayed, b: bareRead } = await interleaved(ROUNDS, () => replay(store, head), () => bareReplay(bare, total));
    rows.push({ label: `catch-up replay of the whole log, ${formatRate(total)} events (subscription, batches of 1000)`, adapter: { ...replayed, events: total, perSecond: total / replayed.seconds }, bare: bareRead });
    log(`${target.name}: replay ${formatRate(total / replayed.seconds)} events/s (bare read ${formatRate(bareRead.perSecond)})`);
    const readModels = target.readModels();
    const runner = new ProjectionRunner({ source: store, store: readModels, projection: userDirectoryProjection, batchSize: 1000 });
    const rebuilt = await timed(total, () => runner.rebuild());
    const directory = (await readModels.list(userDirectoryProjection.name)).length;
    rows.push({ label: `projection rebuild: user directory from zero over the whole log (${formatRate(directory)} accounts)`, adapter: rebuilt });
    log(`${target.name}: rebuild ${formatRate(rebuilt.perSecond)} events/s`);
    await closeReadModels(readModels);
    return { section: renderTarget(target, rows, fill), rows };
  } finally {
    await bare.close();
    await store.close();
    await target.cleanup();
  }
}

/** The SQL stores number events densely, so the head is the count; KurrentDB's head is a log offset. */
async function countEvents(store: EventStore, head: bigint): Promise<number | undefined> {
  return store instanceof KurrentDbEventStore ? undefined : Number(head);
}

async function closeReadModels(readModels: ReadModelStore): Promise<void> {
  if (readModels instanceof SqliteReadModelStore) readModels.close();
}

function renderTarget(target: Target, rows: readonly Row[], fill: Throughput): string {
  const lines = [
    `### ${target.name}`,
    '',
    `Durability: ${target.durability}`,
    '',
    '| measurement | adapter (events/s) | bare ceiling (events/s) | ratio | append latency p50 / p99 (ms) |',
    '|---|---:|---:|---:|---:|',
    ...rows.map((row) => {
      const ratio = row.bare ? `${(row.adapter.perSecond / row.bare.perSecond).toFixed(2)}×` : '—';
      const latency = row.adapter.latency ? `${formatMs(row.adapter.latency.p50)} / ${formatMs(row.adapter.latency.p99)}` : '—';
      return `| ${row.label} | ${formatRate(row.adapter.perSecond)} | ${row.bare ? formatRate(row.bare.perSecond) : '—'} | ${ratio} | ${latency} |`;
    }),
    '',
    `Loading the replay log through the adapter (appends of 100 events, 8 writers): ${formatRate(fill.perSecond)} events/s.`,
    '',
  ];
  return lines.join('\n');
}

function sqliteTarget(synchronous: 'NORMAL' | 'FULL'): Target {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-bench-'));
  const path = join(dir, 'peerlock.db');
  const version = new Database(':memory:').prepare<[], { v: string }>('SELECT sqlite_version() AS v').get()!.v;
  return {
    name: `SQLite ${version} (better-sqlite3, one file)`,
    durability: `\`journal_mode=WAL\`, \`synchronous=${synchronous}\` for the adapter and the bare baseline alike: every acknowledged append survives a crash of the process; an OS crash or power loss can lose the last commits before a WAL checkpoint (never corrupts). Local ext4 disk.`,
    singles: 30_000,
    batches: 1_000,
    open: async () => new SqliteEventStore({ path, synchronous }),
    baseline: async () => sqliteBaseline(join(dir, 'bare.db'), path, synchronous),
    readModels: () => SqliteReadModelStore.open(path),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresTarget(connectionString: string): Promise<Target> {
  const schema = `peerlock_bench_${randomBytes(4).toString('hex')}`;
  const pool = new pg.Pool({ connectionString, max: 4 });
  const setting = async (name: string) => (await pool.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
  const version = (await setting('server_version')).split(' ')[0];
  const durability = `\`fsync=${await setting('fsync')}\`, \`synchronous_commit=${await setting('synchronous_commit')}\`, \`wal_sync_method=${await setting('wal_sync_method')}\`, \`full_page_writes=${await setting('full_page_writes')}\` (server defaults; the bare baseline runs on the same server in the same run): every acknowledged append is on disk. Server on the same machine, over TCP to 127.0.0.1.`;
  return {
    name: `PostgreSQL ${version} (pg, one schema)`,
    durability,
    singles: 4_000,
    batches: 300,
    open: () => PostgresEventStore.open({ connectionString, schema, poolSize: 10 }),
    baseline: () => postgresBaseline(connectionString, schema),
    readModels: () => new PostgresReadModelStore(pool, { schema }),
    async cleanup() {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await pool.end();
    },
  };
}

function kurrentDbTarget(connectionString: string): Target {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-bench-kurrentdb-'));
  return {
    name: 'KurrentDB (@kurrent/kurrentdb-client)',
    durability: 'the server\'s own settings (KurrentDB acknowledges a write once it is flushed to its log); read models in a local SQLite file (WAL, synchronous=NORMAL).',
    singles: 4_000,
    batches: 300,
    open: async () => new KurrentDbEventStore({ connectionString }),
    baseline: async () => kurrentDbBaseline(connectionString),
    readModels: () => SqliteReadModelStore.open(join(dir, 'read-models.db')),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/** The same single-append scenario with an fsync per commit, for operators who want that guarantee. */
async function sqliteFullSync(): Promise<string> {
  const full = sqliteTarget('FULL');
  const fullStore = await full.open();
  const fullBare = await full.baseline();
  const tag = randomBytes(4).toString('hex');
  let revision: bigint | 'noStream' = 'noStream';
  const fullAppends = await concurrentLoops(1, 2_000, 1, async (_, index) => {
    revision = (await fullStore.append(`bench-full-${tag}`, [benchEvent(index)], { expectedRevision: revision })).nextExpectedRevision;
  });
  const fullBareRate = await concurrentLoops(1, 2_000, 1, (writer, index) => fullBare.single(writer, index));
  await fullBare.close();
  await fullStore.close();
  await full.cleanup();
  return (
    [
      '#### SQLite with `synchronous=FULL` (fsync on every commit)',
      '',
      '| measurement | adapter (events/s) | bare ceiling (events/s) | ratio | append latency p50 / p99 (ms) |',
      '|---|---:|---:|---:|---:|',
      `| single-event appends, 1 writer | ${formatRate(fullAppends.perSecond)} | ${formatRate(fullBareRate.perSecond)} | ${(fullAppends.perSecond / fullBareRate.perSecond).toFixed(2)}× | ${formatMs(fullAppends.latency.p50)} / ${formatMs(fullAppends.latency.p99)} |`,
      '',
    ].join('\n')
  );
}

async function main(): Promise<void> {
  const started = new Date();
  const loadBefore = loadavg()[0]!;
  const sections: string[] = [];
  const targets: string[] = [];
  const rate = (rows: readonly Row[], label: string) => rows.find((row) => row.label.startsWith(label));
  const verdict = (ok: boolean) => (ok ? 'yes' : '**no**');

  if (TARGETS.has('sqlite')) {
    const { section, rows } = await runTarget(sqliteTarget('NORMAL'));
    sections.push(section, await sqliteFullSync());
    const single = rate(rows, 'single-event appends, 1 writer')!.adapter.perSecond;
    const replay = rate(rows, 'catch-up replay')!.adapter.perSecond;
    targets.push(`| SQLite single-event appends ≥ 20,000/s (WAL, synchronous=NORMAL) | ${formatRate(single)}/s | ${verdict(single >= 20_000)} |`);
    targets.push(`| SQLite replay ≥ 200,000 events/s | ${formatRate(replay)}/s | ${verdict(replay >= 200_000)} |`);
  }
  if (!TARGETS.has('postgres')) sections.push('### PostgreSQL\n\nNot run: left out by `BENCH_TARGETS`.\n');
  else if (process.env.DATABASE_URL) {
    const { section, rows } = await runTarget(await postgresTarget(process.env.DATABASE_URL));
    sections.push(section);
    for (const row of rows.filter((r) => r.bare !== undefined && (r.label.startsWith('single') || r.label.startsWith('appends')))) {
      const ratio = row.adapter.perSecond / row.bare!.perSecond;
      targets.push(`| PostgreSQL ${row.label} ≥ 0.5 × bare insert rate | ${ratio.toFixed(2)}× | ${verdict(ratio >= 0.5)} |`);
    }
  } else sections.push('### PostgreSQL\n\nNot run: `DATABASE_URL` was not set.\n');
  if (!TARGETS.has('kurrentdb')) sections.push('### KurrentDB\n\nNot run: left out by `BENCH_TARGETS`.\n');
  else if (process.env.KURRENTDB_URL) sections.push((await runTarget(kurrentDbTarget(process.env.KURRENTDB_URL))).section);
  else sections.push('### KurrentDB\n\nNot run: `KURRENTDB_URL` was not set (this machine has no KurrentDB server).\n');

  const cpu = cpus();
  const header = [
    SECTION,
    '',
    `Measured ${started.toISOString().slice(0, 10)} by \`npm run bench -w @peerlock/api\` on ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version};`,
    `load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (the machine is shared with other builds and tests, so rates move by ±30% between runs; the ratios are steadier).`,
    'Each adapter appends, replays and rebuilds; in the same run the same database does the plainest equivalent work (the "bare ceiling":',
    'the same rows into a table with the same columns and unique indexes, one transaction per append, without validation,',
    'revision checks, idempotency lookups or ordering protocol; for replay, raw `SELECT`s of the same event table in batches of 1000).',
    'Writers use exact expected revisions, as deciders do; each writer appends to its own stream. Events carry ~300 bytes of JSON.',
    `Each rate is the median of ${ROUNDS} rounds taken in turns with its bare ceiling (adapter, bare, adapter, bare ...); latencies cover all rounds.`,
    `Latency is per append call. The replay log is ${formatRate(REPLAY_EVENTS)} events loaded for it plus the events of the append measurements;`,
    'about a third are account events for the user directory, the rest message events it skips.',
    '',
    ...(targets.length > 0 ? ['| target | measured | met |', '|---|---:|:---:|', ...targets, ''] : []),
  ].join('\n');
  writeSection(`${header}\n${sections.join('\n')}`);
  log(`wrote ${benchmarksFile}`);
}

/** Replaces only our section, re-reading the file right before writing: another package writes its own section. */
function writeSection(section: string): void {
  const current = existsSync(benchmarksFile) ? readFileSync(benchmarksFile, 'utf8') : '# Benchmarks\n';
  const start = current.indexOf(`${SECTION}\n`);
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${section.trimEnd()}\n`;
  } else {
    const after = current.slice(start + SECTION.length);
    const end = after.search(/\n## /);
    next = `${current.slice(0, start)}${section.trimEnd()}\n${end === -1 ? '' : after.slice(end)}`;
  }
  writeFileSync(benchmarksFile, next);
}

await main();
