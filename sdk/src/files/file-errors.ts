/**
 * The server refused a file request. `code` is one of the server's closed
 * codes (QUOTA_EXCEEDED, FORBIDDEN, NOT_FOUND, BAD_INPUT ...); switch on it,
 * never on the message. Crypto failures are not this: they surface as the
 * miniLock errors (DecryptionError, MalformedFileError, NotARecipientError).
 */
export class FileTransferError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    readonly field?: string,
    /** UNAVAILABLE (the server's storage restarting, full or read-only): whole seconds until a retry can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`file request refused: ${code}${field ? ` (${field})` : ''}`);
    this.name = 'FileTransferError';
  }
}
