/**
 * A user's sealed file index (DESIGN §5) as a Decider: an append-only log of
 * records the server cannot read (sealed by the SDK to the user's own key,
 * sdk/src/files/file-index.ts). The server keeps only how many there are.
 * Appending names that count as the device last read it; anything else is
 * CONFLICT, so two devices cannot both write record n + 1 (the loser reads
 * the new records and appends after them). Each record gets the next
 * sequence; the SDK finds the same sequence inside the seal and refuses a
 * log with a record dropped, repeated or moved, or shorter than it has seen.
 *
 * The state is a counter set by every event, so the last event alone is the
 * state (StreamAggregate's `lastEventIsState`): an append costs the same
 * whatever the log's length.
 */
import type { FileIndexRecordAppended } from '@peerlock/schema';
import { PeerlockError } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type FileIndexDomainEvent = DomainEventOf<readonly [typeof FileIndexRecordAppended]>;

export interface FileIndexState {
  /** Records appended so far: the sequence of the last one (0 for none). */
  readonly version: number;
}

export interface AppendFileIndexRecords {
  readonly type: 'AppendFileIndexRecords';
  readonly username: string;
  readonly expectedVersion: number;
  /** base64 of sealed records, in order (checked at the door: 1 to MAX_FILE_INDEX_RECORDS_PER_APPEND, each at most MAX_FILE_INDEX_RECORD_BYTES). */
  readonly blobs: readonly string[];
}

export const initialFileIndexState = (): FileIndexState => ({ version: 0 });

export function decide(command: AppendFileIndexRecords, state: FileIndexState): FileIndexDomainEvent[] {
  switch (command.type) {
    case 'AppendFileIndexRecords':
      if (command.expectedVersion !== state.version) throw new PeerlockError('CONFLICT');
      return command.blobs.map((blob, i) => ({ type: 'FileIndexRecordAppended', data: { username: command.username, sequence: state.version + 1 + i, blob } }));
    default:
      return assertNever(command.type);
  }
}

export function evolve(_state: FileIndexState, event: FileIndexDomainEvent): FileIndexState {
  switch (event.type) {
    case 'FileIndexRecordAppended':
      return { version: event.data.sequence };
    default:
      return assertNever(event.type);
  }
}

export const fileIndexDecider = { decide, evolve, initialState: initialFileIndexState };
