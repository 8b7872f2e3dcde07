/**
 * Turning any failure into one line and an exit code. Codes, not messages,
 * decide the wording and the exit status, so scripts can switch on them.
 */
import {
  AttachmentRejectedError,
  ContactKeyError,
  FileIndexRejectedError,
  FileRejectedError,
  FileTransferError,
  NotLoggedInError,
  PeerlockApiError,
  PeerlockNetworkError,
  PinRejectedError,
  WeakPassphraseError,
} from '@peerlock/sdk';

/** A refusal of the CLI itself (bad usage, a missing argument). */
export class UsageError extends Error {
  readonly code = 'USAGE' as const;
}

export const EXIT = { failure: 1, usage: 2, keyChanged: 3, auth: 4, network: 5 } as const;

const SERVER_WORDS: Record<string, string> = {
  TOKEN_INVALID: 'session expired: run `peerlock login`',
  TWO_FACTOR_REQUIRED: 'a two-factor code is needed: run `peerlock login --code <code>`',
  TWO_FACTOR_INVALID: 'wrong or already used two-factor code',
  CHALLENGE_INVALID: 'wrong passphrase or expired challenge',
  USERNAME_TAKEN: 'that username is taken',
  NOT_FOUND: 'not found',
  FORBIDDEN: 'not allowed',
  RATE_LIMITED: 'too many attempts; try again later',
  QUOTA_EXCEEDED: 'storage quota exceeded',
  CONFLICT: 'conflicting change; try again',
  BAD_INPUT: 'the server refused the input',
  UNAUTHENTICATED: 'not logged in: run `peerlock login`',
};

/** `details`: structured fields a script may act on (with --json they are printed beside code and message). */
export function describeError(error: unknown): { code: string; message: string; exit: number; details?: Record<string, unknown> } {
  if (error instanceof UsageError) return { code: 'USAGE', message: error.message, exit: EXIT.usage };
  if (error instanceof ContactKeyError) {
    const changed = error.reason === 'key-changed' || error.reason === 'verified-key-changed';
    return {
      code: changed ? 'KEY_CHANGED' : 'CONTACT_KEY',
      message: changed
        ? `${error.username}'s key has CHANGED; nothing was sent. Check the new safety number with them, then run \`peerlock contacts accept-key ${error.username}\``
        : `${error.username}: ${error.reason}`,
      exit: EXIT.keyChanged,
    };
  }
  if (error instanceof AttachmentRejectedError) return { code: error.code, message: `file ${error.fileId} refused: ${error.reason}`, exit: EXIT.failure };
  if (error instanceof FileRejectedError) {
    const { fileId, reason, senderID, senderUsername } = error;
    return { code: error.code, message: fileRefusal(error), exit: EXIT.failure, details: { fileId, reason, ...(senderID ? { senderID, senderUsername } : {}) } };
  }
  if (error instanceof NotLoggedInError) return { code: error.code, message: 'not logged in: run `peerlock login <username>`', exit: EXIT.auth };
  if (error instanceof PeerlockApiError) {
    const auth = ['TOKEN_INVALID', 'TWO_FACTOR_REQUIRED', 'TWO_FACTOR_INVALID', 'CHALLENGE_INVALID', 'UNAUTHENTICATED'].includes(error.code);
    const field = error.details.field ? ` (${error.details.field})` : '';
    return { code: error.code, message: `${SERVER_WORDS[error.code] ?? 'server error'}${field}`, exit: auth ? EXIT.auth : EXIT.failure };
  }
  if (error instanceof FileTransferError) return { code: error.code, message: `file transfer refused: ${SERVER_WORDS[error.code] ?? error.code}`, exit: EXIT.failure };
  if (error instanceof PeerlockNetworkError) return { code: error.code, message: error.message, exit: EXIT.network };
  if (error instanceof PinRejectedError) return { code: error.code, message: `key pins refused: ${error.reason}`, exit: EXIT.keyChanged };
  if (error instanceof FileIndexRejectedError) {
    const why = error.reason === 'rollback' ? 'the server served an older file index than this device has seen' : `the stored file index is ${error.reason}`;
    return { code: error.code, message: `file index refused (${error.reason}): ${why}; nothing was done`, exit: EXIT.keyChanged, details: { reason: error.reason } };
  }
  if (error instanceof WeakPassphraseError) return { code: error.code, message: 'passphrase too weak: use `peerlock passphrase` to generate one', exit: EXIT.usage };
  if (error instanceof TypeError || error instanceof RangeError) return { code: 'USAGE', message: error.message, exit: EXIT.usage };
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'ERROR', message: typeof e?.message === 'string' ? e.message : String(error), exit: EXIT.failure };
}

/** What a refused file means for the user, and what they can do (DESIGN §5, T11). */
function fileRefusal(error: FileRejectedError): string {
  const id = error.fileId;
  switch (error.reason) {
    case 'unvouched': {
      const who = error.senderUsername ? `${error.senderUsername}'s key` : 'a key you have not pinned for anyone';
      return (
        `file ${id} refused (unvouched): it was made by ${who}, miniLock ID ${error.senderID}, and you have no reason to expect it (it is not in your file index and came in no message); nothing was written. ` +
        `If you expect this file from that sender, run: peerlock files download ${id} --accept-sender ${error.senderID}`
      );
    }
    case 'header-mismatch':
      return `file ${id} refused (header-mismatch): the server served a header that is not the one recorded for this file; nothing was shared or written`;
    case 'not-in-index':
      return `file ${id} refused (not-in-index): you did not upload or accept it; download it first (--accept-sender, or --conversation for an attachment), or share it with --conversation`;
    default:
      return `file ${id} refused: ${String(error.reason)}`;
  }
}
