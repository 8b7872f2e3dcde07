/**
 * Typed failures of archives (docs/archive.md). Callers switch on `code` and
 * `reason`, never on message text.
 *
 *  - ArchiveRejectedError (ARCHIVE_REJECTED): an archive to import is not
 *    one this user made, or its content is not a well-formed
 *    peerlock-archive/v1 record stream (a hostile or damaged file).
 *  - ArchiveResumeError (ARCHIVE_RESUME): an interrupted export cannot be
 *    continued from what is on disk (start it again without resuming).
 *  - ArchiveExportError (ARCHIVE_EXPORT): the export stopped on something the
 *    server served that did not verify mid-file; the checkpoint stays, so a
 *    later run resumes from before it.
 */
/** The base of archive errors (outside the crypto set: they are about records and files, not one primitive). */
export abstract class PeerlockArchiveError extends Error {
  abstract readonly code: 'ARCHIVE_REJECTED' | 'ARCHIVE_RESUME' | 'ARCHIVE_EXPORT';
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export type ArchiveRejection =
  /** The archive is not sealed to this user's key. */
  | 'not-for-this-key'
  /** Sealed to this user, but by another key: not an archive this user made. */
  | 'not-own-archive'
  /** The miniLock layer refused it (truncated, altered, trailing bytes): see `cause`. */
  | 'undecryptable'
  /** A record header over the bound, or a length prefix past the end. */
  | 'record-too-large'
  /** A record that is not JSON, or not one of the record types with its fields. */
  | 'malformed-record'
  /** Records out of order (no manifest first, a payload without its file, anything after the end). */
  | 'out-of-order'
  /** The format named in the manifest is not one this SDK reads. */
  | 'unsupported-version'
  /** The stream ended before the end record. */
  | 'truncated'
  /** The end record's counts disagree with the records read, or a file's bytes with its hash. */
  | 'counts-mismatch';

export class ArchiveRejectedError extends PeerlockArchiveError {
  readonly code = 'ARCHIVE_REJECTED' as const;
  constructor(
    readonly reason: ArchiveRejection,
    detail?: string,
  ) {
    super(`archive refused: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

export type ArchiveResumeFailure =
  /** The checkpoint does not open with this user's key, or is not a checkpoint. */
  | 'checkpoint-unreadable'
  /** The partial archive is shorter than the checkpoint says was written. */
  | 'partial-short'
  /** A file being exported when the export stopped no longer has the bytes it had. */
  | 'source-changed'
  /** Asked to resume with other options (with or without files) than the interrupted export had. */
  | 'options-changed';

export class ArchiveResumeError extends PeerlockArchiveError {
  readonly code = 'ARCHIVE_RESUME' as const;
  constructor(readonly reason: ArchiveResumeFailure) {
    super(`cannot resume the export: ${reason}`);
  }
}

export class ArchiveExportError extends PeerlockArchiveError {
  readonly code = 'ARCHIVE_EXPORT' as const;
  constructor(
    readonly reason: 'file-failed',
    readonly fileId: string,
    override readonly cause: unknown,
  ) {
    const why = (cause as { code?: unknown; reason?: unknown; message?: unknown } | null) ?? {};
    super(`export stopped: file ${fileId} could not be read and verified (${String(why.reason ?? why.code ?? why.message ?? cause)})`);
  }
}
