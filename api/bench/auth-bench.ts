/**
 * Authentication cost on one process (issue 4): logins per second
 * (authChallenge + opening a token + the first authenticated query) and
 * authenticated queries per second, against a bare Yoga query with no auth
 * measured in the same run, with p50/p99 latency. Real HTTP over loopback,
 * real SQLite in a temporary directory, client and server in this process.
 *
 *   npm run bench -w @peerlock/api        (prints a Markdown table)
 */
import { Agent, createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createSchema, createYoga } from 'graphql-yoga';
import {
  authorizationHeader,
  type KeyPair,
} from '@peerlock/sdk';
import { buildApp } from '../src/app.js';
import { benchLogin, benchSignup, graphqlPoster } from './bench-client.js';
import { loadConfig } from '../src/config.js';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const QUERY = '{ serverKeys { signingPublicKey } }';
const ME = '{ me { username miniLockId } }';

interface Result {
  readonly name: string;
  readonly count: number;
  readonly seconds: number;
  readonly latencies: number[];
}

// node:http with keep-alive: a much lighter client than fetch, so more of the time measured is the server's.
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

const gql = graphqlPoster(agent);

/** Runs `count` operations with CONCURRENCY in flight, recording each one's latency. */
async function measure(name: string, count: number, op: (i: number) => Promise<void>): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { name, count, seconds: (performance.now() - start) / 1000, latencies };
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const signup = (url: string, username: string) => benchSignup(gql, url, username);
const login = (url: string, username: string, auth: KeyPair) => benchLogin(gql, url, username, auth);

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-bench-'));
  const relaxed = '1000000';
  const config = loadConfig({
    PEERLOCK_MODE: 'dev',
    PEERLOCK_PORT: '0',
    PEERLOCK_DATA_DIR: dataDir,
    PEERLOCK_TOKEN_BATCH_SIZE: '256',
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_SIGNUP_PER_USERNAME: relaxed,
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: relaxed,
    PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_ADDRESS: relaxed,
    PEERLOCK_RATE_LIMIT_TWO_FACTOR_PER_USERNAME: relaxed,
  });
  const app = buildApp(config);
  await app.start();
  const bare = createServer(createYoga({ schema: createSchema({ typeDefs: 'type Query { signingPublicKey: String! }', resolvers: { Query: { signingPublicKey: () => 'x' } } }), logging: false }));
  await new Promise<void>((r) => bare.listen(0, '127.0.0.1', r));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/graphql`;
  const url = app.url;

  try {
    const N = Number(process.env.BENCH_REQUESTS ?? 3000);
    const ROUNDS = 5;
    // Enough users that the tokens for every authenticated request fit under the 1024-per-user cap.
    const users = await Promise.all(Array.from({ length: Math.ceil((2 * N * ROUNDS) / 1024) }, async (_, i) => ({ name: `bench${i}`, ...(await signup(url, `bench${i}`)) })));
    // Warm-up: JIT, statement caches, connection pool.
    for (let i = 0; i < 300; i++) {
      await gql(bareUrl, '{ signingPublicKey }');
      await gql(url, QUERY);
    }

    // Tokens for the authenticated runs, fetched beforehand (≤ 1024 outstanding per user).
    const pool: string[] = [];
    for (const u of users) for (let k = 0; k < 4; k++) pool.push(...(await login(url, u.name, u.auth)).map((t) => authorizationHeader(u.name, t)));
    let spent = 0;
    const scenarios: [string, (i: number) => Promise<void>][] = [
      ['bare Yoga query, no auth (baseline)', async () => void (await gql(bareUrl, '{ signingPublicKey }'))],
      ['Peerlock public query, no token', async () => void (await gql(url, QUERY))],
      ['Peerlock same query, with a token', async () => void (await gql(url, QUERY, {}, { authorization: pool[spent++]! }))],
      ['Peerlock `me` (token + read models)', async () => void (await gql(url, ME, {}, { authorization: pool[spent++]! }))],
    ];
    // Interleaved rounds, so drift (JIT, GC, other load on the machine) hits every scenario alike; the median round counts.
    const rounds = new Map<string, Result[]>(scenarios.map(([name]) => [name, []]));
    for (let r = 0; r < ROUNDS; r++) for (const [name, op] of scenarios) rounds.get(name)!.push(await measure(name, N, op));
    const results: Result[] = [...rounds.values()].map((rs) => {
      const byRate = [...rs].sort((a, b) => a.count / a.seconds - b.count / b.seconds);
      return { ...byRate[Math.floor(rs.length / 2)]!, latencies: rs.flatMap((x) => x.latencies) };
    });

    const L = Number(process.env.BENCH_LOGINS ?? 400);
    // A login: authChallenge (32 tokens, as a client would ask), open them all, spend one.
    await app.stop();
    const app2 = buildApp({ ...config, tokenBatchSize: 32 });
    await app2.start();
    results.push(
      await measure('login: authChallenge (32 tokens) + open them + first query', L, async (i) => {
        const u = users[i % users.length]!;
        const tokens = await login(app2.url, u.name, u.auth);
        await gql(app2.url, ME, {}, { authorization: authorizationHeader(u.name, tokens[0]!) });
      }),
    );
    await app2.stop();

    const base = results[0]!.count / results[0]!.seconds;
    console.log(`\nNode ${process.version}, ${CONCURRENCY} requests in flight, SQLite, one process (client and server)\n`);
    console.log('| operation | per second | vs bare Yoga | p50 ms | p99 ms |');
    console.log('|---|---:|---:|---:|---:|');
    for (const r of results) {
      const s = [...r.latencies].sort((a, b) => a - b);
      const rate = r.count / r.seconds;
      console.log(`| ${r.name} | ${rate.toFixed(0)} | ${(rate / base).toFixed(2)} | ${pct(s, 50).toFixed(2)} | ${pct(s, 99).toFixed(2)} |`);
    }
    const plain = results[1]!.count / results[1]!.seconds;
    const withToken = results[2]!.count / results[2]!.seconds;
    console.log(`\nToken check cost: ${((1 - withToken / plain) * 100).toFixed(1)}% of the same query's throughput without a token (target ≤ 20%).`);
  } finally {
    await app.stop();
    await new Promise<void>((r) => bare.close(() => r()));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
