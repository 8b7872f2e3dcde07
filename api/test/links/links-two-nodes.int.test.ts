/**
 * Two API nodes (two apps in this process, each with its own writers, caches
 * and sweeps) on one PostgreSQL schema and one blob folder: opens spread over
 * both still count exactly (the per-link stream's optimistic concurrency
 * across nodes), a revoke through one node stops a grant on the other at
 * once, and both nodes' sweeps destroy a message link's file once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, uploadFile } from '@peerlock/sdk';
import { buildApp, type PeerlockApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { DATABASE_URL, POSTGRES_SKIP } from '../support/postgres-test-schema.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { endpointOf, pieces } from '../files/file-client.js';

const CREATE = 'mutation($input: CreateLinkInput!) { createLink(input: $input) { id } }';
const REVOKE = 'mutation($id: ID!) { revokeLink(linkId: $id) { status } }';
const OPEN = 'mutation($id: ID!, $access: Base64!) { openLink(linkId: $id, access: $access) { grant openCount } }';

describe.skipIf(!DATABASE_URL)(`secure links on two API nodes over one PostgreSQL${POSTGRES_SKIP}`, () => {
  let a: TestServer;
  let b: PeerlockApp;
  let alice: MessagingClient;
  const access = new Uint8Array(randomBytes(32));
  const accessHash = createHash('sha256').update(access).digest('base64');
  const upload = async () => {
    const plaintext = new Uint8Array(randomBytes(10_000));
    const up = await uploadFile(endpointOf(alice), { source: pieces(plaintext), size: plaintext.length, fileName: 'n.txt', senderSecretKey: alice.identity.secretKey, recipients: [alice.miniLockId] });
    return { fileId: up.fileId, header: bytesToBase64(up.header) };
  };
  const create = async (over: Record<string, unknown> = {}) => {
    const file = await upload();
    const linkId = randomBytes(16).toString('base64url');
    await alice.ok(CREATE, { input: { linkId, ...file, kind: 'FILE', accessHash, passphrase: false, ...over } });
    return { linkId, ...file };
  };
  const openVia = (url: string, id: string) => post<{ openLink: { grant: string; openCount: number } }>(url, OPEN, { id, access: bytesToBase64(access) });

  beforeAll(async () => {
    a = await startTestServer('postgres', { PEERLOCK_TOKEN_TTL_SECONDS: '86400' });
    const config = loadConfig({
      PEERLOCK_MODE: 'dev',
      PEERLOCK_PORT: '0',
      PEERLOCK_DATA_DIR: a.dataDir,
      PEERLOCK_STORE: 'postgres',
      PEERLOCK_DATABASE_URL: DATABASE_URL!,
      PEERLOCK_DATABASE_SCHEMA: a.databaseSchema!,
      PEERLOCK_BLOB_FOLDER_SHARED: 'true',
    });
    b = buildApp(config, { now: a.clock.now });
    await b.start();
    alice = new MessagingClient(a.url, 'alice', a.clock);
    await alice.signup();
    await alice.login();
  });
  afterAll(async () => {
    await alice?.closeSockets();
    await b?.stop();
    await a?.close();
  });

  it('counts exactly: 100 concurrent opens over both nodes, 40 of maxOpens 40, and 100 without a limit', async () => {
    const limited = await create({ maxOpens: 40 });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => openVia(i % 2 === 0 ? a.url : b.url, limited.linkId)));
    const codes = results.map((r) => (r.errors ? String(r.errors[0]!.extensions!.code) : 'OK'));
    expect(codes.filter((c) => c === 'OK').length).toBe(40);
    expect(codes.filter((c) => c === 'LINK_EXHAUSTED').length).toBe(60);
    const unlimited = await create();
    const all = await Promise.all(Array.from({ length: 100 }, (_, i) => openVia(i % 2 === 0 ? a.url : b.url, unlimited.linkId)));
    expect(all.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);
    expect(all.map((r) => r.data!.openLink.openCount).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect((await b.services.links.load(unlimited.linkId))!.openCount).toBe(100);
  });

  it('a revoke through one node stops a grant on the other at once; both sweeps destroy the file once', async () => {
    const link = await create({ kind: 'MESSAGE', destroyFileWithLink: true });
    const { grant } = expectOk(await openVia(b.url, link.linkId)).openLink;
    const path = `/links/${link.linkId}/file`;
    expect((await fetch(new URL(path, b.url), { headers: { authorization: `PeerlockLink ${grant}` } })).status).toBe(200);
    // Node B's link is cached from the open; the revoke goes through A.
    expect((await alice.ok<{ revokeLink: { status: string } }>(REVOKE, { id: link.linkId })).revokeLink.status).toBe('REVOKED');
    const refused = await fetch(new URL(path, b.url), { headers: { authorization: `PeerlockLink ${grant}` } });
    expect(refused.status).toBe(410);
    expectCode(await openVia(b.url, link.linkId), 'LINK_REVOKED');
    const [x, y] = await Promise.all([a.app.sweepLinksNow(), b.sweepLinksNow()]);
    expect(x + y).toBe(0);
    expect(await b.services.blobs.list(`files/${link.fileId}/`)).toEqual([]);
  });
});
