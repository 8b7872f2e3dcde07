/**
 * A server killed (SIGKILL, no shutdown) in the middle of an upload: the
 * client's chunk PUTs find nobody, the server comes back on the same port
 * and data directory, the client carries on, and the file it finalizes
 * decrypts to exactly what was uploaded. The blob store shows no partial
 * chunk at any point: every stored chunk has the size the client sent.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToBase64, openDownload, randomBytes, receivedChunks, uploadFile } from '@peerlock/sdk';
import { TestClock } from '../support/test-server.js';
import { MessagingClient } from '../support/messaging-client.js';
import { freePort } from '../blobstore/azurite.js';
import { collectBytes, endpointOf } from './file-client.js';
import { startServerProcess, stopServerProcess, type ServerProcess } from './server-process.js';

const MiB = 1024 * 1024;

describe('upload across a server crash (real process, SIGKILL)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'peerlock-crash-'));
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  const clock = new TestClock(Date.now());
  afterAll(async () => {
    await stopServerProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('resumes after restart with nothing corrupted', async () => {
    const port = await freePort();
    env = {
      PEERLOCK_PORT: String(port),
      PEERLOCK_DATA_DIR: dataDir,
      PEERLOCK_SIGNING_KEY: bytesToBase64(randomBytes(32)),
      PEERLOCK_MAC_KEY: bytesToBase64(randomBytes(32)),
    };
    server = await startServerProcess(env);
    const alice = new MessagingClient(server.url, 'alice', clock);
    await alice.signup();
    // Enough tokens to outlast the outage: a login needs the server.
    for (let i = 0; i < 4; i++) await alice.login();

    const plaintext = randomBytes(12 * MiB + 3);
    let killed = false;
    let restarted: Promise<void> | undefined;
    const uploaded = await uploadFile(endpointOf(alice), {
      source: (async function* () {
        for (let i = 0; i < plaintext.length; i += MiB) yield plaintext.subarray(i, i + MiB);
      })(),
      size: plaintext.length,
      senderSecretKey: alice.identity.secretKey,
      recipients: [alice.miniLockId],
      concurrency: 4,
      onProgress: (p) => {
        if (killed || p.chunksSent < 4) return;
        killed = true;
        // Killed with chunks still in flight; back up after the client has met a dead port.
        server!.child.kill('SIGKILL');
        restarted = server!.exited.then(async () => {
          expect(await server!.exited).toBe('SIGKILL');
          await new Promise((r) => setTimeout(r, 300));
          server = await startServerProcess(env);
        });
      },
    });
    await restarted;
    expect(killed).toBe(true);
    expect(uploaded.chunkCount).toBe(14);

    const opened = await openDownload(endpointOf(alice), { fileId: uploaded.fileId, secretKey: alice.identity.secretKey });
    expect(Buffer.from(await collectBytes(opened.plaintext)).equals(plaintext)).toBe(true);
    const chunkDir = join(dataDir, 'blobs', 'files', uploaded.fileId, 'chunks');
    expect(readdirSync(chunkDir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 60_000);

  it('a chunk cut off mid-body by the crash is not there after restart; acknowledged ones are, whole', async () => {
    const bob = new MessagingClient(server!.url, 'bob', clock);
    await bob.signup();
    for (let i = 0; i < 2; i++) await bob.login();
    const sizes = [300, MiB + 20, MiB + 20, 700];
    const started = (
      await bob.ok<{ startFileUpload: { fileId: string; chunkPath: string } }>('mutation($c: Int!, $b: ByteCount!) { startFileUpload(chunkCount: $c, ciphertextBytes: $b) { fileId chunkPath } }', {
        c: 4,
        b: sizes.reduce((a, b) => a + b, 0),
      })
    ).startFileUpload;
    for (const i of [0, 1]) {
      const res = await fetch(new URL(`${started.chunkPath}/${i}`, server!.url), { method: 'PUT', headers: { authorization: bob.takeHeader() }, body: randomBytes(sizes[i]!) as Uint8Array<ArrayBuffer> });
      expect(res.status).toBe(204);
    }
    // Chunk 2: half its body sent, then the server dies.
    const url = new URL(`${started.chunkPath}/2`, server!.url);
    const put = request({ method: 'PUT', host: url.hostname, port: url.port, path: url.pathname, headers: { authorization: bob.takeHeader(), 'content-length': String(sizes[2]) } });
    put.on('error', () => {});
    put.write(randomBytes(sizes[2]! / 2));
    await new Promise((r) => setTimeout(r, 300));
    await stopServerProcess(server, 'SIGKILL');
    put.destroy();
    server = await startServerProcess(env);
    expect(await receivedChunks(endpointOf(bob), started.fileId)).toEqual({
      chunkCount: 4,
      received: [
        { index: 0, bytes: 300 },
        { index: 1, bytes: MiB + 20 },
      ],
    });
    expect(readdirSync(join(dataDir, 'blobs', 'files', started.fileId, 'chunks'))).toEqual(['0000000', '0000001']);
  }, 60_000);
});
