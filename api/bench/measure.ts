/** Timing helpers for the benchmark; all durations come from performance.now(). */

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
): Promise<Throughput & { latency: Latencies }> {
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
  return { ...result, latency: percentiles(samples) };
}

export function percentiles(samples: Float64Array): Latencies {
  const sorted = Float64Array.from(samples).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99) };
}

export const formatRate = (perSecond: number): string => Math.round(perSecond).toLocaleString('en-US');
export const formatMs = (ms: number): string => (ms < 1 ? ms.toFixed(3) : ms.toFixed(2));
