/** Strict JSON edges for the header and the decrypted boxes. */
import { base64ToBytes, bytesToUtf8 } from '../crypto/bytes.js';
import { MalformedFileError, type MalformedFileReason } from './errors.js';

/** UTF-8 (strict) → JSON.parse → a plain object, or MalformedFileError(reason). */
export function parseJsonObject(bytes: Uint8Array, reason: MalformedFileReason): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(bytesToUtf8(bytes));
  } catch {
    throw new MalformedFileError(reason);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MalformedFileError(reason);
  return value as Record<string, unknown>;
}

/** A field that must be canonical base64 of exactly `length` bytes (any length when omitted). */
export function base64Field(obj: Record<string, unknown>, key: string, reason: MalformedFileReason, length?: number): Uint8Array {
  const value = Object.hasOwn(obj, key) ? obj[key] : undefined;
  if (typeof value !== 'string') throw new MalformedFileError(reason);
  // Bound the work before decoding: base64 of n bytes has 4·⌈n/3⌉ characters.
  if (length !== undefined && value.length !== 4 * Math.ceil(length / 3)) throw new MalformedFileError(reason);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(value, key);
  } catch {
    throw new MalformedFileError(reason);
  }
  if (length !== undefined && bytes.length !== length) throw new MalformedFileError(reason);
  return bytes;
}
