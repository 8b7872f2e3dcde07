import { describe, it } from 'vitest';
import { deciderSpecification } from '../../src/testing/decider-specification.js';
import { fileDecider, type FileDomainEvent } from '../../src/files/file-decider.js';

const spec = deciderSpecification(fileDecider);
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const HOUR = 3600_000;
const F = 'AAAAAAAAAAAAAAAAAAAAAA';
const G = 'BBBBBBBBBBBBBBBBBBBBBB';
const QUOTA = 10_000;

const started = (fileId = F, ciphertextBytes = 1000, chunkCount = 2): FileDomainEvent => ({
  type: 'FileUploadStarted',
  data: { fileId, owner: 'alice', chunkCount, ciphertextBytes, expiresAt: new Date(NOW + HOUR).toISOString() },
});
const uploaded = (fileId = F): FileDomainEvent => ({ type: 'FileUploaded', data: { fileId, owner: 'alice', headerBytes: 600 } });
const shared = (recipients: string[], by = 'alice'): FileDomainEvent => ({ type: 'FileShared', data: { fileId: F, owner: 'alice', by, recipients, headerBytes: 600 } });
const start = (fileId: string, ciphertextBytes: number, chunkCount = 2) =>
  ({ type: 'StartUpload', actor: 'alice', fileId, chunkCount, ciphertextBytes, quotaBytes: QUOTA, now: NOW, timeoutMs: HOUR }) as const;
const finalize = (chunks: [number, number][], now = NOW) => ({ type: 'FinalizeUpload', actor: 'alice', fileId: F, headerBytes: 600, storedChunks: new Map(chunks), now }) as const;

describe('file decider', () => {
  it('starts an upload and reserves its bytes', () => {
    spec.given([]).when(start(F, 1000)).then([started()]);
  });

  it('refuses an upload past the quota, counting open uploads', () => {
    spec.given([]).when(start(F, QUOTA + 1)).thenRefuses('QUOTA_EXCEEDED');
    spec.given([started(G, 9500, 10)]).when(start(F, 1000)).thenRefuses('QUOTA_EXCEEDED');
    spec.given([started(G, 9000, 10)]).when(start(F, 1000)).then([started(F, 1000)]);
  });

  it('refuses impossible shapes', () => {
    spec.given([]).when(start(F, 1000, 1)).thenRefuses('BAD_INPUT', { field: 'chunkCount' });
    spec.given([]).when(start(F, 100, 2)).thenRefuses('BAD_INPUT', { field: 'ciphertextBytes' });
    spec.given([]).when(start(F, 428 + 1048596 + 1, 2)).thenRefuses('BAD_INPUT', { field: 'ciphertextBytes' });
    // Three chunks: the middle one is a full MiB, so less than that cannot be declared.
    spec.given([]).when(start(F, 296 + 1048596 - 1, 3)).thenRefuses('BAD_INPUT', { field: 'ciphertextBytes' });
    spec.given([]).when(start(F, 296, 2)).then([started(F, 296)]);
    spec.given([started()]).when(start(F, 1000)).thenRefuses('CONFLICT');
  });

  it('finalizes only with every chunk at the declared total, before the deadline; a repeat is a no-op', () => {
    spec.given([started()]).when(finalize([[0, 276], [1, 724]])).then([uploaded()]);
    spec.given([started()]).when(finalize([[0, 276]])).thenRefuses('BAD_INPUT', { field: 'chunks' });
    spec.given([started()]).when(finalize([[0, 276], [1, 723]])).thenRefuses('BAD_INPUT', { field: 'chunks' });
    spec.given([started()]).when(finalize([[0, 276], [1, 724]], NOW + HOUR)).thenRefuses('NOT_FOUND');
    spec.given([started(), uploaded()]).when(finalize([[0, 276], [1, 724]])).thenNothingHappened();
  });

  it('expires an open upload after its deadline only', () => {
    spec.given([started()]).when({ type: 'ExpireUpload', fileId: F, now: NOW + HOUR - 1 }).thenNothingHappened();
    spec.given([started()]).when({ type: 'ExpireUpload', fileId: F, now: NOW + HOUR }).then([{ type: 'FileUploadExpired', data: { fileId: F, owner: 'alice', ciphertextBytes: 1000 } }]);
    spec.given([started(), uploaded()]).when({ type: 'ExpireUpload', fileId: F, now: NOW + 2 * HOUR }).thenNothingHappened();
  });

  it('shares with contacts only, by holders only', () => {
    const share = (actor: string, recipients: string[], contacts: string[]) => ({ type: 'ShareFile', actor, fileId: F, recipients, headerBytes: 600, contacts }) as const;
    spec.given([started(), uploaded()]).when(share('alice', ['bob'], ['bob'])).then([shared(['bob'])]);
    spec.given([started(), uploaded()]).when(share('alice', ['bob'], [])).thenRefuses('FORBIDDEN');
    spec.given([started(), uploaded()]).when(share('carol', ['bob'], ['bob'])).thenRefuses('FORBIDDEN');
    spec.given([started(), uploaded(), shared(['bob'])]).when(share('bob', ['carol'], ['carol'])).then([shared(['carol'], 'bob')]);
    spec.given([started()]).when(share('alice', ['bob'], ['bob'])).thenRefuses('NOT_FOUND');
    // Holders keep their header: re-sharing to them is a no-op, and only newcomers are recorded.
    spec.given([started(), uploaded(), shared(['bob'])]).when(share('bob', ['alice'], ['alice'])).thenNothingHappened();
    spec.given([started(), uploaded(), shared(['bob'])]).when(share('alice', ['bob', 'carol'], ['bob', 'carol'])).then([shared(['carol'])]);
  });

  it('removal drops one holder; the last one out deletes the file and frees the quota', () => {
    const remove = (actor: string) => ({ type: 'RemoveAccess', actor, fileId: F }) as const;
    spec.given([started(), uploaded(), shared(['bob'])]).when(remove('bob')).then([{ type: 'FileAccessRemoved', data: { fileId: F, owner: 'alice', username: 'bob' } }]);
    spec.given([started(), uploaded()]).when(remove('alice')).then([
      { type: 'FileAccessRemoved', data: { fileId: F, owner: 'alice', username: 'alice' } },
      { type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: [], ciphertextBytes: 1000, destroyed: false } },
    ]);
    spec.given([started(), uploaded()]).when(remove('bob')).thenRefuses('FORBIDDEN');
    spec
      .given([started(), uploaded(), { type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: ['alice'], ciphertextBytes: 1000, destroyed: true } }])
      .when(start(G, QUOTA))
      .then([started(G, QUOTA, 2)]);
  });

  it('destroy is for the owner, for everyone at once', () => {
    spec.given([started(), uploaded(), shared(['bob'])]).when({ type: 'DestroyFile', actor: 'alice', fileId: F }).then([
      { type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: ['alice', 'bob'], ciphertextBytes: 1000, destroyed: true } },
    ]);
    spec.given([started(), uploaded(), shared(['bob'])]).when({ type: 'DestroyFile', actor: 'bob', fileId: F }).thenRefuses('FORBIDDEN');
    spec.given([]).when({ type: 'DestroyFile', actor: 'alice', fileId: F }).thenRefuses('NOT_FOUND');
  });
});
