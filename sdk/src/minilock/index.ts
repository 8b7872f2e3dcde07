/**
 * The miniLock file format, version 1 (and miniLockLib's version 2):
 * whole-buffer and streaming, header re-wrap. Also importable alone as "@peerlock/sdk/minilock", which loads
 * none of the rest of the SDK; the backends and ID helpers it needs are
 * re-exported here for that use.
 */
export { defaultBackend, sodiumBackend, tweetnaclBackend, type NaclBackend } from '../crypto/nacl.js';
export { forgetLongTermKey } from '../crypto/long-term-key.js';
export { encodeMiniLockId, decodeMiniLockId, isMiniLockId } from '../keys/minilock-id.js';
export { DecryptionError } from '../crypto/errors.js';
export { MalformedFileError, NotARecipientError, type MalformedFileReason } from './errors.js';
export { CHUNK_SIZE, FILE_NAME_BYTES, MEDIA_TYPE_BYTES, MAX_HEADER_BYTES, MAX_RECIPIENTS, FORMAT_VERSION, type FormatVersion } from './format.js';
export type { FileAttributes } from './chunks.js';
export type { ByteSource } from './byte-reader.js';
export type { BackendOption, RandomOption, RandomSource } from './options.js';
export type { FileInfo } from './file-info.js';
export { decodeHeader, splitFile, type HeaderEntry, type MiniLockHeader } from './header.js';
export { openHeader, type OpenedHeader } from './open-header.js';
export type { EncryptOptions, EncryptedHeader, StreamOption } from './encryptor.js';
export { encryptStream, encryptFile, encryptFileParts, type EncryptStream, type EncryptedFileParts } from './encrypt-stream.js';
export {
  decryptStream,
  decryptChunkStream,
  decryptToSink,
  type DecryptedStream,
  type DecryptStreamOptions,
  type DecryptedChunkStream,
  type DecryptedFileInfo,
  type PlaintextSink,
} from './decrypt-stream.js';
export { decryptFile, decryptChunks, type DecryptedFile, type DecryptedChunks } from './decrypt-file.js';
export { rewrapHeader, type RewrapOptions } from './rewrap.js';
