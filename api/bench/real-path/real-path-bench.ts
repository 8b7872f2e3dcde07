/**
 * The real client path against a peer a user would pick instead (issue 17):
 * sender→receiver pairs exchanging 1 KiB messages, closed loop until the
 * partner has the content, with
 *
 *   Peerlock   the built server (`api/dist/main.js`, as `npm start` runs it)
 *              on SQLite and, with DATABASE_URL, on PostgreSQL; clients are
 *              PeerlockClients: encrypt, send over the stream's connection,
 *              receive the pushed envelope, verify;
 *   Prosody    0.12 from Debian, its message archive on SQLite in WAL mode
 *              with synchronous=NORMAL (prosody.ts); clients are minimal XMPP
 *              clients (xmpp-client.ts);
 *
 * both in the same run, under the same load. The clients live in
 * BENCH_WORKERS processes of their own (worker.ts), so the server's CPU
 * figure is the server's alone. Per target and size it reports: the closed-
 * loop rate; server CPU per message; p50/p99 from send to content verified
 * at the recipient; the same at half that rate (open loop); at twice that
 * rate (open loop): the rate delivered, refusals by code and messages lost;
 * the server's peak RSS while the phases ran.
 *
 *   npm run bench:real-path -w @peerlock/api
 *   BENCH_PAIRS=50,100 BENCH_SECONDS=10 BENCH_WORKERS=4 BENCH_TARGETS=prosody,sqlite,postgres
 *   BENCH_SERVER_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" passes Node flags to the Peerlock server, BENCH_SERVER_LOG=file keeps its output,
 *   BENCH_WORKER_FLAGS the same for the client processes
 *
 * Prosody missing (`apt-get install prosody lua-dbi-sqlite3`) is said, and its
 * columns are empty. Figures from a shared 2-core machine move ±30%: repeat.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import pg from 'pg';
import { PeerlockClient, bytesToBase64, keyPairFromSecretKey, randomBytes } from '@peerlock/sdk';
import { cpuMs, percentiles, rssMiB, startChild, stopChild } from '../measure.js';
import { prosodyInstalled, startProsody } from './prosody.js';
import type { Account, Command, PhaseResult } from './worker.js';

const PAIR_COUNTS = (process.env.BENCH_PAIRS ?? '50,100').split(',').map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
type Target = 'prosody' | 'sqlite' | 'postgres';
const TARGETS = (process.env.BENCH_TARGETS ?? `prosody,sqlite${process.env.DATABASE_URL ? ',postgres' : ''}`).split(',') as Target[];
const here = fileURLToPath(new URL('.', import.meta.url));
const repository = join(here, '..', '..', '..');

interface Running {
  readonly pid: number;
  /** What the workers connect to. */
  readonly init: (pairs: { sender: Account; receiver: Account }[]) => Command;
  stop(): Promise<void>;
}


async function startPeerlock(store: 'sqlite' | 'postgres'): Promise<Running> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-bench-real-'));
  const schema = `bench_${bytesToBase64(randomBytes(6)).replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
  const env: Record<string, string> = {
    PEERLOCK_MODE: 'dev',
    PEERLOCK_PORT: '0',
    PEERLOCK_HOST: '127.0.0.1',
    PEERLOCK_DATA_DIR: dataDir,
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '1000000',
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: '1000000',
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '1000000',
    PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: '1000000',
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '1000000',
    ...(store === 'postgres' ? { PEERLOCK_STORE: 'postgres', PEERLOCK_DATABASE_URL: process.env.DATABASE_URL!, PEERLOCK_DATABASE_SCHEMA: schema, PEERLOCK_BLOB_FOLDER_SHARED: 'true' } : {}),
  };
  // As `npm start` runs it: the built server, not tsx.
  const { url, child } = await startChild(['--max-semi-space-size=2', join(repository, 'api', 'dist', 'main.js')], env);
  return {
    pid: child.pid!,
    init: (pairs) => ({ type: 'init', target: 'peerlock', url, pairs }),
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
      if (store === 'postgres') {
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    },
  };
}

/** Accounts for `count` pairs, each pair contacts, signed up through the SDK with keys given (no scrypt). */
async function peerlockAccounts(url: string, count: number): Promise<{ sender: Account; receiver: Account }[]> {
  const pairs: { sender: Account; receiver: Account }[] = [];
  for (let at = 0; at < count; at += 10) {
    pairs.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, count - at) }, async (_, k) => {
          const i = at + k;
          const made = await Promise.all(
            [`s${i}`, `r${i}`].map(async (username) => {
              const secretKey = randomBytes(32);
              const client = new PeerlockClient({ url, webSocketImpl: WebSocket });
              await client.signup({ username, passphrase: '', identity: keyPairFromSecretKey(secretKey) });
              return { client, account: { username, secretKey: bytesToBase64(secretKey) } };
            }),
          );
          await made[0]!.client.requestContact(`r${i}`);
          await made[1]!.client.acceptContact(`s${i}`);
          for (const m of made) await m.client.endSession().catch(() => undefined);
          return { sender: made[0]!.account, receiver: made[1]!.account };
        }),
      )),
    );
  }
  return pairs;
}

interface Worker {
  readonly child: ChildProcess;
  ask(command: Command): Promise<{ type: string; result?: PhaseResult; message?: string }>;
}

function startWorker(): Worker {
  const child = fork(join(here, 'worker.ts'), [], { execArgv: ['--conditions=source', '--import', 'tsx', ...(process.env.BENCH_WORKER_FLAGS?.split(' ').filter(Boolean) ?? [])], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return {
    child,
    ask: (command) =>
      new Promise((resolve, reject) => {
        child.once('message', (answer: { type: string; message?: string }) => (answer.type === 'error' ? reject(new Error(answer.message)) : resolve(answer as never)));
        child.send(command);
      }),
  };
}

interface Phase {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuMsPerMessage: number;
  readonly errors: Record<string, number>;
  readonly lost: number;
  readonly rejected: number;
  readonly sent: number;
  /** CPU of the client processes per message delivered (encrypt, send, receive, verify; kept off the server's figure). */
  readonly clientCpuMsPerMessage: number;
}

interface Row {
  readonly target: Target;
  readonly pairs: number;
  readonly version?: string;
  readonly closed: Phase;
  readonly half: Phase;
  readonly overload: Phase;
  readonly peakRssMiB: number;
  /** The server's RSS once every client had connected, before any message. */
  readonly connectedRssMiB: number;
}

async function phase(workers: Worker[], pid: number, command: Extract<Command, { type: 'run' }>): Promise<Phase> {
  const cpuBefore = cpuMs(pid);
  const clientsBefore = workers.reduce((t, w) => t + cpuMs(w.child.pid!), 0);
  const results = (await Promise.all(workers.map((w) => w.ask(command)))).map((a) => a.result!);
  const seconds = command.seconds;
  const cpu = cpuMs(pid) - cpuBefore;
  const clientCpu = workers.reduce((t, w) => t + cpuMs(w.child.pid!), 0) - clientsBefore;
  const latency = percentiles(Float64Array.from(results.flatMap((r) => r.latenciesMs)));
  const delivered = results.reduce((n, r) => n + r.delivered, 0);
  const errors: Record<string, number> = {};
  for (const r of results) for (const [code, n] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + n;
  return {
    rate: delivered / seconds,
    p50: latency.p50,
    p99: latency.p99,
    // The drain after an open phase is included in the CPU (the server works through its backlog), and in no rate.
    cpuMsPerMessage: cpu / Math.max(1, delivered),
    clientCpuMsPerMessage: clientCpu / Math.max(1, delivered),
    errors,
    lost: results.reduce((n, r) => n + r.lost, 0),
    rejected: results.reduce((n, r) => n + r.rejected, 0),
    sent: results.reduce((n, r) => n + r.sent, 0),
  };
}

async function measure(target: Target, pairCount: number): Promise<Row | null> {
  let running: Running;
  let pairs: { sender: Account; receiver: Account }[];
  let version: string | undefined;
  if (target === 'prosody') {
    if (!prosodyInstalled()) {
      console.log('Prosody is not installed (apt-get install prosody lua-dbi-sqlite3): its rows are left out.');
      return null;
    }
    pairs = Array.from({ length: pairCount }, (_, i) => ({ sender: { username: `s${i}`, secretKey: '' }, receiver: { username: `r${i}`, secretKey: '' } }));
    const prosody = await startProsody(pairs.flatMap((p) => [p.sender.username, p.receiver.username]));
    version = prosody.version;
    running = { pid: prosody.pid, init: (share) => ({ type: 'init', target: 'prosody', port: prosody.port, pairs: share }), stop: () => prosody.stop() };
  } else {
    const peerlock = await startPeerlock(target);
    running = peerlock;
    const url = (peerlock.init([]) as { url: string }).url;
    pairs = await peerlockAccounts(url, pairCount);
  }
  const workers = Array.from({ length: WORKERS }, startWorker);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(running.pid))), 100);
  try {
    await Promise.all(workers.map((w, i) => w.ask(running.init(pairs.filter((_, k) => k % WORKERS === i)))));
    const connectedRssMiB = rssMiB(running.pid);
    // Warm-up (JIT, caches, connections), not counted.
    await phase(workers, running.pid, { type: 'run', mode: 'closed', seconds: 2 });
    peak = 0;
    const closed = await phase(workers, running.pid, { type: 'run', mode: 'closed', seconds: SECONDS });
    const perPair = closed.rate / pairCount;
    const half = await phase(workers, running.pid, { type: 'run', mode: 'open', ratePerPair: perPair / 2, seconds: SECONDS });
    const overload = await phase(workers, running.pid, { type: 'run', mode: 'open', ratePerPair: perPair * 2, seconds: SECONDS });
    return { target, pairs: pairCount, ...(version ? { version } : {}), closed, half, overload, peakRssMiB: peak, connectedRssMiB };
  } finally {
    clearInterval(sampler);
    await Promise.all(workers.map((w) => w.ask({ type: 'stop' }).catch(() => undefined)));
    await running.stop();
  }
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const errorsText = (e: Record<string, number>) => Object.entries(e).map(([code, n]) => `${n} ${code}`).join(', ') || 'none';

const rows: Row[] = [];
console.log(`real path: ${PAIR_COUNTS.join(' and ')} pairs, 1 KiB messages, ${SECONDS} s per phase, clients in ${WORKERS} processes; targets ${TARGETS.join(', ')}`);
for (const pairCount of PAIR_COUNTS) {
  for (const target of TARGETS) {
    const row = await measure(target, pairCount);
    if (!row) continue;
    rows.push(row);
    const c = row.closed;
    console.log(
      `${target.padEnd(8)} ${String(pairCount).padStart(3)} pairs: closed ${fmt(c.rate)} msg/s, server CPU ${fmt(c.cpuMsPerMessage, 3)} ms/msg (clients ${fmt(c.clientCpuMsPerMessage, 3)}), p50 ${fmt(c.p50, 1)} p99 ${fmt(c.p99, 1)} ms; ` +
        `half rate p50 ${fmt(row.half.p50, 1)} p99 ${fmt(row.half.p99, 1)} ms; 2× offered ${fmt(row.overload.rate)} msg/s delivered (refused: ${errorsText(row.overload.errors)}; lost ${row.overload.lost}; rejected ${row.overload.rejected + c.rejected + row.half.rejected}); RSS ${fmt(row.connectedRssMiB)} MiB connected, ${fmt(row.peakRssMiB)} MiB peak`,
    );
  }
}

console.log('\n| pairs | target | msg/s (closed) | × Prosody | server CPU ms/msg | × Prosody | client CPU ms/msg | p50 / p99 ms (closed) | p50 / p99 ms at ½ rate | at 2× offered: delivered msg/s, refused, lost | RSS MiB connected / peak |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
for (const row of rows) {
  const peer = rows.find((r) => r.target === 'prosody' && r.pairs === row.pairs);
  const ratio = (a: number, b: number | undefined) => (b ? `${fmt(a / b, 2)}×` : '—');
  console.log(
    `| ${row.pairs} | ${row.target === 'prosody' ? `Prosody ${row.version ?? ''}` : `Peerlock, ${row.target}`} | ${fmt(row.closed.rate)} | ${ratio(row.closed.rate, peer?.closed.rate)} | ${fmt(row.closed.cpuMsPerMessage, 3)} | ${ratio(row.closed.cpuMsPerMessage, peer?.closed.cpuMsPerMessage)} | ${fmt(row.closed.clientCpuMsPerMessage, 3)} | ${fmt(row.closed.p50, 1)} / ${fmt(row.closed.p99, 1)} | ${fmt(row.half.p50, 1)} / ${fmt(row.half.p99, 1)} | ${fmt(row.overload.rate)}, ${errorsText(row.overload.errors)}, ${row.overload.lost} lost | ${fmt(row.connectedRssMiB)} / ${fmt(row.peakRssMiB)} |`,
  );
}
const out = join(tmpdir(), `peerlock-real-path-${Date.now()}.json`);
writeFileSync(out, JSON.stringify(rows, null, 2));
console.log(`\nraw figures: ${out}`);
