/**
 * Files end to end (issue 6): a 256 MiB file uploaded and downloaded over
 * loopback between two real processes, the built server (dist/main.js,
 * production mode, SQLite, local folder blob store, the V8 flags of
 * SERVER_NODE_ARGS) and a client on the built SDK under plain node with
 * CLIENT_NODE_ARGS (test/files/large-file-client.mjs):
 * encrypt + HTTP + blob store, and back + decrypt + verify. The ceiling is
 * the same bytes over the same HTTP path in the same run, unencrypted: chunk
 * PUTs of the same sizes sent the same way and the same streamed GET, no
 * crypto. Both paths do the same work around the transfer (the source is
 * SHA-256-hashed as generated, every byte received is SHA-256-hashed), so
 * the ratio is the cost of miniLock alone. Rounds
 * alternate between the two so machine load hits both alike; medians kept.
 * Each run gets a fresh server process, so its peak RSS is that run's.
 *
 *   npm run bench -w @peerlock/api        (prints a Markdown table)
 *   FILES_BENCH_MIB=64 FILES_BENCH_ROUNDS=1   for a quick look
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { BenchAccount } from '../test/files/bench-account.js';
import { PRODUCTION_ENV, SERVER_NODE_ARGS, startServerProcess, stopServerProcess } from '../test/files/server-process.js';
import { CLIENT_NODE_ARGS, residentMiB, runClient, tokenFile, type ClientReport } from '../test/files/large-file-run.js';

const MiB = 1024 * 1024;
const SIZE_MIB = Number(process.env.FILES_BENCH_MIB ?? 256);
const ROUNDS = Number(process.env.FILES_BENCH_ROUNDS ?? 3);

interface Run extends ClientReport {
  serverPeakMiB: number;
  serverIdleMiB: number;
}

async function once(mode: 'minilock' | 'plain'): Promise<Run> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-files-bench-'));
  const server = await startServerProcess({
    ...PRODUCTION_ENV,
    PEERLOCK_PORT: '0',
    PEERLOCK_DATA_DIR: dataDir,
    PEERLOCK_FILE_QUOTA_BYTES: String(4 * SIZE_MIB * MiB),
    PEERLOCK_SIGNING_KEY: bytesToBase64(randomBytes(32)),
    PEERLOCK_MAC_KEY: bytesToBase64(randomBytes(32)),
  }, SERVER_NODE_ARGS, { built: true });
  try {
    const user = new BenchAccount(server.url, 'bench');
    await user.signup();
    const tokens = await tokenFile(user, SIZE_MIB + 40, dataDir);
    const idle = residentMiB(server.child.pid!);
    const report = await runClient({ graphqlUrl: server.url, tokensFile: tokens, bytes: SIZE_MIB * MiB, secretKey: Buffer.from(user.identity.secretKey).toString('hex'), miniLockId: user.miniLockId, mode }, CLIENT_NODE_ARGS);
    if (!report.ok) throw new Error(`${mode}: the downloaded file did not verify`);
    return { ...report, serverIdleMiB: idle.now, serverPeakMiB: residentMiB(server.child.pid!).peak };
  } finally {
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const runs: Record<'minilock' | 'plain', Run[]> = { minilock: [], plain: [] };
for (let r = 0; r < ROUNDS; r++) {
  for (const mode of ['plain', 'minilock'] as const) runs[mode].push(await once(mode));
}

const rate = (ms: number) => SIZE_MIB / (ms / 1000);
const row = (mode: 'minilock' | 'plain') => {
  const rs = runs[mode];
  return {
    up: median(rs.map((r) => rate(r.uploadMs))),
    down: median(rs.map((r) => rate(r.downloadMs))),
    serverIdle: median(rs.map((r) => r.serverIdleMiB)),
    serverPeak: Math.max(...rs.map((r) => r.serverPeakMiB)),
    clientIdle: median(rs.map((r) => r.idleRssMiB)),
    clientPeak: Math.max(...rs.map((r) => r.maxRssMiB)),
  };
};
const enc = row('minilock');
const plain = row('plain');
const f = (n: number) => n.toFixed(1);
console.log(`\n### Files: ${SIZE_MIB} MiB end to end over loopback (median of ${ROUNDS}, alternating)\n`);
console.log('| path | upload MiB/s | download MiB/s | server RSS idle → peak (MiB) | client RSS idle → peak (MiB) |');
console.log('|---|---:|---:|---:|---:|');
console.log(`| miniLock (encrypt + HTTP + blob store; decrypt + verify) | ${f(enc.up)} | ${f(enc.down)} | ${f(enc.serverIdle)} → ${f(enc.serverPeak)} | ${f(enc.clientIdle)} → ${f(enc.clientPeak)} |`);
console.log(`| same bytes, same HTTP path, no crypto | ${f(plain.up)} | ${f(plain.down)} | ${f(plain.serverIdle)} → ${f(plain.serverPeak)} | ${f(plain.clientIdle)} → ${f(plain.clientPeak)} |`);
console.log(`| **ratio** (target ≥ 0.5×) | **${(enc.up / plain.up).toFixed(2)}×** | **${(enc.down / plain.down).toFixed(2)}×** | | |`);
