/**
 * Every failure the user sees is one plain line chosen by its code, never a
 * stack trace or a raw server message.
 */
import {
  AttachmentRejectedError,
  ContactKeyError,
  FileIndexRejectedError,
  FileRejectedError,
  FileTransferError,
  MessageActionError,
  NotLoggedInError,
  PeerlockApiError,
  PeerlockNetworkError,
  PinRejectedError,
  TooFewCosignaturesError,
  WeakPassphraseError,
} from '@peerlock/sdk';

const SERVER_WORDS: Readonly<Record<string, string>> = {
  TOKEN_INVALID: 'Your session expired. Log in again.',
  TWO_FACTOR_REQUIRED: 'A two-factor code is needed.',
  SESSION_ENDED: 'This session has ended (logged out, revoked, or the key changed): log in again.',
  TWO_FACTOR_INVALID: 'Wrong or already used two-factor code.',
  CHALLENGE_INVALID: 'Wrong username or passphrase.',
  USERNAME_TAKEN: 'That username is taken.',
  NOT_FOUND: 'Not found.',
  FORBIDDEN: 'Not allowed (are you contacts?).',
  RATE_LIMITED: 'Too many attempts. Wait a little and try again.',
  QUOTA_EXCEEDED: 'Your storage quota is full.',
  CONFLICT: 'Someone changed this at the same time. Try again.',
  BAD_INPUT: 'The server refused the input.',
  UNAUTHENTICATED: 'Not logged in.',
  INTERNAL: 'The server had a problem. Try again later.',
  WINDOW_CLOSED: 'Too late: a message can be unsent within 3 hours and edited within 24 hours of sending. Nothing was changed.',
};

/** What was being done to a message (issue 20), when the error came from unsending, editing or setting the timer. */
export type MessageActionKind = 'unsend' | 'edit' | 'timer';

const ACTION_WORDS: Readonly<Record<MessageActionKind | 'any', { readonly verb: string; readonly done: string; readonly window: string }>> = {
  unsend: { verb: 'unsend', done: 'unsent', window: 'within 3 hours of sending' },
  edit: { verb: 'edit', done: 'edited', window: 'within 24 hours of sending' },
  timer: { verb: 'change', done: 'changed', window: 'within 3 hours (unsend) or 24 hours (edit) of sending' },
  any: { verb: 'change', done: 'changed', window: 'within 3 hours (unsend) or 24 hours (edit) of sending' },
};

/** A refusal of an unsend, an edit or a timer change, from the SDK (checked here first) or the server. */
function describeActionError(error: unknown, kind: MessageActionKind | 'any'): string | null {
  const { verb, done, window } = ACTION_WORDS[kind];
  if (error instanceof MessageActionError) {
    switch (error.reason) {
      case 'not-found':
        return `Only your own messages can be ${done}, and this one is not among the messages verified here. Nothing was changed.`;
      case 'not-editable':
        return `This message can no longer be changed (it was unsent, or it is a timer or an edit itself). Nothing was changed.`;
      case 'window-closed':
        return `Too late to ${verb} this message: that is possible only ${window}. Nothing was changed.`;
      case 'bad-timer':
        return 'That timer is not one of the choices (off, 5 minutes, 1 hour, 1 day, 1 week, 4 weeks). Nothing was changed.';
    }
  }
  if (error instanceof PeerlockApiError) {
    if (error.code === 'WINDOW_CLOSED') return `The server refused: it is too late to ${verb} this message (possible only ${window}). Nothing was changed.`;
    if (error.code === 'FORBIDDEN') return kind === 'timer' ? 'The server refused: you are not a participant of this conversation.' : `The server refused: only the sender of a message can ${verb} it.`;
    if (error.code === 'NOT_FOUND') return kind === 'timer' ? 'The server does not know this conversation.' : 'The server no longer has this message (it may have expired or been unsent).';
  }
  return null;
}

export function describeError(error: unknown, action?: MessageActionKind): string {
  const forAction = action ? describeActionError(error, action) : null;
  if (forAction) return forAction;
  if (error instanceof MessageActionError) return describeActionError(error, 'any')!;
  if (error instanceof ContactKeyError) {
    if (error.reason === 'key-changed' || error.reason === 'verified-key-changed') return `${error.username}'s key has changed: nothing was sent. Compare the new safety number first.`;
    if (error.reason === 'no-such-user') return `There is no user called ${error.username}.`;
    if (error.reason === 'deleted') return `${error.username} deleted their account.`;
    return `${error.username}'s key is not pinned yet.`;
  }
  if (error instanceof AttachmentRejectedError) return 'This attachment failed its checks and was not saved.';
  if (error instanceof FileRejectedError) {
    if (error.reason === 'header-mismatch') return 'The server served a different file under this id: refused, nothing was saved or shared.';
    if (error.reason === 'not-in-index') return 'This file is not one you uploaded or accepted: refused.';
    return `Nobody you trust vouched for this file (made by ${error.senderUsername ?? 'an unknown key'}): refused.`;
  }
  if (error instanceof FileIndexRejectedError) return `Your stored file list was refused (${error.reason}): the server may be serving an old or altered copy.`;
  if (error instanceof TooFewCosignaturesError) {
    return `The server's key log carries ${error.valid} of the ${error.required} witness co-signatures you require (Settings): it may be showing you a log others do not see, or the witnesses have not caught up. Nothing was done.`;
  }
  if (error instanceof NotLoggedInError) return 'Not logged in.';
  if (error instanceof PeerlockApiError) {
    const words = SERVER_WORDS[error.code] ?? 'The server refused the request.';
    return error.details.field && error.code === 'BAD_INPUT' ? `${words.replace(/\.$/, '')} (${error.details.field}).` : words;
  }
  if (error instanceof FileTransferError) return `File transfer refused: ${SERVER_WORDS[error.code] ?? error.code}`;
  if (error instanceof PeerlockNetworkError) return 'Cannot reach the Peerlock server.';
  if (error instanceof PinRejectedError) return `Your stored key pins were refused (${error.reason}).`;
  if (error instanceof WeakPassphraseError) return 'That passphrase is too weak: use a generated one.';
  if (error instanceof TypeError && /username/.test(error.message)) return 'A username is 1–16 letters, digits or _.';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `Refused: ${code.toLowerCase().replace(/_/g, ' ')}.`;
  if (error instanceof Error && error.name === 'DecryptionError') return 'Decryption failed: the data was altered.';
  return 'Something went wrong.';
}
