/**
 * `npm run rebuild` (issue 15): the built command rebuilds every read model
 * beside the live ones in one pass over the log and switches each in one
 * transaction, while the built server keeps serving on the same stores. A
 * reader sampling a read model throughout never sees it partly built, and the
 * server's runners carry on from the switched models afterwards.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/index.js';
import { SERVER_NODE_ARGS, startServerProcess, stopServerProcess, type ServerProcess } from '../files/server-process.js';
import { seedConversations } from '../support/seed-backlog.js';
import { until } from '../support/until.js';

const rebuildScript = join(dirname(fileURLToPath(import.meta.url)), '../../dist/rebuild.js');

describe('the rebuild command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-rebuild-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds beside a running server and switches atomically; the server carries on from the new models', async () => {
    const env = { PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dir };
    await stopServerProcess(await startServerProcess(env, SERVER_NODE_ARGS, { built: true }));
    const path = join(dir, 'peerlock.db');
    const events = new SqliteEventStore({ path });
    const messages = await seedConversations(events, { conversations: 100, messages: 30_000 });
    server = await startServerProcess(env, SERVER_NODE_ARGS, { built: true });
    const db = new Database(path, { readonly: true });
    const count = () => (db.prepare('SELECT count(*) AS n FROM rm_conversation_messages').get() as { n: number }).n;
    const checkpoint = () => BigInt((db.prepare("SELECT position FROM projection_checkpoints WHERE name = 'conversation_messages'").get() as { position: string }).position);
    await until('the server caught up', () => count() === messages);

    const child = spawn(process.execPath, [rebuildScript], { env: { ...process.env, PEERLOCK_DATA_DIR: dir, INIT_CWD: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const samples: number[] = [];
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      samples.push(count());
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await exited, output).toBe(0);
    expect(output).toMatch(/switched 10 read model\(s\) at position \d+ after [\d.]+ s/);
    // Never a partly built model: every sample saw all of it.
    expect(samples.length).toBeGreaterThan(5);
    expect(new Set(samples)).toEqual(new Set([messages]));
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm_%_next'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual([]);

    // The running server's runners go on from the switched models.
    const more = await seedConversations(events, { conversations: 2, messages: 100 });
    const head = await events.headPosition();
    await until('the live runner past the switch', () => checkpoint() === head && count() === messages + more);
    console.log(`rebuild beside a running server: ${output.trim().split('\n').at(-1)}; ${samples.length} samples, all ${messages} rows`);
    db.close();
    await events.close();
  }, 300_000);
});
