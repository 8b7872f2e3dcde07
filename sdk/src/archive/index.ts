export { Archive, type ImportedConversation, type ImportedMessage } from './archive.js';
export { ArchiveRejectedError, ArchiveResumeError, ArchiveExportError, PeerlockArchiveError, type ArchiveRejection, type ArchiveResumeFailure } from './errors.js';
export {
  ARCHIVE_FORMAT,
  MAX_RECORD_HEADER_BYTES,
  encodeRecord,
  parseRecord,
  readRecord,
  readPayload,
  recordReader,
  type RecordReader,
  type ArchiveRecord,
  type ArchiveCounts,
  type ManifestRecord,
  type ContactRecord,
  type ConversationRecord,
  type MessageRecord,
  type MessageVerification,
  type FileRecord,
  type FileEndRecord,
  type EndRecord,
} from './format.js';
export { ArchiveWriter, ARCHIVE_FILE_NAME, sealCheckpoint, openCheckpoint, type ArchiveTarget, type ArchiveCheckpoint, type EncryptorState } from './writer.js';
export { MemoryArchiveTarget } from './memory-target.js';
export type { ExportOptions, ExportProgress, ExportSummary } from './export.js';
export { openArchive, type ImportOptions, type ImportProgress, type ImportSummary, type PinConflict } from './import.js';
export { IMPORT_FILE_PREFIX, type CatalogConversation, type ImportedFrom } from './imported-store.js';
