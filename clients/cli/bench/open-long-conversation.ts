/**
 * Opening a long conversation on the path users run (issue 15): the real
 * SDK client against the built server (SQLite, its own process). alice and
 * bob grow one conversation through `messaging.reply` (real miniLock
 * ciphertexts); at each size carol opens it the way the clients do now,
 * `read(id, { last: 50 })` (fetch the newest page and the opening message,
 * verify), and the way they did before, `read(id)` (every page, every
 * message verified). Per size: p50/p99 of the window open over ROUNDS
 * opens, one whole read, the server's CPU per open, the client's RSS.
 *
 *   npm run build && node --conditions=source --import tsx clients/cli/bench/open-long-conversation.ts
 *   (BENCH_SIZES=250,1000,4000 BENCH_ROUNDS=20 to change it)
 */
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { keyPairFromSecretKey, PeerlockClient, randomBytes } from '@peerlock/sdk';
import { startServer } from '../test/support/server-process.js';

const SIZES = (process.env.BENCH_SIZES ?? '250,1000,4000').split(',').map(Number);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WINDOW = 50;

const cpuMs = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
};
const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function main(): Promise<void> {
  const server = await startServer('sqlite');
  try {
    const client = () => new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
    const [alice, bob, carol] = [client(), client(), client()];
    for (const [name, c] of [['alice', alice], ['bob', bob], ['carol', carol]] as const) await c.signup({ username: name, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    for (const [from, to] of [[alice, 'bob'], [alice, 'carol'], [bob, 'carol']] as const) await from.requestContact(to);
    await bob.acceptContact('alice');
    await carol.acceptContact('alice');
    await carol.acceptContact('bob');
    const body = 'x'.repeat(200);
    const id = (await alice.messaging.send(['bob', 'carol'], { subject: 'long', body })).conversationId;
    let size = 1;
    const rows: string[] = [];
    for (const target of SIZES) {
      const growStart = performance.now();
      for (; size < target; size++) await (size % 2 ? bob : alice).messaging.reply(id, { body });
      const growMs = (performance.now() - growStart) / 1000;
      await carol.messaging.read(id, { last: WINDOW }); // pins and tokens warm
      const samples: number[] = [];
      const cpuBefore = cpuMs(server.pid);
      for (let i = 0; i < ROUNDS; i++) {
        const start = performance.now();
        const view = await carol.messaging.read(id, { last: WINDOW });
        samples.push(performance.now() - start);
        if (view.messages.length !== WINDOW || view.subject !== 'long' || view.messages.some((m) => m.rejected !== null)) throw new Error('window did not verify');
      }
      const serverPerOpen = (cpuMs(server.pid) - cpuBefore) / ROUNDS;
      samples.sort((a, b) => a - b);
      const wholeCpu = cpuMs(server.pid);
      const wholeStart = performance.now();
      const whole = await carol.messaging.read(id);
      const wholeMs = performance.now() - wholeStart;
      const wholeServer = cpuMs(server.pid) - wholeCpu;
      if (whole.messages.length !== target || whole.withheld.length !== 0) throw new Error('whole read did not verify');
      const rss = process.memoryUsage().rss / 2 ** 20;
      const p50 = quantile(samples, 0.5);
      rows.push(
        `| ${target.toLocaleString('en')} | ${p50.toFixed(1)} / ${quantile(samples, 0.99).toFixed(1)} | ${serverPerOpen.toFixed(1)} | ${wholeMs.toFixed(0)} | ${wholeServer.toFixed(0)} | ${(wholeMs / p50).toFixed(0)}× | ${rss.toFixed(0)} |`,
      );
      console.error(`size ${target}: grown in ${growMs.toFixed(1)} s; window p50 ${p50.toFixed(1)} ms, whole ${wholeMs.toFixed(0)} ms`);
    }
    console.log(`| messages | open newest ${WINDOW}: p50 / p99, ms | server CPU per open, ms | whole read, ms | server CPU, whole read, ms | whole / window | client RSS, MiB |`);
    console.log('|---:|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  } finally {
    await server.stop();
  }
}

await main();
