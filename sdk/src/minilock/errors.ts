/**
 * Typed failures of the miniLock file format. Callers switch on `code`
 * (and, for MALFORMED_FILE, on `reason`), never on message text.
 *
 *  - MalformedFileError (MALFORMED_FILE): the bytes are not a well-formed
 *    miniLock file. Raised for structure that anyone can check without a
 *    key (magic, lengths, JSON shape, base64, sizes, truncation, trailing
 *    bytes) and for authenticated content that has the wrong shape.
 *  - NotARecipientError (NOT_A_RECIPIENT): no decryptInfo entry opens with
 *    the reader's key and names the reader's miniLock ID.
 *  - DecryptionError (DECRYPTION_FAILED, from crypto/errors.ts): any
 *    authentication failure — a box or chunk that does not open, or a file
 *    hash mismatch. Deliberately opaque.
 */
import { PeerlockCryptoError } from '../crypto/errors.js';

export { DecryptionError } from '../crypto/errors.js';

export type MalformedFileReason =
  | 'magic'
  | 'header-length'
  | 'header-json'
  | 'header-field'
  | 'version'
  | 'ephemeral'
  | 'recipient-count'
  | 'decrypt-info'
  | 'sender-id'
  | 'file-info'
  | 'chunk-length'
  /** A chunk-0 field (name; v2 media type, time) that is not UTF-8. */
  | 'file-name'
  | 'truncated'
  | 'trailing-data';

export class MalformedFileError extends PeerlockCryptoError {
  readonly code = 'MALFORMED_FILE' as const;
  constructor(readonly reason: MalformedFileReason) {
    super(`not a valid miniLock file: ${reason}`);
  }
}

export class NotARecipientError extends PeerlockCryptoError {
  readonly code = 'NOT_A_RECIPIENT' as const;
  constructor() {
    super('this file is not encrypted for this key');
  }
}
