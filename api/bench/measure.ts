/** Timing and process helpers for the benchmarks; all durations come from performance.now(). */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';

export interface Throughput {
  readonly events: number;
  readonly seconds: number;
  readonly perSecond: number;
}

export interface Latencies {
  readonly p50: number;
  readonly p99: number;
}

export async function timed(events: number, work: () => Promise<unknown>): Promise<Throughput> {
  const start = performance.now();
  await work();
  const seconds = (performance.now() - start) / 1000;
  return { events, seconds, perSecond: events / seconds };
}

/** Runs `writers` concurrent loops of `perWriter` operations; returns throughput and per-operation latency. */
export async function concurrentLoops(
  writers: number,
  perWriter: number,
  eventsPerOperation: number,
  operation: (writer: number, index: number) => Promise<unknown>,
): Promise<Throughput & { latency: Latencies; samples: Float64Array }> {
  const samples = new Float64Array(writers * perWriter);
  let sample = 0;
  const result = await timed(writers * perWriter * eventsPerOperation, () =>
    Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let i = 0; i < perWriter; i++) {
          const start = performance.now();
          await operation(writer, i);
          samples[sample++] = performance.now() - start;
        }
      }),
    ),
  );
  return { ...result, latency: percentiles(samples), samples };
}

/**
 * Rounds of two contenders taken in turns (A, B, A, B ...), so that a change in
 * the load of a shared machine hits both alike; each side's median round is kept.
 */
export async function interleaved<T extends Throughput>(rounds: number, a: (round: number) => Promise<T>, b: (round: number) => Promise<T>): Promise<{ a: T; b: T; all: { a: T[]; b: T[] } }> {
  const all = { a: [] as T[], b: [] as T[] };
  for (let round = 0; round < rounds; round++) {
    all.a.push(await a(round));
    all.b.push(await b(round));
  }
  const median = (results: T[]) => [...results].sort((x, y) => x.perSecond - y.perSecond)[Math.floor(results.length / 2)]!;
  return { a: median(all.a), b: median(all.b), all };
}

export function percentiles(samples: Float64Array): Latencies {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

export const formatRate = (perSecond: number): string => Math.round(perSecond).toLocaleString('en-US');
export const formatMs = (ms: number): string => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));

/**
 * Starts `node <nodeArgs>` as a server process and waits for its "listening on
 * <url>" line. BENCH_SERVER_FLAGS adds Node flags; BENCH_SERVER_LOG=file keeps
 * its output.
 */
export function startChild(nodeArgs: readonly string[], env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const flags = process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...flags, ...nodeArgs], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      output += c.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve({ url: m[1]!, child });
    });
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    if (process.env.BENCH_SERVER_LOG) {
      const log = createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' });
      child.stdout!.pipe(log);
      child.stderr!.pipe(log);
    }
    child.once('exit', (code) => reject(new Error(`child exited (${code}): ${output}`)));
  });
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** User + system CPU time of a process so far (Linux), in ms. */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** Resident set of a process now (VmRSS) or at its peak (VmHWM), Linux, in MiB. */
export function rssMiB(pid: number, which: 'now' | 'peak' = 'now'): number {
  const m = new RegExp(`${which === 'now' ? 'VmRSS' : 'VmHWM'}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}
