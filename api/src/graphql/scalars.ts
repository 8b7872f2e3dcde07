/**
 * The schema's custom scalars, one home each: byte counts, base64 bytes and
 * instants. On the wire they are what the fields carried before (a JSON
 * number, a standard base64 string, an ISO-8601 string); the schema now says
 * which is which, and the SDK's generated types map them (sdk/codegen.ts).
 *
 * A malformed input value is BAD_INPUT naming its field (conventions-plugin.ts
 * says why it is refused there rather than here); an output value of the
 * wrong kind is a fault of ours, masked as INTERNAL.
 */
import { Kind, type ValueNode } from 'graphql';
import { bytesToBase64, isCanonicalBase64 } from '@peerlock/sdk';
import { builder } from './builder.js';
import { CHECKED_SCALARS, MalformedInput } from './conventions-plugin.js';

// ---- ByteCount

export const isByteCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function parseByteCount(value: unknown): number | MalformedInput {
  return isByteCount(value) ? value : new MalformedInput('ByteCount');
}

function byteCountLiteral(node: ValueNode): number | MalformedInput {
  return node.kind === Kind.INT || node.kind === Kind.FLOAT ? parseByteCount(Number(node.value)) : new MalformedInput('ByteCount');
}

export function serializeByteCount(value: unknown): number {
  if (!isByteCount(value)) throw new TypeError('ByteCount: not a non-negative safe integer');
  return value;
}

// ---- Base64

export function parseBase64(value: unknown): string | MalformedInput {
  // Canonical base64 is the SDK's rule (base64ToBytes); checked here without decoding.
  return isCanonicalBase64(value) ? value : new MalformedInput('Base64');
}

/** Bytes are encoded; a string is sent as it is (the server's own base64, or a client's, checked when it came in). */
export function serializeBase64(value: unknown): string {
  if (value instanceof Uint8Array) return bytesToBase64(value);
  if (typeof value === 'string') return value;
  throw new TypeError('Base64: neither bytes nor a string');
}

// ---- DateTime

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 date-time with a zone (Z or ±hh:mm) naming a real instant: no 2026-02-30, no 25:00. */
export function isDateTime(text: unknown): text is string {
  if (typeof text !== 'string') return false;
  const m = ISO_8601.exec(text);
  if (!m || !Number.isFinite(Date.parse(text))) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const wall = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return wall.getUTCFullYear() === year && wall.getUTCMonth() === month - 1 && wall.getUTCDate() === day && wall.getUTCHours() === hour && wall.getUTCMinutes() === minute && wall.getUTCSeconds() === second;
}

export function parseDateTime(value: unknown): string | MalformedInput {
  return isDateTime(value) ? value : new MalformedInput('DateTime');
}

/** A Date or Unix milliseconds become UTC with milliseconds (toISOString); an ISO-8601 string is sent as it is. */
export function serializeDateTime(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  if (isDateTime(value)) return value;
  throw new TypeError('DateTime: not an instant');
}

// ---- The schema's scalars

const stringLiteral = (node: ValueNode): unknown => (node.kind === Kind.STRING ? node.value : undefined);

// A MalformedInput stands in for the Input type until the field's resolver refuses it (conventions-plugin.ts).
const deferred = <T>(value: T | MalformedInput): T => value as T;

export const ByteCountRef = builder.scalarType('ByteCount', {
  description: 'A number of bytes: a non-negative integer, exact to 2^53 − 1 (a JSON number; files may pass 2^31 bytes, beyond Int).',
  serialize: serializeByteCount,
  parseValue: (value) => deferred(parseByteCount(value)),
  parseLiteral: (node) => deferred(byteCountLiteral(node)),
});

export const Base64Ref = builder.scalarType('Base64', {
  description: 'Bytes as standard base64 with padding (RFC 4648 §4), canonical: no whitespace, no URL-safe alphabet, zero bits under the padding.',
  serialize: serializeBase64,
  parseValue: (value) => deferred(parseBase64(value)),
  parseLiteral: (node) => deferred(parseBase64(stringLiteral(node))),
});

export const DateTimeRef = builder.scalarType('DateTime', {
  description: 'An instant, as an ISO-8601 string with its zone; the server sends UTC with milliseconds (2026-01-02T03:04:05.678Z).',
  serialize: serializeDateTime,
  parseValue: (value) => deferred(parseDateTime(value)),
  parseLiteral: (node) => deferred(parseDateTime(stringLiteral(node))),
});

for (const name of ['ByteCount', 'Base64', 'DateTime']) CHECKED_SCALARS.add(name);
