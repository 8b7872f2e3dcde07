/**
 * Stop and start do not wait for the read models (issue 15): with 100,000
 * events the read models have not folded (a bulk import), the built server
 * listens and answers at once while its runners catch up in the background; a
 * SIGTERM in the middle of that catch-up stops it within a batch (exit 0); the
 * next start resumes from the durable checkpoints, and the read models it
 * ends with equal a rebuild from the log. Figures are printed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { PeerlockClient, keyPairFromSecretKey, randomBytes } from '@peerlock/sdk';
import { ProjectionRunner, SqliteReadModelStore, conversationInboxProjection, conversationMessagesProjection, messageIdsProjection, type Projection } from '@peerlock/projections';
import type { RecordedEvent } from '@peerlock/schema';
import { SqliteEventStore } from '../../src/eventstore/index.js';
import { SERVER_NODE_ARGS, startServerProcess, stopServerProcess, type ServerProcess } from '../files/server-process.js';
import { seedConversations } from '../support/seed-backlog.js';
import { until } from '../support/until.js';

const BACKLOG = 100_000;

describe('stop and start with the read models far behind the log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'peerlock-stop-start-'));
  // Serve without waiting at all (2 s by default), so that the catch-up is surely under way when the signal comes.
  const env = { PEERLOCK_PORT: '0', PEERLOCK_DATA_DIR: dir, PEERLOCK_START_CATCH_UP_WAIT_MS: '0' };
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    const began = performance.now();
    const node = await startServerProcess(env, SERVER_NODE_ARGS, { built: true });
    const ms = performance.now() - began;
    server = node;
    return { node, ms, output: node.output };
  };

  it('serves at once, stops within a batch, and resumes to exactly a rebuild', async () => {
    // A first start makes the stores; then a backlog arrives behind the server's back.
    await stopServerProcess((await start()).node);
    const events = new SqliteEventStore({ path: join(dir, 'peerlock.db') });
    await seedConversations(events, { conversations: 200, messages: BACKLOG });
    await events.close();

    const behind = await start();
    const probe = await fetch(behind.node.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ serverKeys { signingPublicKey } }' }) });
    expect(probe.status).toBe(200);
    await until('the backlog warning', () => behind.output().includes('serving now, catching up in the background'), 10_000).catch((e: unknown) => { throw new Error(`${String(e)}; output: ${behind.output()}`); });
    expect(behind.output()).toMatch(/read models up to \d+ events behind the log/);

    const stopBegan = performance.now();
    behind.node.child.kill('SIGTERM');
    expect(await behind.node.exited).toBe(0);
    const stopMs = performance.now() - stopBegan;
    expect(behind.output()).toMatch(/stopped in \d+ ms/);
    // It stopped in the middle of the catch-up, not after it.
    expect(behind.output()).not.toContain('read models caught up with the log');

    const resumed = await start();
    const resumeBegan = performance.now();
    await until('the catch-up', () => resumed.output().includes('read models caught up with the log') || !resumed.output().includes('catching up in the background'));
    const catchUpMs = performance.now() - resumeBegan;
    await stopServerProcess(resumed.node);
    server = undefined;
    console.log(
      `with ${BACKLOG.toLocaleString('en')} events behind: listening after ${behind.ms.toFixed(0)} ms; SIGTERM to exit ${stopMs.toFixed(0)} ms; ` +
        `next start listening after ${resumed.ms.toFixed(0)} ms, caught up ${(catchUpMs / 1000).toFixed(1)} s later`,
    );

    // Read models resumed from their checkpoints equal a rebuild from the log.
    const log = new SqliteEventStore({ path: join(dir, 'peerlock.db') });
    const live = SqliteReadModelStore.open(join(dir, 'peerlock.db'));
    const rebuilt = SqliteReadModelStore.open(join(dir, 'rebuilt.db'));
    try {
      for (const projection of [conversationInboxProjection, conversationMessagesProjection, messageIdsProjection] as Projection<unknown, RecordedEvent>[]) {
        await new ProjectionRunner({ source: log, store: rebuilt, projection }).rebuild();
        const [a, b] = [await live.list(projection.name), await rebuilt.list(projection.name)];
        expect(a.length, projection.name).toBeGreaterThan(0);
        expect(a, projection.name).toEqual(b);
      }
    } finally {
      live.close();
      rebuilt.close();
      await log.close();
    }
  }, 300_000);

  it('a SIGTERM under message load exits 0, and every acknowledged message is there after the next start', async () => {
    const loaded = await start();
    const clients = ['sa', 'sb', 'sc', 'sd'].map((name) => ({ name, client: new PeerlockClient({ url: loaded.node.url, webSocketImpl: WebSocket }) }));
    for (const c of clients) await c.client.signup({ username: c.name, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    for (let i = 0; i < clients.length; i += 2) {
      await clients[i]!.client.requestContact(clients[i + 1]!.name);
      await clients[i + 1]!.client.acceptContact(clients[i]!.name);
    }
    const acked: { from: string; to: string; conversationId: string; body: string }[] = [];
    let sending = true;
    const loops = clients.map(async (c, i) => {
      const to = clients[i % 2 === 0 ? i + 1 : i - 1]!.name;
      for (let k = 0; sending; k++) {
        const body = `${c.name} #${k}`;
        try {
          const sent = await c.client.messaging.send([to], { body });
          acked.push({ from: c.name, to, conversationId: sent.conversationId, body });
        } catch {
          return; // the server went away: this loop is done
        }
      }
    });
    await until('load under way', () => acked.length >= 40);
    loaded.node.child.kill('SIGTERM');
    expect(await loaded.node.exited).toBe(0);
    sending = false;
    await Promise.all(loops);

    const again = await start();
    try {
      // Every acknowledged message is read back by its recipient, once.
      for (const c of clients) {
        const reader = new PeerlockClient({ url: again.node.url, webSocketImpl: WebSocket });
        reader.resume(c.client.exportSession());
        const mine = acked.filter((a) => a.to === c.name);
        for (const conversationId of new Set(mine.map((a) => a.conversationId))) {
          const bodies = (await reader.messaging.read(conversationId)).messages.map((m) => m.body);
          for (const a of mine.filter((m) => m.conversationId === conversationId)) expect(bodies.filter((b) => b === a.body), a.body).toHaveLength(1);
        }
      }
      console.log(`SIGTERM under load: ${acked.length} messages acknowledged, all read back after the next start`);
    } finally {
      await stopServerProcess(again.node);
      server = undefined;
    }
  }, 300_000);
});
