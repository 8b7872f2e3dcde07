import { conversationIdSchema, messageIdSchema } from '@peerlock/schema';
import { base64ToBytes } from '@peerlock/sdk';
import { badInput } from '../errors.js';

export function conversationIdArg(value: unknown, field = 'conversationId'): string {
  if (typeof value !== 'string' || !conversationIdSchema.safeParse(value).success) throw badInput(field);
  return value;
}

export function messageIdArg(value: unknown, field = 'messageId'): string {
  if (typeof value !== 'string' || !messageIdSchema.safeParse(value).success) throw badInput(field);
  return value;
}

/** Standard base64 of 1..maxBytes bytes; the length is checked before decoding anything. */
export function base64Arg(value: unknown, maxBytes: number, field: string): Uint8Array {
  if (typeof value !== 'string' || value.length < 4 || value.length > Math.ceil(maxBytes / 3) * 4) throw badInput(field);
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(value, field);
  } catch {
    throw badInput(field);
  }
  if (bytes.length < 1 || bytes.length > maxBytes) throw badInput(field);
  return bytes;
}
