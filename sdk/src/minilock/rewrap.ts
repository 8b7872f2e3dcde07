/**
 * Sharing without re-encrypting (DESIGN.md §5): a new header that gives new
 * recipients the same fileInfo, so the stored chunk stream is reused as is.
 *
 * The new header's sender is whoever re-wraps (the fileInfo box must come
 * from a key the new recipients can verify), and it holds only the new
 * recipients: a header has one ephemeral key, whose secret is gone once a
 * header is sealed, so entries cannot be appended to an old header.
 */
import { assertBytes } from '../crypto/bytes.js';
import { KEY_BYTES } from '../crypto/nacl.js';
import { assertFileInfo, type FileInfo } from './file-info.js';
import { openHeader } from './open-header.js';
import { checkOptions, resolveBackend, resolveRandom, type BackendOption, type RandomOption } from './options.js';
import { resolveRecipients } from './recipients.js';
import { sealHeader, senderFromSecretKey } from './seal-header.js';
import { resolveVersion } from './encryptor.js';
import type { FormatVersion } from './format.js';

export interface RewrapOptions extends BackendOption, RandomOption {
  /** With a fileInfo source: the version of the file it belongs to (default 1). From a header, its own version is kept. */
  version?: FormatVersion;
}

/**
 * `source` is either a header the holder of `secretKey` can open (they are
 * one of its recipients), or the fileInfo they kept from encryptStream /
 * openHeader. `secretKey` signs the new entries as their sender.
 */
export function rewrapHeader(source: Uint8Array | FileInfo, secretKey: Uint8Array, recipients: readonly string[], options?: RewrapOptions): Uint8Array {
  const o = checkOptions(options);
  const backend = resolveBackend(o.backend);
  const random = resolveRandom(o.random);
  assertBytes(secretKey, 'secretKey', KEY_BYTES);
  const list = resolveRecipients(recipients, 'recipients');
  let fileInfo: FileInfo;
  let version = resolveVersion(o.version);
  if (source instanceof Uint8Array) {
    if (o.version !== undefined) throw new RangeError('options.version: only with a fileInfo source (a header keeps its own)');
    ({ fileInfo, version } = openHeader(source, secretKey, { backend }));
  } else {
    assertFileInfo(source, 'source');
    fileInfo = source;
  }
  return sealHeader(fileInfo, senderFromSecretKey(secretKey, backend, 'secretKey'), list, random, backend, version);
}
