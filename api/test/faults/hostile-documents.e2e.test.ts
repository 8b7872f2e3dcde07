/**
 * Hostile documents against the built server, as deployed (issue 14, "Proof,
 * in CI"): each document that used to freeze the server (60,000 operations:
 * 33 s) or crash a request (deep nesting: RangeError) is answered BAD_INPUT
 * within 100 ms (median of its repeats) while a probe query runs beside it
 * and stays fast; and 2,000 distinct large documents — which Yoga's parse
 * cache used to keep, up to ~3 GB — leave the server's memory under a stated
 * ceiling. Figures are printed; docs/eventstore.md quotes them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTION_ENV, SERVER_NODE_ARGS, startServerProcess, stopServerProcess, type ServerProcess } from '../files/server-process.js';
import { HOSTILE_DOCUMENTS } from '../support/hostile-documents.js';

/**
 * The ceiling this suite proves for the server's resident memory while 2,000
 * distinct large documents arrive: measured at 250–253 MiB peak (from 100–170
 * MiB idle, as the heap grows to its working set), where Yoga's own cache took
 * 400 such documents to over 1 GB and kept it there (its bound was ~3 GB).
 */
const RSS_CEILING_MIB = 400;
const REPEATS = 9;
const PROBE = JSON.stringify({ query: '{ serverKeys { signingPublicKey } }' });

const rssMiB = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))]!;

async function timedPost(url: string, body: string): Promise<{ ms: number; status: number; code: unknown }> {
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const json = (await res.json()) as { errors?: { extensions?: { code?: string } }[] };
  return { ms: performance.now() - started, status: res.status, code: json.errors?.[0]?.extensions?.code ?? 'OK' };
}

describe('hostile documents against the built server', () => {
  let server: ServerProcess;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlock-hostile-'));
    server = await startServerProcess({ ...PRODUCTION_ENV, PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dir }, SERVER_NODE_ARGS, { built: true });
  });
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers each hostile document BAD_INPUT within 100 ms while a probe query stays fast', async () => {
    const bodies = HOSTILE_DOCUMENTS.map((d) => ({ ...d, body: JSON.stringify({ query: d.query }) }));
    for (let i = 0; i < 50; i++) await timedPost(server.url, PROBE); // warm up

    const probes: number[] = [];
    let probing = true;
    const probeLoop = (async () => {
      while (probing) {
        const p = await timedPost(server.url, PROBE);
        expect(p.code).toBe('OK');
        probes.push(p.ms);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();

    const rows: string[] = [];
    const medians: Record<string, number> = {};
    for (const d of bodies) {
      const times: number[] = [];
      for (let i = 0; i < REPEATS; i++) {
        const r = await timedPost(server.url, d.body);
        expect({ document: d.name, status: r.status, code: r.code }).toEqual({ document: d.name, status: 400, code: 'BAD_INPUT' });
        times.push(r.ms);
      }
      medians[d.name] = median(times);
      rows.push(`${d.name.padEnd(34)} ${String(d.bytes).padStart(9)} B  median ${median(times).toFixed(1).padStart(6)} ms  max ${Math.max(...times).toFixed(1).padStart(6)} ms`);
    }
    probing = false;
    await probeLoop;
    console.log(
      [
        'hostile documents (built server, production mode; each sent 9 times, one at a time):',
        ...rows,
        `probe query beside them: ${probes.length} answers, p50 ${median(probes).toFixed(1)} ms, p99 ${quantile(probes, 0.99).toFixed(1)} ms, max ${Math.max(...probes).toFixed(1)} ms`,
      ].join('\n'),
    );
    for (const [name, ms] of Object.entries(medians)) expect(ms, name).toBeLessThan(100);
    // The probe's own median: a single slow answer on a loaded 2-core machine is noise, a frozen server is not.
    expect(median(probes)).toBeLessThan(100);
    expect(quantile(probes, 0.9)).toBeLessThan(100);
  });

  it(`keeps its memory under ${RSS_CEILING_MIB} MiB through 2,000 distinct large documents`, async () => {
    const pid = server.child.pid!;
    for (let i = 0; i < 200; i++) await timedPost(server.url, PROBE);
    const before = rssMiB(pid);
    let peak = before;
    const codes = new Map<unknown, number>();
    // Three shapes at the limits, each text distinct so that nothing is a cache hit:
    //   - 2,000 tokens of fields (the most AST per byte; parses, then fails validation);
    //   - a 32 KiB string of escapes (the most heap per byte of a parsed string);
    //   - 1.4 MB documents (over the size limit: refused before they are parsed).
    const shapes = [
      (i: number) => `{ ${'a '.repeat(1_990)}} # ${i}`,
      (i: number) => `{ a(s: "${'\\nx'.repeat(10_880)}") } # ${i}`,
      (i: number) => `{ ${'__typename '.repeat(127_000)}} # ${i}`,
    ];
    const total = 2_000;
    const inFlight = 4;
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        for (let i = next++; i < total; i = next++) {
          const query = shapes[i % 3]!(i);
          const r = await timedPost(server.url, JSON.stringify({ query }));
          codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
          if (i % 100 === 0) peak = Math.max(peak, rssMiB(pid));
        }
      }),
    );
    const after = rssMiB(pid);
    peak = Math.max(peak, after);
    console.log(`parse cache under 2,000 distinct large documents: RSS ${before.toFixed(0)} MiB before, peak ${peak.toFixed(0)} MiB, ${after.toFixed(0)} MiB after (ceiling ${RSS_CEILING_MIB} MiB); answers ${JSON.stringify(Object.fromEntries(codes))}`);
    expect(Object.fromEntries(codes)).toEqual({ BAD_INPUT: total });
    expect(peak).toBeLessThan(RSS_CEILING_MIB);
    // And it still answers.
    expect((await timedPost(server.url, PROBE)).code).toBe('OK');
  });
});
