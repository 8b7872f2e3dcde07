/**
 * A message shared through a link is a small miniLock file (so it travels,
 * is stored, counted and destroyed exactly like a file link's content),
 * recognised by its authenticated file name and its JSON shape:
 *
 *   name  "peerlock-link-message.json"
 *   body  {"type":"peerlock-link-message/v1","from":username,"subject":string|null,"text":string,"sentAt":ISO time}
 *
 * `from` and `sentAt` are the sender's own statements, made under the key
 * that boxed the header (the opener shows that key beside them).
 */
import { utf8ToBytes } from '../crypto/bytes.js';

export const MESSAGE_FILE_NAME = 'peerlock-link-message.json';
const TYPE = 'peerlock-link-message/v1';
export const MAX_LINK_TEXT_CHARS = 64 * 1024;
export const MAX_LINK_SUBJECT_CHARS = 256;

export interface LinkMessage {
  readonly from: string;
  readonly subject: string | null;
  readonly text: string;
  readonly sentAt: Date;
}

export function encodeLinkMessage(message: LinkMessage): Uint8Array {
  if (typeof message.text !== 'string' || message.text.length === 0 || message.text.length > MAX_LINK_TEXT_CHARS) throw new RangeError(`text: 1 to ${MAX_LINK_TEXT_CHARS} characters`);
  if (message.subject !== null && (typeof message.subject !== 'string' || message.subject.length > MAX_LINK_SUBJECT_CHARS)) throw new RangeError(`subject: at most ${MAX_LINK_SUBJECT_CHARS} characters`);
  return utf8ToBytes(JSON.stringify({ type: TYPE, from: message.from, subject: message.subject, text: message.text, sentAt: message.sentAt.toISOString() }));
}

/** The message, or null when the text is not exactly one (no field more, none missing, every type right). */
export function parseLinkMessage(text: string): LinkMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const keys = Object.keys(v).sort().join(',');
  if (keys !== 'from,sentAt,subject,text,type' || v.type !== TYPE) return null;
  if (typeof v.from !== 'string' || !/^[a-z0-9_]{1,16}$/.test(v.from)) return null;
  if (typeof v.text !== 'string' || v.text.length === 0 || v.text.length > MAX_LINK_TEXT_CHARS) return null;
  if (v.subject !== null && (typeof v.subject !== 'string' || v.subject.length > MAX_LINK_SUBJECT_CHARS)) return null;
  if (typeof v.sentAt !== 'string') return null;
  const sentAt = new Date(v.sentAt);
  if (Number.isNaN(sentAt.getTime()) || sentAt.toISOString() !== v.sentAt) return null;
  return { from: v.from, subject: v.subject as string | null, text: v.text, sentAt };
}
