/**
 * The plaintext of an archive, format "peerlock-archive/v1": a stream of
 * records, sealed as ONE miniLock file to the user's own key (writer.ts).
 *
 *   archive = record*
 *   record  = uint32-BE(len(header)) ‖ header ‖ payload
 *   header  = UTF-8 JSON object { type, …, payloadBytes? }, at most MAX_RECORD_HEADER_BYTES
 *   payload = exactly header.payloadBytes raw bytes (only `file` records have any)
 *
 * Order: manifest, then contact*, conversation (message*)…, file (payload
 * file-end, when bytesFollow)…, end. The end record counts what came before it, so a stream
 * cut at a record boundary is refused even where the miniLock layer cannot
 * yet tell (it checks the whole file's hash only after the last chunk).
 *
 * Reading is bounded: a header is at most 1 MiB, read whole only after its
 * length was checked; a payload is streamed, never held. Every field is
 * checked for type before anything acts on it (parseRecord).
 */
import { bytesToUtf8, utf8ToBytes } from '../crypto/bytes.js';
import { isMiniLockId } from '../keys/minilock-id.js';
import { ByteReader, type ByteSource } from '../minilock/byte-reader.js';
import { CHUNK_SIZE } from '../minilock/format.js';
import { ArchiveRejectedError } from './errors.js';

export const ARCHIVE_FORMAT = 'peerlock-archive/v1';
/** The largest record header read; real ones are a few hundred bytes (a message of the longest body is ~100 KiB). */
export const MAX_RECORD_HEADER_BYTES = 1024 * 1024;
/** Most contacts, conversations, messages per conversation, and files one archive may hold (a hostile archive cannot make the import loop forever). */
export const MAX_ITEMS = 10_000_000;

export interface ManifestRecord {
  readonly type: 'manifest';
  readonly format: typeof ARCHIVE_FORMAT;
  readonly username: string;
  readonly miniLockId: string;
  /** The GraphQL URL of the server exported from. */
  readonly server: string;
  /** That server's pinned signing key, when the client had one. */
  readonly serverSigningKey?: string;
  /** ms since the epoch. */
  readonly exportedAt: number;
  readonly includesFiles: boolean;
}

/** A key pin (and whether the user verified it by safety number), and the contact state the server listed. */
export interface ContactRecord {
  readonly type: 'contact';
  readonly username: string;
  readonly miniLockId: string;
  readonly pinnedAt: number;
  readonly verified: boolean;
  readonly previous?: readonly { readonly miniLockId: string; readonly until: number }[];
  /** 'contact' (accepted both ways), or 'pinned' (a key seen, no contact). */
  readonly relation: 'contact' | 'pinned';
}

export interface ConversationRecord {
  readonly type: 'conversation';
  readonly id: string;
  /** The verified participants (from the messages' signed plaintext). */
  readonly participants: readonly string[];
  readonly subject: string;
  /** Per sender, the sequences its verified messages showed and the server withheld. */
  readonly withheld: readonly { readonly sender: string; readonly sequences: readonly number[]; readonly count: number }[];
  /** How many message records follow. */
  readonly messageCount: number;
  /** Set on a conversation that was itself imported (from an earlier archive): where it was first exported from. */
  readonly imported?: { readonly server: string; readonly exportedAt: number };
}

/** What the SDK concluded about a message when it exported it. */
export type MessageVerification =
  | { readonly state: 'verified'; readonly late?: boolean; readonly reordered?: boolean }
  /** Not shown as genuine: its content is not in the archive. */
  | { readonly state: 'refused'; readonly reason: string };

export interface MessageRecord {
  readonly type: 'message';
  readonly conversationId: string;
  readonly id: string;
  readonly sender: string;
  /** The pinned key that signed it (the one valid at its server time). */
  readonly senderMiniLockId?: string;
  /** The sender's own time (signed), ms. */
  readonly sentAt?: number;
  /** The server's receivedAt, ms (a hint, bounded by the clock-skew check). */
  readonly serverTime: number;
  readonly subject?: string;
  readonly body?: string;
  readonly attachments?: readonly { readonly fileId: string; readonly header: string }[];
  readonly verification: MessageVerification;
  /** The sender's timer: the message is not shown after this (ms). */
  readonly expiresAt?: number;
  readonly deleted?: { readonly at: number; readonly by: string };
  readonly edited?: { readonly at: number; readonly by: string };
  readonly action?: { readonly kind: string; readonly seconds?: number; readonly messageId?: string };
}

export interface FileRecord {
  readonly type: 'file';
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly origin: string;
  /** The miniLock ID that made the file's header (from the sealed file index). */
  readonly sender: string;
  /** The file's bytes follow (payloadBytes = size, then a file-end record); false: the archive holds only the index entry, or the file was refused. */
  readonly bytesFollow: boolean;
  /** size when the bytes follow, else 0. */
  readonly payloadBytes: number;
  /** Set when the server served something that did not verify: nothing of it is in the archive. */
  readonly refused?: string;
}

export interface FileEndRecord {
  readonly type: 'file-end';
  readonly id: string;
  /** SHA-256 of the plaintext, hex. */
  readonly sha256: string;
}

export interface EndRecord {
  readonly type: 'end';
  readonly counts: ArchiveCounts;
}

export interface ArchiveCounts {
  readonly contacts: number;
  readonly conversations: number;
  readonly messages: number;
  readonly files: number;
  readonly fileBytes: number;
}

export type ArchiveRecord = ManifestRecord | ContactRecord | ConversationRecord | MessageRecord | FileRecord | FileEndRecord | EndRecord;

/** header-length ‖ header for one record (its payload, if any, follows it). */
export function encodeRecord(record: ArchiveRecord): Uint8Array {
  const json = utf8ToBytes(JSON.stringify(record));
  if (json.length > MAX_RECORD_HEADER_BYTES) throw new RangeError(`archive record: at most ${MAX_RECORD_HEADER_BYTES} bytes, got ${json.length}`);
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, json.length, false);
  out.set(json, 4);
  return out;
}

/** The payload length a record announces (0 for all but file records). */
export function payloadBytesOf(record: ArchiveRecord): number {
  return record.type === 'file' ? record.payloadBytes : 0;
}

/**
 * Reads the next record header from the plaintext, or null at a clean end
 * (no byte left). The payload, if any, is left unread for the caller.
 */
export async function readRecord(reader: ByteReader): Promise<ArchiveRecord | null> {
  const prefix = await reader.read(4);
  if (prefix.length === 0) return null;
  if (prefix.length < 4) throw new ArchiveRejectedError('truncated');
  const length = new DataView(prefix.buffer, prefix.byteOffset, 4).getUint32(0, false);
  if (length === 0 || length > MAX_RECORD_HEADER_BYTES) throw new ArchiveRejectedError('record-too-large', `${length} bytes`);
  const json = await reader.read(length);
  if (json.length < length) throw new ArchiveRejectedError('truncated');
  let value: unknown;
  try {
    value = JSON.parse(bytesToUtf8(json));
  } catch {
    throw new ArchiveRejectedError('malformed-record', 'not JSON');
  }
  return parseRecord(value);
}

/** Streams a payload of `bytes` in pieces of at most 1 MiB (valid until the next piece). */
export async function* readPayload(reader: ByteReader, bytes: number): AsyncGenerator<Uint8Array, void, undefined> {
  let left = bytes;
  while (left > 0) {
    const piece = await reader.read(Math.min(left, CHUNK_SIZE));
    if (piece.length === 0) throw new ArchiveRejectedError('truncated');
    left -= piece.length;
    yield piece;
  }
}

// ---- checking what a record says ------------------------------------------

const bad = (what: string): never => {
  throw new ArchiveRejectedError('malformed-record', what);
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Record<string, unknown>, k: string, max = 1 << 20): string => (typeof o[k] === 'string' && (o[k] as string).length <= max ? (o[k] as string) : bad(k));
const optStr = (o: Record<string, unknown>, k: string): string | undefined => (o[k] === undefined ? undefined : str(o, k));
const int = (o: Record<string, unknown>, k: string): number => (Number.isSafeInteger(o[k]) && (o[k] as number) >= 0 ? (o[k] as number) : bad(k));
const optInt = (o: Record<string, unknown>, k: string): number | undefined => (o[k] === undefined ? undefined : int(o, k));
const bool = (o: Record<string, unknown>, k: string): boolean => (typeof o[k] === 'boolean' ? (o[k] as boolean) : bad(k));
const list = (o: Record<string, unknown>, k: string, max = 100_000): unknown[] => (Array.isArray(o[k]) && (o[k] as unknown[]).length <= max ? (o[k] as unknown[]) : bad(k));
const username = (o: Record<string, unknown>, k: string): string => {
  const u = str(o, k, 64);
  return /^\w{1,16}$/.test(u) ? u.toLowerCase() : bad(k);
};
const keyId = (o: Record<string, unknown>, k: string): string => (isMiniLockId(o[k]) ? (o[k] as string) : bad(k));
const stamp = (v: unknown, k: string): { at: number; by: string } => {
  if (!isObject(v)) return bad(k);
  return { at: int(v, 'at'), by: username(v, 'by') };
};

/** Checks a decoded header and returns it as a typed record (unknown fields dropped). */
export function parseRecord(value: unknown): ArchiveRecord {
  if (!isObject(value)) return bad('not an object');
  switch (value.type) {
    case 'manifest': {
      if (value.format !== ARCHIVE_FORMAT) throw new ArchiveRejectedError('unsupported-version', String(value.format));
      const key = optStr(value, 'serverSigningKey');
      return {
        type: 'manifest',
        format: ARCHIVE_FORMAT,
        username: username(value, 'username'),
        miniLockId: keyId(value, 'miniLockId'),
        server: str(value, 'server', 2048),
        ...(key !== undefined ? { serverSigningKey: key } : {}),
        exportedAt: int(value, 'exportedAt'),
        includesFiles: bool(value, 'includesFiles'),
      };
    }
    case 'contact': {
      const relation = value.relation === 'contact' || value.relation === 'pinned' ? value.relation : bad('relation');
      const previous = value.previous === undefined ? undefined : list(value, 'previous', 1000).map((p) => (isObject(p) ? { miniLockId: keyId(p, 'miniLockId'), until: int(p, 'until') } : bad('previous')));
      return {
        type: 'contact',
        username: username(value, 'username'),
        miniLockId: keyId(value, 'miniLockId'),
        pinnedAt: int(value, 'pinnedAt'),
        verified: bool(value, 'verified'),
        ...(previous ? { previous } : {}),
        relation,
      };
    }
    case 'conversation':
      return {
        type: 'conversation',
        id: str(value, 'id', 256),
        participants: list(value, 'participants', 1000).map((p) => (typeof p === 'string' && /^\w{1,16}$/.test(p) ? p.toLowerCase() : bad('participants'))),
        subject: str(value, 'subject'),
        withheld: list(value, 'withheld').map((w) =>
          isObject(w) ? { sender: username(w, 'sender'), sequences: list(w, 'sequences', 10_000).map((n) => (Number.isSafeInteger(n) ? (n as number) : bad('withheld'))), count: int(w, 'count') } : bad('withheld'),
        ),
        messageCount: int(value, 'messageCount'),
        ...opt('imported', value.imported === undefined ? undefined : isObject(value.imported) ? { server: str(value.imported, 'server', 2048), exportedAt: int(value.imported, 'exportedAt') } : bad('imported')),
      };
    case 'message': {
      const v = value.verification;
      if (!isObject(v)) return bad('verification');
      const verification: MessageVerification =
        v.state === 'verified'
          ? { state: 'verified', ...(v.late === true ? { late: true } : {}), ...(v.reordered === true ? { reordered: true } : {}) }
          : v.state === 'refused'
            ? { state: 'refused', reason: str(v, 'reason', 64) }
            : bad('verification');
      const attachments = value.attachments === undefined ? undefined : list(value, 'attachments', 1000).map((a) => (isObject(a) ? { fileId: str(a, 'fileId', 64), header: str(a, 'header', 1 << 16) } : bad('attachments')));
      const action = value.action === undefined ? undefined : isObject(value.action) ? value.action : bad('action');
      const record: MessageRecord = {
        type: 'message',
        conversationId: str(value, 'conversationId', 256),
        id: str(value, 'id', 256),
        sender: username(value, 'sender'),
        serverTime: int(value, 'serverTime'),
        verification,
        ...opt('senderMiniLockId', optStr(value, 'senderMiniLockId')),
        ...opt('sentAt', optInt(value, 'sentAt')),
        ...opt('subject', optStr(value, 'subject')),
        ...opt('body', optStr(value, 'body')),
        ...opt('attachments', attachments),
        ...opt('expiresAt', optInt(value, 'expiresAt')),
        ...opt('deleted', value.deleted === undefined ? undefined : stamp(value.deleted, 'deleted')),
        ...opt('edited', value.edited === undefined ? undefined : stamp(value.edited, 'edited')),
        ...opt(
          'action',
          action && { kind: str(action, 'kind', 16), ...opt('seconds', optInt(action, 'seconds')), ...opt('messageId', optStr(action, 'messageId')) },
        ),
      };
      // What was refused carries no content: a refused record with a body is not one this SDK wrote.
      if (verification.state === 'refused' && (record.body !== undefined || record.subject !== undefined || record.attachments !== undefined)) bad('content of a refused message');
      return record;
    }
    case 'file': {
      const size = int(value, 'size');
      const payloadBytes = int(value, 'payloadBytes');
      const bytesFollow = bool(value, 'bytesFollow');
      if (payloadBytes !== (bytesFollow ? size : 0)) bad('payloadBytes');
      const refused = optStr(value, 'refused');
      if (refused !== undefined && bytesFollow) bad('payload of a refused file');
      return {
        type: 'file',
        id: str(value, 'id', 64),
        name: str(value, 'name', 1024),
        size,
        origin: str(value, 'origin', 32),
        sender: str(value, 'sender', 64),
        bytesFollow,
        payloadBytes,
        ...opt('refused', refused),
      };
    }
    case 'file-end': {
      const sha256 = str(value, 'sha256', 64);
      if (!/^[0-9a-f]{64}$/.test(sha256)) bad('sha256');
      return { type: 'file-end', id: str(value, 'id', 64), sha256 };
    }
    case 'end': {
      const c = value.counts;
      if (!isObject(c)) return bad('counts');
      return { type: 'end', counts: { contacts: int(c, 'contacts'), conversations: int(c, 'conversations'), messages: int(c, 'messages'), files: int(c, 'files'), fileBytes: int(c, 'fileBytes') } };
    }
    default:
      return bad(`type ${String(value.type).slice(0, 32)}`);
  }
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Reads records off a plaintext stream (the decrypted archive): next() gives the next header, payload() streams its bytes. */
export interface RecordReader {
  next(): Promise<ArchiveRecord | null>;
  payload(bytes: number): AsyncGenerator<Uint8Array, void, undefined>;
  cancel(): Promise<void>;
}

export function recordReader(plaintext: ByteSource): RecordReader {
  const reader = new ByteReader(plaintext, 'archive');
  return { next: () => readRecord(reader), payload: (bytes) => readPayload(reader, bytes), cancel: () => reader.cancel() };
}
