/**
 * Storage trouble on the embedded store reaches clients as the typed,
 * retryable UNAVAILABLE (HTTP 503 with Retry-After), never INTERNAL: a full
 * disk under the SQLite files, a full or read-only blob folder. A start on a
 * read-only data folder prints one line that says so.
 *
 * The full and read-only file systems are small tmpfs mounts, so these tests
 * need the right to mount (root in a container that allows it); without it
 * they are skipped, saying why.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { PeerlockClient, keyPairFromSecretKey, randomBytes } from '@peerlock/sdk';
import { buildApp, type PeerlockApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { builtMainScript, SERVER_NODE_ARGS } from '../files/server-process.js';

/** Mounts a tmpfs of `size` on `dir`; false when this process may not mount. */
function mountTmpfs(dir: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const unmount = (dir: string) => execFileSync('umount', ['-l', dir], { stdio: 'pipe' });

const mountable = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'peerlock-mount-probe-'));
  const ok = mountTmpfs(probe, 'size=64k');
  if (ok) unmount(probe);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();
const skip = mountable ? '' : ' (skipped: needs permission to mount a tmpfs, e.g. root in a container that allows it)';

async function startOn(dataDir: string): Promise<PeerlockApp> {
  const app = buildApp(
    loadConfig({
      PEERLOCK_MODE: 'dev',
      PEERLOCK_PORT: '0',
      PEERLOCK_DATA_DIR: dataDir,
      PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '100000',
      PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '100000',
    }),
  );
  await app.start();
  return app;
}

async function pair(url: string): Promise<[PeerlockClient, PeerlockClient]> {
  const alice = new PeerlockClient({ url, webSocketImpl: WebSocket });
  const bob = new PeerlockClient({ url, webSocketImpl: WebSocket });
  await alice.signup({ username: 'alice', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
  await bob.signup({ username: 'bob', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
  await alice.requestContact('bob');
  await bob.acceptContact('alice');
  return [alice, bob];
}

describe.skipIf(skip !== '')(`storage full or read-only${skip}`, () => {
  const mounts: string[] = [];
  const dirs: string[] = [];
  const apps: PeerlockApp[] = [];

  const tmp = () => {
    const dir = mkdtempSync(join(tmpdir(), 'peerlock-storage-fault-'));
    dirs.push(dir);
    return dir;
  };
  const mount = (dir: string, options: string) => {
    mkdirSync(dir, { recursive: true });
    expect(mountTmpfs(dir, options)).toBe(true);
    mounts.push(dir);
  };

  afterAll(async () => {
    for (const app of apps) await app.stop().catch(() => undefined);
    for (const dir of mounts.reverse()) unmount(dir);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('a disk that fills under the SQLite files answers UNAVAILABLE (503, Retry-After), and sending works again once there is room', async () => {
    const dataDir = join(tmp(), 'data');
    mount(dataDir, 'size=3m,mode=0700');
    const app = await startOn(dataDir);
    apps.push(app);
    const [alice] = await pair(app.url);
    // Messages of ~500 KiB of ciphertext each fill the 3 MiB until SQLite says "database or disk is full".
    let refusal: unknown;
    for (let i = 0; i < 30 && !refusal; i++) {
      await alice.messaging.send(['bob'], { body: 'x'.repeat(500_000) }).catch((error: unknown) => (refusal = error));
    }
    expect(refusal).toMatchObject({ name: 'PeerlockApiError', code: 'UNAVAILABLE', status: 503, details: { retryAfterSeconds: 30 } });
    execFileSync('mount', ['-o', 'remount,size=64m', dataDir]);
    const sent = await alice.messaging.send(['bob'], { body: 'room again' });
    expect(sent.rejected).toBeNull();
  });

  it('a blob folder that is full, then read-only, answers UNAVAILABLE on a chunk upload', async () => {
    const dataDir = tmp();
    mount(join(dataDir, 'blobs'), 'size=1m,mode=0700');
    const app = await startOn(dataDir);
    apps.push(app);
    const [alice] = await pair(app.url);
    const big = randomBytes(3 * 1024 * 1024);
    await expect(alice.files.upload({ source: [big], size: big.length, name: 'big.bin' })).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503 });
    execFileSync('mount', ['-o', 'remount,ro', join(dataDir, 'blobs')]);
    const small = randomBytes(1000);
    await expect(alice.files.upload({ source: [small], size: small.length, name: 'small.bin' })).rejects.toMatchObject({ code: 'UNAVAILABLE', status: 503 });
  });

  it('a start on a read-only data folder prints one line naming the problem, no stack, and exits 1', async () => {
    const dataDir = join(tmp(), 'data');
    mount(dataDir, 'size=1m,ro');
    const child = spawn(process.execPath, [...SERVER_NODE_ARGS, builtMainScript], {
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERLOCK_'))), PEERLOCK_MODE: 'dev', PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(1);
    expect(output.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`^Peerlock API cannot start: storage is read-only or not writable: EROFS.*\\(PEERLOCK_DATA_DIR=${dataDir}\\)$`))]);
  });
});
