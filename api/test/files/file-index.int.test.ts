/**
 * The sealed file index over real HTTP (DESIGN §5): a token-only query and a
 * compare-and-set store, per user, the blob opaque and at most
 * MAX_FILE_INDEX_BYTES (the largest that fits one event in every event store).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_INDEX_BYTES } from '@peerlock/schema';
import { base64ToBytes, bytesToBase64, emptyFileIndex, fileIndexEntry, openFileIndex, randomBytes, sealFileIndex, withFileEntry } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, post } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';

const STORE = 'mutation($v: Int!, $b: String!) { storeFileIndex(expectedVersion: $v, blob: $b) { version blob } }';

describe.each(BACKENDS)('file index (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    for (const c of [alice, bob]) {
      await c.signup();
      await c.login();
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stores the sealed index with compare-and-set on its version; each user has their own', async () => {
    expect(await alice.ok('{ fileIndex { version blob } }')).toEqual({ fileIndex: { version: 0, blob: null } });
    const entry = fileIndexEntry({
      fileId: 'AAAAAAAAAAAAAAAAAAAAAA',
      fileInfo: { fileKey: randomBytes(32), fileNonce: randomBytes(16), fileHash: randomBytes(32) },
      name: 'notes.txt',
      size: 13,
      origin: 'uploaded',
      sender: alice.miniLockId,
    });
    const index = withFileEntry(emptyFileIndex, entry);
    const v1 = bytesToBase64(sealFileIndex(index, alice.identity.secretKey));
    expect(await alice.ok(STORE, { v: 0, b: v1 })).toEqual({ storeFileIndex: { version: 1, blob: v1 } });
    // A second device that also read version 0 cannot overwrite version 1.
    expectCode(await alice.request(STORE, { v: 0, b: v1 }), 'CONFLICT');
    const stored = await alice.ok<{ fileIndex: { version: number; blob: string } }>('{ fileIndex { version blob } }');
    expect(openFileIndex(base64ToBytes(stored.fileIndex.blob), alice.identity.secretKey, 1)).toEqual(index);
    expect(await bob.ok('{ fileIndex { version } }')).toEqual({ fileIndex: { version: 0 } });
    // The pin set is a document of its own: untouched.
    expect(await alice.ok('{ pinSet { version } }')).toEqual({ pinSet: { version: 0 } });
  });

  it('takes the largest blob allowed (it fits one event), refuses a larger one, one not base64, and anyone without a token', async () => {
    expectCode(await alice.request(STORE, { v: 1, b: 'not base64!' }), 'BAD_INPUT');
    expectCode(await alice.request(STORE, { v: 1, b: bytesToBase64(new Uint8Array(MAX_FILE_INDEX_BYTES + 1)) }), 'BAD_INPUT');
    expect(await alice.ok(STORE, { v: 1, b: bytesToBase64(new Uint8Array(MAX_FILE_INDEX_BYTES)) })).toMatchObject({ storeFileIndex: { version: 2 } });
    expectCode(await post(server.url, '{ fileIndex { version } }'), 'UNAUTHENTICATED');
    expectCode(await post(server.url, STORE, { v: 2, b: 'AAAA' }), 'UNAUTHENTICATED');
  });
});
