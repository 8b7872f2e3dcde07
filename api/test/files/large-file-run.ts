/** Drives large-file-client.mjs in its own process and reads peak memory from the kernel (memory test, files benchmark). */
import { readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Plain JavaScript on the built SDK under plain node: what a real Node client pays (see the file).
const clientScript = join(dirname(fileURLToPath(import.meta.url)), 'large-file-client.mjs');

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
  /** process.memoryUsage() at idle and the peak of each part during the run, MiB. */
  idle: Record<string, number>;
  peaks: Record<string, Record<string, number>>;
}

/**
 * The V8 flags we run a Node client with when it moves large files
 * (docs/files.md, Memory): 1 MiB semi-spaces. The socket buffers fetch reads
 * a download into (64 KiB each) are garbage as soon as they are decrypted,
 * but V8 frees them only at a scavenge, and with its default young
 * generation (growing to 16 MiB semi-spaces) ~50 MiB of them pile up first.
 */
export const CLIENT_NODE_ARGS: readonly string[] = ['--max-semi-space-size=1'];

export function runClient(args: Record<string, unknown>, nodeArgs: readonly string[] = []): Promise<ClientReport> {
  const child = spawn(process.execPath, [...nodeArgs, clientScript, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as ClientReport) : reject(new Error(`client exited ${code}: ${err}`)))),
  );
}

/** Logs in until `count` tokens are in hand, as Authorization header values. */
export async function tokenFile(client: { login(): Promise<void>; tokens: unknown[]; takeHeader(): string }, count: number, dir: string): Promise<string> {
  const headers: string[] = [];
  while (headers.length < count) {
    await client.login();
    while (client.tokens.length > 0) headers.push(client.takeHeader());
  }
  const path = join(dir, `tokens-${headers.length}-${Date.now()}.json`);
  writeFileSync(path, JSON.stringify(headers));
  return path;
}

