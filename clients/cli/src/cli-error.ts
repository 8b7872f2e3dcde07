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
  InconsistentTreeHeadError,
  KeyNotInLogError,
  LinkError,
  MessageActionError,
  NoSuchAccountError,
  NotLoggedInError,
  PeerlockApiError,
  PeerlockNetworkError,
  OwnKeyNotInLogError,
  PinRejectedError,
  TooFewCosignaturesError,
  TreeHeadRollbackError,
  TreeHeadSignatureError,
  WeakPassphraseError,
  WrongPassphraseError,
} from '@peerlock/sdk';

/** A refusal of the CLI itself (bad usage, a missing argument). */
export class UsageError extends Error {
  readonly code = 'USAGE' as const;
}

/** A required argument is missing ("missing username"); main adds the command's usage line. */
export class MissingArgumentError extends UsageError {
  constructor(what: string) {
    super(`missing ${what}`);
  }
}

/**
 * Something the CLI found out and refuses to go on with, by kind; the words,
 * code and exit status are chosen below with everything else's.
 */
export type Refusal =
  /** No conversation in the user's inbox has an id starting with `prefix`. */
  | { readonly kind: 'no-conversation'; readonly prefix: string }
  /** No live session of the user has that id. */
  | { readonly kind: 'no-session'; readonly id: string }
  /** The user said the safety number they compared with `username` differs. */
  | { readonly kind: 'safety-number-mismatch'; readonly username: string; readonly newKey: boolean }
  /** accept-key without --verified for a contact the user had verified. */
  | { readonly kind: 'accept-needs-verified'; readonly username: string }
  /** While a compared key was being accepted, the server showed another one: the pin holds a key nobody compared. */
  | { readonly kind: 'key-changed-again'; readonly username: string }
  /** An unsend, an edit or a timer refused by the CLI, the SDK or the server (issue 20); `message`: the id or prefix typed. */
  | { readonly kind: 'message-action'; readonly action: MessageVerb; readonly reason: MessageActionReason; readonly conversation: string; readonly message?: string };

/** What was asked of a message: `peerlock unsend`, `peerlock edit`, `peerlock conversation timer`. */
export type MessageVerb = 'unsend' | 'edit' | 'timer';

/**
 * Why an unsend or an edit was refused: the SDK's reasons (MessageActionError),
 * and two the CLI tells apart before asking it: `not-yours` (the message
 * matched is someone else's) and `deleted` (it was taken back already).
 */
export type MessageActionReason = 'not-found' | 'not-yours' | 'deleted' | 'not-editable' | 'window-closed' | 'bad-timer';

export class CliRefusal extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.kind);
  }
}

export const EXIT = { failure: 1, usage: 2, keyChanged: 3, auth: 4, network: 5 } as const;

/**
 * What to do about a contact's changed key, for the state the contact is in:
 * compare the new safety number first, then the command that works (a
 * verified contact needs --verified; without it accept-key refuses again).
 */
export function keyChangeAdvice(username: string, verified: boolean): string {
  const compare = `compare the new safety number with ${username} in person or on a call (\`peerlock contacts verify ${username}\` shows it)`;
  return verified
    ? `You had verified ${username}: ${compare}; only if it matches, run \`peerlock contacts accept-key ${username} --verified\``
    : `First ${compare}; if it matches, run \`peerlock contacts accept-key ${username}\``;
}

const SERVER_WORDS: Record<string, string> = {
  TOKEN_INVALID: 'session expired: run `peerlock login`',
  TWO_FACTOR_REQUIRED: 'a two-factor code is needed: add --code <code> (from your authenticator app, or a backup code)',
  SESSION_ENDED: 'this device session has ended (logged out, revoked, or the key changed): run `peerlock login <username>`',
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
  UNAVAILABLE: "the server's storage is unavailable for a moment (a database restart?); nothing was lost, try again",
  WINDOW_CLOSED: 'the time to do this has passed',
  LINK_EXPIRED: 'the link has expired',
  LINK_REVOKED: 'the link was revoked by its owner',
  LINK_EXHAUSTED: 'the link was opened as many times as its owner allowed',
};

/** Trouble on the way or at the server's storage, not a refusal: the same command may work in a moment. */
const TRANSIENT = new Set(['UNAVAILABLE', 'NETWORK']);

/** `details`: structured fields a script may act on (with --json they are printed beside code and message). */
export function describeError(error: unknown): { code: string; message: string; exit: number; details?: Record<string, unknown> } {
  if (error instanceof UsageError) return { code: 'USAGE', message: error.message, exit: EXIT.usage };
  if (error instanceof CliRefusal) return describeRefusal(error.refusal);
  if (error instanceof ContactKeyError) return describeKeyRefusal(error);
  if (error instanceof MessageActionError) return { code: error.code, message: `message ${error.messageId} refused: ${error.reason}`, exit: error.reason === 'bad-timer' ? EXIT.usage : EXIT.failure, details: { reason: error.reason, messageId: error.messageId } };
  if (error instanceof LinkError) return describeLinkError(error);
  if (error instanceof AttachmentRejectedError) return { code: error.code, message: `file ${error.fileId} refused: ${error.reason}`, exit: EXIT.failure };
  if (error instanceof FileRejectedError) {
    const { fileId, reason, senderID, senderUsername } = error;
    return { code: error.code, message: fileRefusal(error), exit: EXIT.failure, details: { fileId, reason, ...(senderID ? { senderID, senderUsername } : {}) } };
  }
  if (error instanceof NotLoggedInError) return { code: error.code, message: 'not logged in: run `peerlock login <username>`', exit: EXIT.auth };
  if (error instanceof WrongPassphraseError) {
    return { code: error.code, message: `wrong passphrase for ${error.username} (nothing was spent: no two-factor code, no login attempt); try again`, exit: EXIT.auth, details: { username: error.username } };
  }
  if (error instanceof NoSuchAccountError) {
    const message = error.deleted ? `the account ${error.username} was deleted` : `there is no account called ${error.username} on this server (check the spelling, or \`peerlock signup ${error.username}\`)`;
    return { code: error.code, message, exit: EXIT.auth, details: { username: error.username } };
  }
  if (error instanceof PeerlockApiError) {
    const auth = ['TOKEN_INVALID', 'SESSION_ENDED', 'TWO_FACTOR_REQUIRED', 'TWO_FACTOR_INVALID', 'CHALLENGE_INVALID', 'UNAUTHENTICATED'].includes(error.code);
    const field = error.details.field ? ` (${error.details.field})` : '';
    const retry = error.details.retryAfterSeconds;
    if (TRANSIENT.has(error.code)) {
      const after = retry !== undefined ? ` in ${retry} s` : '';
      return { code: error.code, message: `${SERVER_WORDS[error.code]}${after}`, exit: EXIT.network, ...(retry !== undefined ? { details: { retryAfterSeconds: retry } } : {}) };
    }
    return { code: error.code, message: `${SERVER_WORDS[error.code] ?? 'server error'}${field}`, exit: auth ? EXIT.auth : EXIT.failure };
  }
  if (error instanceof FileTransferError) {
    const retry = error.retryAfterSeconds;
    if (TRANSIENT.has(error.code)) {
      const after = retry !== undefined ? ` in ${retry} s` : '';
      return { code: error.code, message: `file transfer failed: ${SERVER_WORDS[error.code] ?? error.code}${after}`, exit: EXIT.network, ...(retry !== undefined ? { details: { retryAfterSeconds: retry } } : {}) };
    }
    return { code: error.code, message: `file transfer refused: ${SERVER_WORDS[error.code] ?? error.code}`, exit: EXIT.failure };
  }
  if (error instanceof PeerlockNetworkError) return { code: error.code, message: error.message, exit: EXIT.network };
  if (error instanceof PinRejectedError) return { code: error.code, message: `key pins refused: ${error.reason}`, exit: EXIT.keyChanged };
  if (error instanceof FileIndexRejectedError) {
    const why = {
      rollback: 'the server served an older file index than this device has seen',
      gap: 'the server dropped, repeated or reordered records of your file index',
      undecryptable: 'a record of your file index does not open with your key (altered, or not yours)',
      malformed: 'a record of your file index opens but is not valid',
    }[error.reason] ?? `the stored file index was refused (${error.reason})`;
    return { code: error.code, message: `file index refused (${error.reason}): ${why}; nothing was done`, exit: EXIT.keyChanged, details: { reason: error.reason } };
  }
  if (error instanceof OwnKeyNotInLogError) {
    const { username, reason } = error;
    return {
      code: error.code,
      message:
        `logged in, but the server's key log does not show your own key for ${username} (${reason}): the server may be giving your contacts a key that is not yours. ` +
        'Ask your contacts to compare safety numbers with you (`peerlock contacts verify <name>`) before they send anything sensitive, and tell whoever runs the server',
      exit: EXIT.keyChanged,
      details: { username, reason },
    };
  }
  if (error instanceof KeyNotInLogError) {
    const { username, reason } = error;
    const why: Record<string, string> = {
      absent: `the server's key log has no key for ${username}`,
      'not-newest': `the key the server shows for ${username} is not their newest in its key log (a key from before a rotation?)`,
      'stale-key': `the key the server shows for ${username} is older than one your devices have already seen proven`,
    };
    return {
      code: error.code,
      message: `${why[reason] ?? `the key the server shows for ${username} is not proven in its key log (${reason})`}: nothing was pinned, sent or accepted. Try again later; if it persists, compare safety numbers with ${username} another way`,
      exit: EXIT.keyChanged,
      details: { username, reason },
    };
  }
  if (error instanceof TreeHeadRollbackError || error instanceof InconsistentTreeHeadError || error instanceof TreeHeadSignatureError) {
    const details = error instanceof TreeHeadSignatureError ? {} : { trustedSize: error.trustedSize, shownSize: error.shownSize, ...(error instanceof InconsistentTreeHeadError ? { reason: error.reason } : {}) };
    return { code: error.code, message: `the server's key log contradicts what it showed before (${error.message}): nothing was done`, exit: EXIT.keyChanged, details };
  }
  if (error instanceof TooFewCosignaturesError) {
    const { required, valid, treeSize } = error;
    return {
      code: error.code,
      message:
        `the server's key log head (size ${treeSize}) carries ${valid} valid co-signature(s) of the ${required} your witnesses must give: ` +
        'the server may be showing you a log others do not see, or the witnesses have not caught up yet; nothing was done. Try again in a minute; if it persists, ask your witnesses\' operators',
      exit: EXIT.keyChanged,
      details: { required, valid, treeSize },
    };
  }
  if (error instanceof WeakPassphraseError) return { code: error.code, message: `passphrase too weak (${error.reasons.join(', ')}): \`peerlock passphrase\` generates a strong one`, exit: EXIT.usage };
  if (error instanceof TypeError || error instanceof RangeError) return { code: 'USAGE', message: error.message, exit: EXIT.usage };
  const e = error as { code?: unknown; message?: unknown };
  return { code: typeof e?.code === 'string' ? e.code : 'ERROR', message: typeof e?.message === 'string' ? e.message : String(error), exit: EXIT.failure };
}

function describeRefusal(refusal: Refusal): { code: string; message: string; exit: number; details: Record<string, unknown> } {
  switch (refusal.kind) {
    case 'no-conversation':
      return { code: 'NOT_FOUND', message: `no conversation matches ${refusal.prefix} (\`peerlock inbox\` lists yours)`, exit: EXIT.failure, details: { conversation: refusal.prefix } };
    case 'no-session':
      return { code: 'NOT_FOUND', message: `you have no live session ${refusal.id} (\`peerlock sessions\` lists them)`, exit: EXIT.failure, details: { session: refusal.id } };
    case 'accept-needs-verified': {
      const u = refusal.username;
      return {
        code: 'KEY_CHANGED',
        message: `you had verified ${u}, so their new key is accepted only with --verified: first compare the new safety number (above; \`peerlock contacts verify ${u}\` shows it too) with ${u} in person or on a call; only if it matches, run \`peerlock contacts accept-key ${u} --verified\`. Nothing was accepted`,
        exit: EXIT.keyChanged,
        details: { username: u, verified: true },
      };
    }
    case 'key-changed-again': {
      const u = refusal.username;
      return {
        code: 'KEY_CHANGED',
        message: `${u}'s key changed again while it was being accepted: the key now pinned is not the one whose safety number you compared, so it is not verified. Compare again before sending anything sensitive: \`peerlock contacts verify ${u}\``,
        exit: EXIT.keyChanged,
        details: { username: u, verified: false },
      };
    }
    case 'message-action':
      return describeMessageAction(refusal);
    case 'safety-number-mismatch': {
      const u = refusal.username;
      return {
        code: 'SAFETY_NUMBER_MISMATCH',
        message:
          `the safety numbers differ: the key you have for ${u} is not the key ${u} has. Someone may be in the middle (the server or the network), or this is not the ${u} you think. ` +
          `Do not send ${u} anything sensitive. Compare again in person or on a call (both run \`peerlock contacts verify\`); if it still differs, ` +
          `${refusal.newKey ? 'do not accept the new key: ' : ''}remove the contact (\`peerlock contacts remove ${u}\`) and reach ${u} another way. ${refusal.newKey ? 'The new key was not accepted' : `${u} was not marked verified`}`,
        exit: EXIT.keyChanged,
        details: { username: u },
      };
    }
  }
}

/** The words for a refused unsend, edit or timer: what the rule is, and that nothing changed. */
function describeMessageAction(refusal: Extract<Refusal, { kind: 'message-action' }>): { code: string; message: string; exit: number; details: Record<string, unknown> } {
  const { action, reason, conversation, message } = refusal;
  const verb = action === 'unsend' ? 'unsend' : 'edit';
  const said: Record<MessageActionReason, string> = {
    'not-found': `No message of yours in ${conversation} matches ${message ?? 'that id'}: \`peerlock read ${conversation}\` shows each message's id (a message that disappeared or was deleted is gone). Nothing was changed`,
    'not-yours': `That message is not yours: you can ${verb} only your own messages. Nothing was changed`,
    deleted: `That message was already deleted: there is nothing left to ${verb}`,
    'not-editable': `That is not a message you can ${verb}: it is a timer change, an unsend or an edit. Nothing was changed`,
    'window-closed':
      action === 'unsend'
        ? 'You can unsend a message only within 3 hours of sending it. Nothing was changed (an edit is possible for 24 hours)'
        : 'You can edit a message only within 24 hours of sending it. Nothing was changed',
    'bad-timer': `${message ?? 'that'} is not a timer: use off, 5m, 1h, 1d, 1w or 4w`,
  };
  return {
    code: 'MESSAGE_ACTION',
    message: said[reason],
    exit: reason === 'bad-timer' ? EXIT.usage : EXIT.failure,
    details: { reason, action, conversation, ...(message !== undefined ? { messageId: message } : {}) },
  };
}

/** A contact's key that cannot be used: changed (compare, then accept), or no such user at all (not a key problem). */
function describeKeyRefusal(error: ContactKeyError): { code: string; message: string; exit: number; details: Record<string, unknown> } {
  const u = error.username;
  switch (error.reason) {
    case 'key-changed':
    case 'verified-key-changed': {
      const verified = error.reason === 'verified-key-changed';
      return { code: 'KEY_CHANGED', message: `${u}'s key has CHANGED; nothing was sent. ${keyChangeAdvice(u, verified)}`, exit: EXIT.keyChanged, details: { username: u, verified } };
    }
    case 'no-such-user':
      return { code: 'NO_SUCH_USER', message: `there is no user called ${u} (check the spelling)`, exit: EXIT.failure, details: { username: u } };
    case 'deleted':
      return { code: 'NO_SUCH_USER', message: `${u} deleted their account; nothing can be sent to them`, exit: EXIT.failure, details: { username: u } };
    case 'unpinned':
      return { code: 'CONTACT_KEY', message: `you have no key for ${u} yet: \`peerlock contacts add ${u}\` looks it up and pins it`, exit: EXIT.keyChanged, details: { username: u } };
  }
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

/** One sentence per reason a link did not open (its holder may never have used Peerlock). */
const LINK_WORDS: Record<LinkError['code'], string> = {
  malformed: 'this is not a whole Peerlock link (check that it was copied entirely, including the part after #)',
  'passphrase-required': 'this link needs a passphrase: ask its sender',
  'wrong-passphrase': 'wrong passphrase for this link (nothing was opened; the link still works)',
  expired: 'this link has expired: ask its sender for a new one',
  revoked: 'this link was revoked by its sender',
  exhausted: 'this link was opened as many times as its sender allowed',
  'not-found': 'no such link on this server (or what it shared is gone)',
  'not-for-this-link': "what the server sent is not this link's content: nothing was saved",
  tampered: "this link's content failed verification (altered or cut short): nothing was saved",
  'rate-limited': 'too many wrong attempts for this link: wait and try again',
  network: 'cannot reach the server',
};

function describeLinkError(error: LinkError): { code: string; message: string; exit: number; details?: Record<string, unknown> } {
  const transient = error.code === 'network' || error.code === 'rate-limited';
  const after = error.retryAfterSeconds !== undefined ? ` (try again in ${error.retryAfterSeconds} s)` : '';
  return {
    code: 'LINK',
    message: `${LINK_WORDS[error.code]}${after}`,
    exit: error.code === 'malformed' || error.code === 'passphrase-required' ? EXIT.usage : transient ? EXIT.network : error.code === 'wrong-passphrase' ? EXIT.auth : EXIT.failure,
    details: { reason: error.code, ...(error.retryAfterSeconds !== undefined ? { retryAfterSeconds: error.retryAfterSeconds } : {}) },
  };
}
