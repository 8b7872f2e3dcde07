/**
 * Receiving messages (DESIGN.md §4, threats T2, T4, T7). A ledger holds what
 * one device has verified of one conversation, and accepts a message only if:
 *
 *   1. it decrypts with our key (miniLock authenticates the sender's key);    → Undecryptable
 *   2. the miniLock sender ID is the PINNED key of the envelope's sender,
 *      and the inner sender is the envelope's sender;                         → SenderKeyMismatch (T2)
 *   3. inner participants = envelope participants = the conversation's,
 *      and we are one of them;                                                → ParticipantsMismatch (T7)
 *   4. the conversation secret is the conversation's and the envelope's
 *      conversation id is derived from it;                                    → WrongConversation (T4)
 *   5. the message id is the envelope's and was never seen before;            → Replay (T4)
 *   6. sentAt is within the clock-skew window of the server's receivedAt;     → ClockSkew
 *   7. the sender's sequence continues with no gap and the previous-hash
 *      chain matches.                                                          → SequenceGap (T4)
 *
 * A sequence gap is reported, never hidden: the authentic message comes back
 * inside the rejection (to show under a "messages withheld" marker) and the
 * ledger moves on; a withheld message that arrives later fills its gap and
 * is marked late. Messages must be fed in the server's order; the first
 * message of a conversation founds the ledger.
 */
import { decryptFile } from '../minilock/decrypt-file.js';
import { PeerlockCryptoError } from '../crypto/errors.js';
import type { MessageEnvelope } from './message-envelope.js';
import { conversationIdOf, decodePlaintext, messageHash, MalformedMessageError, type MessagePlaintext } from './message-plaintext.js';

export const DEFAULT_MAX_CLOCK_SKEW_MS = 10 * 60 * 1000;

export type RejectionReason = 'Undecryptable' | 'SenderKeyMismatch' | 'ParticipantsMismatch' | 'WrongConversation' | 'Replay' | 'SequenceGap' | 'ClockSkew';

export interface VerifiedMessage {
  readonly plaintext: MessagePlaintext;
  readonly receivedAt: number;
  /** Arrived after later messages of its sender (it filled a reported gap). */
  readonly late: boolean;
}

export type Verification =
  | { readonly ok: true; readonly message: VerifiedMessage }
  | {
      readonly ok: false;
      readonly reason: RejectionReason;
      /** SequenceGap only: the authentic message after the gap, and the sequences withheld before it. */
      readonly message?: VerifiedMessage;
      readonly withheld?: { readonly sender: string; readonly from: number; readonly to: number };
    };

export interface SenderChain {
  /** The sequence we expect next from this sender. */
  readonly next: number;
  readonly lastHash: string | null;
}

export interface ReceiverContext {
  readonly me: { readonly username: string; readonly secretKey: Uint8Array };
  /**
   * The miniLock ID(s) we accept for `username` on a message the server
   * received at `receivedAt`: the pinned key, plus former pinned keys still
   * valid then (keysValidAt); undefined or empty when we have no pin.
   */
  readonly pinnedKey: (username: string, receivedAt: number) => string | readonly string[] | undefined;
  readonly maxClockSkewMs?: number;
}

interface MutableChain {
  next: number;
  lastHash: string | null;
  missing: Set<number>;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class ConversationLedger {
  private readonly seen = new Set<string>();
  private readonly chains = new Map<string, MutableChain>();

  private constructor(
    readonly conversationId: string,
    readonly conversationSecret: string,
    readonly participants: readonly string[],
    readonly subject: string,
  ) {}

  /**
   * Verifies the first message of a conversation and founds its ledger.
   * Returns the ledger (null if the message was rejected) and the verdict.
   */
  static found(envelope: MessageEnvelope, context: ReceiverContext): { ledger: ConversationLedger | null; verification: Verification } {
    const opened = open(envelope, context);
    if ('reason' in opened) return { ledger: null, verification: opened };
    const { plaintext, hash } = opened;
    if (conversationIdOf(plaintext.conversationSecret) !== envelope.conversationId) return { ledger: null, verification: { ok: false, reason: 'WrongConversation' } };
    if (plaintext.sequence !== 1) return { ledger: null, verification: { ok: false, reason: 'SequenceGap' } };
    const ledger = new ConversationLedger(envelope.conversationId, plaintext.conversationSecret, plaintext.participants, plaintext.subject);
    ledger.record(plaintext, hash);
    return { ledger, verification: { ok: true, message: { plaintext, receivedAt: envelope.receivedAt, late: false } } };
  }

  chainOf(username: string): SenderChain {
    const chain = this.chains.get(username.toLowerCase());
    return chain ? { next: chain.next, lastHash: chain.lastHash } : { next: 1, lastHash: null };
  }

  /** Sequences of `username` we know were withheld and have not arrived. */
  withheldOf(username: string): number[] {
    return [...(this.chains.get(username.toLowerCase())?.missing ?? [])].sort((a, b) => a - b);
  }

  /** Verifies a later message of this conversation, in the server's order. */
  accept(envelope: MessageEnvelope, context: ReceiverContext): Verification {
    const opened = open(envelope, context);
    if ('reason' in opened) return opened;
    const { plaintext, hash } = opened;
    if (envelope.conversationId !== this.conversationId || plaintext.conversationSecret !== this.conversationSecret) {
      return { ok: false, reason: 'WrongConversation' };
    }
    if (!sameList(plaintext.participants, this.participants)) return { ok: false, reason: 'ParticipantsMismatch' };
    if (this.seen.has(plaintext.messageId)) return { ok: false, reason: 'Replay' };

    const message: VerifiedMessage = { plaintext, receivedAt: envelope.receivedAt, late: false };
    const chain = this.chains.get(plaintext.sender) ?? { next: 1, lastHash: null, missing: new Set<number>() };
    if (plaintext.sequence < chain.next) {
      // Only a sequence we reported as withheld may still arrive; anything else is a copy of the past.
      if (!chain.missing.has(plaintext.sequence)) return { ok: false, reason: 'Replay' };
      chain.missing.delete(plaintext.sequence);
      this.seen.add(plaintext.messageId);
      return { ok: true, message: { ...message, late: true } };
    }
    if (plaintext.sequence === chain.next) {
      const chained = plaintext.previousHash === chain.lastHash;
      this.record(plaintext, hash);
      if (chained) return { ok: true, message };
      // The sender chained a different previous message than the one we were shown.
      return { ok: false, reason: 'SequenceGap', message };
    }
    const withheld = { sender: plaintext.sender, from: chain.next, to: plaintext.sequence - 1 };
    this.record(plaintext, hash, withheld);
    return { ok: false, reason: 'SequenceGap', message, withheld };
  }

  private record(plaintext: MessagePlaintext, hash: string, gap?: { from: number; to: number }): void {
    const chain = this.chains.get(plaintext.sender) ?? { next: 1, lastHash: null, missing: new Set<number>() };
    if (gap) for (let s = gap.from; s <= gap.to; s++) chain.missing.add(s);
    chain.next = plaintext.sequence + 1;
    chain.lastHash = hash;
    this.chains.set(plaintext.sender, chain);
    this.seen.add(plaintext.messageId);
  }
}

type Opened = { plaintext: MessagePlaintext; hash: string } | { ok: false; reason: RejectionReason };

/** Checks 1–3, 5 (envelope id) and 6, shared by the first and later messages. */
function open(envelope: MessageEnvelope, context: ReceiverContext): Opened {
  let senderID: string;
  let plaintext: MessagePlaintext;
  let hash: string;
  try {
    const file = decryptFile(envelope.ciphertext, context.me.secretKey);
    senderID = file.senderID;
    plaintext = decodePlaintext(file.plaintext);
    hash = messageHash(file.plaintext);
  } catch (error) {
    if (error instanceof PeerlockCryptoError || error instanceof MalformedMessageError) return { ok: false, reason: 'Undecryptable' };
    throw error;
  }
  const claimed = envelope.sender.toLowerCase();
  const pinned = context.pinnedKey(claimed, envelope.receivedAt);
  const accepted = pinned === undefined ? [] : typeof pinned === 'string' ? [pinned] : pinned;
  if (!accepted.includes(senderID) || plaintext.sender !== claimed) return { ok: false, reason: 'SenderKeyMismatch' };
  const envelopeParticipants = [...envelope.participants].map((p) => p.toLowerCase()).sort();
  if (!sameList(plaintext.participants, envelopeParticipants) || !plaintext.participants.includes(context.me.username.toLowerCase())) {
    return { ok: false, reason: 'ParticipantsMismatch' };
  }
  if (plaintext.messageId !== envelope.messageId) return { ok: false, reason: 'Replay' };
  const skew = context.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
  if (Math.abs(plaintext.sentAt - envelope.receivedAt) > skew) return { ok: false, reason: 'ClockSkew' };
  return { plaintext, hash };
}
