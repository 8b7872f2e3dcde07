export type { FileEndpoint } from './file-api.js';
export { FileTransferError } from './file-errors.js';
export { uploadFile, resumeUpload, receivedChunks, ciphertextLayout, type UploadOptions, type UploadProgress, type UploadedFile } from './upload-file.js';
export { openDownload, downloadToSink, fetchEncryptedFile, type DownloadOptions, type DownloadProgress } from './download-file.js';
export { shareFile, type ShareOptions, type ShareTimer } from './share-file.js';
export { saveFile } from './save-file.js';
export {
  fileIndexEntry,
  fileKeyCommitment,
  matchesEntry,
  openFileIndexRecord,
  sealFileIndexRecord,
  FileIndexLog,
  FileIndexRejectedError,
  MAX_FILE_INDEX_RECORD_BYTES,
  type FileIndex,
  type FileIndexEntry,
  type FileIndexRecord,
  type FileIndexRejection,
  type FileOrigin,
} from './file-index.js';
