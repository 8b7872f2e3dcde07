/**
 * Two real server processes on one PostgreSQL schema (DESIGN §7 "Scale-out"):
 * a subscriber connected to node B hears about a message sent through node
 * A, because notifications come from the shared log, not from A's resolvers;
 * and a subscriber that reconnects with its last position gets what it missed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { DATABASE_URL, POSTGRES_SKIP, dropSchema, testSchemaName } from '../support/postgres-test-schema.js';
import { TestClock } from '../support/test-server.js';
import { expectOk } from '../support/graphql-client.js';
import { MessagingClient, collect } from '../support/messaging-client.js';

const mainScript = join(dirname(fileURLToPath(import.meta.url)), '../../src/main.ts');

interface ServerNode {
  readonly url: string;
  readonly child: ChildProcess;
}

function startNode(env: Record<string, string>, dataDir: string): Promise<ServerNode> {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', mainScript], {
    env: { ...process.env, ...env, PEERLOCK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ url: match[1]!, child });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`node exited (${code}): ${output}`)));
  });
}

async function stopNode(node: ServerNode | undefined): Promise<void> {
  if (!node || node.child.exitCode !== null) return;
  const exited = new Promise((resolve) => node.child.once('exit', resolve));
  node.child.kill('SIGTERM');
  await exited;
}

describe.skipIf(!DATABASE_URL)(`two server processes on one PostgreSQL${POSTGRES_SKIP}`, () => {
  const schema = testSchemaName();
  const dirs: string[] = [];
  let a: ServerNode | undefined;
  let b: ServerNode | undefined;
  const clock = new TestClock(Date.now());

  beforeAll(async () => {
    const env = {
      PEERLOCK_MODE: 'dev',
      PEERLOCK_HOST: '127.0.0.1',
      PEERLOCK_PORT: '0',
      PEERLOCK_STORE: 'postgres',
      PEERLOCK_DATABASE_URL: DATABASE_URL!,
      PEERLOCK_DATABASE_SCHEMA: schema,
      // No files travel in this test; a real cluster shares one volume or uses Azure.
      PEERLOCK_BLOB_FOLDER_SHARED: 'true',
      // Every node needs the same server secrets: tokens issued by one are spent on the other.
      PEERLOCK_SIGNING_KEY: bytesToBase64(randomBytes(32)),
      PEERLOCK_MAC_KEY: bytesToBase64(randomBytes(32)),
    };
    const dir = () => {
      const d = mkdtempSync(join(tmpdir(), 'peerlock-node-'));
      dirs.push(d);
      return d;
    };
    a = await startNode(env, dir());
    b = await startNode(env, dir());
  });

  afterAll(async () => {
    await Promise.all([stopNode(a), stopNode(b)]);
    if (DATABASE_URL) await dropSchema(schema);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a subscriber on node B receives a message sent through node A, and replays what it missed after a reconnect', async () => {
    const alice = new MessagingClient(a!.url, 'alice', clock);
    const bobOnA = new MessagingClient(a!.url, 'bob', clock);
    await alice.signup();
    await bobOnA.signup();
    await alice.login();
    const bob = new MessagingClient(b!.url, 'bob', clock, bobOnA.identity);
    await bob.login();
    try {
      expectOk(await alice.contact('requestContact', 'bob'));
      expectOk(await bob.contact('acceptContact', 'alice'));

      // From position 0: bob's whole history, which starts with alice's request made through A.
      const live = collect(await bob.socket(), '0');
      await live.until(1);
      expect(live.received[0]).toMatchObject({ kind: 'CONTACT_REQUEST', from: 'alice' });

      const m1 = await alice.send(['alice', 'bob'], 'through A');
      await live.until(2);
      expect(live.received[1]).toMatchObject({ kind: 'MESSAGE_RECEIVED', from: 'alice', messageId: m1.messageId });
      // What B announced, B serves: the message is readable there and verifies.
      const [fetched] = await bob.messages(m1.conversationId);
      expect(bob.verify(fetched!)).toMatchObject({ ok: true });
      const lastSeen = live.received[1]!.position;
      live.dispose();
      await bob.closeSockets();

      const m2 = await alice.send(['alice', 'bob'], 'while away 1', m1.conversationId);
      const m3 = await alice.send(['alice', 'bob'], 'while away 2', m1.conversationId);
      const resumed = collect(await bob.socket(), lastSeen);
      await resumed.until(2);
      const m4 = await alice.send(['alice', 'bob'], 'live again', m1.conversationId);
      await resumed.until(3);
      expect(resumed.received.map((n) => n.messageId)).toEqual([m2.messageId, m3.messageId, m4.messageId]);
      resumed.dispose();
    } finally {
      await bob.closeSockets();
    }
  });
});
