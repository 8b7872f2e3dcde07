/**
 * The whole file path on the Azure adapter (PEERLOCK_BLOB_STORE=azure) against
 * Azurite: upload, share, the recipient's download, destroy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptFile, randomBytes, shareFile, uploadFile } from '@peerlock/sdk';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { startAzurite, type Azurite } from '../blobstore/azurite.js';
import { endpointOf, pieces, rawFile } from './file-client.js';

describe('files on Azure Blob Storage (Azurite)', () => {
  let azurite: Azurite;
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;

  beforeAll(async () => {
    azurite = await startAzurite();
    server = await startTestServer('sqlite', { PEERLOCK_BLOB_STORE: 'azure', PEERLOCK_AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, PEERLOCK_AZURE_CONTAINER: 'files-test' });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    for (const c of [alice, bob]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
  });
  afterAll(async () => {
    await server?.close();
    await azurite?.stop();
  });

  it('uploads, shares, serves the recipient a valid .minilock file, and deletes every blob on destroy', async () => {
    const plaintext = randomBytes(2 * 1024 * 1024 + 99);
    const up = await uploadFile(endpointOf(alice), { source: pieces(plaintext), size: plaintext.length, senderSecretKey: alice.identity.secretKey, recipients: [alice.miniLockId] });
    await shareFile(endpointOf(alice), { fileId: up.fileId, source: up.fileInfo, secretKey: alice.identity.secretKey, recipients: [{ username: 'bob', miniLockId: await alice.pin('bob') }] });
    const raw = await rawFile(bob, 'GET', `/files/${up.fileId}`);
    expect(Buffer.from(decryptFile(raw.body, bob.identity.secretKey).plaintext).equals(plaintext)).toBe(true);
    expect((await server.app.services.blobs.list(`files/${up.fileId}/`)).length).toBe(up.chunkCount + 2);
    expectOk(await alice.request('mutation($id: String!) { destroyFile(fileId: $id) { deleted } }', { id: up.fileId }));
    expect(await server.app.services.blobs.list(`files/${up.fileId}/`)).toEqual([]);
  });
});
