/** Timing and memory helpers for the benchmarks. */
export const MiB = 1024 * 1024;

/** Peak RSS seen while `run` executes, sampled on every `sample()` call and on a timer. */
export class RssProbe {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;
  constructor() {
    this.sample();
    this.timer = setInterval(() => this.sample(), 20);
  }
  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export interface Timed<T> {
  readonly value: T;
  readonly seconds: number;
  readonly peakRss: number;
}

export async function timed<T>(run: (probe: RssProbe) => Promise<T> | T): Promise<Timed<T>> {
  collectGarbage();
  const probe = new RssProbe();
  const start = process.hrtime.bigint();
  const value = await run(probe);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { value, seconds, peakRss: probe.stop() };
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export const mbPerSecond = (bytes: number, seconds: number): number => bytes / 1e6 / seconds;
export const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
