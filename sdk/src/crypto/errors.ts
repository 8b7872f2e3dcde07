/**
 * The SDK's closed set of crypto errors. Callers switch on `code`, never on
 * message text. Authentication failures are deliberately opaque: a single
 * DecryptionError whatever the byte that was wrong, so that an attacker who
 * feeds us modified ciphertext learns nothing from which check failed.
 */
export type CryptoErrorCode =
  | 'DECRYPTION_FAILED'
  | 'INVALID_MINILOCK_ID'
  | 'INVALID_ENCODING'
  | 'NOT_A_RECIPIENT'
  | 'MALFORMED_FILE'
  | 'WEAK_PASSPHRASE'
  | 'RECEIPT_REJECTED'
  | 'PIN_REJECTED'
  | 'FILE_INDEX_REJECTED'
  | 'KEY_NOT_IN_LOG'
  | 'TREE_HEAD_SIGNATURE_INVALID'
  | 'INCONSISTENT_TREE_HEAD'
  | 'TREE_HEAD_ROLLBACK'
  | 'TOO_FEW_COSIGNATURES'
  | 'CHECKPOINT_REFUSED'
  | 'OWN_KEY_NOT_IN_LOG';

export abstract class PeerlockCryptoError extends Error {
  abstract readonly code: CryptoErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Authenticated decryption failed: wrong key, or the bytes were altered. */
export class DecryptionError extends PeerlockCryptoError {
  readonly code = 'DECRYPTION_FAILED' as const;
  constructor(message = 'decryption failed: wrong key or tampered data') {
    super(message);
  }
}

/** A string that is not a valid miniLock ID (bad characters, length or checksum). */
export class InvalidMiniLockIdError extends PeerlockCryptoError {
  readonly code = 'INVALID_MINILOCK_ID' as const;
  constructor(readonly reason: 'characters' | 'length' | 'checksum') {
    super(`not a miniLock ID: bad ${reason}`);
  }
}

/** Text that should be base64 / base58 / hex / UTF-8 is not. */
export class InvalidEncodingError extends PeerlockCryptoError {
  readonly code = 'INVALID_ENCODING' as const;
  constructor(readonly encoding: 'base64' | 'base58' | 'hex' | 'utf8', what = 'input') {
    super(`${what} is not valid ${encoding}`);
  }
}
