/**
 * Cost independent of history (issue 15): a log of BENCH_SCALE_EVENTS events
 * (1,000,000 by default; built through the event-store port, in the shapes the
 * server writes) holding one conversation of BENCH_SCALE_MESSAGES messages
 * (100,000), against the built server (dist/main.js) as deployed. Per store:
 *
 *   - the first send into the long conversation after a restart vs into a
 *     new one, while a probe query runs every 5 ms (its worst delay);
 *   - steady-state server CPU per message at message 100,000 vs message 1,
 *     and bytes written per message (SQLite: the process's write_bytes;
 *     PostgreSQL: WAL bytes);
 *   - start (to the first answer) and stop (SIGTERM to exit) with the read
 *     models BENCH_SCALE_BEHIND (100,000) events behind;
 *   - a full rebuild of every read model (`npm run rebuild`: one pass).
 *
 * The sends are the server path only: `sendMessage` with random ciphertext
 * (the server never opens it), authenticated with real tokens.
 *
 *   npm run bench -w @peerlock/api     (runs it after the others; SQLite, and PostgreSQL when DATABASE_URL is set)
 *   node --conditions=source --import tsx bench/scaling-bench.ts   (alone; BENCH_STORE=sqlite|postgres for one)
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes as nodeRandomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { conversationEvents, conversationStreamName } from '@peerlock/schema';
import { authorizationHeader, bytesToBase64, encodeMiniLockId } from '@peerlock/sdk';
import { SqliteEventStore, PostgresEventStore, type EventStore } from '../src/eventstore/index.js';
import { benchLogin, benchSignup, graphqlPoster } from './bench-client.js';

const EVENTS = Number(process.env.BENCH_SCALE_EVENTS ?? 1_000_000);
const MESSAGES = Number(process.env.BENCH_SCALE_MESSAGES ?? 100_000);
const BEHIND = Number(process.env.BENCH_SCALE_BEHIND ?? 100_000);
const STEADY = Number(process.env.BENCH_SCALE_STEADY ?? 500);
const here = fileURLToPath(new URL('.', import.meta.url));
const main = join(here, '../dist/main.js');
const rebuild = join(here, '../dist/rebuild.js');
const gql = graphqlPoster(new Agent({ keepAlive: true, maxSockets: 8 }));
const SHA = `${'s'.repeat(43)}=`;

interface Store {
  readonly name: string;
  readonly env: Record<string, string>;
  open(): Promise<EventStore>;
  /** Bytes the store wrote while `work` ran. */
  written(pid: number, work: () => Promise<void>): Promise<number>;
  cleanup(): Promise<void>;
}

const procIo = (pid: number): number => Number(/write_bytes: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};

function sqliteStore(): Store {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-scale-'));
  return {
    name: 'SQLite',
    env: { PEERLOCK_DATA_DIR: dir },
    open: async () => new SqliteEventStore({ path: join(dir, 'peerlock.db') }),
    async written(pid, work) {
      const before = procIo(pid);
      await work();
      // The WAL checkpoints of those writes run on a worker of the same process: wait for one.
      await new Promise((r) => setTimeout(r, 1500));
      return procIo(pid) - before;
    },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresStore(url: string): Store {
  const schema = `peerlock_scale_${nodeRandomBytes(4).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-scale-pg-'));
  const wal = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return Number((await c.query<{ b: string }>('SELECT wal_bytes::text AS b FROM pg_stat_wal')).rows[0]!.b);
    } finally {
      await c.end();
    }
  };
  return {
    name: 'PostgreSQL',
    env: { PEERLOCK_STORE: 'postgres', PEERLOCK_DATABASE_URL: url, PEERLOCK_DATABASE_SCHEMA: schema, PEERLOCK_DATA_DIR: dir, PEERLOCK_BLOB_FOLDER_SHARED: 'true' },
    open: () => PostgresEventStore.open({ connectionString: url, schema }),
    async written(_pid, work) {
      const before = await wal();
      await work();
      return (await wal()) - before;
    },
    async cleanup() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  /** ms from spawn to "listening". */
  readonly startMs: number;
  readonly output: () => string;
}

function startServer(store: Store): Promise<Server> {
  const began = performance.now();
  const child = spawn(process.execPath, ['--max-semi-space-size=2', main], {
    // As deployed: production mode behind a TLS-terminating proxy (loopback here).
    env: { ...process.env, PEERLOCK_MODE: 'production', PEERLOCK_TRUST_PROXY: 'true', PEERLOCK_PORT: '0', PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '100000', PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '100000', PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: '100000', ...store.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve({ url: m[1]!, child, exited, startMs: performance.now() - began, output: () => output });
    });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    void exited.then((code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}

async function stopServer(server: Server): Promise<number> {
  const began = performance.now();
  server.child.kill('SIGTERM');
  await server.exited;
  return performance.now() - began;
}

/** A user with a stream of tokens. */
async function user(url: string, username: string) {
  const { identity, auth } = await benchSignup(gql, url, username);
  let tokens: Uint8Array[] = [];
  let at = url;
  return {
    username,
    miniLockId: encodeMiniLockId(identity.publicKey),
    retarget(next: string) {
      at = next;
      tokens = [];
    },
    async header(): Promise<string> {
      if (tokens.length === 0) tokens = await benchLogin(gql, at, username, auth);
      return authorizationHeader(username, tokens.pop()!);
    },
  };
}
type User = Awaited<ReturnType<typeof user>>;

const SEND = 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { index } }';
const newConversationId = () => nodeRandomBytes(32).toString('base64url');
const ciphertext = () => bytesToBase64(nodeRandomBytes(1400));

async function send(url: string, from: User, participants: string[], conversationId: string): Promise<number> {
  const data = await gql(url, SEND, { input: { conversationId, messageId: nodeRandomBytes(16).toString('base64'), participants, ciphertext: ciphertext() } }, { authorization: await from.header() });
  return (data.sendMessage as { index: number }).index;
}

/** Appends `count` events through the store port: `messages` into `conversationId` (continuing at `from`), the rest in filler conversations. */
async function seed(store: EventStore, options: { conversationId?: string; participants?: string[]; from?: number; messages: number; filler: number }): Promise<void> {
  const batch: { id: string; type: string; schemaVersion: number; data: Record<string, unknown>; metadata: { actor: string; correlationId: string; causationId: null; occurredAt: string } }[] = [];
  const occurredAt = new Date().toISOString();
  const event = (type: 'ConversationStarted' | 'MessagePosted', data: unknown) => {
    const encoded = conversationEvents.encode(type, data as never);
    return { id: randomUUID(), type: encoded.type, schemaVersion: encoded.schemaVersion, data: encoded.data as Record<string, unknown>, metadata: { actor: 'seed', correlationId: 'seed', causationId: null, occurredAt } };
  };
  const flush = async (stream: string) => {
    if (batch.length > 0) await store.append(stream, batch.splice(0), { expectedRevision: 'any' });
  };
  if (options.conversationId) {
    const stream = conversationStreamName(options.conversationId);
    for (let i = 0; i < options.messages; i++) {
      const index = (options.from ?? 0) + i;
      batch.push(event('MessagePosted', { conversationId: options.conversationId, messageId: nodeRandomBytes(16).toString('base64'), index, sender: options.participants![index % 2], participants: options.participants, ciphertextBytes: 1400, ciphertextSha256: SHA }));
      if (batch.length === 1000) await flush(stream);
    }
    await flush(stream);
  }
  // Filler: conversations of 1,000 messages each between seeded users (realistic shapes, other streams).
  for (let written = 0; written < options.filler; ) {
    const conversationId = newConversationId();
    const stream = conversationStreamName(conversationId);
    const participants = [`fill${written % 97}a`, `fill${written % 97}b`];
    batch.push(event('ConversationStarted', { conversationId, creator: participants[0], participants }));
    written++;
    for (let i = 0; i < 999 && written < options.filler; i++, written++) {
      batch.push(event('MessagePosted', { conversationId, messageId: nodeRandomBytes(16).toString('base64'), index: i, sender: participants[i % 2], participants, ciphertextBytes: 1400, ciphertextSha256: SHA }));
    }
    await flush(stream);
  }
}

/** The worst delay of a probe query sent every 5 ms while `work` runs. */
async function probed<T>(url: string, work: () => Promise<T>): Promise<{ result: T; worstProbeMs: number; probes: number }> {
  let running = true;
  let worst = 0;
  let probes = 0;
  const loop = (async () => {
    while (running) {
      const began = performance.now();
      await gql(url, '{ serverKeys { signingPublicKey } }');
      worst = Math.max(worst, performance.now() - began);
      probes++;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const result = await work();
  running = false;
  await loop;
  return { result, worstProbeMs: worst, probes };
}

async function timedSend(url: string, from: User, participants: string[], conversationId: string): Promise<number> {
  const began = performance.now();
  await send(url, from, participants, conversationId);
  return performance.now() - began;
}

async function runStore(store: Store): Promise<string[]> {
  const rows: string[] = [];
  const log = (line: string) => {
    console.log(`  ${line}`);
    rows.push(line);
  };
  console.log(`\n${store.name}: ${EVENTS.toLocaleString('en')} events, one conversation of ${MESSAGES.toLocaleString('en')} messages`);
  // 1. Accounts and the long conversation's first message through the API.
  let server = await startServer(store);
  const alice = await user(server.url, 'alice');
  const bob = await user(server.url, 'bob');
  await gql(server.url, 'mutation($u: String!) { requestContact(username: $u) { contacts } }', { u: 'bob' }, { authorization: await alice.header() });
  await gql(server.url, 'mutation($u: String!) { acceptContact(username: $u) { contacts } }', { u: 'alice' }, { authorization: await bob.header() });
  const pair = ['alice', 'bob'];
  const long = newConversationId();
  await send(server.url, alice, pair, long);
  await stopServer(server);

  // 2. The rest of the log through the store port.
  let began = performance.now();
  const events = await store.open();
  await seed(events, { conversationId: long, participants: pair, from: 1, messages: MESSAGES - 1, filler: Math.max(0, EVENTS - MESSAGES) });
  const head = await events.headPosition();
  log(`log built through the store port: ${head.toLocaleString('en')} events in ${((performance.now() - began) / 1000).toFixed(0)} s`);

  // 3. The server folds all of it (live runners, one shared read of the log).
  began = performance.now();
  server = await startServer(store);
  const caughtUp = await waitCaughtUp(server, began);
  log(`read models folded ${head.toLocaleString('en')} events in ${(caughtUp / 1000).toFixed(1)} s (server listening after ${server.startMs.toFixed(0)} ms)`);
  // A conversation that grew through the API has a snapshot every 1,000 messages; one seeded through the
  // store port has none until it is first loaded: one send, timed, makes it what organic growth would have.
  for (const u of [alice, bob]) u.retarget(server.url);
  await alice.header();
  const unsnapshotted = await probed(server.url, () => timedSend(server.url, alice, pair, long));
  log(`first load of the seeded conversation (no snapshot yet; it writes one): ${unsnapshotted.result.toFixed(0)} ms, worst probe delay meanwhile ${unsnapshotted.worstProbeMs.toFixed(1)} ms`);
  await stopServer(server);

  // 4. After a restart: the first send into the long conversation vs into a new one, with a probe beside each.
  server = await startServer(store);
  for (const u of [alice, bob]) u.retarget(server.url);
  await alice.header(); // a batch of tokens first: the login is not the send
  await send(server.url, alice, pair, newConversationId()); // and the send path compiled once, into a third conversation
  const intoNew = await probed(server.url, () => timedSend(server.url, alice, pair, newConversationId()));
  const intoLong = await probed(server.url, () => timedSend(server.url, alice, pair, long));
  log(`first send after a restart: into a new conversation ${intoNew.result.toFixed(1)} ms, into the ${MESSAGES.toLocaleString('en')}-message one ${intoLong.result.toFixed(1)} ms (${(intoLong.result / intoNew.result).toFixed(2)}×); worst probe delay meanwhile ${Math.max(intoNew.worstProbeMs, intoLong.worstProbeMs).toFixed(1)} ms`);

  // 5. Steady state: CPU and bytes written per message, at message 100,000 vs message 1.
  const pid = server.child.pid!;
  const steady = async (conversationId: string) => {
    for (let i = 0; i < 20; i++) await send(server.url, alice, pair, conversationId); // warm
    let cpu = 0;
    const bytes = await store.written(pid, async () => {
      const c0 = cpuMs(pid);
      for (let i = 0; i < STEADY; i++) await send(server.url, i % 2 ? bob : alice, pair, conversationId);
      cpu = cpuMs(pid) - c0;
    });
    return { cpuUs: (cpu * 1000) / STEADY, bytes: bytes / STEADY };
  };
  const fresh = newConversationId();
  await send(server.url, alice, pair, fresh);
  const short = await steady(fresh);
  const longRun = await steady(long);
  log(`steady state, ${STEADY} messages each: server CPU ${short.cpuUs.toFixed(0)} µs/message in a new conversation, ${longRun.cpuUs.toFixed(0)} µs/message at message ${MESSAGES.toLocaleString('en')} (${(longRun.cpuUs / short.cpuUs).toFixed(2)}×); bytes written ${fmtBytes(short.bytes)} vs ${fmtBytes(longRun.bytes)} per message`);
  await stopServer(server);

  // 6. Start and stop with the read models BEHIND events behind.
  await seed(events, { messages: 0, filler: BEHIND });
  const behindHead = await events.headPosition();
  const startedAt = performance.now();
  server = await startServer(store);
  await gql(server.url, '{ serverKeys { signingPublicKey } }');
  const firstAnswer = performance.now() - startedAt;
  const stopMs = await stopServer(server);
  log(`with the read models ${BEHIND.toLocaleString('en')} events behind: listening after ${server.startMs.toFixed(0)} ms, first answer after ${firstAnswer.toFixed(0)} ms; SIGTERM to exit ${stopMs.toFixed(0)} ms`);
  server = await startServer(store);
  await waitCaughtUp(server, performance.now());
  await stopServer(server);

  // 7. A full rebuild: every read model, one pass over the log, switched when done.
  began = performance.now();
  const run = spawnSync(process.execPath, [rebuild], { env: { ...process.env, PEERLOCK_MODE: 'dev', ...store.env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`rebuild failed: ${run.stderr}`);
  log(`full rebuild (8 read models, one pass over ${behindHead.toLocaleString('en')} events): ${((performance.now() - began) / 1000).toFixed(1)} s (${/switched .*/.exec(run.stdout)?.[0] ?? ''})`);
  await events.close();
  return rows;
}

/**
 * Waits until the server's runners have caught up with the log it started on:
 * a start further behind than PEERLOCK_START_CATCH_UP_WAIT_MS allows says so,
 * and says again when the read models caught up. Returns ms from spawn.
 */
async function waitCaughtUp(server: Server, began: number): Promise<number> {
  await new Promise((r) => setTimeout(r, 600));
  while (server.output().includes('catching up in the background') && !server.output().includes('read models caught up with the log')) await new Promise((r) => setTimeout(r, 50));
  return performance.now() - began;
}

const fmtBytes = (n: number) => (n >= 10_240 ? `${(n / 1024).toFixed(1)} KiB` : `${Math.round(n)} B`);

const stores: Store[] = [];
if (process.env.BENCH_STORE !== 'postgres') stores.push(sqliteStore());
if (process.env.DATABASE_URL && process.env.BENCH_STORE !== 'sqlite') stores.push(postgresStore(process.env.DATABASE_URL));
console.log(`scaling bench (issue 15): Node ${process.version}, ${EVENTS.toLocaleString('en')} events, a ${MESSAGES.toLocaleString('en')}-message conversation`);
for (const store of stores) {
  try {
    await runStore(store);
  } finally {
    await store.cleanup();
  }
}
process.exit(0);
