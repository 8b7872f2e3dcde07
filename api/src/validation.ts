/**
 * Argument checks at the door (STYLE.md §8): every client-supplied string is
 * bounded and decoded here, and any failure is BAD_INPUT naming the argument,
 * never echoing its value.
 */
import { base64ToBytes, decodeMiniLockId } from '@peerlock/sdk';
import { badInput } from './errors.js';

export function bytesArg(value: unknown, length: number, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length !== Math.ceil(length / 3) * 4) throw badInput(field);
  try {
    const bytes = base64ToBytes(value, field);
    if (bytes.length !== length) throw badInput(field);
    return bytes;
  } catch {
    throw badInput(field);
  }
}

export function miniLockIdArg(value: unknown, field = 'miniLockId'): { id: string; publicKey: Uint8Array } {
  if (typeof value !== 'string' || value.length > 46) throw badInput(field);
  try {
    return { id: value, publicKey: decodeMiniLockId(value) };
  } catch {
    throw badInput(field);
  }
}

// C0/C1 controls, bidi overrides and other invisible format characters have no place in a display name.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

export function displayNameArg(value: unknown, field = 'displayName'): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badInput(field);
  const trimmed = value.normalize('NFC').trim();
  if (trimmed.length === 0) return null;
  if ([...trimmed].length > 64 || UNPRINTABLE.test(trimmed)) throw badInput(field);
  return trimmed;
}

// Deliberately simple: the address is only shown back to its owner; deliverability is not checked here.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,189}\.[^\s@]{2,63}$/;

export function emailArg(value: unknown, field = 'email'): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') throw badInput(field);
  const trimmed = value.trim();
  if (trimmed.length === 0) return null;
  if (trimmed.length > 254 || !EMAIL.test(trimmed) || UNPRINTABLE.test(trimmed)) throw badInput(field);
  return trimmed;
}

/** A second-factor code: 6 digits (TOTP) or a backup code; shape is checked later, only length here. */
export function codeArg(value: unknown, field: string): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value !== 'string' || value.length > 40) throw badInput(field);
  return value;
}
