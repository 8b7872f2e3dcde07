/**
 * The start-up and stop lines go through the server's one log, so that
 * PEERLOCK_LOG_FORMAT=json gives a log collector nothing but JSON lines and
 * PEERLOCK_LOG_LEVEL drops them like any other line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RELAXED_ENV, builtMainScript, startServerProcess, stopServerProcess, type ServerProcess } from '../files/server-process.js';
import { until } from '../support/until.js';

describe('the start-up and stop lines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-start-up-log-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('are JSON lines at info with PEERLOCK_LOG_FORMAT=json, from start to stop', async () => {
    server = await startServerProcess({ PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dir, PEERLOCK_LOG_FORMAT: 'json' }, [], { built: true });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const lines = server.output().trim().split('\n');
    const parsed = lines.map((line) => JSON.parse(line) as { level: string; msg: string; time: string });
    const messages = parsed.map((p) => p.msg);
    expect(messages[0]).toMatch(/^Peerlock API \(dev, sqlite\) listening on http:\/\/127\.0\.0\.1:\d+\/graphql/);
    expect(messages).toContain('SIGTERM: stopping');
    expect(messages.at(-1)).toMatch(/^stopped in \d+ ms$/);
    for (const p of parsed) {
      expect(p.level).toBe('info');
      expect(Number.isNaN(Date.parse(p.time))).toBe(false);
    }
  });

  it('are dropped at PEERLOCK_LOG_LEVEL=warn: the server serves and stops cleanly, printing nothing', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [builtMainScript], {
      env: { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PEERLOCK_'))), ...RELAXED_ENV, PEERLOCK_PORT: String(port), PEERLOCK_DATA_DIR: dir, PEERLOCK_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until('the server answering', () => fetch(`http://127.0.0.1:${port}/graphql?query=%7B__typename%7D`).then((r) => r.ok, () => false), 30_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toBe('');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
