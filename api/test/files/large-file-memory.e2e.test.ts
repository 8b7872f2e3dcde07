/**
 * Memory stays flat whatever the file size (DESIGN §5): a 512 MiB file is
 * uploaded, downloaded, decrypted and verified between two real processes,
 * and the peak resident memory of each is read from the kernel.
 *
 * It moves a gigabyte through miniLock in about 25 s on a 2-core machine.
 * PEERLOCK_LARGE_TEST_MIB changes the size; PEERLOCK_SKIP_LARGE_TESTS=1
 * skips it (for quick local loops; CI runs it).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { TestClock } from '../support/test-server.js';
import { HonestClient } from '../support/honest-client.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from './server-process.js';

const LARGE = process.env.PEERLOCK_SKIP_LARGE_TESTS !== '1';
const MiB = 1024 * 1024;
const BYTES = Number(process.env.PEERLOCK_LARGE_TEST_MIB ?? 512) * MiB;
const clientScript = join(dirname(fileURLToPath(import.meta.url)), 'large-file-client.ts');

/** Peak and current resident set of a process, MiB, from /proc (Linux). */
export function residentMiB(pid: number): { peak: number; now: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)![1]);
  return { peak: kib('VmHWM') / 1024, now: kib('VmRSS') / 1024 };
}

export interface ClientReport {
  mode: string;
  bytes: number;
  uploadMs: number;
  downloadMs: number;
  ok: boolean;
  idleRssMiB: number;
  maxRssMiB: number;
}

export function runClient(args: Record<string, unknown>): Promise<ClientReport> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', clientScript, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ClientReport) : reject(new Error(`client exited ${code}: ${err}`)))),
  );
}

/** Logs in until `count` tokens are in hand, as Authorization header values. */
export async function tokenFile(client: HonestClient, count: number, dir: string): Promise<string> {
  const headers: string[] = [];
  while (headers.length < count) {
    await client.login();
    while (client.tokens.length > 0) headers.push(client.takeHeader());
  }
  const path = join(dir, `tokens-${headers.length}-${Date.now()}.json`);
  writeFileSync(path, JSON.stringify(headers));
  return path;
}

describe.skipIf(!LARGE)(`a ${BYTES / MiB} MiB file between real processes${LARGE ? '' : ' (skipped: PEERLOCK_SKIP_LARGE_TESTS=1)'}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-large-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps server and client memory flat (peak RSS growth during the transfer under 150 MB each) and the file verifies', async () => {
    server = await startServerProcess({
      PEERLOCK_PORT: '0',
      PEERLOCK_DATA_DIR: dataDir,
      PEERLOCK_FILE_QUOTA_BYTES: String(2 * BYTES),
      PEERLOCK_SIGNING_KEY: bytesToBase64(randomBytes(32)),
      PEERLOCK_MAC_KEY: bytesToBase64(randomBytes(32)),
    });
    const alice = new HonestClient(server.url, 'alice', new TestClock(Date.now()));
    await alice.signup();
    const tokens = await tokenFile(alice, BYTES / MiB + 40, dataDir);
    const serverIdle = residentMiB(server.child.pid!);
    const report = await runClient({ graphqlUrl: server.url, tokensFile: tokens, bytes: BYTES, secretKey: Buffer.from(alice.identity.secretKey).toString('hex'), miniLockId: alice.miniLockId, mode: 'minilock' });
    const serverAfter = residentMiB(server.child.pid!);
    const figures = {
      server: { idleMiB: serverIdle.now, peakMiB: serverAfter.peak, growthMiB: serverAfter.peak - serverIdle.peak },
      client: { idleMiB: report.idleRssMiB, peakMiB: report.maxRssMiB, growthMiB: report.maxRssMiB - report.idleRssMiB },
      uploadMiBps: BYTES / MiB / (report.uploadMs / 1000),
      downloadMiBps: BYTES / MiB / (report.downloadMs / 1000),
    };
    console.log(`large file figures: ${JSON.stringify(figures)}`);
    expect(report.ok).toBe(true);
    // The bar applies to what the transfer costs. Both processes run from TypeScript source under tsx
    // and start well above zero (server ~275 MiB idle: GraphiQL, KurrentDB, PostgreSQL and SQLite
    // clients loaded; client ~110 MiB) before the first byte moves; docs/files.md has the figures.
    expect(figures.server.growthMiB).toBeLessThan(150);
    expect(figures.client.growthMiB).toBeLessThan(150);
  }, 600_000);
});
