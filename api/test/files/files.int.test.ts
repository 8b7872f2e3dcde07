/**
 * Cloud files over real HTTP (DESIGN §5): SDK upload and download, listing,
 * quota, resumption, sharing through a message, remove and destroy, expiry,
 * and every refusal by its exact code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, base64ToBytes, composeMessage, decryptFile, downloadToSink, encryptFileParts, openDownload, randomBytes, receivedChunks, resumeUpload, shareFile, uploadFile, ciphertextLayout, FileTransferError } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { FILES, FINALIZE, QUOTA, START, collectBytes, endpointOf, pieces, rawFile } from './file-client.js';

const MiB = 1024 * 1024;
const QUOTA_BYTES = 12 * MiB;

describe.each(BACKENDS)('files (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;

  const upload = (client: MessagingClient, plaintext: Uint8Array, extra: Partial<Parameters<typeof uploadFile>[1]> = {}) =>
    uploadFile(endpointOf(client), { source: pieces(plaintext), size: plaintext.length, fileName: 'secret-plans.pdf', senderSecretKey: client.identity.secretKey, recipients: [client.miniLockId], ...extra });
  const quota = async (client: MessagingClient) => (await client.ok<{ fileQuota: { usedBytes: number; limitBytes: number } }>(QUOTA)).fileQuota;
  const blobKeys = async (fileId: string) => (await server.app.services.blobs.list(`files/${fileId}/`)).map((b) => b.key);

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_FILE_QUOTA_BYTES: String(QUOTA_BYTES), PEERLOCK_UPLOAD_TIMEOUT_SECONDS: '3600' });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    for (const c of [alice, bob, carol]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) await c?.closeSockets();
    await server?.close();
  });

  it('uploads as a stream and downloads what was uploaded, verified, with progress both ways', async () => {
    const plaintext = randomBytes(2 * MiB + 12_345);
    const progress: number[] = [];
    const uploaded = await upload(alice, plaintext, { onProgress: (p) => progress.push(p.chunksSent) });
    expect(uploaded).toMatchObject(ciphertextLayout(plaintext.length));
    expect(uploaded.chunkCount).toBe(4);
    expect(progress.sort()).toEqual([1, 2, 3, 4]);

    let received = 0;
    const opened = await openDownload(endpointOf(alice), { fileId: uploaded.fileId, secretKey: alice.identity.secretKey, onProgress: (p) => (received = p.bytesReceived) });
    expect(opened.fileName).toBe('secret-plans.pdf');
    expect(opened.senderID).toBe(alice.miniLockId);
    expect(Buffer.from(await collectBytes(opened.plaintext)).equals(plaintext)).toBe(true);
    expect(received).toBe(uploaded.header.length + uploaded.ciphertextBytes);

    const listed = await alice.ok<{ files: { edges: { node: Record<string, unknown> }[] } }>(FILES);
    expect(listed.files.edges[0]!.node).toEqual({
      id: uploaded.fileId,
      owner: 'alice',
      ready: true,
      ciphertextBytes: uploaded.ciphertextBytes,
      chunkCount: 4,
      sharedWith: [],
      downloadPath: `/files/${uploaded.fileId}`,
    });
    expect((await quota(alice)).usedBytes).toBe(uploaded.ciphertextBytes);
  });

  it('stores only ciphertext: no blob contains the file name or a plaintext run', async () => {
    const plaintext = new Uint8Array(Buffer.from('the launch codes are 0000. '.repeat(5000)));
    const uploaded = await upload(alice, plaintext);
    for (const key of await blobKeys(uploaded.fileId)) {
      const bytes = Buffer.from(await collectBytes((await server.app.services.blobs.get(key))!.body));
      expect(bytes.includes('launch codes')).toBe(false);
      expect(bytes.includes('secret-plans')).toBe(false);
    }
  });

  it('pages the file list newest first', async () => {
    const first = await alice.ok<{ files: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }>(FILES, { first: 1 });
    const rest = await alice.ok<{ files: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean } } }>(FILES, { first: 50, after: first.files.pageInfo.endCursor });
    expect(first.files.pageInfo.hasNextPage).toBe(true);
    const all = [...first.files.edges, ...rest.files.edges].map((e) => e.node.id);
    expect(new Set(all).size).toBe(all.length);
    expect(rest.files.pageInfo.hasNextPage).toBe(false);
    expectCode(await alice.request(FILES, { after: 'garbage' }), 'BAD_INPUT');
  });

  it('resumes: the server says which chunks it holds, the client sends only the rest', async () => {
    const plaintext = randomBytes(3 * MiB);
    const parts = encryptFileParts(plaintext, { senderSecretKey: alice.identity.secretKey, recipients: [alice.miniLockId] });
    const chunks = splitChunks(parts.chunks);
    const { chunkCount, ciphertextBytes } = ciphertextLayout(plaintext.length);
    expect(chunks.length).toBe(chunkCount);
    const started = (await alice.ok<{ startFileUpload: { fileId: string; chunkPath: string } }>(START, { c: chunkCount, b: ciphertextBytes })).startFileUpload;
    for (const i of [0, 2]) expect((await rawFile(alice, 'PUT', `${started.chunkPath}/${i}`, chunks[i])).status).toBe(204);
    const endpoint = endpointOf(alice);
    expect(await receivedChunks(endpoint, started.fileId)).toEqual({ chunkCount, received: [{ index: 0, bytes: chunks[0]!.length }, { index: 2, bytes: chunks[2]!.length }] });
    expect(await resumeUpload(endpoint, { fileId: started.fileId, chunks, header: parts.header })).toEqual({ sent: 2, skipped: 2 });
    const opened = await openDownload(endpoint, { fileId: started.fileId, secretKey: alice.identity.secretKey });
    expect(Buffer.from(await collectBytes(opened.plaintext)).equals(plaintext)).toBe(true);
    // Finalizing again (an answer lost on the way back) is harmless.
    expect(expectOk(await alice.request<{ finalizeFileUpload: { ready: boolean } }>(FINALIZE, { id: started.fileId, h: bytesToBase64(parts.header) })).finalizeFileUpload.ready).toBe(true);
  });

  it('shares by re-wrapping the header only, attached to a message; the recipient gets a valid .minilock file', async () => {
    const plaintext = randomBytes(MiB + 7);
    const uploaded = await upload(alice, plaintext);
    const chunksBefore = await blobKeys(uploaded.fileId);
    const bobId = await alice.pin('bob');
    const socket = await bob.socket();
    const head = String(await server.app.services.eventStore.headPosition());
    const notified = new Promise<{ kind: string; from: string; fileId: string | null }>((resolve, reject) => {
      socket.subscribe<{ notifications: { kind: string; from: string; fileId: string | null } }>(
        { query: 'subscription($after: String) { notifications(after: $after) { kind from fileId } }', variables: { after: head } },
        { next: (r) => (r.data?.notifications.kind === 'FILE_SHARED' ? resolve(r.data.notifications) : undefined), error: reject, complete: () => undefined },
      );
    });
    const ref = await shareFile(endpointOf(alice), { fileId: uploaded.fileId, source: uploaded.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'bob', miniLockId: bobId }] });
    // Ids only: the recipient fetches the file with a token.
    expect(await notified).toEqual({ kind: 'FILE_SHARED', from: 'alice', fileId: uploaded.fileId });
    // No chunk was written again: same keys, one more header.
    expect((await blobKeys(uploaded.fileId)).filter((k) => k.includes('/chunks/'))).toEqual(chunksBefore.filter((k) => k.includes('/chunks/')));

    const composed = composeMessage({
      sender: { username: 'alice', secretKey: alice.identity.secretKey },
      conversation: null,
      participants: ['alice', 'bob'],
      keys: { alice: alice.miniLockId, bob: bobId },
      body: 'the file',
      files: [{ fileId: ref.fileId, header: ref.header }],
      now: server.clock.now(),
    });
    expectOk(await alice.sendRaw({ conversationId: composed.conversationId, messageId: composed.messageId, participants: composed.participants, ciphertext: bytesToBase64(composed.ciphertext) }));
    const [message] = await bob.messages(composed.conversationId);
    const verified = bob.verify(message!);
    expect(verified.ok).toBe(true);
    const attached = verified.ok ? verified.message.plaintext.files : [];
    expect(attached.map((f) => f.fileId)).toEqual([uploaded.fileId]);

    const listed = await bob.ok<{ files: { edges: { node: { id: string; owner: string; sharedWith: string[] } }[] } }>(FILES);
    expect(listed.files.edges.map((e) => e.node)).toEqual([{ id: uploaded.fileId, owner: 'alice', sharedWith: [] }].map((n) => expect.objectContaining(n)));
    const aliceView = await alice.ok<{ files: { edges: { node: { id: string; sharedWith: string[] } }[] } }>(FILES);
    expect(aliceView.files.edges.find((e) => e.node.id === uploaded.fileId)!.node.sharedWith).toEqual(['bob']);

    // What bob downloads is a complete .minilock file whose header is the one in the message.
    const raw = await rawFile(bob, 'GET', `/files/${uploaded.fileId}`);
    const header = base64ToBytes(attached[0]!.header);
    expect(Buffer.from(raw.body.subarray(0, header.length)).equals(header)).toBe(true);
    const decrypted = decryptFile(raw.body, bob.identity.secretKey);
    expect(Buffer.from(decrypted.plaintext).equals(plaintext)).toBe(true);
    expect(decrypted.senderID).toBe(alice.miniLockId);

    let committed = false;
    const written: Uint8Array[] = [];
    await downloadToSink(endpointOf(bob), { fileId: uploaded.fileId, secretKey: bob.identity.secretKey }, { write: (p) => void written.push(p.slice()), commit: () => void (committed = true), abort: () => {} });
    expect(committed).toBe(true);
    expect(Buffer.concat(written).equals(plaintext)).toBe(true);

    // Remove: bob's access ends, alice's stays, the blobs stay (alice holds it).
    expect(expectOk(await bob.request<{ removeFile: { deleted: boolean } }>('mutation($id: String!) { removeFile(fileId: $id) { deleted } }', { id: uploaded.fileId })).removeFile.deleted).toBe(false);
    expect((await rawFile(bob, 'GET', `/files/${uploaded.fileId}`)).code).toBe('FORBIDDEN');
    expect((await rawFile(alice, 'GET', `/files/${uploaded.fileId}`)).status).toBe(200);
    expect((await blobKeys(uploaded.fileId)).length).toBeGreaterThan(0);
  });

  it('destroy deletes the file for everyone, its blobs, and releases the quota; the last holder removing does too', async () => {
    const bobId = await alice.pin('bob');
    const before = (await quota(alice)).usedBytes;
    const one = await upload(alice, randomBytes(1000));
    await shareFile(endpointOf(alice), { fileId: one.fileId, source: one.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'bob', miniLockId: bobId }] });
    expect((await quota(alice)).usedBytes).toBe(before + one.ciphertextBytes);
    expectCode(await bob.request('mutation($id: String!) { destroyFile(fileId: $id) { deleted } }', { id: one.fileId }), 'FORBIDDEN');
    expectOk(await alice.request('mutation($id: String!) { destroyFile(fileId: $id) { deleted } }', { id: one.fileId }));
    for (const c of [alice, bob]) expect((await rawFile(c, 'GET', `/files/${one.fileId}`)).code).toBe('NOT_FOUND');
    expect(await blobKeys(one.fileId)).toEqual([]);
    expect((await quota(alice)).usedBytes).toBe(before);
    const bobFiles = await bob.ok<{ files: { edges: { node: { id: string } }[] } }>(FILES);
    expect(bobFiles.files.edges.map((e) => e.node.id)).not.toContain(one.fileId);

    // The owner drops access first, the recipient last: then it goes.
    const two = await upload(alice, randomBytes(1000));
    await shareFile(endpointOf(alice), { fileId: two.fileId, source: two.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'bob', miniLockId: bobId }] });
    const remove = 'mutation($id: String!) { removeFile(fileId: $id) { deleted } }';
    expect(expectOk(await alice.request<{ removeFile: { deleted: boolean } }>(remove, { id: two.fileId })).removeFile.deleted).toBe(false);
    expect((await quota(alice)).usedBytes).toBe(before + two.ciphertextBytes);
    expect((await rawFile(bob, 'GET', `/files/${two.fileId}`)).status).toBe(200);
    expect(expectOk(await bob.request<{ removeFile: { deleted: boolean } }>(remove, { id: two.fileId })).removeFile.deleted).toBe(true);
    expect(await blobKeys(two.fileId)).toEqual([]);
    expect((await quota(alice)).usedBytes).toBe(before);
  });

  it('refuses with exact codes: quota, foreign upload, index out of range, oversized chunk, sizes not adding up, not shared, not a contact', async () => {
    const used = (await quota(carol)).usedBytes;
    expect(used).toBe(0);
    expectCode(await carol.request(START, { c: 13, b: QUOTA_BYTES + 1 }), 'QUOTA_EXCEEDED');
    const big = await carol.ok<{ startFileUpload: { fileId: string; chunkPath: string } }>(START, { c: 10, b: 9 * MiB });
    // The reservation counts: a second upload that fits alone does not fit beside it.
    expectCode(await carol.request(START, { c: 5, b: 4 * MiB }), 'QUOTA_EXCEEDED');
    await expect(upload(carol, randomBytes(4 * MiB))).rejects.toMatchObject({ code: 'QUOTA_EXCEEDED' });
    expectCode(await carol.request(START, { c: 1, b: 1000 }), 'BAD_INPUT');
    expectCode(await carol.request(START, { c: 3, b: 10 }), 'BAD_INPUT');

    const path = big.startFileUpload.chunkPath;
    expect(await rawFile(alice, 'PUT', `${path}/0`, randomBytes(100))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await rawFile(alice, 'GET', path)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await rawFile(carol, 'PUT', `${path}/10`, randomBytes(100))).toMatchObject({ status: 400, code: 'BAD_INPUT', field: 'index' });
    // One spelling per chunk index: `01` is not chunk 1 (nor `00` chunk 0).
    expect(await rawFile(carol, 'PUT', `${path}/01`, randomBytes(100))).toMatchObject({ status: 400, code: 'BAD_INPUT', field: 'index' });
    expect(await rawFile(carol, 'PUT', `${path}/00`, randomBytes(100))).toMatchObject({ status: 400, code: 'BAD_INPUT', field: 'index' });
    expect(await rawFile(carol, 'PUT', `${path}/1`, randomBytes(MiB + 21))).toMatchObject({ status: 400, code: 'BAD_INPUT', field: 'chunk' });
    expect(await rawFile(carol, 'PUT', `/files/${'A'.repeat(22)}/chunks/0`, randomBytes(10))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await rawFile(carol, 'PUT', `${path}/0`, randomBytes(10), { authorization: 'Peerlock carol AAAA' })).toMatchObject({ status: 401, code: 'TOKEN_INVALID' });
    const anonymous = await fetch(new URL(`${path}/0`, server.url), { method: 'PUT', body: randomBytes(10) as Uint8Array<ArrayBuffer> });
    expect(anonymous.status).toBe(401);

    // Chunk 0 is the name chunk: at most 428 bytes.
    expect(await rawFile(carol, 'PUT', `${path}/0`, randomBytes(429))).toMatchObject({ code: 'BAD_INPUT', field: 'chunk' });
    // Declared 9 MiB over 10 chunks: the sizes stored must add up to it at finalize.
    expect((await rawFile(carol, 'PUT', `${path}/0`, randomBytes(276))).status).toBe(204);
    for (let i = 1; i < 10; i++) expect((await rawFile(carol, 'PUT', `${path}/${i}`, randomBytes(MiB + 20))).status).toBe(204);
    const header = bytesToBase64(encryptFileParts(randomBytes(10), { senderSecretKey: carol.identity.secretKey, recipients: [carol.miniLockId] }).header);
    expectCode(await carol.request(FINALIZE, { id: big.startFileUpload.fileId, h: header }), 'BAD_INPUT');
    expectCode(await carol.request(FINALIZE, { id: big.startFileUpload.fileId, h: bytesToBase64(randomBytes(40)) }), 'BAD_INPUT');
    expectCode(await alice.request(FINALIZE, { id: big.startFileUpload.fileId, h: header }), 'FORBIDDEN');

    const mine = await upload(alice, randomBytes(10));
    expect(await rawFile(carol, 'GET', `/files/${mine.fileId}`)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await rawFile(carol, 'GET', `/files/${'B'.repeat(22)}`)).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(openDownload(endpointOf(carol), { fileId: mine.fileId, secretKey: carol.identity.secretKey })).rejects.toBeInstanceOf(FileTransferError);
    const carolId = await alice.pin('carol');
    await expect(
      shareFile(endpointOf(alice), { fileId: mine.fileId, source: mine.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'carol', miniLockId: carolId }] }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expectCode(await carol.request('mutation($id: String!) { removeFile(fileId: $id) { deleted } }', { id: mine.fileId }), 'FORBIDDEN');
    expectOk(await carol.request('mutation($id: String!) { destroyFile(fileId: $id) { deleted } }', { id: big.startFileUpload.fileId }));
    expect((await quota(carol)).usedBytes).toBe(0);
  });

  it('drops an upload not finalized in time: chunks deleted, reservation released', async () => {
    const started = (await bob.ok<{ startFileUpload: { fileId: string; chunkPath: string } }>(START, { c: 2, b: 1000 })).startFileUpload;
    expect((await rawFile(bob, 'PUT', `${started.chunkPath}/0`, randomBytes(276))).status).toBe(204);
    expect((await quota(bob)).usedBytes).toBe(1000);
    expect(await server.app.services.files.expireDue(server.clock.now())).toBe(0);
    server.clock.advance(3600_000);
    // Tokens live ten minutes: the old pool expired with the upload.
    bob.tokens = [];
    expect(await rawFile(bob, 'PUT', `${started.chunkPath}/1`, randomBytes(10))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await server.app.services.files.expireDue(server.clock.now())).toBe(1);
    expect(await blobKeys(started.fileId)).toEqual([]);
    expect((await quota(bob)).usedBytes).toBe(0);
    expect(await rawFile(bob, 'GET', started.chunkPath)).toMatchObject({ code: 'NOT_FOUND' });
  });
});

/** Splits a chunk stream at its length prefixes. */
export function splitChunks(stream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < stream.length; ) {
    const length = new DataView(stream.buffer, stream.byteOffset + offset, 4).getUint32(0, true);
    out.push(stream.subarray(offset, offset + 4 + 16 + length));
    offset += 4 + 16 + length;
  }
  return out;
}
