/**
 * The custom scalars (src/graphql/scalars.ts): what they take and send, and
 * that a malformed value is BAD_INPUT naming its field, refused only after
 * the token check, before any service is asked anything.
 */
import { describe, expect, it } from 'vitest';
import { execute, GraphQLScalarType, parse, parseValue as parseValueNode, subscribe, type ExecutionResult } from 'graphql';
import { bytesToBase64, isCanonicalBase64, randomBytes } from '@peerlock/sdk';
import { buildSchema } from '../../src/graphql/schema.js';
import { MalformedInput } from '../../src/graphql/conventions-plugin.js';
import { isDateTime, parseBase64, parseByteCount, parseDateTime, serializeBase64, serializeByteCount, serializeDateTime } from '../../src/graphql/scalars.js';
import { PeerlockError } from '../../src/errors.js';
import type { GraphQLContext } from '../../src/graphql/builder.js';

const schema = buildSchema();
const scalar = (name: string) => schema.getType(name) as GraphQLScalarType;

/** Services that fail the test if anything reaches them. */
const untouchable = new Proxy({}, {
  get: (_target, name) => {
    throw new Error(`services.${String(name)} was reached`);
  },
}) as GraphQLContext['services'];

const contextOf = (viewer: GraphQLContext['viewer']): GraphQLContext => ({ requestId: 'r', clientAddress: '127.0.0.1', viewer, services: untouchable });
const alice = { username: 'alice', sessionId: null };

const refusalOf = (result: ExecutionResult): PeerlockError => {
  expect(result.errors, JSON.stringify(result)).toHaveLength(1);
  const original = result.errors![0]!.originalError;
  expect(original).toBeInstanceOf(PeerlockError);
  return original as PeerlockError;
};

describe('ByteCount', () => {
  it('takes and sends non-negative safe integers, as JSON numbers', () => {
    for (const n of [0, 1, 2 ** 31, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      expect(parseByteCount(n)).toBe(n);
      expect(serializeByteCount(n)).toBe(n);
      expect(scalar('ByteCount').serialize(n)).toBe(n);
    }
  });

  it('anything else is malformed on input and a fault on output', () => {
    for (const bad of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, Infinity, '12', null, true]) {
      expect(parseByteCount(bad)).toBeInstanceOf(MalformedInput);
      expect(scalar('ByteCount').parseValue(bad)).toBeInstanceOf(MalformedInput);
      expect(() => serializeByteCount(bad)).toThrow(TypeError);
    }
  });

  it('literals: integers (and integral floats), nothing else', () => {
    const literal = (text: string) => scalar('ByteCount').parseLiteral(parseValueNode(text));
    expect(literal('3000')).toBe(3000);
    expect(literal('3000.0')).toBe(3000);
    for (const bad of ['-1', '1.5', '"12"', 'true', '9007199254740993']) expect(literal(bad)).toBeInstanceOf(MalformedInput);
  });
});

describe('Base64', () => {
  it('takes standard padded canonical base64 as it is', () => {
    for (const length of [0, 1, 2, 3, 16, 31, 32, 33, 64, 1000]) {
      const text = bytesToBase64(randomBytes(length));
      expect(isCanonicalBase64(text), text).toBe(true);
      expect(parseBase64(text)).toBe(text);
      expect(scalar('Base64').parseValue(text)).toBe(text);
    }
    expect(parseBase64('+/+/')).toBe('+/+/');
  });

  it('refuses anything the SDK would not decode', () => {
    const key = bytesToBase64(randomBytes(32));
    const bad = ['short', key.replace(/=$/, ''), key.replace(/^./, '-'), 'ab_c', 'AAA=A===', 'AB==AAAA', 'A===', ' AAAA', 'AAAA\n', 'AB==', 'ABC=', 'é'.repeat(4), 12, null, {}];
    for (const value of bad) {
      expect(isCanonicalBase64(value), String(value)).toBe(false);
      expect(parseBase64(value)).toBeInstanceOf(MalformedInput);
    }
    // The bits under the padding must be zero: "AQ==" is 0x01, "AR==" would be a second spelling of it.
    expect(isCanonicalBase64('AQ==')).toBe(true);
    expect(isCanonicalBase64('AR==')).toBe(false);
    expect(isCanonicalBase64('AAE=')).toBe(true);
    expect(isCanonicalBase64('AAF=')).toBe(false);
  });

  it('sends bytes encoded and strings as they are', () => {
    const bytes = randomBytes(48);
    expect(serializeBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(scalar('Base64').serialize(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(serializeBase64('AQ==')).toBe('AQ==');
    expect(() => serializeBase64(12)).toThrow(TypeError);
  });
});

describe('DateTime', () => {
  it('sends what toISOString makes, from a Date, Unix milliseconds or an ISO string', () => {
    const ms = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    expect(serializeDateTime(ms)).toBe('2026-01-02T03:04:05.678Z');
    expect(serializeDateTime(new Date(ms))).toBe('2026-01-02T03:04:05.678Z');
    expect(serializeDateTime('2026-01-02T03:04:05.678Z')).toBe('2026-01-02T03:04:05.678Z');
    expect(scalar('DateTime').serialize(ms)).toBe('2026-01-02T03:04:05.678Z');
    expect(() => serializeDateTime('yesterday')).toThrow(TypeError);
    expect(() => serializeDateTime(Number.NaN)).toThrow(RangeError);
  });

  it('takes ISO-8601 instants with a zone, and no impossible ones', () => {
    for (const good of ['2026-01-02T03:04:05.678Z', '2026-01-02T03:04:05Z', '2024-02-29T00:00:00Z', '2026-01-02T03:04:05+02:00']) {
      expect(isDateTime(good), good).toBe(true);
      expect(parseDateTime(good)).toBe(good);
    }
    for (const bad of ['2026-02-30T00:00:00Z', '2025-02-29T00:00:00Z', '2026-01-02T24:00:00Z', '2026-01-02T03:04:60Z', '2026-01-02', '2026-01-02T03:04:05', '1767323045678', 1767323045678, null]) {
      expect(isDateTime(bad), String(bad)).toBe(false);
      expect(parseDateTime(bad)).toBeInstanceOf(MalformedInput);
    }
  });
});

describe('a malformed scalar argument', () => {
  const SEND = 'mutation($input: SendMessageInput!) { sendMessage(input: $input) { messageId } }';
  const input = { conversationId: 'c', messageId: 'm', participants: ['alice', 'bob'], ciphertext: 'short' };

  it('is BAD_INPUT naming its field (variables and literals), before any service is asked', async () => {
    const fromVariables = refusalOf(await execute({ schema, document: parse(SEND), variableValues: { input }, contextValue: contextOf(alice) }));
    expect(fromVariables.code).toBe('BAD_INPUT');
    expect(fromVariables.details.field).toBe('ciphertext');
    const literal = 'mutation { sendMessage(input: { conversationId: "c", messageId: "m", participants: ["alice"], ciphertext: "AR==" }) { messageId } }';
    const fromLiteral = refusalOf(await execute({ schema, document: parse(literal), contextValue: contextOf(alice) }));
    expect(fromLiteral.code).toBe('BAD_INPUT');
    expect(fromLiteral.details.field).toBe('ciphertext');
  });

  it('is refused UNAUTHENTICATED first when the request spent no token', async () => {
    expect(refusalOf(await execute({ schema, document: parse(SEND), variableValues: { input }, contextValue: contextOf(null) })).code).toBe('UNAUTHENTICATED');
  });

  it('on a public field too (signupChallenge), naming the field', async () => {
    const q = 'mutation($input: SignupChallengeInput!) { signupChallenge(input: $input) { sealedState } }';
    const refusal = refusalOf(await execute({ schema, document: parse(q), variableValues: { input: { username: 'probe', miniLockId: 'x', authPublicKey: 'short' } }, contextValue: contextOf(null) }));
    expect(refusal.code).toBe('BAD_INPUT');
    expect(refusal.details.field).toBe('authPublicKey');
  });
});

describe('fields that require a token', () => {
  it('are refused UNAUTHENTICATED before their resolver asks any service', async () => {
    for (const query of ['{ me { username } }', '{ files { edges { cursor } } }', 'mutation { logout }', '{ conversations(after: "junk") { pageInfo { hasNextPage } } }']) {
      const refusal = refusalOf(await execute({ schema, document: parse(query), contextValue: contextOf(null) }));
      expect(refusal.code, query).toBe('UNAUTHENTICATED');
      expect(refusal.message).toBe('Authentication required');
    }
  });

  it('the subscription too, when it starts', async () => {
    const result = await subscribe({ schema, document: parse('subscription { notifications { kind } }'), contextValue: contextOf(null) });
    expect(Symbol.asyncIterator in result).toBe(false);
    expect(refusalOf(result as ExecutionResult).code).toBe('UNAUTHENTICATED');
  });
});
