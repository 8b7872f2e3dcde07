/**
 * Message ciphertext lives outside the event log (DESIGN §4 "the server
 * purges ciphertext once every participant has removed it": a log cannot
 * forget, a table can). Rows are keyed by message id, so the primary key is
 * also what makes a message id unique across all conversations and nodes.
 */
export interface StoredCiphertext {
  readonly messageId: string;
  readonly conversationId: string;
  readonly sender: string;
  /** SHA-256 of `ciphertext`, base64. */
  readonly sha256: string;
  readonly ciphertext: Uint8Array;
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
  close(): Promise<void>;
}
