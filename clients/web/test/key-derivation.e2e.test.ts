/**
 * The page's key-derivation worker, as built and served (the real server
 * process, the strict CSP), gives exactly the bytes of DESIGN §2:
 *
 *   - the miniLock reference's key pairs (sdk/test/vectors/identities.json,
 *     provenance in its README: kaepora/miniLock getKeyPair, email as salt);
 *   - Node's OpenSSL scrypt over OpenSSL's BLAKE2s-256 of the passphrase,
 *     for a Peerlock username salt and a passphrase that is not ASCII.
 *
 * It reports progress on the way, and is fast: @noble/hashes' scrypt runs
 * in about half a second here, where scrypt-js with a progress callback
 * took ten (bench/key-derivation-bench.ts). The times are printed; the
 * bound below only catches a return to the setTimeout-yielding engine.
 */
import { createHash, scryptSync } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { findChromium, launchChromium } from './support/browser.js';
import { repoRoot, startServer, webRoot, type ServerProcess } from './support/server-process.js';

const chromiumPath = findChromium();
const built = existsSync(join(webRoot, 'index.html'));
const mustRun = process.env.CI === 'true' || process.env.CI === '1';

interface Derived {
  readonly secretKeyHex: string;
  readonly ms: number;
  readonly progress: number[];
}

const identities = JSON.parse(readFileSync(join(repoRoot, 'sdk/test/vectors/identities.json'), 'utf8')) as {
  identities: Record<string, { email: string; passphrase: string; secretKey_hex: string }>;
};

/** DESIGN §2 with Node's own primitives (OpenSSL), nothing from the SDK or the page. */
function nodeSecretKey(passphrase: string, salt: string): string {
  const prehash = createHash('blake2s256').update(passphrase, 'utf8').digest();
  return scryptSync(prehash, Buffer.from(salt, 'utf8'), 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 }).toString('hex');
}

describe.skipIf(!mustRun && (!chromiumPath || !built))(
  chromiumPath && built ? 'key derivation in the page’s worker (Chromium)' : 'key derivation in the page’s worker (skipped: needs Chromium at /usr/bin/chromium and a built clients/web/dist)',
  () => {
    let server: ServerProcess;
    let browser: Browser;
    let page: Page;
    let workerUrl: string;
    const problems: string[] = [];

    /** Runs the built worker the way derive-keys.ts does, in the page (same origin, under its CSP). */
    const derive = (passphrase: string, salt: string): Promise<Derived> =>
      page.evaluate(
        ({ url, passphrase, salt }) =>
          new Promise<Derived>((resolve, reject) => {
            const progress: number[] = [];
            const started = performance.now();
            const worker = new Worker(url, { type: 'module' });
            worker.onmessage = (event: MessageEvent<{ kind: string; fraction?: number; secretKey?: Uint8Array; message?: string }>) => {
              const reply = event.data;
              if (reply.kind === 'progress') return void progress.push(reply.fraction!);
              worker.terminate();
              if (reply.kind !== 'done') return reject(new Error(reply.message));
              const secretKeyHex = [...reply.secretKey!].map((b) => b.toString(16).padStart(2, '0')).join('');
              resolve({ secretKeyHex, ms: performance.now() - started, progress });
            };
            worker.onerror = (event) => reject(new Error(`worker failed: ${event.message}`));
            worker.postMessage({ passphrase, salt });
          }),
        { url: workerUrl, passphrase, salt },
      );

    beforeAll(async () => {
      if (!chromiumPath) throw new Error('CI must have Chromium at /usr/bin/chromium (.ci/run installs it)');
      if (!built) throw new Error('clients/web/dist is not built (npm run build -w clients/web)');
      const file = readdirSync(join(webRoot, 'assets')).find((f) => /^key-derivation-worker-.*\.js$/.test(f));
      if (!file) throw new Error('no key-derivation worker in clients/web/dist/assets');
      workerUrl = `/assets/${file}`;
      server = await startServer();
      browser = await launchChromium(chromiumPath);
      page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`console: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      await page.goto(`${server.origin}/#/login`);
      await page.getByRole('heading', { name: 'Log in to Peerlock' }).waitFor();
    });

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
    });

    it.each(['alice', 'bob'])('gives the miniLock reference key of %s (passphrase, email as salt)', async (name) => {
      const { email, passphrase, secretKey_hex } = identities.identities[name]!;
      const derived = await derive(passphrase, email);
      expect(derived.secretKeyHex).toBe(secretKey_hex);
    });

    it('gives the bytes of Node’s OpenSSL scrypt for a username salt and a non-ASCII passphrase, reporting progress on the way; median of 3 runs printed', async () => {
      const passphrase = 'crème brûlée ✓ 文件 pelican lighthouse marmalade';
      const expected = nodeSecretKey(passphrase, 'alice_1');
      const runs: Derived[] = [];
      for (let i = 0; i < 3; i++) runs.push(await derive(passphrase, 'alice_1'));
      for (const run of runs) {
        expect(run.secretKeyHex).toBe(expected);
        // Percent steps, in order, with values between the ends (a bar that moves, not one that jumps).
        expect(run.progress.length).toBeGreaterThan(50);
        expect(run.progress).toEqual([...run.progress].sort((a, b) => a - b));
        expect(run.progress.some((f) => f > 0.2 && f < 0.8)).toBe(true);
      }
      const times = runs.map((r) => r.ms).sort((a, b) => a - b);
      console.log(`key derivation in the page's worker: median ${(times[1]! / 1000).toFixed(2)} s (runs: ${times.map((t) => (t / 1000).toFixed(2)).join(', ')} s)`);
      // scrypt-js with progress took ~10 s here; noble ~0.6 s. Generous for a loaded machine.
      expect(times[1]!).toBeLessThan(6_000);
      expect(problems).toEqual([]);
    });
  },
);
