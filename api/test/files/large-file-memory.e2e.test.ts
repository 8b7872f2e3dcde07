/**
 * Memory stays flat whatever the file size (DESIGN §5, issue 6): a 512 MiB
 * file is uploaded, downloaded, decrypted and verified between two real
 * processes, and the peak resident memory of each (VmHWM, the kernel's
 * high-water mark, so no spike between samples is missed) must stay under
 * 150 MB, as the issue says: the BUILT server (dist/main.js, production mode)
 * and a client on the BUILT SDK, both under plain node with the V8 flags we
 * document for them (docs/files.md, Memory). turbo builds api before its
 * tests ("@peerlock/api#test" in turbo.json).
 *
 * It moves a gigabyte through miniLock in about 15 s on a 2-core machine.
 * PEERLOCK_LARGE_TEST_MIB changes the size (at most ~980: the client gets
 * one token per MiB up front, and a user may hold 1024); PEERLOCK_SKIP_LARGE_TESTS=1
 * skips it (for quick local loops; CI runs it).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { TestClock } from '../support/test-server.js';
import { HonestClient } from '../support/honest-client.js';
import { PRODUCTION_ENV, SERVER_NODE_ARGS, startServerProcess, stopServerProcess, type ServerProcess } from './server-process.js';
import { CLIENT_NODE_ARGS, residentMiB, runClient, tokenFile } from './large-file-run.js';

const LARGE = process.env.PEERLOCK_SKIP_LARGE_TESTS !== '1';
const MiB = 1024 * 1024;
const BYTES = Number(process.env.PEERLOCK_LARGE_TEST_MIB ?? 512) * MiB;
/** The bar: 150 MB (decimal), i.e. 143.05 MiB. */
const LIMIT_MiB = 150e6 / MiB;

describe.skipIf(!LARGE)(`a ${BYTES / MiB} MiB file between real processes${LARGE ? '' : ' (skipped: PEERLOCK_SKIP_LARGE_TESTS=1)'}`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-large-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the built server and an SDK client each under 150 MB peak RSS, and the file verifies', async () => {
    server = await startServerProcess(
      {
        ...PRODUCTION_ENV,
        PEERLOCK_PORT: '0',
        PEERLOCK_DATA_DIR: dataDir,
        PEERLOCK_FILE_QUOTA_BYTES: String(2 * BYTES),
        PEERLOCK_SIGNING_KEY: bytesToBase64(randomBytes(32)),
        PEERLOCK_MAC_KEY: bytesToBase64(randomBytes(32)),
      },
      SERVER_NODE_ARGS,
      { built: true },
    );
    const alice = new HonestClient(server.url, 'alice', new TestClock(Date.now()));
    await alice.signup();
    const tokens = await tokenFile(alice, BYTES / MiB + 40, dataDir);
    const serverIdle = residentMiB(server.child.pid!);
    const report = await runClient(
      { graphqlUrl: server.url, tokensFile: tokens, bytes: BYTES, secretKey: Buffer.from(alice.identity.secretKey).toString('hex'), miniLockId: alice.miniLockId, mode: 'minilock' },
      CLIENT_NODE_ARGS,
    );
    const serverAfter = residentMiB(server.child.pid!);
    const figures = {
      server: { idleMiB: serverIdle.now, peakMiB: serverAfter.peak },
      client: { idleMiB: report.idleRssMiB, peakMiB: report.maxRssMiB, idle: report.idle, peaks: report.peaks },
      uploadMiBps: BYTES / MiB / (report.uploadMs / 1000),
      downloadMiBps: BYTES / MiB / (report.downloadMs / 1000),
    };
    console.log(`large file figures: ${JSON.stringify(figures)}`);
    expect(report.ok).toBe(true);
    // Whole-process peaks, start-up included: what the issue asks.
    expect(figures.server.peakMiB).toBeLessThan(LIMIT_MiB);
    expect(figures.client.peakMiB).toBeLessThan(LIMIT_MiB);
  }, 120_000);
});
