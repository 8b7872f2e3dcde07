/**
 * What the client throws. Server refusals keep the server's stable code
 * (STYLE §6) so callers switch on `code`, never on message text; local
 * refusals (a key change, a missing login) have codes of their own.
 */

/**
 * The server's closed set of codes, the one list of them: the server sends
 * exactly these (api/src/errors.ts takes this list, with an HTTP status for
 * each). Anything unexpected arrives as INTERNAL.
 */
export const SERVER_ERROR_CODES = [
  'BAD_INPUT',
  'UNAUTHENTICATED',
  'TOKEN_INVALID',
  'CHALLENGE_INVALID',
  'TWO_FACTOR_REQUIRED',
  'TWO_FACTOR_INVALID',
  /** The device session ended (logout, revocation, key change, expiry): log in again. */
  'SESSION_ENDED',
  'RATE_LIMITED',
  'USERNAME_TAKEN',
  'NOT_FOUND',
  'FORBIDDEN',
  'QUOTA_EXCEEDED',
  'CONFLICT',
  /** A delete or an edit after its window (3 h, 24 h from the target's server time) has closed (HTTP 403). */
  'WINDOW_CLOSED',
  /** A link for people without an account that its owner revoked, that expired, or that was opened as often as allowed (HTTP 410). */
  'LINK_REVOKED',
  'LINK_EXPIRED',
  'LINK_EXHAUSTED',
  /** The server's storage is restarting, out of reach, full or read-only: retry after `retryAfterSeconds` (HTTP 503). */
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ServerErrorCode = (typeof SERVER_ERROR_CODES)[number];

const SERVER_CODES: ReadonlySet<string> = new Set(SERVER_ERROR_CODES);

export function serverCodeOf(value: unknown): ServerErrorCode {
  return typeof value === 'string' && SERVER_CODES.has(value) ? (value as ServerErrorCode) : 'INTERNAL';
}

export class PeerlockApiError extends Error {
  override readonly name = 'PeerlockApiError';
  constructor(
    readonly code: ServerErrorCode,
    readonly status: number,
    readonly details: { readonly field?: string; readonly retryAfterSeconds?: number } = {},
  ) {
    super(`server refused: ${code}${details.field ? ` (${details.field})` : ''}`);
  }
}

/** The server could not be reached or answered something that is not GraphQL. */
export class PeerlockNetworkError extends Error {
  override readonly name = 'PeerlockNetworkError';
  readonly code = 'NETWORK' as const;
}

export class NotLoggedInError extends Error {
  override readonly name = 'NotLoggedInError';
  readonly code = 'NOT_LOGGED_IN' as const;
  constructor() {
    super('not logged in');
  }
}

export type KeyRefusal = 'unpinned' | 'key-changed' | 'verified-key-changed' | 'no-such-user' | 'deleted';

/**
 * The passphrase derives another key than the one the account registered
 * (DESIGN §3, "Wrong passphrase"): told before a two-factor code or a
 * login attempt is spent. An authentication error, not a decryption failure.
 */
export class WrongPassphraseError extends Error {
  override readonly name = 'WrongPassphraseError';
  readonly code = 'WRONG_PASSPHRASE' as const;
  constructor(readonly username: string) {
    super(`wrong passphrase for ${username}`);
  }
}

/** No account to log in to by that name (none, or deleted): told before the key derivation. */
export class NoSuchAccountError extends Error {
  override readonly name = 'NoSuchAccountError';
  readonly code = 'NO_SUCH_ACCOUNT' as const;
  constructor(
    readonly username: string,
    readonly deleted: boolean,
  ) {
    super(deleted ? `the account ${username} was deleted` : `there is no account called ${username}`);
  }
}

/** Sending or verifying needs a key we do not trust (DESIGN §6, T6). */
export class ContactKeyError extends Error {
  override readonly name = 'ContactKeyError';
  readonly code = 'CONTACT_KEY' as const;
  constructor(
    readonly username: string,
    readonly reason: KeyRefusal,
  ) {
    super(`${username}: ${reason === 'key-changed' || reason === 'verified-key-changed' ? 'key changed; accept it first' : reason}`);
  }
}

/**
 * An attachment whose header, as the message carried it, was not made by
 * the message's sender (a server substituting another file or header).
 */
export class AttachmentRejectedError extends Error {
  override readonly name = 'AttachmentRejectedError';
  readonly code = 'ATTACHMENT_REJECTED' as const;
  constructor(
    readonly fileId: string,
    readonly reason: 'sender-mismatch' | 'not-in-message',
  ) {
    super(`attachment ${fileId} refused: ${reason}`);
  }
}

/**
 * Why a file was not acted on (DESIGN §5 "What a client may act on", T11):
 * - `not-in-index`: a re-share by id of a file the sealed file index does not hold (and no verified attachment was given);
 * - `header-mismatch`: the header served (or carried) does not have the file hash and key the index recorded for that id;
 * - `unvouched`: a download by id of a file neither in the index nor accepted; `senderID` (and `senderUsername`, when pinned) say who made it.
 */
export type FileRefusal = 'not-in-index' | 'header-mismatch' | 'unvouched';

export class FileRejectedError extends Error {
  override readonly name = 'FileRejectedError';
  readonly code = 'FILE_REJECTED' as const;
  constructor(
    readonly fileId: string,
    readonly reason: FileRefusal,
    /** For `unvouched`: the miniLock ID that made the header served. */
    readonly senderID: string | null = null,
    /** For `unvouched`: the user pinned (now or before a key change) with that ID, if any. */
    readonly senderUsername: string | null = null,
  ) {
    super(`file ${fileId} refused: ${reason}${senderID ? ` (sender ${senderUsername ?? 'unknown'} ${senderID})` : ''}`);
  }
}

/**
 * Why a delete (unsend), an edit or a timer was not sent (issue 20), told
 * before anything leaves the client:
 * - `not-found`: no message with that id of ours in the conversation as verified;
 * - `not-editable`: it is a timer, a delete or an edit itself, or already deleted;
 * - `window-closed`: more than 3 h (delete) or 24 h (edit) after the server received it;
 * - `bad-timer`: not one of the timers a conversation can have.
 */
export type MessageActionRefusal = 'not-found' | 'not-editable' | 'window-closed' | 'bad-timer';

export class MessageActionError extends Error {
  override readonly name = 'MessageActionError';
  readonly code = 'MESSAGE_ACTION' as const;
  constructor(
    readonly messageId: string,
    readonly reason: MessageActionRefusal,
  ) {
    super(`message ${messageId}: ${reason}`);
  }
}
