/**
 * fileInfo: the secrets a recipient needs to read the chunk stream
 * (reference: decryptInfo.fileInfo before it is boxed).
 *   JSON {"fileKey": b64(32), "fileNonce": b64(16), "fileHash": b64(32)}, in that order.
 */
import { assertBytes, bytesToBase64, utf8ToBytes } from '../crypto/bytes.js';
import { FILE_HASH_BYTES, FILE_KEY_BYTES, FILE_NONCE_BYTES } from './format.js';
import { base64Field, parseJsonObject } from './json.js';

export interface FileInfo {
  /** secretbox key of every chunk. Secret. */
  readonly fileKey: Uint8Array;
  /** First 16 bytes of every chunk nonce. */
  readonly fileNonce: Uint8Array;
  /** BLAKE2s-256 of the chunk stream. */
  readonly fileHash: Uint8Array;
}

export function assertFileInfo(value: unknown, name = 'fileInfo'): asserts value is FileInfo {
  if (value === null || typeof value !== 'object') throw new TypeError(`${name}: expected a FileInfo object`);
  const v = value as Record<string, unknown>;
  assertBytes(v.fileKey, `${name}.fileKey`, FILE_KEY_BYTES);
  assertBytes(v.fileNonce, `${name}.fileNonce`, FILE_NONCE_BYTES);
  assertBytes(v.fileHash, `${name}.fileHash`, FILE_HASH_BYTES);
}

/** The exact bytes the reference boxes: JSON.stringify with its key order, no whitespace. */
export function encodeFileInfo(info: FileInfo): Uint8Array {
  return utf8ToBytes(
    JSON.stringify({
      fileKey: bytesToBase64(info.fileKey),
      fileNonce: bytesToBase64(info.fileNonce),
      fileHash: bytesToBase64(info.fileHash),
    }),
  );
}

/** Parses an opened fileInfo box; MalformedFileError('file-info') on any deviation. */
export function decodeFileInfo(bytes: Uint8Array): FileInfo {
  const obj = parseJsonObject(bytes, 'file-info');
  return {
    fileKey: base64Field(obj, 'fileKey', 'file-info', FILE_KEY_BYTES),
    fileNonce: base64Field(obj, 'fileNonce', 'file-info', FILE_NONCE_BYTES),
    fileHash: base64Field(obj, 'fileHash', 'file-info', FILE_HASH_BYTES),
  };
}
