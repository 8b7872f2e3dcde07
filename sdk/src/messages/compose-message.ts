/**
 * Composing a message: build the plaintext of DESIGN.md §4 (always version 2)
 * and miniLock-encrypt it to every participant, the sender included (so the
 * sender's other devices can read and verify it too). Recipient keys must
 * come from the pin set (checkSend), never straight from the server.
 *
 * A reply takes from the ledger of the conversation it replies in (which the
 * sender verified): the participants, the secret, its own next sequence and
 * previous hash, and the causal links (T14): for every other participant,
 * the latest of their messages the ledger accepted. A new conversation has
 * no links.
 *
 * Disappearing messages and actions (issue 20): `expiresIn` is the message's
 * own lifetime (a reply takes the conversation's timer as the ledger last
 * verified it, ConversationLedger.timerInEffect); `action` sets the timer, or deletes
 * or edits one of our own messages, named by id, sequence and hash from the
 * ledger (ConversationLedger.ownMessage), never from the server.
 */
import { bytesToBase64, randomBytes } from '../crypto/bytes.js';
import { encryptFile } from '../minilock/encrypt-stream.js';
import type { ConversationLedger } from './conversation-ledger.js';
import {
  canonicalParticipants,
  conversationIdOf,
  encodePlaintext,
  messageHash,
  MalformedMessageError,
  MESSAGE_VERSION,
  type FileReference,
  type MessageAction,
  type MessagePlaintext,
  type TimerSeconds,
} from './message-plaintext.js';

export interface ComposeInput {
  readonly sender: { readonly username: string; readonly secretKey: Uint8Array };
  /** The conversation being replied to, or null to start a new one with `participants`. */
  readonly conversation: ConversationLedger | null;
  readonly participants?: readonly string[];
  /** miniLock ID of every participant (the sender included), from the pin set. */
  readonly keys: Readonly<Record<string, string>>;
  readonly subject?: string;
  readonly body: string;
  readonly files?: readonly FileReference[];
  readonly now: number;
  /** Seconds the message lives after the server received it (default: the ledger's timer, or 0). Timers and deletes never expire. */
  readonly expiresIn?: TimerSeconds;
  readonly action?: MessageAction | null;
}

export interface ComposedMessage {
  readonly conversationId: string;
  readonly messageId: string;
  readonly participants: readonly string[];
  readonly ciphertext: Uint8Array;
  readonly plaintext: MessagePlaintext;
  /** messageHash of the plaintext bytes sealed: what the next message chains to. */
  readonly hash: string;
}

/**
 * An edit lives exactly as long as the message it edits (its own timer, from
 * a later server time), never shorter: otherwise the edit would expire first
 * and the original text would show again.
 */
function editedLifetime(ledger: ConversationLedger | null, sender: string, action: MessageAction | null | undefined): TimerSeconds | undefined {
  if (action?.kind !== 'edit' || !ledger) return undefined;
  return ledger.messageOf(sender, action.messageId)?.expiresIn;
}

export function composeMessage(input: ComposeInput): ComposedMessage {
  const sender = input.sender.username.toLowerCase();
  const ledger = input.conversation;
  const participants = ledger ? [...ledger.participants] : canonicalParticipants([...(input.participants ?? []), sender]);
  if (!participants.includes(sender)) throw new MalformedMessageError('participants');
  const conversationSecret = ledger ? ledger.conversationSecret : bytesToBase64(randomBytes(32));
  const chain = ledger?.chainOf(sender);
  const recipients = participants.map((p) => {
    const id = input.keys[p];
    if (!id) throw new MalformedMessageError(`keys.${p}`);
    return id;
  });
  const plaintext: MessagePlaintext = {
    v: MESSAGE_VERSION,
    conversationSecret,
    messageId: bytesToBase64(randomBytes(16)),
    sender,
    participants,
    sequence: chain ? chain.next : 1,
    previousHash: chain && chain.next > 1 ? chain.lastHash : null,
    links: ledger ? ledger.linksFor(sender) : [],
    // The subject belongs to the conversation, so only its first message carries one.
    subject: ledger ? '' : (input.subject ?? ''),
    body: input.body,
    files: input.files ?? [],
    sentAt: input.now,
    expiresIn: input.action?.kind === 'timer' || input.action?.kind === 'delete' ? 0 : (input.expiresIn ?? editedLifetime(ledger, sender, input.action) ?? ledger?.timerInEffect() ?? 0),
    action: input.action ?? null,
  };
  const encoded = encodePlaintext(plaintext);
  const ciphertext = encryptFile(encoded, { senderSecretKey: input.sender.secretKey, recipients });
  return { conversationId: conversationIdOf(conversationSecret), messageId: plaintext.messageId, participants, ciphertext, plaintext, hash: messageHash(encoded) };
}
