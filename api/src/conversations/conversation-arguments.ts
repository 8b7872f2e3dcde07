import { conversationIdSchema, messageIdSchema } from '@peerlock/schema';
import { base64ToBytes, isTimerSeconds } from '@peerlock/sdk';
import { badInput } from '../errors.js';
import type { MessageActionKind } from './conversation-decider.js';

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

/** A message's timer in seconds: absent or null is 0 (never); otherwise one of the SDK's TIMER_SECONDS. */
export function expiresInSecondsArg(value: unknown, field = 'expiresInSeconds'): number {
  if (value === null || value === undefined) return 0;
  if (!isTimerSeconds(value)) throw badInput(field);
  return value;
}

/** `{ kind: 'DELETE' | 'EDIT', targetMessageId }` as GraphQL passes the input, or null for none. */
export function messageActionArg(value: unknown, field = 'action'): { kind: MessageActionKind; targetMessageId: string } | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') throw badInput(field);
  const { kind, targetMessageId } = value as { kind?: unknown; targetMessageId?: unknown };
  // The enum's internal values (graphql/types/message.ts); the raw names too, for a caller outside GraphQL.
  const parsed = kind === 'delete' || kind === 'DELETE' ? 'delete' : kind === 'edit' || kind === 'EDIT' ? 'edit' : null;
  if (parsed === null) throw badInput(field);
  return { kind: parsed, targetMessageId: messageIdArg(targetMessageId, field) };
}
