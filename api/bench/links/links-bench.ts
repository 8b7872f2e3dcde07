/**
 * Links for people without an account (issue 21) on the path an opener runs:
 * the real SDK against the built server in production mode (SQLite, local
 * blob folder). One open = linkStatus is not asked; openLink (the access
 * value, one counted open) + GET /links/<id>/file + the miniLock reader
 * (header opened with the link's key, every chunk checked) + the message or
 * file handed over. The baseline in the same run is the owner's own download
 * of the same file (a token + GET /files/<id> + the same reader): the ratio
 * is what a link adds. Rounds alternate between the two. Then 100 opens at
 * once on a link allowing 100, and 100 more: every one counted exactly once.
 *
 *   cd api && node --conditions=source --import tsx bench/links/links-bench.ts
 *   LINKS_BENCH_OPENS=200 LINKS_BENCH_KIB=1024 LINKS_BENCH_ROUNDS=3
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerlockClient, bytesToBase64, keyPairFromSecretKey, openLink, randomBytes, type PlaintextSink } from '@peerlock/sdk';
import { PRODUCTION_ENV, SERVER_NODE_ARGS, startServerProcess, stopServerProcess } from '../../test/files/server-process.js';
import { cpuMs, formatMs, percentiles, rssMiB } from '../measure.js';

const OPENS = Number(process.env.LINKS_BENCH_OPENS ?? 200);
const KIB = Number(process.env.LINKS_BENCH_KIB ?? 1024);
const ROUNDS = Number(process.env.LINKS_BENCH_ROUNDS ?? 3);

const discard: PlaintextSink = { write() {}, commit() {}, abort() {} };

interface Result {
  p50: number;
  p99: number;
  perSecond: number;
  serverCpuMs: number;
}

async function measure(pid: number, n: number, one: () => Promise<unknown>): Promise<Result> {
  const samples = new Float64Array(n);
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await one();
    samples[i] = performance.now() - s;
  }
  const seconds = (performance.now() - t0) / 1000;
  const { p50, p99 } = percentiles(samples);
  return { p50, p99, perSecond: n / seconds, serverCpuMs: (cpuMs(pid) - cpu0) / n };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-links-bench-'));
  const server = await startServerProcess(
    { ...PRODUCTION_ENV, PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dataDir, PEERLOCK_SIGNING_KEY: bytesToBase64(randomBytes(32)), PEERLOCK_MAC_KEY: bytesToBase64(randomBytes(32)) },
    // LINKS_BENCH_PROFILE=dir: the server writes a V8 CPU profile there when it stops.
    [...SERVER_NODE_ARGS, ...(process.env.LINKS_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LINKS_BENCH_PROFILE}`] : [])],
    { built: true },
  );
  try {
    const pid = server.child.pid!;
    const graphql = `${server.url}/graphql`;
    const alice = new PeerlockClient({ url: graphql });
    await alice.signup({ username: 'alice', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    const content = randomBytes(KIB * 1024);
    const { fileId } = await alice.files.upload({ source: [content], size: content.length, name: 'bench.bin' });
    const { url } = await alice.links.shareFile(fileId);
    const opener = { serverUrl: graphql, checkKey: false };
    // Warm both paths once.
    await openLink(url, opener);
    await alice.files.download(fileId, discard);
    const links: Result[] = [];
    const owners: Result[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      links.push(await measure(pid, OPENS, () => openLink(url, opener)));
      owners.push(await measure(pid, OPENS, () => alice.files.download(fileId, discard)));
    }
    const median = (rs: Result[], k: keyof Result) => [...rs.map((r) => r[k])].sort((a, b) => a - b)[Math.floor(rs.length / 2)]!;

    // 100 at once on a link allowing 100, then 100 more: exactly 100 opened.
    const limited = await alice.links.shareFile(fileId, { maxOpens: 100 });
    const burst = async () => Promise.allSettled(Array.from({ length: 100 }, () => openLink(limited.url, opener)));
    const t0 = performance.now();
    const first = await burst();
    const burstMs = performance.now() - t0;
    const second = await burst();
    const opened = [...first, ...second].filter((r) => r.status === 'fulfilled').length;
    const exhausted = [...first, ...second].filter((r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'exhausted').length;
    const counted = (await alice.links.list()).find((l) => l.id === limited.link.id)!.openCount;

    const row = (name: string, rs: Result[]) =>
      `| ${name} | ${median(rs, 'perSecond').toFixed(0)} | ${formatMs(median(rs, 'p50'))} | ${formatMs(median(rs, 'p99'))} | ${median(rs, 'serverCpuMs').toFixed(2)} |`;
    console.log(`\nLinks bench: ${KIB} KiB file, ${OPENS} sequential operations per round, ${ROUNDS} rounds (medians of rounds), built server in production mode\n`);
    console.log('| path | per second | p50 ms | p99 ms | server CPU ms per op |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(row('anonymous openLink (open + download + verify)', links));
    console.log(row("owner's download of the same file (baseline)", owners));
    console.log(`\nratio link / owner's download: ${(median(links, 'p50') / median(owners, 'p50')).toFixed(2)}× p50, ${(median(links, 'serverCpuMs') / median(owners, 'serverCpuMs')).toFixed(2)}× server CPU`);
    console.log(`100 concurrent opens of a 100-open link: ${burstMs.toFixed(0)} ms; then 100 more. Opened ${opened}, exhausted ${exhausted}, counted by the server ${counted}`);
    console.log(`server RSS now ${rssMiB(pid).toFixed(0)} MiB, peak ${rssMiB(pid, 'peak').toFixed(0)} MiB`);
    if (opened !== 100 || counted !== 100 || exhausted !== 100) process.exitCode = 1;
  } finally {
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
