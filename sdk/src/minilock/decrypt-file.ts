/**
 * Whole-buffer decryption: returns only when the whole file verified, so no
 * partial plaintext ever reaches the caller.
 */
import { assertBytes, concatBytes, equalBytes } from '../crypto/bytes.js';
import { KEY_BYTES, type NaclBackend } from '../crypto/nacl.js';
import { ChunkOpener, decodeAttributes, parseChunkLength, type FileAttributes } from './chunks.js';
import { DecryptionError, MalformedFileError } from './errors.js';
import { createFileHasher } from './file-hash.js';
import { assertFileInfo, type FileInfo } from './file-info.js';
import { CHUNK_LENGTH_BYTES, CHUNK_MAC_BYTES } from './format.js';
import { splitFile } from './header.js';
import { openHeader, type OpenedHeader } from './open-header.js';
import { checkOptions, resolveBackend, type BackendOption } from './options.js';

export interface DecryptedChunks extends FileAttributes {
  readonly plaintext: Uint8Array;
}

export interface DecryptedFile extends DecryptedChunks, OpenedHeader {}

function decryptChunkBytes(chunks: Uint8Array, fileInfo: FileInfo, backend: NaclBackend, headerVersion?: number): DecryptedChunks {
  const hasher = createFileHasher();
  const opener = new ChunkOpener(fileInfo.fileKey, fileInfo.fileNonce, hasher, backend);
  const pieces: Uint8Array[] = [];
  let attributes: FileAttributes | undefined;
  let offset = 0;
  for (;;) {
    const index = opener.nextIndex;
    if (chunks.length - offset < CHUNK_LENGTH_BYTES) throw new MalformedFileError('truncated');
    const prefix = chunks.subarray(offset, offset + CHUNK_LENGTH_BYTES);
    const boxLength = parseChunkLength(prefix, index) + CHUNK_MAC_BYTES;
    offset += CHUNK_LENGTH_BYTES;
    if (chunks.length - offset < boxLength) throw new MalformedFileError('truncated');
    const { plaintext, last } = opener.open(prefix, chunks.subarray(offset, offset + boxLength));
    offset += boxLength;
    if (index === 0) {
      attributes = decodeAttributes(plaintext);
      // The header's version is not authenticated; chunk 0's length is. They must agree.
      if (headerVersion !== undefined && attributes.version !== headerVersion) throw new MalformedFileError('version');
    } else {
      pieces.push(plaintext);
    }
    if (last) break;
  }
  if (offset !== chunks.length) throw new MalformedFileError('trailing-data');
  if (!equalBytes(hasher.digest(), fileInfo.fileHash)) throw new DecryptionError();
  return { ...attributes!, plaintext: concatBytes(...pieces) };
}

/** Decrypts a chunk stream held in memory, given the fileInfo from openHeader. */
export function decryptChunks(chunks: Uint8Array, fileInfo: FileInfo, options?: BackendOption): DecryptedChunks {
  assertBytes(chunks, 'chunks');
  assertFileInfo(fileInfo);
  return decryptChunkBytes(chunks, fileInfo, resolveBackend(checkOptions(options).backend));
}

/** Decrypts a whole .minilock file held in memory. */
export function decryptFile(file: Uint8Array, secretKey: Uint8Array, options?: BackendOption): DecryptedFile {
  assertBytes(file, 'file');
  assertBytes(secretKey, 'secretKey', KEY_BYTES);
  const backend = resolveBackend(checkOptions(options).backend);
  const { header, chunks } = splitFile(file);
  const opened = openHeader(header, secretKey, { backend });
  return { ...opened, ...decryptChunkBytes(chunks, opened.fileInfo, backend, opened.version) };
}
