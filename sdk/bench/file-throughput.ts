/**
 * Streaming file encryption and decryption of a large file with each
 * backend, each measurement in its own process (stream-child.ts), against raw
 * libsodium crypto_secretbox_easy over the same bytes in 1 MiB pieces.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { MiB, mbPerSecond, timed } from './measure.js';

interface SodiumRaw {
  crypto_secretbox_easy(c: Uint8Array, m: Uint8Array, n: Uint8Array, k: Uint8Array): void;
  crypto_secretbox_open_easy(m: Uint8Array, c: Uint8Array, n: Uint8Array, k: Uint8Array): boolean;
}

export interface RawBaseline {
  readonly encryptMBps: number;
  readonly decryptMBps: number;
}

/** crypto_secretbox_easy / _open_easy over `size` bytes in 1 MiB pieces, buffers allocated once. */
export async function rawLibsodium(size: number): Promise<RawBaseline> {
  const sodium = createRequire(import.meta.url)('sodium-native') as SodiumRaw;
  const m = new Uint8Array(randomBytes(MiB));
  const c = new Uint8Array(MiB + 16);
  const n = new Uint8Array(randomBytes(24));
  const k = new Uint8Array(randomBytes(32));
  const pieces = size / MiB;
  const enc = await timed(() => {
    for (let i = 0; i < pieces; i++) sodium.crypto_secretbox_easy(c, m, n, k);
  });
  const dec = await timed(() => {
    for (let i = 0; i < pieces; i++) if (!sodium.crypto_secretbox_open_easy(m, c, n, k)) throw new Error('raw open failed');
  });
  return { encryptMBps: mbPerSecond(size, enc.seconds), decryptMBps: mbPerSecond(size, dec.seconds) };
}

export interface BackendResult {
  readonly backend: string;
  readonly encryptMBps: number;
  readonly decryptMBps: number;
  readonly encryptPeakRss: number;
  readonly decryptPeakRss: number;
}

const child = fileURLToPath(new URL('./stream-child.js', import.meta.url));

async function runChild(mode: string, backend: string, sizeMiB: number, path: string): Promise<{ seconds: number; peakRss: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, [child, mode, backend, String(sizeMiB), path], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; peakRss: number };
}

export async function fileBenchmarks(sizeMiB: number): Promise<{ raw: RawBaseline; results: BackendResult[] }> {
  const raw = await rawLibsodium(sizeMiB * MiB);
  const dir = await mkdtemp(join(tmpdir(), 'peerlock-bench-'));
  try {
    const results: BackendResult[] = [];
    for (const backend of ['libsodium', 'tweetnacl']) {
      const path = join(dir, `${backend}.minilock`);
      const enc = await runChild('encrypt', backend, sizeMiB, path);
      await runChild('prepare', backend, sizeMiB, path);
      const dec = await runChild('decrypt', backend, sizeMiB, path);
      await rm(path, { force: true });
      await rm(`${path}.chunks`, { force: true });
      results.push({
        backend,
        encryptMBps: mbPerSecond(sizeMiB * MiB, enc.seconds),
        decryptMBps: mbPerSecond(sizeMiB * MiB, dec.seconds),
        encryptPeakRss: enc.peakRss,
        decryptPeakRss: dec.peakRss,
      });
    }
    return { raw, results };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
