/**
 * Fields only a token opens (scope-auth's `viewer` scope, src/graphql/builder.ts):
 * the schema says which, and each one, asked over HTTP without a token and
 * with whatever arguments, is refused as before: UNAUTHENTICATED, HTTP 401,
 * "Authentication required", and no data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
} from 'graphql';
import { buildSchema } from '../../src/graphql/schema.js';
import { REQUIRES_A_TOKEN } from '../../src/graphql/conventions-plugin.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, post } from '../support/graphql-client.js';

const PROTECTED = {
  Query: ['contacts', 'conversation', 'conversations', 'fileIndexRecords', 'fileQuota', 'files', 'links', 'me', 'pinSet', 'sessions'],
  Mutation: [
    'acceptContact',
    'appendFileIndexRecords',
    'blockContact',
    'cancelContactRequest',
    'confirmTwoFactor',
    'createLink',
    'declineContact',
    'deleteAccount',
    'destroyFile',
    'disableTwoFactor',
    'finalizeFileUpload',
    'logout',
    'postReadReceipt',
    'removeContact',
    'removeConversation',
    'removeFile',
    'requestContact',
    'revokeLink',
    'revokeSession',
    'saveFile',
    'sendMessage',
    'setupTwoFactor',
    'shareFile',
    'startFileUpload',
    'storePinSet',
    'unblockContact',
    'updateProfile',
  ],
  Subscription: ['notifications'],
} as const;

const schema = buildSchema();
const rootFields = (type: 'Query' | 'Mutation' | 'Subscription') => Object.values((schema.getType(type) as GraphQLObjectType).getFields());

/** Some value of the type, valid or not: the refusal must come first either way. */
function literalOf(type: GraphQLInputType): string {
  if (isNonNullType(type)) return literalOf(type.ofType);
  if (isListType(type)) return `[${literalOf(type.ofType)}]`;
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${literalOf(f.type)}`).join(', ')} }`;
  }
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isScalarType(type)) return ({ Int: '1', Float: '1', ByteCount: '1', Boolean: 'true', Base64: '"AAAA"' } as Record<string, string>)[type.name] ?? '"x"';
  throw new Error(`no literal for ${String(type)}`);
}

function documentFor(operation: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a) => isNonNullType(a.type)).map((a) => `${a.name}: ${literalOf(a.type)}`);
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return `${operation} { ${field.name}${args.length > 0 ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe('fields that require a token', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.close());

  it('are exactly these, and each says so once, first', () => {
    for (const type of ['Query', 'Mutation', 'Subscription'] as const) {
      const fields = rootFields(type);
      const saying = fields.filter((f) => f.description?.startsWith(REQUIRES_A_TOKEN)).map((f) => f.name).sort();
      expect(saying, type).toEqual([...PROTECTED[type]].sort());
      for (const f of fields) expect(f.description?.indexOf(REQUIRES_A_TOKEN, 1) ?? -1, f.name).toBe(-1);
    }
  });

  it('each is refused without a token as before: UNAUTHENTICATED, 401, the fixed message, no data', async () => {
    for (const [type, operation] of [['Query', 'query'], ['Mutation', 'mutation']] as const) {
      for (const name of PROTECTED[type]) {
        const field = rootFields(type).find((f) => f.name === name)!;
        const document = documentFor(operation, field);
        const res = await post(server.url, document);
        expectCode(res, 'UNAUTHENTICATED');
        expect(res.status, document).toBe(401);
        expect(res.errors!.map((e) => e.message), document).toEqual(['Authentication required']);
        expect(res.data ?? null, document).toBeNull();
      }
    }
  });
});
