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
    const share = (actor: string, recipients: string[], contacts: string[]) => ({ type: 'ShareFile', actor, fileId: F, recipients, headerBytes: 600, contacts, now: NOW }) as const;
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
    const remove = (actor: string) => ({ type: 'RemoveAccess', actor, fileId: F, now: NOW }) as const;
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

  describe('shares under a disappearing-messages timer', () => {
    const MIN5 = 300_000;
    const END = new Date(NOW + MIN5).toISOString();
    const timed = (recipients: string[], options: { by?: string; expiresAt?: string; destroyWithShare?: true } = {}): FileDomainEvent => ({
      type: 'FileShared',
      data: { fileId: F, owner: 'alice', by: options.by ?? 'alice', recipients, headerBytes: 600, expiresAt: options.expiresAt ?? END, ...(options.destroyWithShare ? { destroyWithShare: true as const } : {}) },
    });
    const shareIn = (seconds: number | undefined, options: { actor?: string; recipients?: string[]; destroyWithShare?: boolean; now?: number } = {}) =>
      ({
        type: 'ShareFile',
        actor: options.actor ?? 'alice',
        fileId: F,
        recipients: options.recipients ?? ['bob'],
        headerBytes: 600,
        contacts: ['alice', 'bob', 'carol'],
        now: options.now ?? NOW,
        ...(seconds !== undefined ? { expiresInSeconds: seconds } : {}),
        ...(options.destroyWithShare !== undefined ? { destroyWithShare: options.destroyWithShare } : {}),
      }) as const;
    const save = (actor: string, now = NOW) => ({ type: 'SaveFile', actor, fileId: F, now }) as const;
    const saved = (username: string): FileDomainEvent => ({ type: 'FileSaved', data: { fileId: F, owner: 'alice', username } });
    const expire = (now: number) => ({ type: 'ExpireAccess', fileId: F, now }) as const;
    const removed = (username: string): FileDomainEvent => ({ type: 'FileAccessRemoved', data: { fileId: F, owner: 'alice', username } });
    const deleted: FileDomainEvent = { type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: [], ciphertextBytes: 1000, destroyed: false } };
    const ready = [started(), uploaded()];

    it('records the end of the recipients’ access at share time + the timer; absent or 0 is a share without end', () => {
      spec.given(ready).when(shareIn(300)).then([timed(['bob'])]);
      spec.given(ready).when(shareIn(2_419_200)).then([timed(['bob'], { expiresAt: new Date(NOW + 2_419_200_000).toISOString() })]);
      spec.given(ready).when(shareIn(0)).then([shared(['bob'])]);
      spec.given(ready).when(shareIn(undefined)).then([shared(['bob'])]);
      spec.given(ready).when(shareIn(300, { destroyWithShare: true })).then([timed(['bob'], { destroyWithShare: true })]);
      spec.given(ready).when(shareIn(300, { destroyWithShare: false })).then([timed(['bob'])]);
    });

    it('accepts only the message timers; destroyWithShare only with one, and only from the owner', () => {
      for (const seconds of [1, 299, 301, 60, -300, 2.5, 4_000_000]) spec.given(ready).when(shareIn(seconds)).thenRefuses('BAD_INPUT', { field: 'expiresInSeconds' });
      spec.given(ready).when(shareIn(0, { destroyWithShare: true })).thenRefuses('BAD_INPUT', { field: 'destroyWithShare' });
      spec.given(ready).when(shareIn(undefined, { destroyWithShare: true })).thenRefuses('BAD_INPUT', { field: 'destroyWithShare' });
      // A recipient may pass the file on under a timer, but cannot end the owner's access.
      spec.given([...ready, shared(['bob'])]).when(shareIn(300, { actor: 'bob', recipients: ['carol'] })).then([timed(['carol'], { by: 'bob' })]);
      spec.given([...ready, shared(['bob'])]).when(shareIn(300, { actor: 'bob', recipients: ['carol'], destroyWithShare: true })).thenRefuses('FORBIDDEN');
    });

    it('ends a recipient’s access at its time: not before, exactly then, and a second sweep does nothing', () => {
      spec.given([...ready, timed(['bob'])]).when(expire(NOW + MIN5 - 1)).thenNothingHappened();
      spec.given([...ready, timed(['bob'])]).when(expire(NOW + MIN5)).then([removed('bob')]);
      spec.given([...ready, timed(['bob']), removed('bob')]).when(expire(NOW + MIN5 + 1)).thenNothingHappened();
      // Only the recipients of the timed share: an earlier share without end stays.
      spec.given([...ready, shared(['carol']), timed(['bob'])]).when(expire(NOW + MIN5)).then([removed('bob')]);
      spec.given([...ready, timed(['bob'])]).when(expire(NOW + 10 * MIN5)).then([removed('bob')]);
      // Any valid username is a key, even one an object literal would not hold.
      spec.given([...ready, timed(['__proto__'])]).when(expire(NOW + MIN5)).then([removed('__proto__')]);
    });

    it('a holder whose time came holds nothing, before the sweep as after it', () => {
      const given = [...ready, timed(['bob'])];
      spec.given(given).when(save('bob', NOW + MIN5)).thenRefuses('FORBIDDEN');
      spec.given(given).when(shareIn(0, { actor: 'bob', recipients: ['carol'], now: NOW + MIN5 })).thenRefuses('FORBIDDEN');
      spec.given(given).when({ type: 'RemoveAccess', actor: 'bob', fileId: F, now: NOW + MIN5 }).thenRefuses('FORBIDDEN');
      spec.given([...given, removed('bob')]).when(save('bob', NOW + MIN5)).thenRefuses('FORBIDDEN');
      // Sharing again gives access again, the due end recorded first.
      spec.given(given).when(shareIn(0, { now: NOW + MIN5 })).then([removed('bob'), shared(['bob'])]);
      spec.given([...given, removed('bob'), shared(['bob'])]).when(expire(NOW + 100 * MIN5)).thenNothingHappened();
      // Alice removing her own access after bob's ran out: both ends recorded, and nobody is left.
      spec.given(given).when({ type: 'RemoveAccess', actor: 'alice', fileId: F, now: NOW + MIN5 }).then([removed('bob'), removed('alice'), deleted]);
    });

    it('a recipient who saved keeps the file; saving again changes nothing; a non-holder cannot save', () => {
      spec.given([...ready, timed(['bob'])]).when(save('bob', NOW + MIN5 - 1)).then([saved('bob')]);
      spec.given([...ready, timed(['bob']), saved('bob')]).when(save('bob', NOW + MIN5 - 1)).thenNothingHappened();
      spec.given([...ready, timed(['bob']), saved('bob')]).when(expire(NOW + 100 * MIN5)).thenNothingHappened();
      spec.given([...ready, timed(['bob', 'carol']), saved('bob')]).when(expire(NOW + MIN5)).then([removed('carol')]);
      spec.given(ready).when(save('carol')).thenRefuses('FORBIDDEN');
      spec.given([started()]).when(save('alice')).thenRefuses('NOT_FOUND');
      spec.given([]).when(save('alice')).thenRefuses('NOT_FOUND');
      // The owner may save too, and a holder of a share without end (it guards them from a later timer).
      spec.given(ready).when(save('alice')).then([saved('alice')]);
      spec.given([...ready, shared(['bob'])]).when(save('bob')).then([saved('bob')]);
    });

    it('destroyWithShare: the owner’s access ends too, and with nobody left the file is deleted', () => {
      spec.given([...ready, timed(['bob'], { destroyWithShare: true })]).when(expire(NOW + MIN5 - 1)).thenNothingHappened();
      spec.given([...ready, timed(['bob'], { destroyWithShare: true })]).when(expire(NOW + MIN5)).then([removed('alice'), removed('bob'), deleted]);
      // Deleted: the quota is free again.
      spec
        .given([...ready, timed(['bob'], { destroyWithShare: true }), removed('alice'), removed('bob'), deleted])
        .when(start(G, QUOTA))
        .then([started(G, QUOTA)]);
      // Before the sweep, nobody holds it: NOT_FOUND as after the deletion.
      spec.given([...ready, timed(['bob'], { destroyWithShare: true })]).when(save('alice', NOW + MIN5)).thenRefuses('NOT_FOUND');
      spec.given([...ready, timed(['bob'], { destroyWithShare: true })]).when(save('bob', NOW + MIN5)).thenRefuses('NOT_FOUND');
    });

    it('destroyWithShare: an owner who saved keeps it (saved before or after the share); a recipient who saved keeps it alone', () => {
      spec.given([...ready, timed(['bob'], { destroyWithShare: true }), saved('alice')]).when(expire(NOW + MIN5)).then([removed('bob')]);
      spec.given([...ready, saved('alice'), timed(['bob'], { destroyWithShare: true })]).when(expire(NOW + MIN5)).then([removed('bob')]);
      spec.given([...ready, timed(['bob'], { destroyWithShare: true }), saved('bob')]).when(expire(NOW + MIN5)).then([removed('alice')]);
      // A holder of a share without end keeps the file, and so do the blobs.
      spec.given([...ready, shared(['carol']), timed(['bob'], { destroyWithShare: true })]).when(expire(NOW + MIN5)).then([removed('alice'), removed('bob')]);
    });

    it('the owner’s access lasts until the latest share it was destroyed with', () => {
      const later = new Date(NOW + 3600_000).toISOString();
      const given = [...ready, timed(['bob'], { destroyWithShare: true }), timed(['carol'], { destroyWithShare: true, expiresAt: later })];
      spec.given(given).when(expire(NOW + MIN5)).then([removed('bob')]);
      spec.given([...given, removed('bob')]).when(expire(NOW + 3600_000)).then([removed('alice'), removed('carol'), deleted]);
      spec.given(given).when(expire(NOW + 3600_000)).then([removed('alice'), removed('bob'), removed('carol'), deleted]);
      // A share without destroyWithShare leaves the owner's end where it was.
      spec.given([...ready, timed(['bob'], { destroyWithShare: true }), timed(['carol'], { expiresAt: later })]).when(expire(NOW + MIN5)).then([removed('alice'), removed('bob')]);
    });

    it('losing access forgets a save: shared again under a timer, the new timer applies', () => {
      const given = [...ready, timed(['bob']), saved('bob'), removed('bob')];
      spec.given(given).when(shareIn(300, { now: NOW + MIN5 })).then([timed(['bob'], { expiresAt: new Date(NOW + 2 * MIN5).toISOString() })]);
      spec.given([...given, timed(['bob'], { expiresAt: new Date(NOW + 2 * MIN5).toISOString() })]).when(expire(NOW + 2 * MIN5)).then([removed('bob')]);
    });

    it('a share to a holder under a timer does not shorten their access', () => {
      spec.given([...ready, shared(['bob'])]).when(shareIn(300)).thenNothingHappened();
      spec.given([...ready, shared(['bob'])]).when(shareIn(300, { recipients: ['bob', 'carol'] })).then([timed(['carol'])]);
      spec.given([...ready, shared(['bob']), timed(['bob'])]).when(expire(NOW + MIN5)).thenNothingHappened();
    });
  });
});
