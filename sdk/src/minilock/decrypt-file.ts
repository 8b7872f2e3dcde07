/**
 * Whole-buffer decryption: returns only when the whole file verified, so no
 * partial plaintext ever reaches the caller.
 */
import { assertBytes, equalBytes } from '../crypto/bytes.js';
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
  const opener = new ChunkOpener(fileInfo.fileKey, fileInfo.fileNonce, backend);
  // The plaintext is shorter than the chunks: one buffer, each chunk opened
  // straight into its place (no list of pieces to copy together at the end).
  const plaintext = new Uint8Array(chunks.length);
  let written = 0;
  let attributes: FileAttributes | undefined;
  let offset = 0;
  for (;;) {
    const index = opener.nextIndex;
    if (chunks.length - offset < CHUNK_LENGTH_BYTES) throw new MalformedFileError('truncated');
    const length = parseChunkLength(chunks.subarray(offset, offset + CHUNK_LENGTH_BYTES), index);
    const end = offset + CHUNK_LENGTH_BYTES + length + CHUNK_MAC_BYTES;
    if (end > chunks.length) throw new MalformedFileError('truncated');
    hasher.update(chunks.subarray(offset, end));
    const box = chunks.subarray(offset + CHUNK_LENGTH_BYTES, end);
    offset = end;
    let last: boolean;
    if (index === 0) {
      const name = opener.open(box, new Uint8Array(length));
      attributes = decodeAttributes(name.plaintext);
      // The header's version is not authenticated; chunk 0's length is. They must agree.
      if (headerVersion !== undefined && attributes.version !== headerVersion) throw new MalformedFileError('version');
      last = name.last;
    } else {
      last = opener.open(box, plaintext.subarray(written, written + length)).last;
      written += length;
    }
    if (last) break;
  }
  if (offset !== chunks.length) throw new MalformedFileError('trailing-data');
  if (!equalBytes(hasher.digest(), fileInfo.fileHash)) throw new DecryptionError();
  return { ...attributes!, plaintext: plaintext.subarray(0, written) };
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
