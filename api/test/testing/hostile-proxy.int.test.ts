/**
 * The hostile proxy (src/testing/hostile-proxy.ts) between the SDK and a real
 * server: untouched traffic is identical to talking to the server directly;
 * each kind of rule changes exactly what it says, counts only real changes,
 * and stops when removed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { PeerlockClient, bytesToUtf8, concatBytes, keyPairFromSecretKey, randomBytes, utf8ToBytes, type PeerlockNotification } from '@peerlock/sdk';
import { startHostileProxy, type GraphqlRewriteContext, type HostileProxy } from '../../src/testing/index.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { post, postRaw } from '../support/graphql-client.js';

const SERVER_KEYS = 'query ServerKeys { serverKeys { signingPublicKey } }';

/** The test server's clock stands still at a fixed date: the SDK must use it too (server key validity, token expiry). */
let now: () => number = Date.now;

async function signedUp(url: string, username: string): Promise<PeerlockClient> {
  const client = new PeerlockClient({ url, webSocketImpl: WebSocket, now });
  await client.signup({ username, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
  return client;
}

/** The same account talking to `url` (a second device: the SDK retries tokens both spend). */
function sameAccount(client: PeerlockClient, url: string): PeerlockClient {
  const other = new PeerlockClient({ url, webSocketImpl: WebSocket, now });
  other.resume(client.exportSession());
  return other;
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of source) parts.push(p.slice());
  return concatBytes(...parts);
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('hostile proxy', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  let webRoot: string;
  // Alice shares a file with Bob, through the proxy.
  let alice: PeerlockClient;
  let bob: PeerlockClient;
  let fileId = '';
  const content = utf8ToBytes('a file through the proxy\n'.repeat(120_000)); // ~3 MiB: several chunks

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'peerlock-proxy-web-'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Peerlock</title>');
    server = await startTestServer('sqlite', { PEERLOCK_WEB_ROOT: webRoot });
    now = server.clock.now;
    proxy = await startHostileProxy({ target: server.url });
    alice = await signedUp(proxy.graphqlUrl, 'alice');
    bob = await signedUp(proxy.graphqlUrl, 'bob');
    await alice.requestContact('bob');
    await bob.acceptContact('alice');
    const uploaded = await alice.files.upload({ source: [content], size: content.length, name: 'proxied.txt' });
    expect(uploaded.chunkCount).toBeGreaterThan(1);
    await alice.files.share(uploaded.fileId, uploaded.fileInfo, ['bob']);
    fileId = uploaded.fileId;
  });
  afterEach(() => {
    proxy.removeAll();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  /** The raw .minilock bytes the server serves Bob, through `base`. */
  const download = async (base: string, id = fileId) => {
    const res = await fetch(new URL(`/files/${id}`, base), { headers: { authorization: await bob.authorization() } });
    return { status: res.status, length: res.headers.get('content-length'), body: new Uint8Array(await res.arrayBuffer()) };
  };

  describe('passes everything through untouched', () => {
    it('answers GraphQL as the server does', async () => {
      expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(proxy.graphqlUrl).toBe(`${proxy.url}/graphql`);
      const [direct, proxied] = await Promise.all([post(server.url, SERVER_KEYS), post(proxy.graphqlUrl, SERVER_KEYS)]);
      expect(proxied.status).toBe(direct.status);
      expect(proxied.data).toEqual(direct.data);
      expect(proxied.headers.get('content-type')).toBe(direct.headers.get('content-type'));

      const bobDirect = sameAccount(bob, server.url);
      expect(await bob.contacts()).toEqual(await bobDirect.contacts());
      expect(await bob.files.list()).toEqual(await bobDirect.files.list());
    });

    it('uploads and downloads files byte for byte, refusals included', async () => {
      const direct = await download(server.url);
      const proxied = await download(proxy.url);
      expect(proxied.status).toBe(200);
      expect(proxied.length).toBe(direct.length);
      expect(Buffer.compare(proxied.body, direct.body)).toBe(0);

      // Shared outside any message: bob downloads it by id only once he accepts alice as its sender (DESIGN §5, T11).
      const stream = await bob.files.stream(fileId, { acceptSender: alice.miniLockId });
      expect(stream.fileName).toBe('proxied.txt');
      expect(bytesToUtf8(await readAll(stream.plaintext))).toBe(bytesToUtf8(content));

      const refused = await fetch(`${proxy.url}/files/${fileId}`);
      expect(refused.status).toBe(401);
      expect(((await refused.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    });

    it('serves the web client, its CSP naming the origin the browser sees (the proxy)', async () => {
      const [direct, proxied] = await Promise.all([fetch(`${server.url.replace(/\/graphql$/, '')}/`), fetch(`${proxy.url}/`)]);
      expect(proxied.status).toBe(200);
      expect(await proxied.text()).toBe(await direct.text());
      expect(proxied.headers.get('content-length')).toBe(direct.headers.get('content-length'));
      expect(proxied.headers.get('content-security-policy')).toContain(`ws://${new URL(proxy.url).host}`);
      expect(proxy.rewrites).toBe(0);
    });

    it('relays the graphql-ws subprotocol and the server closing code', async () => {
      const closed = await new Promise<{ protocol: string; code: number; reason: string }>((resolve, reject) => {
        const ws = new WebSocket(proxy.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws');
        ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Peerlock nobody AAAA' } })));
        ws.on('close', (code, reason) => resolve({ protocol: ws.protocol, code, reason: reason.toString() }));
        ws.on('error', reject);
      });
      expect(closed).toEqual({ protocol: 'graphql-transport-ws', code: 4403, reason: 'Forbidden' });
    });
  });

  describe('onGraphql', () => {
    it('rewrites an HTTP result and counts it; identical data counts nothing; remove() stops it', async () => {
      const before = proxy.rewrites;
      const direct = (await post<{ serverKeys: { signingPublicKey: string } }>(server.url, SERVER_KEYS)).data!;
      const seen: GraphqlRewriteContext[] = [];
      const lie = proxy.onGraphql('ServerKeys', (data: { serverKeys: { signingPublicKey: string } }, context) => {
        seen.push(context);
        data.serverKeys.signingPublicKey = 'mallory';
        return data;
      });
      const same = proxy.onGraphql('ServerKeys', (data) => data);
      const untouched = proxy.onGraphql('ServerKeys', () => undefined);

      const lied = await post(proxy.graphqlUrl, SERVER_KEYS, { unused: 1 });
      expect(lied.data).toEqual({ serverKeys: { signingPublicKey: 'mallory' } });
      expect(Number(lied.headers.get('content-length'))).toBe(JSON.stringify({ data: lied.data }).length);
      expect(seen).toEqual([{ variables: { unused: 1 }, transport: 'http' }]);
      expect(lie.count).toBe(1);
      expect(same.count).toBe(0);
      expect(untouched.count).toBe(0);
      expect(proxy.rewrites).toBe(before + 1);

      lie.remove();
      expect((await post(proxy.graphqlUrl, SERVER_KEYS)).data).toEqual(direct);
      expect(lie.count).toBe(1);
      same.remove();
      untouched.remove();
    });

    it('matches the body operationName first, GET queries, and anonymous operations by their first root field', async () => {
      const rule = proxy.onGraphql('ServerKeys', () => ({ serverKeys: { signingPublicKey: 'named' } }));
      const chosen = await postRaw(proxy.graphqlUrl, JSON.stringify({ query: `query Other { serverKeys { signingPublicKey } } ${SERVER_KEYS}`, operationName: 'ServerKeys' }));
      expect(chosen.data).toEqual({ serverKeys: { signingPublicKey: 'named' } });
      const other = await postRaw(proxy.graphqlUrl, JSON.stringify({ query: `query Other { serverKeys { signingPublicKey } } ${SERVER_KEYS}`, operationName: 'Other' }));
      expect(other.data).not.toEqual({ serverKeys: { signingPublicKey: 'named' } });
      const viaGet = await fetch(`${proxy.graphqlUrl}?query=${encodeURIComponent(SERVER_KEYS)}`, { headers: { accept: 'application/json' } });
      expect(((await viaGet.json()) as { data: unknown }).data).toEqual({ serverKeys: { signingPublicKey: 'named' } });
      expect(rule.count).toBe(2);
      rule.remove();

      const anonymous = proxy.onGraphql('serverKeys', () => ({ serverKeys: { signingPublicKey: 'anonymous' } }));
      expect((await post(proxy.graphqlUrl, '{ serverKeys { signingPublicKey } }')).data).toEqual({ serverKeys: { signingPublicKey: 'anonymous' } });
      expect((await post(proxy.graphqlUrl, SERVER_KEYS)).data).not.toEqual({ serverKeys: { signingPublicKey: 'anonymous' } });
      expect(anonymous.count).toBe(1);
      anonymous.remove();
    });

    it('leaves errors (data null) alone, so token retries keep working', async () => {
      const rule = proxy.onGraphql('Contacts', () => ({ contacts: 'never' }));
      const res = await post(proxy.graphqlUrl, 'query Contacts { contacts { contacts } }');
      expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(rule.count).toBe(0);
      rule.remove();
    });

    it('removeAll drops every rule at once (GraphQL, file and HTTP rules); what they changed stays counted', async () => {
      const rule = proxy.onGraphql('Contacts', (data: { contacts: { contacts: string[] } }) => ({ contacts: { ...data.contacts, contacts: ['mallory'] } }));
      proxy.onFileDownload('*', () => new Uint8Array(1));
      proxy.onHttp(() => true, () => ({ status: 418, headers: {}, body: '' }));
      const before = proxy.rewrites;
      proxy.removeAll();
      expect((await bob.contacts()).contacts).toEqual(['alice']);
      expect(rule.count).toBe(0);
      expect(proxy.rewrites).toBe(before);
    });

    it('rewrites the SDK’s requests, which carry no operationName (the name comes from the document)', async () => {
      const rule = proxy.onGraphql('Contacts', (data: { contacts: { contacts: string[] } }) => ({ contacts: { ...data.contacts, contacts: ['mallory'] } }));
      expect((await bob.contacts()).contacts).toEqual(['mallory']);
      expect(rule.count).toBe(1);
      rule.remove();
      expect((await bob.contacts()).contacts).toEqual(['alice']);
    });

    it('rewrites graphql-ws `next` messages of a subscription', async () => {
      const carol = await signedUp(proxy.graphqlUrl, 'carol');
      const dave = await signedUp(proxy.graphqlUrl, 'dave');
      await dave.requestContact('carol');
      const contexts: GraphqlRewriteContext[] = [];
      const rule = proxy.onGraphql('Notifications', (data: { notifications: PeerlockNotification }, context) => {
        contexts.push(context);
        return { notifications: { ...data.notifications, from: 'mallory' } };
      });
      const seen: PeerlockNotification[] = [];
      // From position 0: the contact request is replayed, no race with going live.
      const stream = carol.notifications({ after: '0', onNotification: (n) => void seen.push(n), onError: () => false });
      try {
        await until(() => seen.length > 0);
      } finally {
        await stream.close();
      }
      expect(seen[0]).toMatchObject({ kind: 'CONTACT_REQUEST', from: 'mallory' });
      expect(contexts[0]).toEqual({ variables: { after: '0' }, transport: 'ws' });
      expect(rule.count).toBeGreaterThan(0);
      rule.remove();
    });
  });

  describe('onFileDownload', () => {
    it('swaps the served bytes with a right content-length, counting only changes', async () => {
      const original = await download(proxy.url);
      const extra = new Uint8Array([1, 2, 3]);
      const swap = proxy.onFileDownload(fileId, (served, id) => {
        expect(id).toBe(fileId);
        return concatBytes(served, extra);
      });
      const same = proxy.onFileDownload('*', (served) => served);
      const swapped = await download(proxy.url);
      expect(swapped.status).toBe(200);
      expect(swapped.body.length).toBe(original.body.length + 3);
      expect(swapped.length).toBe(String(original.body.length + 3));
      expect(Buffer.compare(swapped.body, concatBytes(original.body, extra))).toBe(0);
      expect(swap.count).toBe(1);
      expect(same.count).toBe(0);

      // A refusal is not a download: not rewritten.
      expect((await fetch(`${proxy.url}/files/${fileId}`)).status).toBe(401);
      expect(swap.count).toBe(1);
      swap.remove();
      same.remove();
      expect(Buffer.compare((await download(proxy.url)).body, original.body)).toBe(0);
    });

    it('a flipped byte is caught by the SDK', async () => {
      const flip = proxy.onFileDownload('*', (served) => {
        const out = served.slice();
        out[out.length - 100]! ^= 1;
        return out;
      });
      await expect(bob.files.stream(fileId, { acceptSender: alice.miniLockId }).then((s) => readAll(s.plaintext))).rejects.toMatchObject({ code: 'DECRYPTION_FAILED' });
      expect(flip.count).toBeGreaterThan(0);
      flip.remove();
    });
  });

  describe('onHttp', () => {
    it('answers a request itself, or sees it and lets it through', async () => {
      const teapot = proxy.onHttp((method, path) => method === 'GET' && path === '/teapot', () => ({ status: 418, headers: { 'content-type': 'text/plain' }, body: 'short and stout' }));
      const res = await fetch(`${proxy.url}/teapot`);
      expect(res.status).toBe(418);
      expect(await res.text()).toBe('short and stout');
      expect(res.headers.get('content-length')).toBe('15');
      expect(teapot.count).toBe(1);
      teapot.remove();

      const bodies: string[] = [];
      const watch = proxy.onHttp(
        (method, path) => method === 'POST' && path === '/graphql',
        (request) => {
          bodies.push(bytesToUtf8(request.body));
          return undefined;
        },
      );
      expect((await post(proxy.graphqlUrl, SERVER_KEYS)).data).toEqual((await post(server.url, SERVER_KEYS)).data);
      expect(bodies).toEqual([JSON.stringify({ query: SERVER_KEYS, variables: {} })]);
      expect(watch.count).toBe(0);
      watch.remove();
    });
  });

  it('refuses a target off loopback', async () => {
    await expect(startHostileProxy({ target: 'http://example.com' })).rejects.toThrow(/loopback/);
  });
});

/**
 * Against a bare server, where each step waits for the other side: a proxy
 * that buffered a body or held a frame would deadlock these tests.
 */
describe('hostile proxy streaming', () => {
  let target: Server;
  let sockets: WebSocketServer;
  let proxy: HostileProxy;
  let release: () => void = () => undefined;
  let uploaded = '';
  const closes: { code: number; reason: string }[] = [];

  beforeAll(async () => {
    target = createServer((req, res) => {
      if (req.url === '/stream') {
        // Chunked (no content-length); the second piece only once the client has read the first.
        res.writeHead(200, [['content-type', 'text/plain'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-custom', 'kept']].flat());
        res.write('first;');
        new Promise<void>((r) => (release = r)).then(() => res.end('second'), () => undefined);
      } else if (req.url === '/truncated') {
        res.writeHead(200, { 'content-length': '100' });
        res.write('only part', () => setTimeout(() => res.destroy(), 20));
      } else if (req.url === '/upload') {
        req.setEncoding('utf8');
        req.on('data', (piece: string) => (uploaded += piece));
        req.on('end', () => res.writeHead(204).end());
      } else {
        res.writeHead(404).end();
      }
    });
    sockets = new WebSocketServer({ server: target, path: '/ws' });
    sockets.on('connection', (ws) => {
      ws.send(Buffer.from([0, 1, 2]), { binary: true });
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('close', (code, reason) => void closes.push({ code, reason: reason.toString() }));
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    proxy = await startHostileProxy({ target: `http://127.0.0.1:${(target.address() as AddressInfo).port}` });
  });
  afterAll(async () => {
    await proxy?.close();
    sockets?.close();
    await new Promise<void>((r) => target.close(() => r()));
  });

  it('streams a chunked response as it comes, headers as they were', async () => {
    const res = await fetch(`${proxy.url}/stream`);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(res.headers.get('x-custom')).toBe('kept');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) text += decoder.decode(r.value);
    expect(text).toBe('first;second');
  });

  it('streams an upload as it comes', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${proxy.url}/upload`, { method: 'PUT' }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.write('x'.repeat(1000));
      // Only once the server has the first piece (a buffering proxy would still hold it).
      void until(() => uploaded.length > 0).then(() => req.end('y'.repeat(1000)), reject);
    });
    expect(status).toBe(204);
    expect(uploaded).toBe('x'.repeat(1000) + 'y'.repeat(1000));
  });

  it('cuts a response short when the server does', async () => {
    const res = await fetch(`${proxy.url}/truncated`);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('relays WebSocket frames both ways (binary stays binary) and the client closing code', async () => {
    const ws = new WebSocket(`${proxy.url.replace(/^http/, 'ws')}/ws`);
    const received: { data: string; isBinary: boolean }[] = [];
    ws.on('message', (data, isBinary) => void received.push({ data: Buffer.from(data as Buffer).toString('hex'), isBinary }));
    await new Promise((r) => ws.once('open', r));
    ws.send('hello');
    await until(() => received.length === 2);
    expect(received).toEqual([
      { data: '000102', isBinary: true },
      { data: Buffer.from('hello').toString('hex'), isBinary: false },
    ]);
    ws.close(4000, 'bye');
    await until(() => closes.length === 1);
    expect(closes).toEqual([{ code: 4000, reason: 'bye' }]);
  });

  it('relays a refused upgrade as the server answered it', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${proxy.url.replace(/^http/, 'ws')}/elsewhere`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => reject(new Error('accepted')));
    });
    expect(status).toBe(400);
  });
});
