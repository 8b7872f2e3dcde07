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

  describe('share timers (issue 20)', () => {
    const END = '2026-01-01T00:05:00.000Z';
    const LATER = '2026-01-01T01:00:00.000Z';
    const timed = (recipients: string[], expiresAt = END, destroyWithShare?: true) =>
      ({ type: 'FileShared' as const, data: { fileId: F, owner: 'alice', by: 'alice', recipients, headerBytes: 600, expiresAt, ...(destroyWithShare ? { destroyWithShare } : {}) } });
    const saved = (username: string) => ({ type: 'FileSaved' as const, data: { fileId: F, owner: 'alice', username } });
    const removed = (username: string) => ({ type: 'FileAccessRemoved' as const, data: { fileId: F, owner: 'alice', username } });
    const accessEnd = (at: string) => ({ [`access-ends/${at}/${F}`]: { fileId: F, owner: 'alice', at } });

    it('keeps each holder’s end and one document at the earliest end, for the sweep', () => {
      projectionSpec(filesProjection)
        .given([started, uploaded])
        .when([timed(['bob'])])
        .then({
          [`file/${F}`]: { ...record({ alice: held('alice', 2), bob: held('bob', 3) }), accessEnds: { bob: END } },
          [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) },
          [held('bob', 3)]: { fileId: F, owner: 'alice', since: at(2) },
          ...accessEnd(END),
        });
      // destroyWithShare: the owner's end too (the latest such share's); the document stays at the earliest.
      projectionSpec(filesProjection)
        .given([started, uploaded])
        .when([timed(['bob'], END, true), timed(['carol'], LATER, true)])
        .then({
          [`file/${F}`]: { ...record({ alice: held('alice', 2), bob: held('bob', 3), carol: held('carol', 4) }), accessEnds: { alice: LATER, bob: END, carol: LATER } },
          [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) },
          [held('bob', 3)]: { fileId: F, owner: 'alice', since: at(2) },
          [held('carol', 4)]: { fileId: F, owner: 'alice', since: at(3) },
          ...accessEnd(END),
        });
    });

    it('any valid username is a holder and a key of the ends, even one an object literal would not hold', () => {
      const odd = ['constructor', '__proto__'];
      projectionSpec(filesProjection)
        .given([started, uploaded])
        .when([timed(odd)])
        .then({
          [`file/${F}`]: {
            ...record(Object.fromEntries([['alice', held('alice', 2)], ...odd.map((u) => [u, held(u, 3)])])),
            accessEnds: Object.fromEntries(odd.map((u) => [u, END])),
          },
          [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) },
          ...Object.fromEntries(odd.map((u) => [held(u, 3), { fileId: F, owner: 'alice', since: at(2) }])),
          ...accessEnd(END),
        });
      projectionSpec(filesProjection)
        .given([started, uploaded, timed(odd)])
        .when([removed('constructor'), removed('__proto__'), removed('constructor')])
        .then({ [`file/${F}`]: record({ alice: held('alice', 2) }), [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) } });
      // Not a holder: nothing to remove (the inherited `constructor` is not one).
      projectionSpec(filesProjection)
        .given([started, uploaded])
        .when([removed('constructor'), saved('constructor')])
        .then({ [`file/${F}`]: record({ alice: held('alice', 2) }), [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) } });
    });

    it('a save forgets the holder’s end and moves the document; an owner who saved is not given one', () => {
      projectionSpec(filesProjection)
        .given([started, uploaded, timed(['bob'], END, true)])
        .when([saved('bob')])
        .then({
          [`file/${F}`]: { ...record({ alice: held('alice', 2), bob: held('bob', 3) }), accessEnds: { alice: END }, saved: ['bob'] },
          [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) },
          [held('bob', 3)]: { fileId: F, owner: 'alice', since: at(2) },
          ...accessEnd(END),
        });
      projectionSpec(filesProjection)
        .given([started, uploaded, saved('alice')])
        .when([timed(['bob'], END, true), timed(['carol'], LATER), saved('bob')])
        .then({
          [`file/${F}`]: { ...record({ alice: held('alice', 2), bob: held('bob', 4), carol: held('carol', 5) }), accessEnds: { carol: LATER }, saved: ['alice', 'bob'] },
          [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) },
          [held('bob', 4)]: { fileId: F, owner: 'alice', since: at(3) },
          [held('carol', 5)]: { fileId: F, owner: 'alice', since: at(4) },
          ...accessEnd(LATER),
        });
    });

    it('an ended access drops the holder, their end and save; with nobody left the file and every document go', () => {
      projectionSpec(filesProjection)
        .given([started, uploaded, timed(['bob'])])
        .when([removed('bob')])
        .then({ [`file/${F}`]: record({ alice: held('alice', 2) }), [held('alice', 2)]: { fileId: F, owner: 'alice', since: at(1) } });
      projectionSpec(filesProjection)
        .given([started, uploaded, timed(['bob'], END, true)])
        .when([removed('alice'), removed('bob'), { type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: [], ciphertextBytes: 1000, destroyed: false } }])
        .then({});
      // Destroyed while a timer was pending: the sweep's document goes with the file.
      projectionSpec(filesProjection)
        .given([started, uploaded, timed(['bob'])])
        .when([{ type: 'FileDeleted', data: { fileId: F, owner: 'alice', holders: ['alice', 'bob'], ciphertextBytes: 1000, destroyed: true } }])
        .then({});
    });
  });
});
