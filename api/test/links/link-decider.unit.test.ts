import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LINK_GRANT_SECONDS, linkFileDueAt, type LinkState } from '@peerlock/schema';
import { deciderSpecification } from '../../src/testing/decider-specification.js';
import { MAX_LINKS_PER_WINDOW, linkDecider, linkStatusAt, type LinkCommand, type LinkDomainEvent, type LinkSettings } from '../../src/links/link-decider.js';

const spec = deciderSpecification(linkDecider);
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const MIN = 60_000;
const DAY = 24 * 3600_000;
const L = 'LLLLLLLLLLLLLLLLLLLLLL';
const F = 'FFFFFFFFFFFFFFFFFFFFFF';
const ACCESS = new Uint8Array(32).fill(7);
const sha = (b: Uint8Array) => new Uint8Array(createHash('sha256').update(b).digest());
const ACCESS_HASH = Buffer.from(sha(ACCESS)).toString('base64');
const iso = (ms: number) => new Date(ms).toISOString();

const settings = (over: Partial<LinkSettings> = {}): LinkSettings => ({
  linkId: L,
  fileId: F,
  kind: 'FILE',
  headerBytes: 600,
  accessHash: ACCESS_HASH,
  expiresInSeconds: 7 * 24 * 3600,
  maxOpens: null,
  passphrase: false,
  destroyFileWithLink: false,
  ...over,
});
const link = (over: Partial<LinkState> = {}): LinkState => ({
  linkId: L,
  owner: 'alice',
  fileId: F,
  kind: 'FILE',
  accessHash: ACCESS_HASH,
  passphrase: false,
  headerBytes: 600,
  createdAt: iso(NOW),
  expiresAt: iso(NOW + 7 * DAY),
  maxOpens: null,
  openCount: 0,
  lastOpenedAt: null,
  revokedAt: null,
  destroyFileWithLink: false,
  fileDestroyedAt: null,
  ...over,
});
const created = (over: Partial<LinkState> = {}): LinkDomainEvent => ({ type: 'LinkCreated', data: link(over) });
const create = (over: Partial<LinkSettings> = {}, extra: Partial<Extract<LinkCommand, { type: 'CreateLink' }>> = {}): LinkCommand => ({
  type: 'CreateLink',
  actor: 'alice',
  settings: settings(over),
  actorHoldsFile: true,
  actorOwnsFile: true,
  recentLinks: 0,
  now: NOW,
  ...extra,
});
const open = (now = NOW, extra: Partial<Extract<LinkCommand, { type: 'OpenLink' }>> = {}): LinkCommand => ({ type: 'OpenLink', presentedHash: sha(ACCESS), creatorHoldsFile: true, now, ...extra });

describe('link decider', () => {
  it('creates a link with its expiry from the command time', () => {
    spec.given([]).when(create()).then([created()]);
    spec.given([]).when(create({ expiresInSeconds: 300, maxOpens: 3, passphrase: true, kind: 'MESSAGE', destroyFileWithLink: true })).then([
      created({ expiresAt: iso(NOW + 300_000), maxOpens: 3, passphrase: true, kind: 'MESSAGE', destroyFileWithLink: true }),
    ]);
  });

  it('is idempotent for the same input, even later, and a conflict for another', () => {
    spec.given([created()]).when(create({}, { now: NOW + DAY })).thenNothingHappened();
    spec.given([created()]).when(create({ maxOpens: 2 })).thenRefuses('CONFLICT');
    spec.given([created()]).when(create({ expiresInSeconds: 300 })).thenRefuses('CONFLICT');
    spec.given([created()]).when(create({ accessHash: Buffer.alloc(32).toString('base64') })).thenRefuses('CONFLICT');
    spec.given([created()]).when(create({ headerBytes: 601 })).thenRefuses('CONFLICT');
    spec.given([created()]).when(create({}, { actor: 'bob' })).thenRefuses('CONFLICT');
    // The header's bytes: the shell compares them with the stored blob; gone (revoked), the size decides.
    spec.given([created()]).when(create({}, { sameHeader: false })).thenRefuses('CONFLICT');
    spec.given([created()]).when(create({}, { sameHeader: null })).thenNothingHappened();
    spec.given([created()]).when(create({}, { sameHeader: true })).thenNothingHappened();
  });

  it('refuses a file the actor does not hold (NOT_FOUND), destroyFileWithLink by a recipient (FORBIDDEN), too many links (QUOTA_EXCEEDED)', () => {
    spec.given([]).when(create({}, { actorHoldsFile: false })).thenRefuses('NOT_FOUND', { field: 'fileId' });
    spec.given([]).when(create({ destroyFileWithLink: true }, { actorOwnsFile: false })).thenRefuses('FORBIDDEN');
    spec.given([]).when(create({}, { actorOwnsFile: false })).then([created()]);
    spec.given([]).when(create({}, { recentLinks: MAX_LINKS_PER_WINDOW })).thenRefuses('QUOTA_EXCEEDED');
    spec.given([]).when(create({}, { recentLinks: MAX_LINKS_PER_WINDOW - 1 })).then([created()]);
  });

  it('opens: counts one, records the time', () => {
    spec.given([created()]).when(open(NOW + MIN)).then([{ type: 'LinkOpened', data: link({ openCount: 1, lastOpenedAt: iso(NOW + MIN) }) }]);
  });

  it('checks in the contract order: unknown, access, revoked, expired, exhausted, file', () => {
    spec.given([]).when(open()).thenRefuses('NOT_FOUND');
    const wrong = { presentedHash: sha(new Uint8Array(32)) };
    const all = link({ revokedAt: iso(NOW), maxOpens: 1, openCount: 1, expiresAt: iso(NOW + MIN) });
    const given = (l: LinkState) => spec.given([{ type: 'LinkCreated', data: l }]);
    given(all).when(open(NOW + 2 * MIN, { ...wrong, creatorHoldsFile: false })).thenRefuses('FORBIDDEN');
    given(all).when(open(NOW + 2 * MIN, { creatorHoldsFile: false })).thenRefuses('LINK_REVOKED');
    given({ ...all, revokedAt: null }).when(open(NOW + 2 * MIN, { creatorHoldsFile: false })).thenRefuses('LINK_EXPIRED');
    given({ ...all, revokedAt: null }).when(open(NOW, { creatorHoldsFile: false })).thenRefuses('LINK_EXHAUSTED');
    given(link()).when(open(NOW, { creatorHoldsFile: false })).thenRefuses('NOT_FOUND', { field: 'file' });
    // A presented hash of the wrong length is wrong, not a crash.
    given(link()).when(open(NOW, { presentedHash: new Uint8Array(31) })).thenRefuses('FORBIDDEN');
  });

  it('expires exactly at expiresAt and is exhausted exactly at maxOpens', () => {
    spec.given([created({ expiresAt: iso(NOW + MIN) })]).when(open(NOW + MIN - 1)).thenEvents((e) => expect(e).toHaveLength(1));
    spec.given([created({ expiresAt: iso(NOW + MIN) })]).when(open(NOW + MIN)).thenRefuses('LINK_EXPIRED');
    spec.given([created({ maxOpens: 2, openCount: 1 })]).when(open()).thenEvents((e) => expect(e[0]!.data.openCount).toBe(2));
    spec.given([created({ maxOpens: 2, openCount: 2 })]).when(open()).thenRefuses('LINK_EXHAUSTED');
  });

  it('revokes: owner only (NOT_FOUND for others and unknown), once', () => {
    spec.given([created()]).when({ type: 'RevokeLink', actor: 'alice', now: NOW + MIN }).then([{ type: 'LinkRevoked', data: link({ revokedAt: iso(NOW + MIN) }) }]);
    spec.given([created()]).when({ type: 'RevokeLink', actor: 'bob', now: NOW }).thenRefuses('NOT_FOUND');
    spec.given([]).when({ type: 'RevokeLink', actor: 'alice', now: NOW }).thenRefuses('NOT_FOUND');
    spec.given([created({ revokedAt: iso(NOW) })]).when({ type: 'RevokeLink', actor: 'alice', now: NOW + MIN }).thenNothingHappened();
  });

  it('records a destroyed file only for destroyFileWithLink links, once, when due', () => {
    const destroy = (now: number): LinkCommand => ({ type: 'RecordFileDestroyed', now });
    spec.given([created()]).when(destroy(NOW + 30 * DAY)).thenNothingHappened();
    const d = { destroyFileWithLink: true };
    spec.given([created({ ...d, expiresAt: iso(NOW + MIN) })]).when(destroy(NOW + MIN - 1)).thenNothingHappened();
    spec.given([created({ ...d, expiresAt: iso(NOW + MIN) })]).when(destroy(NOW + MIN)).then([{ type: 'LinkFileDestroyed', data: link({ ...d, expiresAt: iso(NOW + MIN), fileDestroyedAt: iso(NOW + MIN) }) }]);
    spec.given([created({ ...d, revokedAt: iso(NOW) })]).when(destroy(NOW)).thenEvents((e) => expect(e).toHaveLength(1));
    spec.given([created({ ...d, fileDestroyedAt: iso(NOW) })]).when(destroy(NOW + 30 * DAY)).thenNothingHappened();
    spec.given([]).when(destroy(NOW)).thenNothingHappened();
  });

  it('keeps an ended link’s file for its last grant: exhausted after the last open’s grant, expired after the later of expiry and grant', () => {
    const G = LINK_GRANT_SECONDS * 1000;
    expect(linkFileDueAt(link({ maxOpens: 1, openCount: 1, lastOpenedAt: iso(NOW) }))).toBe(NOW + G);
    expect(linkFileDueAt(link({ expiresAt: iso(NOW + MIN), lastOpenedAt: iso(NOW + MIN - 1) }))).toBe(NOW + MIN - 1 + G);
    expect(linkFileDueAt(link({ expiresAt: iso(NOW + MIN) }))).toBe(NOW + MIN);
    expect(linkFileDueAt(link({ revokedAt: iso(NOW + 5), lastOpenedAt: iso(NOW) }))).toBe(NOW + 5);
  });

  it('tells the status in the open order', () => {
    expect(linkStatusAt(link(), NOW)).toBe('ACTIVE');
    expect(linkStatusAt(link({ maxOpens: 1, openCount: 1 }), NOW)).toBe('EXHAUSTED');
    expect(linkStatusAt(link({ maxOpens: 1, openCount: 1 }), NOW + 8 * DAY)).toBe('EXPIRED');
    expect(linkStatusAt(link({ maxOpens: 1, openCount: 1, revokedAt: iso(NOW) }), NOW + 8 * DAY)).toBe('REVOKED');
  });
});
