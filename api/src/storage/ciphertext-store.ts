/**
 * Message ciphertext lives outside the event log (DESIGN §4 "the server
 * purges ciphertext once every participant has removed it": a log cannot
 * forget, a table can). Rows are keyed by message id, so the primary key is
 * also what makes a message id unique across all conversations and nodes.
 *
 * A row may be due at a time (issue 20: a disappearing message, or the
 * target of a deletion whose purge a crash could interrupt): the expiry
 * sweep (conversations/message-expiry.ts) asks for the due rows, records them
 * expired in the log and purges them.
 */
export interface StoredCiphertext {
  readonly messageId: string;
  readonly conversationId: string;
  readonly sender: string;
  /** SHA-256 of `ciphertext`, base64. */
  readonly sha256: string;
  readonly ciphertext: Uint8Array;
  /** When the row is due for the expiry sweep, ms since the epoch (server time); null: never. */
  readonly expiresAt: number | null;
}

/** A row the expiry sweep must settle. */
export interface DueCiphertext {
  readonly messageId: string;
  readonly conversationId: string;
}

/**
 * `stored`: the id was free and is now ours. `same`: this sender already
 * stored these very bytes under this id in this conversation (a retry).
 * `taken`: anything else.
 */
export type ClaimOutcome = 'stored' | 'same' | 'taken';

/** The outcome of a put that did not insert: what is stored under its id is either its own retry or someone else's. */
export function claimOutcomeOf(stored: { conversation_id: string; sender: string; sha256: string } | undefined, entry: StoredCiphertext): 'same' | 'taken' {
  return stored && stored.conversation_id === entry.conversationId && stored.sender === entry.sender && stored.sha256 === entry.sha256 ? 'same' : 'taken';
}

export interface CiphertextStore {
  put(entry: StoredCiphertext): Promise<ClaimOutcome>;
  /** Gives a claim back when the conversation refused the message. */
  release(messageId: string, sender: string): Promise<void>;
  get(messageIds: readonly string[]): Promise<Map<string, Uint8Array>>;
  purgeConversation(conversationId: string): Promise<number>;
  /** Rows due at `now` (expiresAt ≤ now), the earliest due first, at most `limit`. */
  due(now: number, limit: number): Promise<DueCiphertext[]>;
  /** The earliest expiresAt of any row, or null when no row is due ever. */
  nextDue(): Promise<number | null>;
  /** Makes these rows due at `expiresAt` (null: never); ids without a row are ignored. */
  expireAt(messageIds: readonly string[], expiresAt: number | null): Promise<void>;
  /**
   * Deletes these rows (ids without one are ignored) and returns how many
   * were, leaving as little of their bytes behind as the database allows:
   * SQLite overwrites them (secure_delete) and truncates its WAL (waiting a
   * few seconds at most; a busy WAL is truncated later); PostgreSQL keeps
   * dead tuples until VACUUM (docs/messaging.md, "Expiry and deletion on
   * the server").
   */
  purgeMessages(messageIds: readonly string[]): Promise<number>;
  close(): Promise<void>;
}
