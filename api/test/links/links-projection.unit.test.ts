import { describe, it } from 'vitest';
import { linksProjection } from '@peerlock/projections';
import { projectionSpec } from '@peerlock/projections/testing';
import type { LinkState } from '@peerlock/schema';

const L = 'L'.repeat(22);
const F = 'F'.repeat(22);
const CREATED = '2026-06-01T12:00:00.000Z';
const base: LinkState = {
  linkId: L,
  owner: 'alice',
  fileId: F,
  kind: 'MESSAGE',
  accessHash: Buffer.alloc(32, 1).toString('base64'),
  passphrase: true,
  headerBytes: 600,
  createdAt: CREATED,
  expiresAt: '2026-06-08T12:00:00.000Z',
  maxOpens: 1,
  openCount: 0,
  lastOpenedAt: null,
  revokedAt: null,
  destroyFileWithLink: true,
  fileDestroyedAt: null,
};
const owned = `owned/alice/${String(10 ** 15 - Date.parse(CREATED)).padStart(16, '0')}/${L}`;
const opened: LinkState = { ...base, openCount: 1, lastOpenedAt: '2026-06-02T00:00:00.000Z' };

describe('links projection', () => {
  it('keeps the link, its owner index (newest first) and when its file is due', () => {
    projectionSpec(linksProjection)
      .given([{ type: 'LinkCreated', data: base }])
      .then({ [`link/${L}`]: base, [owned]: base, [`file-due/2026-06-08T12:00:00.000Z/${L}`]: { linkId: L, at: '2026-06-08T12:00:00.000Z' } });
  });

  it('moves the due time when the last open used it up (its grant lasts 15 minutes), and drops it once the file is destroyed', () => {
    projectionSpec(linksProjection)
      .given([{ type: 'LinkCreated', data: base }, { type: 'LinkOpened', data: opened }])
      .then({ [`link/${L}`]: opened, [owned]: opened, [`file-due/2026-06-02T00:15:00.000Z/${L}`]: { linkId: L, at: '2026-06-02T00:15:00.000Z' } });
    const destroyed = { ...opened, fileDestroyedAt: '2026-06-02T00:15:00.000Z' };
    projectionSpec(linksProjection)
      .given([{ type: 'LinkCreated', data: base }, { type: 'LinkOpened', data: opened }, { type: 'LinkFileDestroyed', data: destroyed }])
      .then({ [`link/${L}`]: destroyed, [owned]: destroyed });
  });

  it('has no due document for a link that keeps its file', () => {
    const keep = { ...base, destroyFileWithLink: false };
    const revoked = { ...keep, revokedAt: '2026-06-01T13:00:00.000Z' };
    projectionSpec(linksProjection)
      .given([{ type: 'LinkCreated', data: keep }, { type: 'LinkRevoked', data: revoked }])
      .then({ [`link/${L}`]: revoked, [owned]: revoked });
  });
});
