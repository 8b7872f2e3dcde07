import { describe, it } from 'vitest';
import { filesProjection } from '../src/index.js';
import { projectionSpec, SPEC_EPOCH } from '../src/testing/index.js';

const F = 'F'.repeat(22);
const at = (i: number) => new Date(SPEC_EPOCH + i * 1000).toISOString();
const EXPIRES = '2026-01-02T00:00:00.000Z';
const started = { type: 'FileUploadStarted' as const, data: { fileId: F, owner: 'alice', chunkCount: 2, ciphertextBytes: 1000, expiresAt: EXPIRES } };
const uploaded = { type: 'FileUploaded' as const, data: { fileId: F, owner: 'alice', headerBytes: 600 } };
const shared = { type: 'FileShared' as const, data: { fileId: F, owner: 'alice', by: 'alice', recipients: ['bob'], headerBytes: 600 } };
// Holder documents sort newest first: 10^20 minus the global position, zero-padded.
const held = (user: string, position: number) => `held/${user}/${(10n ** 20n - BigInt(position)).toString().padStart(20, '0')}/${F}`;
const record = (holders: Record<string, string>, status: 'uploading' | 'ready' = 'ready', uploadedAt: string | null = at(1)) => ({
  fileId: F,
  owner: 'alice',
  status,
  chunkCount: 2,
  ciphertextBytes: 1000,
  expiresAt: EXPIRES,
  uploadedAt,
  holders,
});

describe('files projection', () => {
  it('tracks an open upload until it is finalized, then the owner holds the file', () => {
    projectionSpec(filesProjection)
      .given([started])
      .then({ [`file/${F}`]: record({}, 'uploading', null), [`uploading/${F}`]: { fileId: F, owner: 'alice', expiresAt: EXPIRES } });
    projectionSpec(filesProjection)
      .given([started])
      .when([uploaded])
      .then({ [`file/${F}`]: record({ alice: held('alice', 2) }), [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) } });
  });

  it('adds and drops holders, and forgets the file entirely when it is deleted or expires', () => {
    projectionSpec(filesProjection)
      .given([started, uploaded, shared])
      .when([{ type: 'FileAccessRemoved', data: { fileId: F, owner: 'alice', username: 'alice' } }])
      .then({ [`file/${F}`]: record({ bob: held('bob', 3) }), [held('bob', 3)]: { fileId: F, owner: 'alice', since: at(2) } });
    projectionSpec(filesProjection)
      .given([started, uploaded, shared])
      .when([{ type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: ['alice', 'bob'], ciphertextBytes: 1000, destroyed: true } }])
      .then({});
    projectionSpec(filesProjection)
      .given([started])
      .when([{ type: 'FileUploadExpired', data: { fileId: F, owner: 'alice', ciphertextBytes: 1000 } }])
      .then({});
  });
});
