/**
 * Witness co-signing lag (DESIGN §6, T13): the built server in its own
 * process with two witnesses configured, and two witnesses (the
 * peerlock-witness round, `witnessOnce`, in this process) with their own
 * directories. Per round: a user signs up (a new leaf), both witnesses do one
 * round at once, and the time until the server serves a head that both
 * co-signed and that holds the new key (`keyLogTreeHead(minCosignatures: 2)`)
 * is the lag a witness adds beyond its polling interval (default 10 s: a
 * client that needs k = 2 waits interval/2 on average, interval at worst,
 * plus this). Prints p50/p99 and the server's CPU per round.
 *
 *   npm run build && node --conditions=source --import tsx clients/cli/bench/witness-lag.ts   (BENCH_ROUNDS=50)
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyPairFromSecretKey, PeerlockClient, randomBytes } from '@peerlock/sdk';
import { startServer } from '../test/support/server-process.js';
import { initWitness, verifierKeyOf } from '../src/witness/witness-store.js';
import { witnessOnce } from '../src/witness/witness.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 50);
const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function witnessedSize(url: string): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ keyLogTreeHead(minCosignatures: 2) { treeSize } }' }) });
  const body = (await res.json()) as { data?: { keyLogTreeHead: { treeSize: number } } };
  return body.data?.keyLogTreeHead.treeSize ?? -1;
}

async function main(): Promise<void> {
  const dirs = [mkdtempSync(join(tmpdir(), 'bench-witness-a-')), mkdtempSync(join(tmpdir(), 'bench-witness-b-'))];
  const vkeys = dirs.map((dir, i) => verifierKeyOf(initWitness(dir, `witness-${i}.bench`)));
  const server = await startServer('sqlite', { env: { PEERLOCK_WITNESSES: vkeys.join(',') } });
  try {
    const lags: number[] = [];
    const cpu: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await new PeerlockClient({ url: server.url }).signup({ username: `lag${round}`, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
      const size = round + 1;
      const cpuBefore = cpuMs(server.pid);
      const start = performance.now();
      await Promise.all(dirs.map((dir) => witnessOnce({ server: server.url, dir })));
      while ((await witnessedSize(server.url)) < size) await new Promise((resolve) => setTimeout(resolve, 1));
      lags.push(performance.now() - start);
      cpu.push(cpuMs(server.pid) - cpuBefore);
    }
    lags.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    console.log(`\n### Witness co-signing lag (two witnesses, ${ROUNDS} key events, SQLite)\n`);
    console.log('| from a key event to a head both witnesses co-signed (beyond the polling interval) | p50 | p99 | server CPU per round, p50 |');
    console.log('|---|---:|---:|---:|');
    console.log(`| both witnesses: fetch head (+ consistency proof), verify, co-sign, hand in; the server verifies and records | ${quantile(lags, 0.5).toFixed(1)} ms | ${quantile(lags, 0.99).toFixed(1)} ms | ${quantile(cpu, 0.5).toFixed(0)} ms |`);
  } finally {
    await server.stop();
  }
}

await main();
