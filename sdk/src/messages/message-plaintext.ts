/**
 * The plaintext of a Peerlock message (DESIGN.md §4). It is UTF-8 JSON with
 * a fixed key order, miniLock-encrypted to every participant including the
 * sender, so everything here is authenticated by the sender's key:
 *
 *   v                  3 (composeMessage writes 3; versions 1 and 2 still decode: 1 has no links,
 *                      neither has expiresIn or action, which read as 0 and null)
 *   conversationSecret base64(32 random bytes chosen by the conversation's creator)
 *   messageId          base64(16 random bytes), also the server's id for the message
 *   sender             the sender's username (lowercase)
 *   participants       every participant's username, lowercase, sorted, unique, incl. the sender
 *   sequence           1, 2, 3 … per sender per conversation
 *   previousHash       base64(BLAKE2s-256(plaintext of the sender's previous message)), null for sequence 1
 *   links              v2 only (T14, causal links): for each OTHER participant whose message the
 *                      sender had accepted in this conversation, the latest one as
 *                      { participant, sequence, hash }, hash = messageHash of its plaintext
 *                      (as previousHash). An array sorted by participant, each at most once,
 *                      only participants of the conversation, never the sender; [] when the
 *                      sender had accepted nobody else's message (a conversation's first message).
 *   subject            first message only ('' otherwise)
 *   body               the text
 *   files              [{ fileId, header: base64(miniLock header re-wrapped for the participants) }]
 *   sentAt             milliseconds since the epoch, sender's clock
 *   expiresIn          v3 only: seconds this message lives after the server received it, one of
 *                      TIMER_SECONDS (0: it never expires). The sender's own statement, so the
 *                      server cannot lengthen or shorten it unseen (issue 20).
 *   action             v3 only: null for an ordinary message, or what the message does:
 *                        { kind: "timer", seconds }   sets the conversation's disappearing-messages
 *                                                     timer (seconds in TIMER_SECONDS, 0 = off)
 *                        { kind: "delete", messageId, sequence, hash }   takes back (unsends) the
 *                        { kind: "edit",   messageId, sequence, hash }   sender's own message, or
 *                                                     replaces its body with this message's body
 *                      messageId, sequence and hash name the target in the SENDER'S OWN chain
 *                      (sequence below this message's, hash = messageHash of its plaintext), so
 *                      an action can only ever name its sender's own message. A timer or a delete
 *                      carries no content (subject, body and files empty) and never expires
 *                      (expiresIn 0): everyone keeps seeing who set which timer and that something
 *                      was taken back. An edit carries the new body and no files.
 *
 * Why an array and not an object keyed by username: JavaScript orders
 * integer-like keys ("42" is a valid username) before all others whatever
 * the insertion order, so a keyed object could not be written in sorted order.
 *
 * A v2 or v3 plaintext must be exactly its canonical bytes (the key order above, no
 * whitespace, no other keys): encode(decode(bytes)) = bytes, so every reader
 * and every link computes its hash over the one encoding of a message.
 * Version 1 keeps its original, lenient reading (its hash is over the bytes
 * as received, which is all a chain or a link needs).
 */
import { base64ToBytes, bytesToBase64, bytesToUtf8, equalBytes, utf8ToBytes } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';

/** The version composeMessage writes. */
export const MESSAGE_VERSION = 3;
/** Versions a receiver accepts: 1 (no causal links), 2 (no expiry, no actions) and 3. */
export const MESSAGE_VERSIONS = [1, 2, 3] as const;
export type MessageVersion = (typeof MESSAGE_VERSIONS)[number];
export const MAX_PARTICIPANTS = 50;
export const MAX_BODY_BYTES = 512 * 1024;
export const MAX_SUBJECT_BYTES = 1024;
export const MAX_FILES = 100;

/** The disappearing-message timers a conversation can have, in seconds: off, 5 min, 1 h, 1 day, 1 week, 4 weeks. */
export const TIMER_SECONDS = [0, 300, 3600, 86_400, 604_800, 2_419_200] as const;
export type TimerSeconds = (typeof TIMER_SECONDS)[number];
export const isTimerSeconds = (value: unknown): value is TimerSeconds => TIMER_SECONDS.includes(value as TimerSeconds);

const TIMER_NAMES: Readonly<Record<number, string>> = { 0: 'off', 300: '5 minutes', 3600: '1 hour', 86_400: '1 day', 604_800: '1 week', 2_419_200: '4 weeks' };

/** A timer as people say it, for every client alike: "1 hour"; "off" for 0. */
export function timerName(seconds: number): string {
  return TIMER_NAMES[seconds] ?? `${seconds} seconds`;
}

/** What a timer message did, after its sender's name: "set disappearing messages to 1 hour", "turned disappearing messages off". */
export function timerChange(seconds: number): string {
  return seconds === 0 ? 'turned disappearing messages off' : `set disappearing messages to ${timerName(seconds)}`;
}

/** What a message does besides (or instead of) carrying text. */
export type MessageAction =
  | { readonly kind: 'timer'; readonly seconds: TimerSeconds }
  | { readonly kind: 'delete' | 'edit'; readonly messageId: string; readonly sequence: number; readonly hash: string };

export interface FileReference {
  readonly fileId: string;
  /** base64 of the file's miniLock header, re-wrapped for the participants. */
  readonly header: string;
}

/** The sender's latest accepted message of another participant (T14). */
export interface CausalLink {
  readonly participant: string;
  readonly sequence: number;
  /** messageHash of that message's plaintext bytes. */
  readonly hash: string;
}

export interface MessagePlaintext {
  readonly v: MessageVersion;
  readonly conversationSecret: string;
  readonly messageId: string;
  readonly sender: string;
  readonly participants: readonly string[];
  readonly sequence: number;
  readonly previousHash: string | null;
  /** Always [] in version 1. */
  readonly links: readonly CausalLink[];
  readonly subject: string;
  readonly body: string;
  readonly files: readonly FileReference[];
  readonly sentAt: number;
  /** Seconds it lives after the server received it; 0 (never) in versions 1 and 2. */
  readonly expiresIn: TimerSeconds;
  /** null in versions 1 and 2. */
  readonly action: MessageAction | null;
}

export class MalformedMessageError extends Error {
  readonly code = 'MALFORMED_MESSAGE' as const;
  constructor(readonly field: string) {
    super(`malformed message plaintext: ${field}`);
    this.name = 'MalformedMessageError';
  }
}

const USERNAME = /^[a-z0-9_]{1,16}$/;

export function canonicalParticipants(usernames: readonly string[]): string[] {
  const out = [...new Set(usernames.map((u) => u.toLowerCase()))].sort();
  if (out.length < 1 || out.length > MAX_PARTICIPANTS || !out.every((u) => USERNAME.test(u))) throw new MalformedMessageError('participants');
  return out;
}

function isBase64Of(value: unknown, length: number): value is string {
  if (typeof value !== 'string') return false;
  try {
    return base64ToBytes(value).length === length;
  } catch {
    return false;
  }
}

const byteLength = (s: string): number => utf8ToBytes(s).length;

const LINK_KEYS = ['participant', 'sequence', 'hash'];

/** Version 1 has no links: the key must be absent, and the message carries []. */
function validateNoLinks(m: Record<string, unknown>): CausalLink[] {
  if ('links' in m) throw new MalformedMessageError('links');
  return [];
}

/**
 * Version 2 links: an array, each entry exactly { participant, sequence, hash },
 * participant a participant other than the sender, in strictly increasing
 * order (sorted, no repeats), sequence ≥ 1, hash base64 of 32 bytes.
 */
function validateLinks(value: unknown, participants: readonly string[], sender: string): CausalLink[] {
  if (!Array.isArray(value) || value.length > participants.length - 1) throw new MalformedMessageError('links');
  const out: CausalLink[] = [];
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new MalformedMessageError('links');
    const link = entry as Record<string, unknown>;
    const keys = Object.keys(link);
    if (keys.length !== LINK_KEYS.length || !LINK_KEYS.every((k) => keys.includes(k))) throw new MalformedMessageError('links');
    const { participant, sequence, hash } = link;
    if (typeof participant !== 'string' || participant === sender || !participants.includes(participant)) throw new MalformedMessageError('links.participant');
    const previous = out[out.length - 1];
    if (previous && !(previous.participant < participant)) throw new MalformedMessageError('links.participant');
    if (!Number.isSafeInteger(sequence) || (sequence as number) < 1) throw new MalformedMessageError('links.sequence');
    if (!isBase64Of(hash, 32)) throw new MalformedMessageError('links.hash');
    out.push({ participant, sequence: sequence as number, hash: hash as string });
  }
  return out;
}

/** Validates every field; throws MalformedMessageError naming the first bad one. */
export function validatePlaintext(value: unknown): MessagePlaintext {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new MalformedMessageError('root');
  const m = value as Record<string, unknown>;
  const check = (ok: boolean, field: string) => {
    if (!ok) throw new MalformedMessageError(field);
  };
  check(m.v === 1 || m.v === 2 || m.v === 3, 'v');
  const v = m.v as MessageVersion;
  check(isBase64Of(m.conversationSecret, 32), 'conversationSecret');
  check(isBase64Of(m.messageId, 16), 'messageId');
  check(typeof m.sender === 'string' && USERNAME.test(m.sender), 'sender');
  check(Array.isArray(m.participants) && m.participants.every((p) => typeof p === 'string'), 'participants');
  const participants = m.participants as string[];
  check(JSON.stringify(canonicalParticipants(participants)) === JSON.stringify(participants), 'participants');
  check(participants.includes(m.sender as string), 'participants');
  check(Number.isSafeInteger(m.sequence) && (m.sequence as number) >= 1, 'sequence');
  check(m.sequence === 1 ? m.previousHash === null : isBase64Of(m.previousHash, 32), 'previousHash');
  const links = v === 1 ? validateNoLinks(m) : validateLinks(m.links, participants, m.sender as string);
  check(typeof m.subject === 'string' && byteLength(m.subject) <= MAX_SUBJECT_BYTES, 'subject');
  check(typeof m.body === 'string' && byteLength(m.body) <= MAX_BODY_BYTES, 'body');
  check(Array.isArray(m.files) && m.files.length <= MAX_FILES, 'files');
  for (const f of m.files as unknown[]) {
    const ref = f as Record<string, unknown>;
    check(typeof f === 'object' && f !== null && typeof ref.fileId === 'string' && ref.fileId.length > 0 && ref.fileId.length <= 64, 'files');
    check(typeof ref.header === 'string' && ref.header.length > 0, 'files');
  }
  check(Number.isSafeInteger(m.sentAt) && (m.sentAt as number) > 0, 'sentAt');
  const { expiresIn, action } = v === 3 ? validateV3(m) : validateNoV3(m);
  return {
    v,
    conversationSecret: m.conversationSecret as string,
    messageId: m.messageId as string,
    sender: m.sender as string,
    participants: [...participants],
    sequence: m.sequence as number,
    previousHash: m.previousHash as string | null,
    links,
    subject: m.subject as string,
    body: m.body as string,
    files: (m.files as FileReference[]).map((f) => ({ fileId: f.fileId, header: f.header })),
    sentAt: m.sentAt as number,
    expiresIn,
    action,
  };
}

/** Versions 1 and 2 know neither key: both must be absent (or, in memory, the defaults). */
function validateNoV3(m: Record<string, unknown>): { expiresIn: TimerSeconds; action: null } {
  if ('expiresIn' in m && m.expiresIn !== 0 && m.expiresIn !== undefined) throw new MalformedMessageError('expiresIn');
  if ('action' in m && m.action !== null && m.action !== undefined) throw new MalformedMessageError('action');
  return { expiresIn: 0, action: null };
}

const TARGET_KEYS = ['kind', 'messageId', 'sequence', 'hash'];

/**
 * Version 3: expiresIn one of TIMER_SECONDS; action null or exactly one of
 * the shapes in the header comment. A timer or a delete carries no content
 * and never expires; an edit carries no files; a delete or an edit names an
 * earlier message of the sender's own chain, never itself.
 */
function validateV3(m: Record<string, unknown>): { expiresIn: TimerSeconds; action: MessageAction | null } {
  if (!isTimerSeconds(m.expiresIn)) throw new MalformedMessageError('expiresIn');
  const raw = m.action;
  if (raw === null) return { expiresIn: m.expiresIn, action: null };
  if (typeof raw !== 'object' || raw === undefined || Array.isArray(raw)) throw new MalformedMessageError('action');
  const a = raw as Record<string, unknown>;
  const keys = Object.keys(a);
  const contentless = m.subject === '' && m.body === '' && (m.files as unknown[]).length === 0 && m.expiresIn === 0;
  if (a.kind === 'timer') {
    if (keys.length !== 2 || !isTimerSeconds(a.seconds)) throw new MalformedMessageError('action');
    if (!contentless) throw new MalformedMessageError('action');
    return { expiresIn: 0, action: { kind: 'timer', seconds: a.seconds } };
  }
  if (a.kind !== 'delete' && a.kind !== 'edit') throw new MalformedMessageError('action.kind');
  if (keys.length !== TARGET_KEYS.length || !TARGET_KEYS.every((k) => keys.includes(k))) throw new MalformedMessageError('action');
  if (!isBase64Of(a.messageId, 16) || a.messageId === m.messageId) throw new MalformedMessageError('action.messageId');
  if (!Number.isSafeInteger(a.sequence) || (a.sequence as number) < 1 || (a.sequence as number) >= (m.sequence as number)) throw new MalformedMessageError('action.sequence');
  if (!isBase64Of(a.hash, 32)) throw new MalformedMessageError('action.hash');
  if (a.kind === 'delete' ? !contentless : m.subject !== '' || (m.files as unknown[]).length > 0) throw new MalformedMessageError('action');
  return { expiresIn: m.expiresIn, action: { kind: a.kind, messageId: a.messageId as string, sequence: a.sequence as number, hash: a.hash as string } };
}

/** Canonical bytes: fixed key order, no whitespace; `links` from version 2, `expiresIn` and `action` in version 3. */
export function encodePlaintext(m: MessagePlaintext): Uint8Array {
  return canonicalBytes(validatePlaintext(m.v === 1 ? withoutLinks(m) : m));
}

/** The action in its one key order. */
function canonicalAction(action: MessageAction | null): object | null {
  if (action === null) return null;
  if (action.kind === 'timer') return { kind: action.kind, seconds: action.seconds };
  return { kind: action.kind, messageId: action.messageId, sequence: action.sequence, hash: action.hash };
}

function canonicalBytes(valid: MessagePlaintext): Uint8Array {
  return utf8ToBytes(
    JSON.stringify({
      v: valid.v,
      conversationSecret: valid.conversationSecret,
      messageId: valid.messageId,
      sender: valid.sender,
      participants: valid.participants,
      sequence: valid.sequence,
      previousHash: valid.previousHash,
      ...(valid.v === 1 ? {} : { links: valid.links.map((l) => ({ participant: l.participant, sequence: l.sequence, hash: l.hash })) }),
      subject: valid.subject,
      body: valid.body,
      files: valid.files.map((f) => ({ fileId: f.fileId, header: f.header })),
      sentAt: valid.sentAt,
      ...(valid.v === 3 ? { expiresIn: valid.expiresIn, action: canonicalAction(valid.action) } : {}),
    }),
  );
}

/** A version-1 plaintext has no `links` key; the in-memory form carries [] (which must be empty). */
function withoutLinks(m: MessagePlaintext): Omit<MessagePlaintext, 'links'> {
  if (m.links !== undefined && m.links.length > 0) throw new MalformedMessageError('links');
  const { links: _none, ...rest } = m;
  return rest;
}

/** Parses and validates; a version-2 or -3 plaintext must also be byte-for-byte canonical. */
export function decodePlaintext(bytes: Uint8Array): MessagePlaintext {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(bytes));
  } catch {
    throw new MalformedMessageError('json');
  }
  const message = validatePlaintext(parsed);
  if (message.v !== 1 && !equalBytes(canonicalBytes(message), bytes)) throw new MalformedMessageError('canonical');
  return message;
}

/** The chain link: BLAKE2s-256 over the canonical plaintext bytes. */
export function messageHash(plaintextBytes: Uint8Array): string {
  return bytesToBase64(blake2s(plaintextBytes));
}

/**
 * The conversation id the server files messages under, derived from the
 * secret so that the receiver can check an envelope's id against the
 * authenticated secret (T4: no splicing between conversations), while the
 * server, which never sees the secret, cannot compute ids itself:
 *   conversationId = base64url(BLAKE2s-256(key = conversationSecret, "peerlock/conversation-id/v1"))
 */
export function conversationIdOf(conversationSecret: string): string {
  const digest = blake2s(utf8ToBytes('peerlock/conversation-id/v1'), 32, base64ToBytes(conversationSecret, 'conversationSecret'));
  return bytesToBase64(digest).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
