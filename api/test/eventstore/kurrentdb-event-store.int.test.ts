import { describe, expect, it } from 'vitest';
import { KurrentDbEventStore, packPosition, unpackPosition } from '../../src/eventstore/index.js';
import { eventStoreContract } from '../../src/eventstore/testing/index.js';

const KURRENTDB_URL = process.env.KURRENTDB_URL;

eventStoreContract('KurrentDB', {
  open: async () => new KurrentDbEventStore({ connectionString: KURRENTDB_URL! }),
  densePositions: false,
  globallyUniqueEventIds: false,
  exactDuplicateReporting: false,
  skipReasons: {
    densePositions: 'KurrentDB positions are log offsets',
    globallyUniqueEventIds: 'KurrentDB deduplicates event ids per stream, at the expected revision',
    exactDuplicateReporting: 'KurrentDB absorbs retries without saying so, and only best effort with expected revision any',
  },
  ...(KURRENTDB_URL ? {} : { skipReason: 'KURRENTDB_URL is not set; see README "Event store" to run it against a KurrentDB server' }),
});

describe('KurrentDB global positions', () => {
  it('pack (commit, prepare) into one bigint that keeps their order and round-trips', () => {
    const positions = [
      { commit: 0n, prepare: 0n },
      { commit: 1000n, prepare: 1000n },
      { commit: 1000n, prepare: 1234n },
      { commit: 1001n, prepare: 900n },
      { commit: (1n << 64n) - 1n, prepare: (1n << 64n) - 1n },
    ];
    const packed = positions.map(packPosition);
    expect(packed.map(unpackPosition)).toEqual(positions);
    expect([...packed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(packed);
  });
});
