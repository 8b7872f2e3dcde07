/**
 * File transfers when the server's storage is briefly away or the server
 * cannot be reached (issue 14), played on the wire by the hostile proxy:
 * a chunk PUT or a download answered UNAVAILABLE with a short Retry-After is
 * sent once more after it (a chunk PUT replaces the chunk whole, a GET
 * changes nothing); a second UNAVAILABLE, or a long wait, reaches the caller
 * as FileTransferError('UNAVAILABLE') with the wait; and no answer at all is
 * a PeerlockNetworkError (NETWORK), not a bare `TypeError: fetch failed`.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { FileTransferError, PeerlockClient, PeerlockNetworkError, concatBytes, keyPairFromSecretKey, randomBytes } from '@peerlock/sdk';
import { startHostileProxy, type ForgedResponse, type HostileProxy, type Rewrite } from '../../src/testing/index.js';
import { unavailable } from '../support/forged-responses.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

const MiB = 1024 * 1024;

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p.slice());
  return concatBytes(...parts);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

describe('file transfers under UNAVAILABLE and without a server', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  let alice: PeerlockClient;
  const rules: Rewrite[] = [];
  const content = randomBytes(2 * MiB + 123);

  /** Answers the requests `match` picks in turn with `plan`; later ones pass. */
  function answer(match: (method: string, path: string) => boolean, ...plan: ForgedResponse[]): { seen: () => number } {
    let seen = 0;
    rules.push(proxy.onHttp(match, () => plan[seen++]));
    return { seen: () => seen };
  }
  const chunkPut = (index: number) => (method: string, path: string) => method === 'PUT' && new RegExp(`^/files/[^/]+/chunks/${index}$`).test(path);
  const download = (method: string, path: string) => method === 'GET' && /^\/files\/[A-Za-z0-9_-]{22}$/.test(path);

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    proxy = await startHostileProxy({ target: server.url });
    alice = new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket, now: server.clock.now });
    await alice.signup({ username: 'alice', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
  });
  afterEach(() => {
    for (const rule of rules.splice(0)) rule.remove();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  it('a chunk PUT answered UNAVAILABLE (Retry-After: 1) is sent once more, and the file arrives whole', async () => {
    const put = answer(chunkPut(1), unavailable(1));
    const uploaded = await alice.files.upload({ source: [content], size: content.length, name: 'busy.bin' });
    expect(put.seen()).toBe(2);
    expect(rules[0]!.count).toBe(1);
    const file = await alice.files.stream(uploaded.fileId);
    expect(Buffer.from(await collect(file.plaintext)).equals(Buffer.from(content))).toBe(true);
  });

  it('a download answered UNAVAILABLE once is fetched again; twice, it is FileTransferError UNAVAILABLE with the wait', async () => {
    const uploaded = await alice.files.upload({ source: [content], size: content.length, name: 'down.bin' });
    const once = answer(download, unavailable(1));
    const file = await alice.files.stream(uploaded.fileId);
    expect(Buffer.from(await collect(file.plaintext)).equals(Buffer.from(content))).toBe(true);
    expect(once.seen()).toBe(2);
    for (const rule of rules.splice(0)) rule.remove();

    const twice = answer(download, unavailable(1), unavailable(1));
    const error = await alice.files.stream(uploaded.fileId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileTransferError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', status: 503, retryAfterSeconds: 1 });
    expect(twice.seen()).toBe(2);
  });

  it('a long Retry-After (a full disk) is not waited out: thrown at once', async () => {
    const put = answer(chunkPut(0), unavailable(30));
    const error = await alice.files.upload({ source: [content], size: content.length, name: 'full.bin' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileTransferError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE', retryAfterSeconds: 30 });
    expect(put.seen()).toBe(1);
  });

  it('no server at all: NETWORK for an upload and a download, never a bare fetch TypeError', async () => {
    const uploaded = await alice.files.upload({ source: [content], size: content.length, name: 'gone.bin' });
    const gone = new PeerlockClient({ url: `http://127.0.0.1:${await closedPort()}/graphql`, webSocketImpl: WebSocket, now: server.clock.now });
    gone.resume(alice.exportSession());
    // The session's unspent tokens travel with it, so the first request really is sent (and refused by the network).
    for (const attempt of [() => gone.files.upload({ source: [content], size: content.length, name: 'x.bin' }), () => gone.files.stream(uploaded.fileId)]) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PeerlockNetworkError);
      expect(error).toMatchObject({ code: 'NETWORK' });
    }
  });
});
