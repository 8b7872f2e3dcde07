/**
 * Streaming file encryption and decryption of a large file with each
 * backend, each measurement in its own process (stream-child.ts), against raw
 * libsodium crypto_secretbox_easy over the same bytes in 1 MiB pieces
 * measured in that same process.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MiB, mbPerSecond } from './measure.js';

export interface RawBaseline {
  readonly encryptMBps: number;
  readonly decryptMBps: number;
}

export interface BackendResult {
  readonly backend: string;
  /** Default API, or reuseBuffers (one output buffer for all pieces). */
  readonly reuse: boolean;
  /** The file hash computed on the main thread (PEERLOCK_NO_HASH_WORKER=1) instead of the worker. */
  readonly inlineHash: boolean;
  readonly encryptMBps: number;
  readonly decryptMBps: number;
  readonly encryptPeakRss: number;
  readonly decryptPeakRss: number;
  /** Raw libsodium in the same processes. */
  readonly raw: RawBaseline;
  /** OpenSSL BLAKE2s-256 alone over the same bytes (best over the encrypt and decrypt processes). */
  readonly blake2sMBps: number;
  /** RSS of the encrypt process once loaded, before streaming. */
  readonly startupRss: number;
}

const child = fileURLToPath(new URL('./stream-child.js', import.meta.url));

interface ChildResult {
  seconds: number;
  rawSeconds: number;
  hashSeconds: number;
  startupRss: number;
  peakRss: number;
}

async function runChild(mode: string, backend: string, sizeMiB: number, path: string, reps = 1, reuse = false, inlineHash = false): Promise<ChildResult> {
  const args = [child, mode, backend, String(sizeMiB), path, String(reps), reuse ? 'reuse' : 'fresh'];
  const env = { ...process.env, PEERLOCK_NO_HASH_WORKER: inlineHash ? '1' : '0' };
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 20, env });
  return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
}

export async function fileBenchmarks(sizeMiB: number): Promise<BackendResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'peerlock-bench-'));
  try {
    const results: BackendResult[] = [];
    const runs: [string, boolean, boolean][] = [
      ['libsodium', false, false],
      ['libsodium', true, false],
      ['libsodium', false, true],
      ['tweetnacl', false, false],
    ];
    for (const [backend, reuse, inlineHash] of runs) {
      const path = join(dir, `${backend}.minilock`);
      // Best of 3 for libsodium (a second or so each); tweetnacl is slow enough to run once.
      const reps = backend === 'libsodium' ? 3 : 1;
      const enc = await runChild('encrypt', backend, sizeMiB, path, reps, reuse, inlineHash);
      await runChild('prepare', backend, sizeMiB, path);
      const dec = await runChild('decrypt', backend, sizeMiB, path, reps, reuse, inlineHash);
      await rm(path, { force: true });
      await rm(`${path}.chunks`, { force: true });
      results.push({
        backend,
        reuse,
        inlineHash,
        encryptMBps: mbPerSecond(sizeMiB * MiB, enc.seconds),
        decryptMBps: mbPerSecond(sizeMiB * MiB, dec.seconds),
        encryptPeakRss: enc.peakRss,
        decryptPeakRss: dec.peakRss,
        blake2sMBps: mbPerSecond(sizeMiB * MiB, Math.min(enc.hashSeconds, dec.hashSeconds)),
        startupRss: enc.startupRss,
        raw: { encryptMBps: mbPerSecond(sizeMiB * MiB, enc.rawSeconds), decryptMBps: mbPerSecond(sizeMiB * MiB, dec.rawSeconds) },
      });
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
