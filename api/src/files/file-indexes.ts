/**
 * The imperative shell of the sealed file indexes (file-index-decider.ts):
 * one stream per user (`file-index-<username>`), one event per record,
 * argument checks at the door, compare-and-set on the record count. The
 * records stay opaque: only their count, size and base64 are checked.
 *
 * What one call can cost is bounded whatever the index's size: an append
 * reads the stream's last event and writes at most
 * MAX_FILE_INDEX_RECORDS_PER_APPEND records of at most
 * MAX_FILE_INDEX_RECORD_BYTES; a read returns at most MAX_FILE_INDEX_PAGE
 * records from a revision (an indexed range read in every event store).
 */
import { MAX_FILE_INDEX_PAGE, MAX_FILE_INDEX_RECORD_BYTES, MAX_FILE_INDEX_RECORDS_PER_APPEND, fileIndexEvents, fileIndexStreamName } from '@peerlock/schema';
import { badInput } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import { base64Arg } from '../conversations/conversation-arguments.js';
import type { RequestContext } from '../contacts/contact-commands.js';
import { fileIndexDecider, type AppendFileIndexRecords, type FileIndexDomainEvent, type FileIndexState } from './file-index-decider.js';

export interface FileIndexRecordPage {
  /** The records after `after`, in order, at most `first`. */
  readonly records: readonly { readonly sequence: number; readonly blob: string }[];
  /** Records in the log when the page was read (the next append's expected version). */
  readonly version: number;
}

export class FileIndexes {
  private readonly logs: StreamAggregate<AppendFileIndexRecords, FileIndexDomainEvent, FileIndexState>;

  constructor(private readonly store: EventStore) {
    this.logs = new StreamAggregate(store, fileIndexEvents, fileIndexDecider, { cacheSize: 1000, lastEventIsState: true });
  }

  async records(username: string, after: unknown, first: unknown): Promise<FileIndexRecordPage> {
    const from = after ?? 0;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 0) throw badInput('after');
    const count = first ?? MAX_FILE_INDEX_PAGE;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1 || count > MAX_FILE_INDEX_PAGE) throw badInput('first');
    const stream = fileIndexStreamName(username);
    // Record n is at stream revision n - 1. The page is read before the count, so the count covers it.
    const recorded = await this.store.readStream(stream, { fromRevision: BigInt(from), maxCount: count });
    const records = recorded.map((event) => {
      const { data } = fileIndexEvents.decode(event);
      return { sequence: data.sequence, blob: data.blob };
    });
    const { state } = await this.logs.load(stream);
    return { records, version: state.version };
  }

  /** Appends sealed records after the `expectedVersion` records the device read; returns the new count. */
  async append(expectedVersion: unknown, blobs: unknown, context: RequestContext): Promise<number> {
    if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) throw badInput('expectedVersion');
    if (!Array.isArray(blobs) || blobs.length < 1 || blobs.length > MAX_FILE_INDEX_RECORDS_PER_APPEND) throw badInput('blobs');
    for (const blob of blobs) base64Arg(blob, MAX_FILE_INDEX_RECORD_BYTES, 'blobs');
    const result = await this.logs.execute(
      fileIndexStreamName(context.actor),
      () => ({ type: 'AppendFileIndexRecords', username: context.actor, expectedVersion, blobs: blobs as string[] }),
      context,
    );
    return result.after.version;
  }
}
