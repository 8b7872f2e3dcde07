/**
 * Links for people without an account (issue 21), played on the wire: the
 * hostile proxy sits between the real SDK (the owner's client, and an
 * opener with no account) and the real server, and lies as a server could.
 * Every case asserts the exact typed refusal, and that the opener gets
 * nothing it should not act on. docs/links.md says why each holds.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  MESSAGE_FILE_NAME,
  PeerlockClient,
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  keyPairFromSecretKey,
  linkStatus,
  openLink,
  openLinkToSink,
  parseLinkUrl,
  randomBytes,
  sha256,
  type KeyPair,
} from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy, type InterceptedRequest, type Rewrite } from '../../src/testing/index.js';
import { TestClock, startTestServer, type TestServer } from '../support/test-server.js';

const refused = (code: string) => expect.objectContaining({ name: 'LinkError', code });
const errorOf = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => 'no error', (error: unknown) => error);

describe('issue 21 on the wire: what a lying server can do to a link and its opener', () => {
  let server: TestServer;
  let proxy: HostileProxy;
  const clock = new TestClock(Date.now());
  const rules: Rewrite[] = [];
  const identities = new Map<string, KeyPair>();
  const clients = new Map<string, PeerlockClient>();
  /** Every request the proxy saw: nothing of a link's secret may be in any. */
  const seen: { path: string; headers: string; body: Buffer }[] = [];
  const content = randomBytes(3 * 1024 * 1024 + 123);
  const other = randomBytes(200_000);
  let fileId = '';
  let otherId = '';

  const client = () => new PeerlockClient({ url: proxy.graphqlUrl, webSocketImpl: WebSocket, now: clock.now });
  const opener = { serverUrl: '' };

  beforeAll(async () => {
    server = await startTestServer('sqlite', {}, clock);
    proxy = await startHostileProxy({ target: server.url });
    opener.serverUrl = proxy.graphqlUrl;
    proxy.onHttp(
      () => true,
      async (request: InterceptedRequest) => {
        seen.push({ path: request.path, headers: JSON.stringify(request.headers), body: Buffer.from(request.body) });
        return undefined;
      },
    );
    for (const username of ['alice', 'bob']) {
      const c = client();
      const identity = keyPairFromSecretKey(randomBytes(32));
      identities.set(username, identity);
      await c.signup({ username, passphrase: '', identity });
      clients.set(username, c);
    }
    const alice = clients.get('alice')!;
    fileId = (await alice.files.upload({ source: [content], size: content.length, name: 'report.pdf' })).fileId;
    otherId = (await alice.files.upload({ source: [other], size: other.length, name: 'other.bin' })).fileId;
  });
  afterEach(() => {
    for (const rule of rules.splice(0)) rule.remove();
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  const alice = () => clients.get('alice')!;
  const aliceId = () => alice().miniLockId;

  it('the honest path: a file and a message open for someone without an account, exactly, with the sender verified', async () => {
    const { url, link } = await alice().links.shareFile(fileId, { maxOpens: 5 });
    expect(link).toMatchObject({ kind: 'file', fileId, openCount: 0, maxOpens: 5, passphrase: false, status: 'active' });
    expect(await linkStatus(url, opener)).toMatchObject({ needsPassphrase: false, status: 'active', kind: 'file' });
    const opened = await openLink(url, opener);
    expect(opened.kind).toBe('file');
    if (opened.kind !== 'file') return;
    expect(opened.name).toBe('report.pdf');
    expect(bytesToHex(sha256(opened.bytes))).toBe(bytesToHex(sha256(content)));
    expect(opened.from).toEqual({ username: 'alice', miniLockId: aliceId(), keyChecked: true });
    expect(opened.link.openCount).toBe(1);

    const message = await alice().links.shareMessage({ text: 'the door code is 4711', subject: 'Door' });
    const read = await openLink(message.url, opener);
    expect(read).toMatchObject({ kind: 'message', text: 'the door code is 4711', subject: 'Door', from: { username: 'alice', miniLockId: aliceId(), keyChecked: true } });
    const listed = await alice().links.list();
    expect(listed.find((l) => l.id === link.id)).toMatchObject({ openCount: 1, status: 'active' });
    expect(listed.find((l) => l.id === message.link.id)).toMatchObject({ kind: 'message', openCount: 1 });
  });

  it('another file served for the link: not-for-this-link, nothing handed out', async () => {
    const { url } = await alice().links.shareFile(fileId);
    const { linkId } = parseLinkUrl(url);
    // What the server holds for alice herself: a whole, valid miniLock file, just not made for this link's key.
    const foreign = await served(`/files/${otherId}`, await alice().authorization());
    rules.push(proxy.onHttp((method, path) => method === 'GET' && path === `/links/${linkId}/file`, () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: foreign })));
    expect(await errorOf(openLink(url, opener))).toEqual(refused('not-for-this-link'));
  });

  it('the link header with another file’s chunks, or cut short: tampered, and a sink gets nothing committed', async () => {
    const { url } = await alice().links.shareFile(fileId);
    const { linkId } = parseLinkUrl(url);
    let whole: Uint8Array = new Uint8Array(0);
    rules.push(
      proxy.onHttp(
        (method, path) => method === 'GET' && path === `/links/${linkId}/file`,
        async (request) => {
          whole = (await request.forward()).body;
          return { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: whole.subarray(0, whole.length - 1000) };
        },
      ),
    );
    const sink = recordingSink();
    expect(await errorOf(openLinkToSink(url, sink, opener))).toEqual(refused('tampered'));
    expect(sink.committed).toBe(false);
    expect(sink.aborted).toBe(true);
    rules.splice(0).forEach((r) => r.remove());

    // The link's own header, then the chunks of alice's other file.
    const linkHeader = headerOf(whole);
    const otherServed = await served(`/files/${otherId}`, await alice().authorization());
    const spliced = Buffer.concat([linkHeader, otherServed.subarray(headerOf(otherServed).length)]);
    rules.push(proxy.onHttp((method, path) => method === 'GET' && path === `/links/${linkId}/file`, () => ({ status: 200, headers: { 'content-type': 'application/octet-stream' }, body: spliced })));
    expect(await errorOf(openLink(url, opener))).toEqual(refused('tampered'));
  });

  it('what the content is comes from the content: a message called a file, a file called a message', async () => {
    const message = await alice().links.shareMessage({ text: 'hello without an account' });
    const file = await alice().links.shareFile(otherId);
    rules.push(proxy.onGraphql('OpenLink', (data) => ({ openLink: { ...data.openLink, kind: data.openLink.kind === 'MESSAGE' ? 'FILE' : 'MESSAGE' } })));
    rules.push(proxy.onGraphql('LinkInfo', (data) => ({ linkInfo: { ...data.linkInfo, kind: data.linkInfo.kind === 'MESSAGE' ? 'FILE' : 'MESSAGE' } })));
    expect(await openLink(message.url, opener)).toMatchObject({ kind: 'message', text: 'hello without an account' });
    const opened = await openLink(file.url, opener);
    expect(opened).toMatchObject({ kind: 'file', name: 'other.bin', size: other.length });
    expect(MESSAGE_FILE_NAME).not.toBe('other.bin');
  });

  it('a server that hides the passphrase flag cannot make the opener skip it: the fragment decides', async () => {
    const { url, link } = await alice().links.shareFile(otherId, { passphrase: 'blue whale' });
    expect(link.passphrase).toBe(true);
    rules.push(proxy.onGraphql('LinkInfo', (data) => ({ linkInfo: { ...data.linkInfo, passphrase: false } })));
    expect((await linkStatus(url, opener)).needsPassphrase).toBe(true);
    const before = seen.length;
    expect(await errorOf(openLink(url, opener))).toEqual(refused('passphrase-required'));
    // Refused before any request: nothing was spent.
    expect(seen.length).toBe(before);
  });

  it('a wrong passphrase is refused by the server without spending an open; the right one opens', async () => {
    const { url, link } = await alice().links.shareFile(otherId, { passphrase: 'blue whale', maxOpens: 1 });
    expect(await errorOf(openLink(url, { ...opener, passphrase: 'blue whales' }))).toEqual(refused('wrong-passphrase'));
    expect((await alice().links.list()).find((l) => l.id === link.id)!.openCount).toBe(0);
    expect(await openLink(url, { ...opener, passphrase: 'blue whale' })).toMatchObject({ kind: 'file', name: 'other.bin' });
    expect(await errorOf(openLink(url, { ...opener, passphrase: 'blue whale' }))).toEqual(refused('exhausted'));
  });

  it('a username the server makes up for the sender is shown as unchecked; the key is the one that made the file', async () => {
    const { url } = await alice().links.shareFile(otherId);
    rules.push(proxy.onGraphql('OpenLink', (data) => ({ openLink: { ...data.openLink, owner: 'bob' } })));
    const opened = await openLink(url, opener);
    expect(opened.from).toEqual({ username: 'bob', miniLockId: aliceId(), keyChecked: false });
  });

  it('revoked at once, expired on time, exhausted when used up: each a typed refusal', async () => {
    const revoked = await alice().links.shareFile(otherId);
    expect((await alice().links.revoke(revoked.link.id)).status).toBe('revoked');
    expect(await errorOf(openLink(revoked.url, opener))).toEqual(refused('revoked'));
    expect((await linkStatus(revoked.url, opener)).status).toBe('revoked');
    // A message link's file goes with the link: out of the owner's sealed index too.
    const note = await alice().links.shareMessage({ text: 'gone soon' });
    expect((await alice().fileIndex().current()).entries[note.link.fileId]).toBeDefined();
    await alice().links.revoke(note.link.id);
    expect((await alice().fileIndex().current()).entries[note.link.fileId]).toBeUndefined();
    expect(await errorOf(openLink(note.url, opener))).toEqual(refused('revoked'));

    const expiring = await alice().links.shareFile(otherId, { expiresInSeconds: 3600 });
    clock.advance(3600_000 + 1);
    expect(await errorOf(openLink(expiring.url, opener))).toEqual(refused('expired'));
    expect((await linkStatus(expiring.url, opener)).status).toBe('expired');

    const once = await alice().links.shareFile(otherId, { maxOpens: 1 });
    await openLink(once.url, opener);
    expect(await errorOf(openLink(once.url, opener))).toEqual(refused('exhausted'));
  });

  it('a link of another server’s id, or one damaged on the way: not-found or malformed, never opened', async () => {
    const { url } = await alice().links.shareFile(otherId);
    const { linkId } = parseLinkUrl(url);
    const unknown = url.replace(linkId, bytesToBase64(randomBytes(16)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
    expect(await errorOf(openLink(unknown, opener))).toEqual(refused('not-found'));
    // One character of the seed changed: the server does not know the access value; with no passphrase that is a damaged link.
    const [front, fragment] = url.split('#');
    const flipped = `${front}#${fragment!.slice(0, -2)}${fragment!.endsWith('AA') ? 'BA' : 'AA'}`;
    expect(await errorOf(openLink(flipped, opener))).toEqual(refused('malformed'));
  });

  it('nothing of a link’s secret ever reached the server: not the fragment, the seed, the key, the access value or the passphrase', async () => {
    const { url } = await alice().links.shareFile(otherId, { passphrase: 'correct horse battery' });
    await openLink(url, { ...opener, passphrase: 'correct horse battery' });
    const { deriveLinkKeys } = await import('@peerlock/sdk');
    const parsed = parseLinkUrl(url);
    const keys = await deriveLinkKeys(parsed, 'correct horse battery');
    const fragment = url.split('#')[1]!;
    const secrets = [fragment, Buffer.from(parsed.seed), Buffer.from(keys.secretKey), 'correct horse battery'];
    const forms = secrets.flatMap((s) => {
      const bytes = typeof s === 'string' ? Buffer.from(s) : s;
      return typeof s === 'string' ? [bytes] : [bytes, Buffer.from(bytes.toString('base64')), Buffer.from(bytes.toString('base64url')), Buffer.from(bytes.toString('hex'))];
    });
    expect(seen.length).toBeGreaterThan(10);
    for (const request of seen) {
      const all = Buffer.concat([Buffer.from(request.path), Buffer.from(request.headers), request.body]);
      for (const form of forms) expect(all.includes(form), `${request.path} carries a secret`).toBe(false);
    }
    // The access value itself is sent (that is its job), but only to open: the server stores its hash.
    expect(seen.some((r) => r.body.includes(Buffer.from(bytesToBase64(keys.access))))).toBe(true);
    expect(base64ToBytes(bytesToBase64(keys.access)).length).toBe(32);
  });

  /** The body the server serves at `path` to `authorization` (straight to the server, not through the proxy's rules). */
  async function served(path: string, authorization: string): Promise<Buffer> {
    const response = await fetch(new URL(path, server.url), { headers: { authorization } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }
});

/** The header at the front of a served .minilock file: magic (8) ‖ length (4, LE) ‖ JSON. */
function headerOf(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset + 8, 4).getUint32(0, true);
  return file.subarray(0, 12 + length);
}

function recordingSink() {
  const sink = {
    committed: false,
    aborted: false,
    written: 0,
    write(piece: Uint8Array) {
      sink.written += piece.length;
    },
    commit() {
      sink.committed = true;
    },
    abort() {
      sink.aborted = true;
    },
  };
  return sink;
}
