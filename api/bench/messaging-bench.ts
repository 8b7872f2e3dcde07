/**
 * Messaging and notifications (issue 5): N clients, each subscribed over
 * graphql-ws, each sending 1 KiB-plaintext messages (SDK-composed miniLock
 * files) to a conversation with 2 contacts. Measures messages/s accepted and
 * delivered, p50/p99 from send to the recipient's notification, the server's
 * peak RSS, and counts every delivery (zero lost is the bar).
 *
 * The server runs in its own process (so its RSS and event loop are its own);
 * the clients share this one. The baseline is a bare Yoga server (one
 * mutation that publishes to each recipient's graphql-ws subscription through
 * Yoga's in-memory pub/sub: no auth, no storage, no log) driven by the same
 * clients in the same run.
 *
 *   npm run bench -w @peerlock/api      (SQLite; PostgreSQL too when DATABASE_URL is set)
 *   BENCH_CLIENTS=200 BENCH_MESSAGES=20 (closed loop, per client) BENCH_WARMUP=5 BENCH_RATE=1000 BENCH_SECONDS=5 (open loop)
 *   BENCH_STORE=sqlite|postgres (only one); BENCH_PROFILE=1 writes server CPU profiles to /tmp/prof;
 *   BENCH_SERVER_FLAGS="--max-old-space-size=256" passes Node flags to the servers, BENCH_SERVER_LOG=file keeps their output
 */
import { Agent, createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import WebSocket from 'ws';
import { createPubSub, createSchema, createYoga } from 'graphql-yoga';
import { benchLogin, benchSignup, graphqlPoster } from './bench-client.js';
import { cpuMs, rssMiB as processRssMiB, startChild, stopChild } from './measure.js';
import {
  authorizationHeader,
  bytesToBase64,
  composeMessage,
  encodeMiniLockId,
  randomBytes,
  type KeyPair,
} from '@peerlock/sdk';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20);
const BODY = 'x'.repeat(1024);
// With fewer, i+1 and i+2 wrap around onto requests already made the other way.
if (!Number.isInteger(CLIENTS) || CLIENTS < 5) throw new RangeError('BENCH_CLIENTS: at least 5');
const self = fileURLToPath(import.meta.url);

const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

const gql = graphqlPoster(agent);

/** The servers run from source under tsx; BENCH_PROFILE=1 writes their CPU profiles to /tmp/prof. */
const TSX = [...(process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/prof'] : []), '--conditions=source', '--import', 'tsx'];

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

interface Outcome {
  readonly name: string;
  /** Closed loop: every client sends its next message as soon as the previous one is accepted. */
  readonly sent: number;
  readonly sendSeconds: number;
  readonly delivered: number;
  readonly expected: number;
  readonly deliverSeconds: number;
  /** Server CPU time (user + system) per message delivered to both recipients, in the closed-loop phase. */
  readonly cpuMsPerMessage: number;
  /** Open loop at OFFERED_RATE: latency from the scheduled send time (so a stalled server is not hidden) to each notification. */
  readonly offered: { readonly delivered: number; readonly expected: number; readonly rate: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly rssMiB: number;
  /** Sends the server refused or dropped (both phases). */
  readonly failed: number;
}

/** What differs between the real server and the baseline: how a client subscribes and sends. */
interface Driver {
  subscribe(i: number, onMessage: (messageId: string) => void): Promise<Client>;
  /** The id the notification will carry, known before sending so a notification that beats the response is still timed. */
  idOf(i: number, k: number): string;
  send(i: number, k: number): Promise<void>;
}

/** Messages per client the drivers must prepare: warm-up, closed loop, then the open-loop share. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5);
const OFFERED_RATE = Number(process.env.BENCH_RATE ?? 1000);
const OFFERED_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const OPEN_LOOP_PER_CLIENT = Math.ceil((OFFERED_RATE * OFFERED_SECONDS) / CLIENTS);
const PER_CLIENT = WARMUP + MESSAGES + OPEN_LOOP_PER_CLIENT;

/** Counts notifications per phase and records when each arrived. */
class Deliveries {
  readonly arrivals = new Map<string, number[]>();
  private waiting: { count: () => boolean; resolve: () => void } | null = null;
  count = 0;
  last = 0;
  on(messageId: string): void {
    const now = performance.now();
    let list = this.arrivals.get(messageId);
    if (!list) this.arrivals.set(messageId, (list = []));
    list.push(now);
    this.count++;
    this.last = now;
    if (this.waiting?.count()) this.waiting.resolve();
  }
  /** Until `total` notifications have arrived, or 15 s without reaching it. */
  async until(total: number): Promise<void> {
    if (this.count >= total) return;
    await Promise.race([
      new Promise<void>((resolve) => (this.waiting = { count: () => this.count >= total, resolve })),
      new Promise((resolve) => setTimeout(resolve, 15_000)),
    ]);
    this.waiting = null;
  }
}

/**
 * Sends that fail are counted, never left to reject on their own: an
 * unobserved rejection (a "socket hang up" from an overloaded or stopping
 * server) would end the whole bench after the fact.
 */
let failedSends = 0;
const sendCounted = (driver: Driver, i: number, k: number): Promise<void> =>
  driver.send(i, k).catch(() => {
    failedSends++;
  });

async function closedLoop(driver: Driver, from: number, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, i) => {
      for (let k = from; k < from + count; k++) await sendCounted(driver, i, k);
    }),
  );
}

/**
 * Sends OFFERED_RATE messages a second, spread over all clients, whatever the
 * server's answers; returns each message's scheduled time. Latency is taken
 * from the schedule, not from when the send actually went out, so a server
 * that falls behind shows it in its tail instead of slowing the clients down.
 */
async function openLoop(driver: Driver, from: number): Promise<Map<string, number>> {
  const total = OFFERED_RATE * OFFERED_SECONDS;
  const scheduled = new Map<string, number>();
  const pending: Promise<void>[] = [];
  const start = performance.now();
  let j = 0;
  while (j < total) {
    const now = performance.now();
    for (; j < total && start + (j * 1000) / OFFERED_RATE <= now; j++) {
      const i = j % CLIENTS;
      const k = from + Math.floor(j / CLIENTS);
      scheduled.set(driver.idOf(i, k), start + (j * 1000) / OFFERED_RATE);
      pending.push(sendCounted(driver, i, k));
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(pending);
  return scheduled;
}

async function drive(name: string, driver: Driver, pid: number): Promise<Outcome> {
  const failedBefore = failedSends;
  const deliveries = new Deliveries();
  const sockets = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => driver.subscribe(i, (id) => deliveries.on(id))));
  // Let every subscription reach the server before the first send.
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Warm-up: JIT, caches and connection pools, not measured.
  await closedLoop(driver, 0, WARMUP);
  await deliveries.until(CLIENTS * WARMUP * 2);

  const base = deliveries.count;
  const expected = CLIENTS * MESSAGES * 2;
  const cpuBefore = cpuMs(pid);
  const start = performance.now();
  await closedLoop(driver, WARMUP, MESSAGES);
  const sendSeconds = (performance.now() - start) / 1000;
  await deliveries.until(base + expected);
  const delivered = deliveries.count - base;
  const deliverSeconds = (deliveries.last - start) / 1000;
  const cpuMsPerMessage = (cpuMs(pid) - cpuBefore) / (delivered / 2);
  // Let the server drain before the open loop starts.
  await new Promise((resolve) => setTimeout(resolve, 500));

  const openBase = deliveries.count;
  const scheduled = await openLoop(driver, WARMUP + MESSAGES);
  const openExpected = scheduled.size * 2;
  await deliveries.until(openBase + openExpected);
  const latencies: number[] = [];
  let first = Infinity;
  let last = 0;
  for (const [id, at] of scheduled) {
    for (const arrived of deliveries.arrivals.get(id) ?? []) {
      latencies.push(arrived - at);
      first = Math.min(first, at);
      last = Math.max(last, arrived);
    }
  }
  latencies.sort((a, b) => a - b);
  const rssMiB = processRssMiB(pid, 'peak');
  await Promise.all(sockets.map((s) => s.dispose()));
  return {
    name,
    sent: CLIENTS * MESSAGES,
    sendSeconds,
    delivered,
    expected,
    deliverSeconds,
    cpuMsPerMessage,
    offered: {
      delivered: latencies.length,
      expected: openExpected,
      rate: latencies.length / 2 / ((last - first) / 1000),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: latencies[latencies.length - 1] ?? NaN,
    },
    rssMiB,
    failed: failedSends - failedBefore,
  };
}

const username = (i: number) => `u${String(i).padStart(4, '0')}`;
/** Client i talks to i+1 and i+2 (mod N): every client sends to 2 contacts and receives from 2. */
const group = (i: number) => [username(i), username((i + 1) % CLIENTS), username((i + 2) % CLIENTS)].sort();

async function peerlockDriver(url: string): Promise<Driver> {
  const users: { identity: KeyPair; auth: KeyPair; tokens: Uint8Array[] }[] = [];
  for (let i = 0; i < CLIENTS; i++) {
    const { identity, auth } = await benchSignup(gql, url, username(i));
    users.push({ identity, auth, tokens: await benchLogin(gql, url, username(i), auth) });
  }
  const header = (i: number) => authorizationHeader(username(i), users[i]!.tokens.shift()!);
  for (let i = 0; i < CLIENTS; i++) {
    for (const d of [1, 2]) await gql(url, 'mutation($u: String!) { requestContact(username: $u) { contacts } }', { u: username((i + d) % CLIENTS) }, { authorization: header(i) });
  }
  for (let i = 0; i < CLIENTS; i++) {
    for (const d of [1, 2]) await gql(url, 'mutation($u: String!) { acceptContact(username: $u) { contacts } }', { u: username((i - d + CLIENTS) % CLIENTS) }, { authorization: header(i) });
  }
  // Composed before the clock starts: the server's cost is measured, not the clients' encryption.
  const keys = Object.fromEntries(users.map((u, i) => [username(i), encodeMiniLockId(u.identity.publicKey)]));
  const inputs = users.map((u, i) =>
    Array.from({ length: PER_CLIENT }, () => {
      const m = composeMessage({ sender: { username: username(i), secretKey: u.identity.secretKey }, conversation: null, participants: group(i), keys, body: BODY, now: Date.now() });
      return { conversationId: m.conversationId, messageId: m.messageId, participants: m.participants, ciphertext: bytesToBase64(m.ciphertext) };
    }),
  );
  // One conversation per sender: every message reuses the first one's id (the server cannot tell secrets apart).
  for (const list of inputs) for (const m of list) m.conversationId = list[0]!.conversationId;
  return {
    async subscribe(i, onMessage) {
      const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: header(i) }, retryAttempts: 0, lazy: false });
      // The old shape: ids only (no envelope selected), and the recipients' notifications only (a sender's own streams hear its message too).
      client.subscribe<{ notifications: { kind: string; from: string; messageId: string | null } }>(
        { query: 'subscription { notifications { kind from messageId } }' },
        {
          next: (r) => r.data?.notifications.kind === 'MESSAGE_RECEIVED' && r.data.notifications.from !== username(i) && onMessage(r.data.notifications.messageId!),
          error: (e) => console.error('subscription', e),
          complete: () => undefined,
        },
      );
      return client;
    },
    idOf: (i, k) => inputs[i]![k]!.messageId,
    async send(i, k) {
      await gql(url, 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }', { input: inputs[i]![k]! }, { authorization: header(i) });
    },
  };
}

function bareDriver(url: string): Driver {
  const body = bytesToBase64(randomBytes(1100));
  return {
    async subscribe(i, onMessage) {
      const client = createClient({ url: url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: false });
      client.subscribe<{ notifications: { id: string } }>(
        { query: 'subscription($u: String!) { notifications(user: $u) { id } }', variables: { u: username(i) } },
        { next: (r) => r.data && onMessage(r.data.notifications.id), error: (e) => console.error('subscription', e), complete: () => undefined },
      );
      return client;
    },
    idOf: (i, k) => `${i}:${k}`,
    async send(i, k) {
      await gql(url, 'mutation($id: String!, $to: [String!]!, $body: String!) { send(id: $id, to: $to, body: $body) }', { id: `${i}:${k}`, to: group(i).filter((u) => u !== username(i)), body });
    },
  };
}

/** The baseline server: a Yoga mutation that publishes to graphql-ws subscribers, nothing else. */
async function serveBare(): Promise<void> {
  const pubsub = createPubSub<Record<string, [{ id: string }]>>();
  const yoga = createYoga({
    logging: false,
    schema: createSchema({
      typeDefs: `type Query { ok: Boolean } type Notification { id: String! }
        type Mutation { send(id: String!, to: [String!]!, body: String!): Boolean }
        type Subscription { notifications(user: String!): Notification! }`,
      resolvers: {
        Mutation: {
          send: (_: unknown, args: { id: string; to: string[] }) => {
            for (const u of args.to) pubsub.publish(u, { id: args.id });
            return true;
          },
        },
        Subscription: { notifications: { subscribe: (_: unknown, args: { user: string }) => pubsub.subscribe(args.user), resolve: (p: { id: string }) => p } },
      },
    }),
  });
  const server = createServer(yoga);
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint });
  useServer(
    {
      execute: (args) => (args.rootValue as { execute: (a: unknown) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: unknown) => unknown }).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params });
        const args = { schema, operationName: params.operationName, document: parse(params.query), variableValues: params.variables, contextValue: await contextFactory(), rootValue: { execute, subscribe } };
        const errors = validate(args.schema, args.document);
        return errors.length ? errors : args;
      },
    },
    wss,
  );
  server.listen(0, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`));
}

async function runPeerlock(store: 'sqlite' | 'postgres'): Promise<Outcome> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-msg-bench-'));
  const relaxed = '1000000';
  const schema = `bench_${Date.now().toString(36)}`;
  const env: Record<string, string> = {
    PEERLOCK_MODE: 'dev',
    PEERLOCK_HOST: '127.0.0.1',
    PEERLOCK_PORT: '0',
    PEERLOCK_DATA_DIR: dataDir,
    PEERLOCK_TOKEN_BATCH_SIZE: '256',
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: relaxed,
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: relaxed,
    ...(store === 'postgres' ? { PEERLOCK_STORE: 'postgres', PEERLOCK_DATABASE_URL: process.env.DATABASE_URL!, PEERLOCK_DATABASE_SCHEMA: schema, PEERLOCK_BLOB_FOLDER_SHARED: 'true' } : {}),
  };
  const { url, child } = await startChild([...TSX, join(self, '../../src/main.ts')], env);
  try {
    return await drive(`Peerlock, ${store === 'sqlite' ? 'SQLite' : 'PostgreSQL'}`, await peerlockDriver(url), child.pid!);
  } finally {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
    if (store === 'postgres') {
      const pg = (await import('pg')).default;
      const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

async function runBare(): Promise<Outcome> {
  const { url, child } = await startChild([...TSX, self, '--bare-server'], {});
  try {
    return await drive('bare Yoga + graphql-ws publish', bareDriver(url), child.pid!);
  } finally {
    await stopChild(child);
  }
}

async function main(): Promise<void> {
  const bare = await runBare();
  const results = process.env.BENCH_STORE === 'postgres' ? [] : [await runPeerlock('sqlite')];
  if (process.env.DATABASE_URL && process.env.BENCH_STORE !== 'sqlite') results.push(await runPeerlock('postgres'));
  const rate = (o: Outcome) => o.delivered / 2 / o.deliverSeconds;
  console.log(`\n### Messaging: ${CLIENTS} subscribed clients, 1 KiB plaintext to 2 contacts each, Node ${process.version}\n`);
  console.log(`Closed loop: ${MESSAGES} messages per client after ${WARMUP} of warm-up, each client sending its next message when the last is accepted.\n`);
  console.log('| server | accepted msg/s | delivered msg/s | notifications delivered / expected | server CPU per message | delivered vs bare |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const o of [bare, ...results]) {
    console.log(`| ${o.name} | ${Math.round(o.sent / o.sendSeconds)} | ${Math.round(rate(o))} | ${o.delivered} / ${o.expected} | ${(o.cpuMsPerMessage * 1000).toFixed(0)} µs (${(o.cpuMsPerMessage / bare.cpuMsPerMessage).toFixed(2)}× bare) | ${(rate(o) / rate(bare)).toFixed(2)}× |`);
  }
  console.log(`\nOpen loop: ${OFFERED_RATE} messages/s offered for ${OFFERED_SECONDS} s, spread over all clients; latency from each message's scheduled send time to each recipient's notification.\n`);
  console.log('| server | delivered msg/s | notifications delivered / expected | p50 | p99 | max | server peak RSS | failed sends |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const o of [bare, ...results]) {
    const f = o.offered;
    console.log(`| ${o.name} | ${Math.round(f.rate)} | ${f.delivered} / ${f.expected} | ${f.p50.toFixed(1)} ms | ${f.p99.toFixed(1)} ms | ${f.max.toFixed(0)} ms | ${Math.round(o.rssMiB)} MiB | ${o.failed} |`);
  }
  agent.destroy();
}

if (process.argv.includes('--bare-server')) await serveBare();
else await main();
