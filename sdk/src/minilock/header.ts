/**
 * The miniLock header: magic ‖ uint32-LE length ‖ JSON
 *   {"version":1 (or 2, miniLockLib),"ephemeral":b64(ephemeral public key),"decryptInfo":{b64(nonce): b64(entry box), …}}
 * with the reference's key order and no whitespace (JSON.stringify of an
 * object built in that order). "Header" in this SDK always means those three
 * parts together, so header ‖ chunk stream is a complete .minilock file.
 */
import { assertBytes, bytesToBase64, utf8ToBytes } from '../crypto/bytes.js';
import { KEY_BYTES, MAC_BYTES } from '../crypto/nacl.js';
import { MalformedFileError } from './errors.js';
import {
  DECRYPT_INFO_NONCE_BYTES,
  type FormatVersion,
  HEADER_LENGTH_BYTES,
  HEADER_START,
  MAGIC,
  MAGIC_BYTES,
  MAX_DECRYPT_INFO_BOX_BYTES,
  MAX_HEADER_BYTES,
  MAX_RECIPIENTS,
} from './format.js';
import { base64Field, parseJsonObject } from './json.js';
import { isUnusablePublicKey } from './recipients.js';

export interface HeaderEntry {
  /** The 24-byte nonce of both boxes of this entry (the JSON key). */
  readonly nonce: Uint8Array;
  /** box(decryptInfo JSON, nonce, recipientPublic, ephemeralSecret). */
  readonly box: Uint8Array;
}

export interface MiniLockHeader {
  readonly version: FormatVersion;
  readonly ephemeralPublicKey: Uint8Array;
  readonly decryptInfo: readonly HeaderEntry[];
}

export function encodeHeader(header: MiniLockHeader): Uint8Array {
  const decryptInfo: Record<string, string> = {};
  for (const entry of header.decryptInfo) {
    const key = bytesToBase64(entry.nonce);
    // A repeated nonce would silently drop an entry (and reuse a box nonce).
    if (Object.hasOwn(decryptInfo, key)) throw new RangeError('random: repeated decryptInfo nonce');
    decryptInfo[key] = bytesToBase64(entry.box);
  }
  const json = utf8ToBytes(
    JSON.stringify({ version: header.version, ephemeral: bytesToBase64(header.ephemeralPublicKey), decryptInfo }),
  );
  const out = new Uint8Array(HEADER_START + json.length);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(MAGIC_BYTES, json.length, true);
  out.set(json, HEADER_START);
  return out;
}

/**
 * Reads magic and header length from the first 12 bytes of a file; returns
 * the JSON length. Rejects a wrong magic and lengths of 0 or over MAX_HEADER_BYTES.
 */
export function parseHeaderPrefix(prefix: Uint8Array): number {
  assertBytes(prefix, 'prefix');
  if (prefix.length < HEADER_START) throw new MalformedFileError(matchesMagic(prefix) ? 'truncated' : 'magic');
  if (!matchesMagic(prefix)) throw new MalformedFileError('magic');
  const length = new DataView(prefix.buffer, prefix.byteOffset + MAGIC_BYTES, HEADER_LENGTH_BYTES).getUint32(0, true);
  if (length === 0 || length > MAX_HEADER_BYTES) throw new MalformedFileError('header-length');
  return length;
}

function matchesMagic(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, MAGIC_BYTES);
  for (let i = 0; i < n; i++) if (bytes[i] !== MAGIC[i]) return false;
  return true;
}

/** Byte length of the whole header (magic, length and JSON) at the start of `file`. */
export function headerByteLength(file: Uint8Array): number {
  assertBytes(file, 'file');
  const total = HEADER_START + parseHeaderPrefix(file.subarray(0, HEADER_START));
  if (file.length < total) throw new MalformedFileError('truncated');
  return total;
}

/** Splits a whole .minilock file into its header and chunk stream (views, no copy). */
export function splitFile(file: Uint8Array): { header: Uint8Array; chunks: Uint8Array } {
  const at = headerByteLength(file);
  return { header: file.subarray(0, at), chunks: file.subarray(at) };
}

/** Parses and checks a header (exactly magic ‖ length ‖ JSON); no key needed. */
export function decodeHeader(header: Uint8Array): MiniLockHeader {
  const total = headerByteLength(header);
  if (header.length !== total) throw new MalformedFileError('trailing-data');
  const obj = parseJsonObject(header.subarray(HEADER_START), 'header-json');
  const version = obj.version;
  if (version !== 1 && version !== 2) throw new MalformedFileError('version');
  const ephemeralPublicKey = base64Field(obj, 'ephemeral', 'ephemeral', KEY_BYTES);
  // A small-order ephemeral key makes every entry readable by anyone (and
  // libsodium and tweetnacl disagree on it); bit 255 set is a non-canonical
  // alias. Honest encryptors produce neither.
  if (isUnusablePublicKey(ephemeralPublicKey)) throw new MalformedFileError('ephemeral');
  const info = Object.hasOwn(obj, 'decryptInfo') ? obj.decryptInfo : undefined;
  if (info === null || typeof info !== 'object' || Array.isArray(info)) throw new MalformedFileError('header-field');
  const entries = Object.entries(info as Record<string, unknown>);
  if (entries.length === 0 || entries.length > MAX_RECIPIENTS) throw new MalformedFileError('recipient-count');
  const decryptInfo = entries.map(([nonceText, boxText]): HeaderEntry => {
    const pair = { nonce: nonceText, box: boxText };
    const nonce = base64Field(pair, 'nonce', 'decrypt-info', DECRYPT_INFO_NONCE_BYTES);
    if (typeof boxText !== 'string' || boxText.length > 4 * Math.ceil(MAX_DECRYPT_INFO_BOX_BYTES / 3)) {
      throw new MalformedFileError('decrypt-info');
    }
    const box = base64Field(pair, 'box', 'decrypt-info');
    if (box.length < MAC_BYTES) throw new MalformedFileError('decrypt-info');
    return { nonce, box };
  });
  return { version, ephemeralPublicKey, decryptInfo };
}
