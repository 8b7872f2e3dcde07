/**
 * Attachments under a disappearing-messages timer (issue 20) over real HTTP,
 * on the server's controllable clock: a share with `expiresInSeconds` ends
 * its recipients' access at share time + the timer (server time), before the
 * sweep records it as after; `saveFile` keeps a holder's access;
 * `destroyWithShare` ends the owner's too and, once nobody holds the file,
 * the sweep deletes its blobs and releases the quota. Then the same through
 * the real client (`client.files.share(…, { expiresIn })`, `client.files.save`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileStreamName } from '@peerlock/schema';
import { PeerlockClient, keyPairFromSecretKey, randomBytes, shareFile, uploadFile, utf8ToBytes, type PlaintextSink, type ShareTimer, type UploadedFile } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { FILES, QUOTA, endpointOf, pieces, rawFile } from './file-client.js';

const MIN5 = 300_000;
const SAVE = 'mutation($id: String!) { saveFile(fileId: $id) { id owner sharedWith } }';
const REMOVE = 'mutation($id: String!) { removeFile(fileId: $id) { deleted } }';

describe.each(BACKENDS)('file shares under a timer (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;
  const ids = new Map<string, string>();

  const upload = (client: MessagingClient, size = 5000) => {
    const plaintext = randomBytes(size);
    return uploadFile(endpointOf(client), { source: pieces(plaintext), size, fileName: 'only-for-this-message.pdf', senderSecretKey: client.identity.secretKey, recipients: [client.miniLockId] });
  };
  const share = (file: UploadedFile, to: string[], timer: ShareTimer = {}, by = alice) =>
    shareFile(endpointOf(by), { fileId: file.fileId, source: file.fileInfo, secretKey: by.identity.secretKey, recipients: to.map((username) => ({ username, miniLockId: ids.get(username)! })), ...timer });
  const get = async (client: MessagingClient, fileId: string) => {
    const res = await rawFile(client, 'GET', `/files/${fileId}`);
    return res.status === 200 ? 200 : res.code;
  };
  const listed = async (client: MessagingClient) => (await client.ok<{ files: { edges: { node: { id: string; sharedWith: string[] } }[] } }>(FILES, { first: 100 })).files.edges.map((e) => e.node);
  const blobKeys = async (fileId: string) => (await server.app.services.blobs.list(`files/${fileId}/`)).map((b) => b.key);
  const quota = async (client: MessagingClient) => (await client.ok<{ fileQuota: { usedBytes: number } }>(QUOTA)).fileQuota.usedBytes;
  const eventsOf = async (fileId: string, type: string) =>
    (await server.app.services.eventStore.readStream(fileStreamName('alice'))).filter((e) => e.type === type && (e.data as { fileId: string }).fileId === fileId).map((e) => e.data);
  /** Moves the server's clock; tokens live ten minutes, so the test clients get fresh ones. */
  const advance = (ms: number) => {
    server.clock.advance(ms);
    for (const c of [alice, bob, carol]) c.tokens = [];
  };

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_FILE_QUOTA_BYTES: String(8 * 1024 * 1024) });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    for (const c of [alice, bob, carol]) {
      await c.signup();
      await c.login();
    }
    for (const other of [bob, carol]) {
      expectOk(await alice.contact('requestContact', other.username));
      expectOk(await other.contact('acceptContact', 'alice'));
    }
    expectOk(await bob.contact('requestContact', 'carol'));
    expectOk(await carol.contact('acceptContact', 'bob'));
    for (const u of ['bob', 'carol']) ids.set(u, await alice.pin(u));
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) await c?.closeSockets();
    await server?.close();
  });

  it('a recipient downloads until share time + 300 s, not from then on, before the sweep as after it; the owner keeps the file', async () => {
    const file = await upload(alice);
    await share(file, ['bob'], { expiresIn: 300 });
    expect(await eventsOf(file.fileId, 'FileShared')).toEqual([
      { fileId: file.fileId, owner: 'alice', by: 'alice', recipients: ['bob'], headerBytes: expect.any(Number), expiresAt: new Date(server.clock.now() + MIN5).toISOString() },
    ]);
    expect(await get(bob, file.fileId)).toBe(200);
    expect((await listed(bob)).map((f) => f.id)).toContain(file.fileId);

    advance(MIN5 - 1);
    expect(await get(bob, file.fileId)).toBe(200);
    advance(1);
    // The sweep has not run: the read checks the time itself.
    expect(await get(bob, file.fileId)).toBe('FORBIDDEN');
    expect((await listed(bob)).map((f) => f.id)).not.toContain(file.fileId);
    expect((await listed(alice)).find((f) => f.id === file.fileId)!.sharedWith).toEqual([]);
    // Too late to save it.
    expectCode(await bob.request(SAVE, { id: file.fileId }), 'FORBIDDEN');
    expect(await eventsOf(file.fileId, 'FileAccessRemoved')).toEqual([]);

    expect(await server.app.services.files.expireAccess(server.clock.now())).toBe(1);
    expect(await eventsOf(file.fileId, 'FileAccessRemoved')).toEqual([{ fileId: file.fileId, owner: 'alice', username: 'bob' }]);
    // A second sweep (another node, a restart) finds nothing to do.
    expect(await server.app.services.files.expireAccess(server.clock.now())).toBe(0);
    expect(await get(bob, file.fileId)).toBe('FORBIDDEN');
    expect(await get(alice, file.fileId)).toBe(200);
    expect((await blobKeys(file.fileId)).length).toBeGreaterThan(0);
    // Shared again without a timer: bob holds it again, for good.
    await share(file, ['bob']);
    advance(10 * MIN5);
    expect(await get(bob, file.fileId)).toBe(200);
  });

  it('a recipient who saved keeps the file past the timer; saving again is no new event; the others lose it', async () => {
    const file = await upload(alice);
    await share(file, ['bob', 'carol'], { expiresIn: 300 });
    const saved = expectOk(await bob.request<{ saveFile: { id: string; owner: string; sharedWith: string[] } }>(SAVE, { id: file.fileId }));
    expect(saved.saveFile).toEqual({ id: file.fileId, owner: 'alice', sharedWith: [] });
    expectOk(await bob.request(SAVE, { id: file.fileId }));
    expect(await eventsOf(file.fileId, 'FileSaved')).toEqual([{ fileId: file.fileId, owner: 'alice', username: 'bob' }]);

    advance(MIN5);
    expect(await get(bob, file.fileId)).toBe(200);
    expect(await get(carol, file.fileId)).toBe('FORBIDDEN');
    expect(await server.app.services.files.expireDue(server.clock.now())).toBe(1);
    expect((await listed(alice)).find((f) => f.id === file.fileId)!.sharedWith).toEqual(['bob']);
    advance(100 * MIN5);
    expect(await server.app.services.files.expireDue(server.clock.now())).toBe(0);
    expect(await get(bob, file.fileId)).toBe(200);
    // Bob passes it on under a timer of his own: carol holds it for an hour.
    await share(file, ['carol'], { expiresIn: 3600 }, bob);
    expect(await get(carol, file.fileId)).toBe(200);
    advance(3600_000);
    expect(await get(carol, file.fileId)).toBe('FORBIDDEN');
    expect(await server.app.services.files.expireDue(server.clock.now())).toBe(1);
  });

  it('destroyWithShare: at the timer nobody holds the file; the sweep deletes its blobs and releases the quota', async () => {
    const before = await quota(alice);
    const file = await upload(alice);
    await share(file, ['bob'], { expiresIn: 300, destroyWithShare: true });
    expect((await eventsOf(file.fileId, 'FileShared'))[0]).toMatchObject({ expiresAt: new Date(server.clock.now() + MIN5).toISOString(), destroyWithShare: true });
    expect(await get(alice, file.fileId)).toBe(200);
    expect(await get(bob, file.fileId)).toBe(200);
    expect(await quota(alice)).toBe(before + file.ciphertextBytes);

    advance(MIN5);
    // Gone for both before the sweep, as it will be after it.
    expect(await get(alice, file.fileId)).toBe('NOT_FOUND');
    expect(await get(bob, file.fileId)).toBe('NOT_FOUND');
    expectCode(await alice.request(SAVE, { id: file.fileId }), 'NOT_FOUND');
    expect((await listed(alice)).map((f) => f.id)).not.toContain(file.fileId);
    expect((await blobKeys(file.fileId)).length).toBeGreaterThan(0);

    // Two sweeps at once (as every node runs one): the access ends once, the blobs go.
    const [one, two] = await Promise.all([server.app.services.files.expireAccess(server.clock.now()), server.app.services.files.expireAccess(server.clock.now())]);
    expect(one + two).toBe(2);
    expect(await blobKeys(file.fileId)).toEqual([]);
    expect(await quota(alice)).toBe(before);
    expect(await eventsOf(file.fileId, 'FileAccessRemoved')).toEqual([
      { fileId: file.fileId, owner: 'alice', username: 'alice' },
      { fileId: file.fileId, owner: 'alice', username: 'bob' },
    ]);
    expect(await eventsOf(file.fileId, 'FileDeleted')).toEqual([{ fileId: file.fileId, owner: 'alice', holders: [], ciphertextBytes: file.ciphertextBytes, destroyed: false }]);
    for (const c of [alice, bob]) expect(await get(c, file.fileId)).toBe('NOT_FOUND');
    expectCode(await bob.request(SAVE, { id: file.fileId }), 'NOT_FOUND');
  });

  it('destroyWithShare: an owner who saved keeps the file (and its blobs); the recipient loses it', async () => {
    const file = await upload(alice);
    await share(file, ['bob'], { expiresIn: 300, destroyWithShare: true });
    expectOk(await alice.request(SAVE, { id: file.fileId }));
    advance(MIN5);
    expect(await get(alice, file.fileId)).toBe(200);
    expect(await get(bob, file.fileId)).toBe('FORBIDDEN');
    expect(await server.app.services.files.expireAccess(server.clock.now())).toBe(1);
    expect((await blobKeys(file.fileId)).length).toBeGreaterThan(0);

    // A recipient who saved keeps it alone; the blobs stay for them, the owner still pays.
    const second = await upload(alice);
    await share(second, ['bob'], { expiresIn: 300, destroyWithShare: true });
    expectOk(await bob.request(SAVE, { id: second.fileId }));
    advance(MIN5);
    expect(await server.app.services.files.expireAccess(server.clock.now())).toBe(1);
    expect(await get(alice, second.fileId)).toBe('FORBIDDEN');
    expect(await get(bob, second.fileId)).toBe(200);
    // The last holder removing it: then it goes.
    expect(expectOk(await bob.request<{ removeFile: { deleted: boolean } }>(REMOVE, { id: second.fileId })).removeFile.deleted).toBe(true);
    expect(await blobKeys(second.fileId)).toEqual([]);
  });

  it('refuses bad timers, destroyWithShare without one or from a recipient, and saves by non-holders, with exact codes; a refused share stores no header', async () => {
    const file = await upload(alice);
    const headers = async () => (await blobKeys(file.fileId)).filter((k) => k.includes('/headers/'));
    const stored = await headers();
    for (const seconds of [1, 60, 299, 301, -300, 5_000_000]) {
      await expect(share(file, ['bob'], { expiresIn: seconds as never })).rejects.toMatchObject({ code: 'BAD_INPUT', field: 'expiresInSeconds' });
    }
    await expect(share(file, ['bob'], { destroyWithShare: true })).rejects.toMatchObject({ code: 'BAD_INPUT', field: 'destroyWithShare' });
    await expect(share(file, ['bob'], { expiresIn: 0, destroyWithShare: true })).rejects.toMatchObject({ code: 'BAD_INPUT', field: 'destroyWithShare' });
    expect(await headers()).toEqual(stored);
    // A GraphQL Int of another shape is refused by GraphQL itself.
    const raw = 'mutation($id: String!, $r: [String!]!, $h: String!, $s: Int, $d: Boolean) { shareFile(fileId: $id, recipients: $r, header: $h, expiresInSeconds: $s, destroyWithShare: $d) { id } }';
    expectCode(await alice.request(raw, { id: file.fileId, r: ['bob'], h: 'AAAA', s: 2.5 }), 'BAD_INPUT');
    // Explicit nulls are the defaults: a share without end.
    const ok = await share(file, ['bob']);
    expect(ok.fileId).toBe(file.fileId);
    expectOk(await alice.request(raw, { id: file.fileId, r: ['carol'], h: Buffer.from(ok.headerBytes).toString('base64'), s: null, d: null }));
    expect((await eventsOf(file.fileId, 'FileShared')).at(-1)).toEqual({ fileId: file.fileId, owner: 'alice', by: 'alice', recipients: ['carol'], headerBytes: ok.headerBytes.length });

    // Only the owner may end their own access with the share.
    const bobsCopy = await upload(alice);
    await share(bobsCopy, ['bob']);
    await expect(
      shareFile(endpointOf(bob), { fileId: bobsCopy.fileId, source: bobsCopy.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'carol', miniLockId: ids.get('carol')! }], expiresIn: 300, destroyWithShare: true }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });

    const mine = await upload(alice);
    expectCode(await carol.request(SAVE, { id: mine.fileId }), 'FORBIDDEN');
    expectCode(await carol.request(SAVE, { id: 'B'.repeat(22) }), 'NOT_FOUND');
    const bad = await carol.request(SAVE, { id: 'not a file id' });
    expectCode(bad, 'BAD_INPUT');
    expect(bad.errors![0]!.extensions!.field).toBe('fileId');
  });
});

describe.each(BACKENDS)('file shares under a timer through the client (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function signedUp(username: string): Promise<PeerlockClient> {
    const client = new PeerlockClient({ url: server.url, now: server.clock.now });
    await client.signup({ username, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    return client;
  }
  const text = (s: string) => ({ source: [utf8ToBytes(s)], size: utf8ToBytes(s).length, name: 'attachment.txt' });
  const sink = (): PlaintextSink & { text(): string } => {
    const parts: Uint8Array[] = [];
    return { write: (p) => void parts.push(p.slice()), commit: () => undefined, abort: () => undefined, text: () => Buffer.concat(parts).toString('utf8') };
  };

  it('client.files.share(…, { expiresIn: 300 }): the recipient reads it until the timer, then FORBIDDEN; client.files.save keeps it; destroyWithShare leaves nothing', async () => {
    const [dana, erin, finn] = [await signedUp('dana'), await signedUp('erin'), await signedUp('finn')];
    for (const other of [erin, finn]) {
      await dana.requestContact(other.username);
      await other.acceptContact('dana');
    }
    const uploaded = await dana.files.upload(text('see you in five'));
    await dana.files.share(uploaded.fileId, uploaded.fileInfo, ['erin', 'finn'], { expiresIn: 300 });
    const accept = { acceptSender: dana.miniLockId };
    expect((await erin.files.download(uploaded.fileId, sink(), accept)).fileName).toBe('attachment.txt');
    await finn.files.save(uploaded.fileId);
    await finn.files.save(uploaded.fileId);

    server.clock.advance(MIN5);
    await expect(erin.files.download(uploaded.fileId, sink())).rejects.toMatchObject({ name: 'FileTransferError', code: 'FORBIDDEN' });
    expect((await erin.files.list()).map((f) => f.id)).not.toContain(uploaded.fileId);
    const kept = sink();
    await finn.files.download(uploaded.fileId, kept, accept);
    expect(kept.text()).toBe('see you in five');
    await expect(erin.files.save(uploaded.fileId)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // Uploaded for one message only: after its timer nobody holds it and its blobs are gone.
    const once = await dana.files.upload(text('burn after reading'));
    await dana.files.share(once.fileId, once.fileInfo, ['erin'], { expiresIn: 300, destroyWithShare: true });
    const read = sink();
    await erin.files.download(once.fileId, read, accept);
    expect(read.text()).toBe('burn after reading');
    server.clock.advance(MIN5);
    await expect(dana.files.download(once.fileId, sink())).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await server.app.services.files.expireDue(server.clock.now())).toBe(3);
    expect(await server.app.services.blobs.list(`files/${once.fileId}/`)).toEqual([]);
    expect((await dana.files.list()).map((f) => f.id)).toEqual([uploaded.fileId]);
    expect((await dana.files.quota()).usedBytes).toBe((await dana.files.list())[0]!.ciphertextBytes);
  });
});
