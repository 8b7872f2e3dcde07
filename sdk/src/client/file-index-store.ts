/**
 * The sealed file index (DESIGN §5) on the server: an append-only log of
 * records sealed to the user's own key (files/file-index.ts), one stream per
 * user. This class keeps one client's copy of it.
 *
 * - Loaded once, in pages, then only the tail: the records another device
 *   appended since. Every read checks the whole log as FileIndexLog does
 *   (each record opens with our key and says its own place; the log is at
 *   least as long as this device's mark, kept across logins) and raises the
 *   mark to the log's length (`onSeen`).
 * - A change is one record appended with the length this copy holds as the
 *   expected version. CONFLICT means another device appended first: we read
 *   its records and apply our change again after them.
 * - Every call runs after the one before it, so a read and a write never
 *   interleave on the same copy.
 * - A log refused (FileIndexRejectedError) is dropped: the next call reads it
 *   again from the start and refuses it again, never acting on part of it.
 */
import { base64ToBytes, bytesToBase64 } from '../crypto/bytes.js';
import { FileIndexLog, sealFileIndexRecord, type FileIndex, type FileIndexEntry, type FileIndexRecord } from '../files/file-index.js';
import { PeerlockApiError } from './errors.js';
import { AppendFileIndexRecordsDocument, FileIndexRecordsDocument } from './generated/graphql.js';
import type { Execute } from './sealed-document-store.js';

/** Records per page read: the server's most (MAX_FILE_INDEX_PAGE in @peerlock/schema). */
export const FILE_INDEX_PAGE = 500;
/** Records per append: the server's most (MAX_FILE_INDEX_RECORDS_PER_APPEND). */
export const FILE_INDEX_RECORDS_PER_APPEND = 100;
const MAX_ATTEMPTS = 4;

export class FileIndexStore {
  private log: FileIndexLog | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly execute: Execute,
    private readonly secretKey: () => Uint8Array,
    /** The newest version (log length) this device has seen: its mark, kept across sessions. */
    private newestSeen: number,
    /** Told of every longer log read or written, to raise the device's mark. */
    private readonly onSeen: (version: number) => void = () => undefined,
  ) {}

  get highWaterMark(): number {
    return this.newestSeen;
  }

  /** The index as this client holds it, read from the server the first time. Live: later changes show in it. */
  current(): Promise<FileIndex> {
    return this.serially(() => this.loaded());
  }

  /** Reads the records appended since this client last read (another device's uploads). */
  refresh(): Promise<FileIndex> {
    return this.serially(async () => (this.log ? this.readTail(this.log) : this.loaded()));
  }

  /** Records a file vouched for now, unless its id has an entry already (the first one stands). */
  add(entry: FileIndexEntry): Promise<void> {
    return this.serially(() => this.change((log) => (Object.hasOwn(log.entries, entry.fileId) ? null : { sequence: log.version + 1, op: 'put', entry })));
  }

  remove(fileId: string): Promise<void> {
    return this.serially(() => this.change((log) => (Object.hasOwn(log.entries, fileId) ? { sequence: log.version + 1, op: 'remove', fileId } : null)));
  }

  /**
   * After a key rotation: writes the index again under the current key, a
   * `restart` record and a `put` per entry after the `knownVersion` records
   * read under the old key, without opening those (this key cannot).
   * Records another device appended meanwhile, under the old key, are lost
   * with it, as a rotation ends every old session.
   */
  restart(entries: Iterable<FileIndexEntry>, knownVersion: number): Promise<void> {
    const kept = [...entries];
    return this.serially(async () => {
      for (let attempt = 1; ; attempt++) {
        const { version } = (await this.execute(FileIndexRecordsDocument, { after: knownVersion, first: 1 })).fileIndexRecords;
        const log = new FileIndexLog();
        log.skip(version);
        if (version === 0 && kept.length === 0) return void (this.log = log);
        const records: FileIndexRecord[] = [{ sequence: version + 1, op: 'restart' }, ...kept.map((entry, i): FileIndexRecord => ({ sequence: version + 2 + i, op: 'put', entry }))];
        try {
          for (let i = 0; i < records.length; i += FILE_INDEX_RECORDS_PER_APPEND) await this.append(log, records.slice(i, i + FILE_INDEX_RECORDS_PER_APPEND));
          this.log = log;
          this.seen(log.version);
          return;
        } catch (error) {
          if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    });
  }

  /** Appends the record `next` makes of the log (none: nothing to do); on CONFLICT reads the tail and asks again. */
  private async change(next: (log: FileIndex) => FileIndexRecord | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const log = await this.loaded();
      const record = next(log);
      if (record === null) return;
      try {
        await this.append(log, [record]);
        this.seen(log.version);
        return;
      } catch (error) {
        if (!isConflict(error) || attempt >= MAX_ATTEMPTS) throw error;
        await this.readTail(log);
      }
    }
  }

  /** Seals and appends records that follow `log`, then folds them into it. */
  private async append(log: FileIndexLog, records: readonly FileIndexRecord[]): Promise<void> {
    const blobs = records.map((record) => bytesToBase64(sealFileIndexRecord(record, this.secretKey())));
    await this.execute(AppendFileIndexRecordsDocument, { expectedVersion: log.version, blobs });
    for (const record of records) log.wrote(record);
  }

  private async loaded(): Promise<FileIndexLog> {
    if (this.log) return this.log;
    const log = await this.readTail(new FileIndexLog());
    this.log = log;
    return log;
  }

  /** Reads the records after `log`'s, page by page, into it; then checks the whole log. */
  private async readTail(log: FileIndexLog): Promise<FileIndexLog> {
    try {
      for (;;) {
        const page = (await this.execute(FileIndexRecordsDocument, { after: log.version, first: FILE_INDEX_PAGE })).fileIndexRecords;
        for (const record of page.records) log.read(bytesOf(record.blob), this.secretKey());
        if (page.records.length < FILE_INDEX_PAGE || log.version >= page.version) break;
      }
      log.check(this.newestSeen);
    } catch (error) {
      this.log = null;
      throw error;
    }
    this.seen(log.version);
    return log;
  }

  private seen(version: number): void {
    if (version <= this.newestSeen) return;
    this.newestSeen = version;
    this.onSeen(version);
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A blob that is not even base64 reads as bytes no key opens: `undecryptable` at its place. */
function bytesOf(blob: string): Uint8Array {
  try {
    return base64ToBytes(blob, 'blob');
  } catch {
    return new Uint8Array(0);
  }
}

function isConflict(error: unknown): boolean {
  return error instanceof PeerlockApiError && error.code === 'CONFLICT';
}
