/**
 * Secure links over real HTTP on each store (docs/links.md): create (idempotent,
 * CONFLICT, every BAD_INPUT by field, who may), open anonymously with the
 * checks in the contract's order, linkInfo, the owner's list, the download
 * with a grant (a revoke stops it at once; a wrong, foreign or expired grant
 * is TOKEN_INVALID), the sweep destroying a message link's file, exact open
 * counts under 100 concurrent opens, and the rate limit on wrong access values.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64, uploadFile } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';
import { MessagingClient } from '../support/messaging-client.js';
import { until } from '../support/until.js';
import { endpointOf, pieces, rawFile } from '../files/file-client.js';

const LINK_FIELDS = 'id kind fileId createdAt expiresAt maxOpens openCount passphrase revokedAt status lastOpenedAt';
const CREATE = `mutation($input: CreateLinkInput!) { createLink(input: $input) { ${LINK_FIELDS} } }`;
const REVOKE = `mutation($id: ID!) { revokeLink(linkId: $id) { ${LINK_FIELDS} } }`;
const LINKS = `{ links { ${LINK_FIELDS} } }`;
const OPEN = 'mutation($id: ID!, $access: Base64!) { openLink(linkId: $id, access: $access) { grant grantExpiresAt kind owner fileBytes openCount maxOpens expiresAt } }';
const INFO = 'query($id: ID!) { linkInfo(linkId: $id) { kind passphrase expiresAt status } }';
const SHARE = 'mutation($id: String!, $r: [String!]!, $h: String!) { shareFile(fileId: $id, recipients: $r, header: $h) { id } }';
const REMOVE = 'mutation($id: String!) { removeFile(fileId: $id) { deleted } }';

interface Opening {
  grant: string;
  grantExpiresAt: string;
  kind: string;
  owner: string;
  fileBytes: number;
  openCount: number;
  maxOpens: number | null;
  expiresAt: string;
}
interface WireLink {
  id: string;
  status: string;
  openCount: number;
  lastOpenedAt: string | null;
  revokedAt: string | null;
  maxOpens: number | null;
}

const newLinkId = () => randomBytes(16).toString('base64url');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('base64');

describe.each(BACKENDS)('secure links (%s)', (backend) => {
  let server: TestServer;
  let alice: MessagingClient;
  let bob: MessagingClient;
  let carol: MessagingClient;
  let fileId: string;
  let header: string;

  const upload = async (client: MessagingClient) => {
    const plaintext = new Uint8Array(randomBytes(300_000));
    const up = await uploadFile(endpointOf(client), { source: pieces(plaintext), size: plaintext.length, fileName: 'plans.pdf', senderSecretKey: client.identity.secretKey, recipients: [client.miniLockId] });
    return { fileId: up.fileId, header: bytesToBase64(up.header) };
  };
  const input = (over: Record<string, unknown> = {}) => ({ linkId: newLinkId(), fileId, kind: 'FILE', header, accessHash: sha256(ACCESS), passphrase: false, ...over });
  const ACCESS = new Uint8Array(randomBytes(32));
  const access = bytesToBase64(ACCESS);
  const create = async (client: MessagingClient, over: Record<string, unknown> = {}) => {
    const i = input(over);
    return (await client.ok<{ createLink: WireLink }>(CREATE, { input: i })).createLink;
  };
  // Anonymous: no Authorization header at all.
  const open = (id: string, value = access) => post<{ openLink: Opening }>(server.url, OPEN, { id, access: value });
  const info = async (id: string) => expectOk(await post<{ linkInfo: { status: string; kind: string; passphrase: boolean } }>(server.url, INFO, { id })).linkInfo;
  const download = async (id: string, authorization: string) => {
    const res = await fetch(new URL(`/links/${id}/file`, server.url), { headers: { authorization } });
    const body = new Uint8Array(await res.arrayBuffer());
    const code = res.ok ? null : (JSON.parse(Buffer.from(body).toString()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code;
    return { status: res.status, code, body };
  };

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_TOKEN_TTL_SECONDS: '86400', PEERLOCK_RATE_LIMIT_LINK_ACCESS_PER_ADDRESS: '6' });
    alice = new MessagingClient(server.url, 'alice', server.clock);
    bob = new MessagingClient(server.url, 'bob', server.clock);
    carol = new MessagingClient(server.url, 'carol', server.clock);
    for (const c of [alice, bob, carol]) {
      await c.signup();
      await c.login();
    }
    expectOk(await alice.contact('requestContact', 'bob'));
    expectOk(await bob.contact('acceptContact', 'alice'));
    ({ fileId, header } = await upload(alice));
    await alice.ok(SHARE, { id: fileId, r: ['bob'], h: header });
  });
  afterAll(async () => {
    for (const c of [alice, bob, carol]) await c?.closeSockets();
    await server?.close();
  });

  it('creates a link idempotently; the same id with other input is a CONFLICT', async () => {
    const i = input({ maxOpens: 3, passphrase: true, expiresInSeconds: 3600 });
    const first = (await alice.ok<{ createLink: WireLink & { expiresAt: string; createdAt: string } }>(CREATE, { input: i })).createLink;
    expect(first).toMatchObject({ id: i.linkId, kind: 'FILE', fileId, maxOpens: 3, openCount: 0, passphrase: true, revokedAt: null, status: 'ACTIVE', lastOpenedAt: null });
    expect(Date.parse(first.expiresAt) - Date.parse(first.createdAt)).toBe(3600_000);
    server.clock.advance(1000);
    expect((await alice.ok<{ createLink: WireLink }>(CREATE, { input: i })).createLink).toEqual(first);
    expectCode(await alice.request(CREATE, { input: { ...i, maxOpens: 4 } }), 'CONFLICT');
    expectCode(await bob.request(CREATE, { input: i }), 'CONFLICT');
    // Another header (another file's, of the same size) is another input too.
    const other = await upload(alice);
    expect(Buffer.from(other.header, 'base64').length).toBe(Buffer.from(header, 'base64').length);
    expectCode(await alice.request(CREATE, { input: { ...i, header: other.header } }), 'CONFLICT');
    // The default expiry is 7 days.
    const d = (await alice.ok<{ createLink: { createdAt: string; expiresAt: string } }>(CREATE, { input: input() })).createLink;
    expect(Date.parse(d.expiresAt) - Date.parse(d.createdAt)).toBe(7 * 24 * 3600_000);
  });

  it('refuses malformed input as BAD_INPUT with its field, and needs a token', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ linkId: 'short' }, 'linkId'],
      [{ fileId: 'x' }, 'fileId'],
      [{ accessHash: bytesToBase64(new Uint8Array(31)) }, 'accessHash'],
      [{ accessHash: 'not base64!' }, 'accessHash'],
      [{ header: bytesToBase64(new Uint8Array(100)) }, 'header'],
      [{ expiresInSeconds: 299 }, 'expiresInSeconds'],
      [{ expiresInSeconds: 30 * 24 * 3600 + 1 }, 'expiresInSeconds'],
      [{ maxOpens: 0 }, 'maxOpens'],
      [{ maxOpens: 100_001 }, 'maxOpens'],
    ];
    for (const [over, field] of cases) {
      const res = await alice.request(CREATE, { input: input(over) });
      expectCode(res, 'BAD_INPUT');
      expect(res.errors![0]!.extensions!.field, JSON.stringify(over)).toBe(field);
    }
    expectCode(await post(server.url, CREATE, { input: input() }), 'UNAUTHENTICATED');
    expectCode(await post(server.url, LINKS), 'UNAUTHENTICATED');
    const bad = await open('nope', access);
    expectCode(bad, 'BAD_INPUT');
    expect(bad.errors![0]!.extensions!.field).toBe('linkId');
    expectCode(await open(newLinkId(), bytesToBase64(new Uint8Array(16))), 'BAD_INPUT');
  });

  it('lets holders link (a recipient too); someone without the file gets NOT_FOUND; destroyFileWithLink is the owner’s alone', async () => {
    expect((await create(bob)).status).toBe('ACTIVE');
    expectCode(await carol.request(CREATE, { input: input() }), 'NOT_FOUND');
    expectCode(await alice.request(CREATE, { input: input({ fileId: newLinkId() }) }), 'NOT_FOUND');
    expectCode(await bob.request(CREATE, { input: input({ destroyFileWithLink: true }) }), 'FORBIDDEN');
  });

  it('opens anonymously, counts, and downloads the link’s header and the file’s chunks with the grant', async () => {
    const link = await create(alice, { maxOpens: 2 });
    expect(await info(link.id)).toEqual({ kind: 'FILE', passphrase: false, expiresAt: expect.any(String), status: 'ACTIVE' });
    const opened = expectOk(await open(link.id)).openLink;
    expect(opened).toMatchObject({ kind: 'FILE', owner: 'alice', openCount: 1, maxOpens: 2 });
    expect(Date.parse(opened.grantExpiresAt)).toBe(server.clock.now() + 15 * 60_000);
    const got = await download(link.id, `PeerlockLink ${opened.grant}`);
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(opened.fileBytes);
    // The link's header here is alice's own (the server cannot tell): the body is then exactly her download.
    const own = await rawFile(alice, 'GET', `/files/${fileId}`);
    expect(Buffer.from(got.body).equals(Buffer.from(own.body))).toBe(true);
    expect(expectOk(await open(link.id)).openLink.openCount).toBe(2);
    expectCode(await open(link.id), 'LINK_EXHAUSTED');
    expect((await info(link.id)).status).toBe('EXHAUSTED');
    // The grant still works after the last open (it was handed out before).
    expect((await download(link.id, `PeerlockLink ${opened.grant}`)).status).toBe(200);
    let listed: WireLink | undefined;
    await until('the list shows both opens', async () => {
      listed = (await alice.ok<{ links: WireLink[] }>(LINKS)).links.find((l) => l.id === link.id);
      return listed?.openCount === 2;
    });
    expect(listed).toMatchObject({ openCount: 2, status: 'EXHAUSTED', lastOpenedAt: new Date(server.clock.now()).toISOString() });
  });

  it('refuses a wrong, foreign, malformed or expired grant with TOKEN_INVALID, a missing one UNAUTHENTICATED', async () => {
    const one = await create(alice);
    const two = await create(alice);
    const grant = expectOk(await open(one.id)).openLink.grant;
    expect((await download(two.id, `PeerlockLink ${grant}`)).code).toBe('TOKEN_INVALID');
    expect((await download(one.id, `PeerlockLink ${grant.slice(0, -2)}AA`)).code).toBe('TOKEN_INVALID');
    expect((await download(one.id, 'PeerlockLink garbage')).code).toBe('TOKEN_INVALID');
    expect((await download(one.id, `Bearer ${grant}`)).code).toBe('TOKEN_INVALID');
    const none = await fetch(new URL(`/links/${one.id}/file`, server.url));
    expect(none.status).toBe(401);
    server.clock.advance(15 * 60_000);
    const late = await download(one.id, `PeerlockLink ${grant}`);
    expect([late.status, late.code]).toEqual([401, 'TOKEN_INVALID']);
  });

  it('a revoke stops opens and downloads at once; others cannot revoke; revoking again changes nothing', async () => {
    const link = await create(alice);
    const grant = expectOk(await open(link.id)).openLink.grant;
    expectCode(await bob.request(REVOKE, { id: link.id }), 'NOT_FOUND');
    const revoked = (await alice.ok<{ revokeLink: WireLink }>(REVOKE, { id: link.id })).revokeLink;
    expect(revoked).toMatchObject({ status: 'REVOKED', revokedAt: new Date(server.clock.now()).toISOString(), openCount: 1 });
    server.clock.advance(1000);
    expect((await alice.ok<{ revokeLink: WireLink }>(REVOKE, { id: link.id })).revokeLink.revokedAt).toBe(revoked.revokedAt);
    const refused = await download(link.id, `PeerlockLink ${grant}`);
    expect([refused.status, refused.code]).toEqual([410, 'LINK_REVOKED']);
    const res = await open(link.id);
    expectCode(res, 'LINK_REVOKED');
    expect(res.status).toBe(410);
    expect((await info(link.id)).status).toBe('REVOKED');
    // The link's header is gone from the blob store; the file stays.
    expect((await server.app.services.blobs.list(`files/${fileId}/links/${link.id}/`)).length).toBe(0);
    expect((await rawFile(alice, 'GET', `/files/${fileId}`)).status).toBe(200);
  });

  it('expires: LINK_EXPIRED, but a grant from before still downloads', async () => {
    const link = await create(alice, { expiresInSeconds: 300 });
    const grant = expectOk(await open(link.id)).openLink.grant;
    server.clock.advance(300_000);
    expectCode(await open(link.id), 'LINK_EXPIRED');
    expect((await info(link.id)).status).toBe('EXPIRED');
    expect((await download(link.id, `PeerlockLink ${grant}`)).status).toBe(200);
  });

  it('once the creator no longer holds the file: NOT_FOUND (field file) for opens and downloads', async () => {
    const mine = await upload(alice);
    await alice.ok(SHARE, { id: mine.fileId, r: ['bob'], h: mine.header });
    const link = await create(bob, { fileId: mine.fileId, header: mine.header });
    const grant = expectOk(await open(link.id)).openLink.grant;
    await bob.ok(REMOVE, { id: mine.fileId });
    const res = await open(link.id);
    expectCode(res, 'NOT_FOUND');
    expect(res.errors![0]!.extensions!.field).toBe('file');
    expect((await download(link.id, `PeerlockLink ${grant}`)).code).toBe('NOT_FOUND');
    expectCode(await open(newLinkId()), 'NOT_FOUND');
    expectCode(await post(server.url, INFO, { id: newLinkId() }), 'NOT_FOUND');
  });

  it('destroys a message link’s file: at once on a revoke; by the sweep once its last grant ran out', async () => {
    const first = await upload(alice);
    const link = await create(alice, { fileId: first.fileId, header: first.header, kind: 'MESSAGE', destroyFileWithLink: true, maxOpens: 1 });
    const grant = expectOk(await open(link.id)).openLink.grant;
    expect(await server.app.sweepLinksNow()).toBe(0);
    expect((await download(link.id, `PeerlockLink ${grant}`)).status).toBe(200);
    server.clock.advance(15 * 60_000);
    expect(await server.app.sweepLinksNow()).toBe(1);
    expect(await server.app.sweepLinksNow()).toBe(0);
    expect(await server.app.services.blobs.list(`files/${first.fileId}/`)).toEqual([]);
    expect((await rawFile(alice, 'GET', `/files/${first.fileId}`)).code).toBe('NOT_FOUND');

    const second = await upload(alice);
    const other = await create(alice, { fileId: second.fileId, header: second.header, kind: 'MESSAGE', destroyFileWithLink: true });
    await alice.ok(REVOKE, { id: other.id });
    expect(await server.app.services.blobs.list(`files/${second.fileId}/`)).toEqual([]);
    expect(await server.app.sweepLinksNow()).toBe(0);

    const third = await upload(alice);
    const expiring = await create(alice, { fileId: third.fileId, header: third.header, kind: 'MESSAGE', destroyFileWithLink: true, expiresInSeconds: 300 });
    server.clock.advance(300_000);
    expect(await server.app.sweepLinksNow()).toBe(1);
    expect(await server.app.services.blobs.list(`files/${third.fileId}/`)).toEqual([]);
    expect((await info(expiring.id)).status).toBe('EXPIRED');
  });

  it('counts exactly under 100 concurrent opens: 40 of maxOpens 40, then 100 without a limit', async () => {
    const limited = await create(alice, { maxOpens: 40 });
    const results = await Promise.all(Array.from({ length: 100 }, () => open(limited.id)));
    const codes = results.map((r) => (r.errors ? String(r.errors[0]!.extensions!.code) : 'OK'));
    expect(codes.filter((c) => c === 'OK').length).toBe(40);
    expect(codes.filter((c) => c === 'LINK_EXHAUSTED').length).toBe(60);
    expect(results.filter((r) => !r.errors).map((r) => r.data!.openLink.openCount).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));

    server.clock.advance(1);
    const open100 = await create(alice);
    const all = await Promise.all(Array.from({ length: 100 }, () => open(open100.id)));
    expect(all.filter((r) => r.errors).map((r) => r.errors)).toEqual([]);
    // The log is exact at once; the owner's list (a read model) follows the anonymous opens shortly.
    expect((await server.app.services.links.load(open100.id))!.openCount).toBe(100);
    expect((await server.app.services.links.load(limited.id))!.openCount).toBe(40);
    let listed: WireLink[] = [];
    await until('the list shows every open', async () => {
      listed = (await alice.ok<{ links: WireLink[] }>(LINKS)).links;
      return listed.find((l) => l.id === open100.id)!.openCount === 100;
    });
    expect(listed.find((l) => l.id === limited.id)!.openCount).toBe(40);
    // Newest first.
    expect(listed[0]!.id, JSON.stringify(listed.slice(0, 3))).toBe(open100.id);
  });

  it('slows a guesser: wrong access values are FORBIDDEN and counted per address; beyond the limit even the right one is RATE_LIMITED', async () => {
    server.clock.advance(120_000);
    const link = await create(alice, { passphrase: true });
    const wrong = bytesToBase64(new Uint8Array(randomBytes(32)));
    for (let i = 0; i < 6; i++) expectCode(await open(link.id, wrong), 'FORBIDDEN');
    const limited = await open(link.id, wrong);
    expectCode(limited, 'RATE_LIMITED');
    expect(limited.status).toBe(429);
    expectCode(await open(link.id), 'RATE_LIMITED');
    // Nothing was spent.
    expect((await alice.ok<{ links: WireLink[] }>(LINKS)).links.find((l) => l.id === link.id)!.openCount).toBe(0);
    server.clock.advance(61_000);
    expect(expectOk(await open(link.id)).openLink.openCount).toBe(1);
  });
});
