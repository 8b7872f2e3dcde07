/**
 * Dev mode is for exploring the API in GraphiQL (issue 13): its own schema
 * query (depth 13) passes the depth and cost limits, which still hold for
 * every other operation, and a refusal names the limit, the value measured
 * and the variable that sets it. Production serves no introspection at all
 * (hardening.int.test.ts).
 */
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, post } from '../support/graphql-client.js';

describe('GraphiQL in dev mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { PEERLOCK_MODE: 'dev' });
  });
  afterAll(() => server.close());

  it('answers GraphiQL’s own introspection query', async () => {
    const result = await post(server.url, getIntrospectionQuery());
    expect(result.errors).toBeUndefined();
    const types = (result.data as { __schema: { types: { name: string }[] } }).__schema.types.map((t) => t.name);
    expect(types).toEqual(expect.arrayContaining(['Query', 'Mutation', 'Subscription', 'Conversation']));
  });

  it('still limits everything else, naming the limit, the value and the variable', async () => {
    const costly = `{ ${Array.from({ length: 120 }, (_, i) => `a${i}: serverKeys { signingPublicKey }`).join(' ')} }`;
    const refused = await post(server.url, costly);
    expectCode(refused, 'BAD_INPUT');
    expect(refused.errors![0]!.message).toMatch(/^Query too costly: cost at least \d+, over the limit of 200 \(PEERLOCK_MAX_QUERY_COST\)$/);
    expect(refused.errors![0]!.extensions).toEqual(expect.objectContaining({ code: 'BAD_INPUT', limit: 200, variable: 'PEERLOCK_MAX_QUERY_COST' }));
    // An introspection field at the root does not exempt the rest of an operation.
    const mixed = await post(server.url, `{ __typename ${Array.from({ length: 250 }, (_, i) => `b${i}: serverKeys { signingPublicKey }`).join(' ')} }`);
    expectCode(mixed, 'BAD_INPUT');
  });
});
