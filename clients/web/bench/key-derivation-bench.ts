/**
 * Where the browser's key derivation time goes (DESIGN §2: scrypt, N = 2^17,
 * r = 8, p = 1, 128 MiB), in headless Chromium, one dedicated worker per
 * engine as the page uses one, against Node's OpenSSL scrypt in this process:
 *
 *   - scrypt-js with a progress callback (the page's worker before): it
 *     yields with setTimeout every 1000 / r = 125 steps, 2 × 2^17 / 125 ≈
 *     2 100 times, and browsers clamp nested timers to at least 4 ms;
 *   - scrypt-js in one synchronous run (no progress): the compute alone;
 *   - @noble/hashes' scrypt, synchronous, with onProgress (the worker now:
 *     a worker need not yield, and postMessage is delivered meanwhile);
 *   - @noble/hashes' scryptAsync (yields every 10 ms), for comparison.
 *
 * Rounds are interleaved so that drift in machine load hits every engine
 * alike; each cell is the median round.
 *
 *   npm run bench -w @peerlock/web        (prints a Markdown table)
 */
import { scryptSync } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { findChromium, launchChromium } from '../test/support/browser.js';
import type { Engine, EngineReply, EngineRequest } from './key-derivation-engines.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ENGINES: readonly [Engine, string][] = [
  ['scrypt-js-progress', 'scrypt-js, progress callback (the worker before)'],
  ['scrypt-js-sync', 'scrypt-js, one synchronous run (no progress)'],
  ['noble-progress', '@noble/hashes scrypt, synchronous, onProgress (the worker now)'],
  ['noble-async', '@noble/hashes scryptAsync (yields every 10 ms)'],
];

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function workerSource(): Promise<string> {
  const out = await build({
    configFile: false,
    logLevel: 'silent',
    build: { write: false, minify: true, lib: { entry: fileURLToPath(new URL('./key-derivation-engines.ts', import.meta.url)), formats: ['iife'], name: 'bench' } },
  });
  const [result] = Array.isArray(out) ? out : [out];
  const chunk = (result as { output: { type: string; code?: string }[] }).output.find((o) => o.type === 'chunk');
  if (!chunk?.code) throw new Error('the bench worker did not build');
  return chunk.code;
}

async function main(): Promise<void> {
  const chromium = findChromium();
  if (!chromium) throw new Error('needs Chromium at /usr/bin/chromium');
  const source = await workerSource();
  const browser = await launchChromium(chromium);
  const page = await browser.newPage();
  const version = browser.version();
  const password = new Uint8Array(32).fill(7);
  const salt = new TextEncoder().encode('alice');
  const expected = scryptSync(password, salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 512 * 1024 * 1024 });
  const times = new Map<string, number[]>(ENGINES.map(([e]) => [e, []]));
  times.set('node', []);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [engine] of ENGINES) {
        const reply = await page.evaluate(
          ({ source, request }) =>
            new Promise<EngineReply>((resolve, reject) => {
              const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
              const worker = new Worker(url);
              worker.onmessage = (event: MessageEvent<EngineReply>) => {
                worker.terminate();
                URL.revokeObjectURL(url);
                resolve({ ...event.data, key: Array.from(event.data.key) as unknown as Uint8Array });
              };
              worker.onerror = (event) => reject(new Error(event.message));
              worker.postMessage({ ...request, password: new Uint8Array(request.password), salt: new Uint8Array(request.salt) });
            }),
          { source, request: { engine, password: [...password], salt: [...salt] } as unknown as EngineRequest },
        );
        if (Buffer.compare(Buffer.from(reply.key as unknown as number[]), expected) !== 0) throw new Error(`${engine}: not the bytes of Node's scrypt`);
        times.get(engine)!.push(reply.ms);
      }
      const started = performance.now();
      scryptSync(password, salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 512 * 1024 * 1024 });
      times.get('node')!.push(performance.now() - started);
    }
  } finally {
    await browser.close();
  }
  const node = median(times.get('node')!);
  console.log(`Chromium ${version}, Node ${process.version}; ${ROUNDS} interleaved rounds, median (min–max); every engine gave Node's bytes.\n`);
  console.log('| engine (N = 2^17, r = 8, p = 1) | seconds | range | × Node `crypto.scrypt` |');
  console.log('|---|---:|---:|---:|');
  for (const [engine, label] of ENGINES) {
    const t = times.get(engine)!;
    console.log(`| ${label} | ${(median(t) / 1000).toFixed(2)} | ${(Math.min(...t) / 1000).toFixed(2)}–${(Math.max(...t) / 1000).toFixed(2)} | ${(median(t) / node).toFixed(1)} |`);
  }
  const t = times.get('node')!;
  console.log(`| Node \`crypto.scryptSync\` (OpenSSL), for reference | ${(node / 1000).toFixed(2)} | ${(Math.min(...t) / 1000).toFixed(2)}–${(Math.max(...t) / 1000).toFixed(2)} | 1.0 |`);
}

await main();
