/**
 * The file index decider (DESIGN §5): an append-only log of opaque sealed
 * records whose state is their count, given / when / then.
 */
import { describe, expect, it } from 'vitest';
import { fileIndexDecider, type AppendFileIndexRecords, type FileIndexDomainEvent } from '../../src/files/file-index-decider.js';
import { deciderSpecification } from '../../src/testing/decider-specification.js';

const spec = deciderSpecification(fileIndexDecider);
const appended = (sequence: number, blob: string): FileIndexDomainEvent => ({ type: 'FileIndexRecordAppended', data: { username: 'alice', sequence, blob } });
const append = (expectedVersion: number, ...blobs: string[]): AppendFileIndexRecords => ({ type: 'AppendFileIndexRecords', username: 'alice', expectedVersion, blobs });

describe('file index decider', () => {
  it('appends record 1 to an empty log, and each next record after the last, one event per record', () => {
    spec.given([]).when(append(0, 'AAAA')).then([appended(1, 'AAAA')]);
    spec.given([appended(1, 'AAAA')]).when(append(1, 'BBBB')).then([appended(2, 'BBBB')]);
    spec.given([appended(1, 'AAAA'), appended(2, 'BBBB')]).when(append(2, 'CCCC', 'DDDD', 'EEEE')).then([appended(3, 'CCCC'), appended(4, 'DDDD'), appended(5, 'EEEE')]);
  });

  it('refuses an append after any other count (a device that did not read the newest records, or one ahead of the log)', () => {
    spec.given([appended(1, 'AAAA')]).when(append(0, 'BBBB')).thenRefuses('CONFLICT');
    spec.given([appended(1, 'AAAA'), appended(2, 'BBBB')]).when(append(1, 'CCCC')).thenRefuses('CONFLICT');
    spec.given([]).when(append(1, 'BBBB')).thenRefuses('CONFLICT');
    spec.given([appended(1, 'AAAA')]).when(append(3, 'BBBB')).thenRefuses('CONFLICT');
  });

  it('keeps only the count, never the records; the last event alone gives it (what lastEventIsState loads)', () => {
    const log = [appended(1, 'AAAA'), appended(2, 'BBBB'), appended(3, 'CCCC')];
    const folded = log.reduce(fileIndexDecider.evolve, fileIndexDecider.initialState());
    expect(folded).toEqual({ version: 3 });
    expect(fileIndexDecider.evolve(fileIndexDecider.initialState(), log.at(-1)!)).toEqual(folded);
    expect(fileIndexDecider.initialState()).toEqual({ version: 0 });
  });
});
