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
  LinkError,
  LinkOptionsError,
  MAX_LINK_OPENS,
  MAX_LINK_SUBJECT_CHARS,
  MAX_LINK_TEXT_CHARS,
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
  LINK_EXPIRED: 'This link has expired.',
  LINK_REVOKED: 'This link was revoked.',
  LINK_EXHAUSTED: 'This link was opened as many times as its owner allowed.',
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

/**
 * Why a link did not open (issue 21), for its holder: someone who may have
 * no account and never have heard of Peerlock. One sentence per code, each
 * saying what happened and what they can do.
 */
export function describeLinkError(error: LinkError): string {
  switch (error.code) {
    case 'malformed':
      return "This link is incomplete or damaged. Copy the whole link, including the part after '#', and open it again.";
    case 'passphrase-required':
      return 'This link needs a passphrase. Its owner should have sent it to you separately from the link.';
    case 'wrong-passphrase':
      return 'Wrong passphrase. Nothing was opened and no open was used: check it and try again.';
    case 'expired':
      return 'This link has expired. Ask its owner for a new one.';
    case 'revoked':
      return 'This link was revoked by its owner. Ask them for a new one if you still need it.';
    case 'exhausted':
      return 'This link was opened as many times as its owner allowed. Ask them for a new one.';
    case 'not-found':
      return 'This link does not exist on this server, or what it shared is gone. Check that you have the whole link, or ask its owner.';
    case 'not-for-this-link':
    case 'tampered':
      return "This link's content failed verification: the server sent something other than what the link's owner shared. Nothing was shown or saved.";
    case 'rate-limited': {
      const s = error.retryAfterSeconds;
      const wait = s === undefined ? 'a few minutes' : s < 90 ? `${Math.max(1, Math.ceil(s))} seconds` : `${Math.ceil(s / 60)} minutes`;
      return `Too many wrong passphrases were tried from your network. Wait ${wait} and try again.`;
    }
    case 'network':
      return 'Cannot reach the Peerlock server. Check your connection and try again.';
  }
}

/** A link the owner is making: a choice the SDK refused before anything was sent. */
function describeLinkOptionsError(error: LinkOptionsError): string {
  switch (error.field) {
    case 'expiresInSeconds':
      return 'A link lasts from 5 minutes to 30 days.';
    case 'maxOpens':
      return `The open limit is a whole number from 1 to ${MAX_LINK_OPENS}, or none.`;
    case 'passphrase':
      return 'The passphrase is too long (at most 1024 characters).';
    case 'text':
      return `Write the message to share (at most ${MAX_LINK_TEXT_CHARS} characters).`;
    case 'subject':
      return `The subject is too long (at most ${MAX_LINK_SUBJECT_CHARS} characters).`;
  }
}

export function describeError(error: unknown, action?: MessageActionKind): string {
  const forAction = action ? describeActionError(error, action) : null;
  if (forAction) return forAction;
  if (error instanceof LinkError) return describeLinkError(error);
  if (error instanceof LinkOptionsError) return describeLinkOptionsError(error);
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
