/**
 * Opening a header with the reader's secret key: which file key to use and
 * who, authenticated, sent the file.
 */
import { assertBytes } from '../crypto/bytes.js';
import { longTermKey } from '../crypto/long-term-key.js';
import { KEY_BYTES } from '../crypto/nacl.js';
import { openDecryptInfo, type OpenedDecryptInfo } from './decrypt-info.js';
import { decodeHeader } from './header.js';
import type { FormatVersion } from './format.js';
import { checkOptions, resolveBackend, type BackendOption } from './options.js';

export interface OpenedHeader extends OpenedDecryptInfo {
  /** The header's version (1, or 2 for miniLockLib files). */
  readonly version: FormatVersion;
}

/**
 * `header` is magic ‖ length ‖ JSON exactly (see splitFile). Throws
 * MalformedFileError, NotARecipientError or DecryptionError.
 */
export function openHeader(header: Uint8Array, secretKey: Uint8Array, options?: BackendOption): OpenedHeader {
  assertBytes(header, 'header');
  assertBytes(secretKey, 'secretKey', KEY_BYTES);
  const backend = resolveBackend(checkOptions(options).backend);
  const parsed = decodeHeader(header);
  return { ...openDecryptInfo(parsed.decryptInfo, parsed.ephemeralPublicKey, longTermKey(secretKey, backend), backend), version: parsed.version };
}
