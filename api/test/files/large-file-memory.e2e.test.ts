/**
 * Memory stays flat whatever the file size (DESIGN §5): a 512 MiB file is
 * uploaded, downloaded, decrypted and verified between two real processes,
 * and the peak resident memory of each is read from the kernel.
 *
 * It moves a gigabyte through miniLock in about 25 s on a 2-core machine.
 * PEERLOCK_LARGE_TEST_MIB changes the size; PEERLOCK_SKIP_LARGE_TESTS=1
 * skips it (for quick local loops; CI runs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { TestClock } from '../support/test-server.js';
import { HonestClient } from '../support/honest-client.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from './server-process.js';
import { residentMiB, runClient, tokenFile } from './large-file-run.js';

const LARGE = process.env.PEERLOCK_SKIP_LARGE_TESTS !== '1';
const MiB = 1024 * 1024;
const BYTES = Number(process.env.PEERLOCK_LARGE_TEST_MIB ?? 512) * MiB;

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
