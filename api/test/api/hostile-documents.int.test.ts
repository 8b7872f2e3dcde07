/**
 * Hostile documents (issue 14): what one anonymous request used to freeze
 * the server with (60,000 operations: 33 s), or crash a request with
 * (10,000-deep selections: RangeError, 500 INTERNAL), is refused BAD_INPUT
 * (HTTP 400) naming the limit, the value and the variable, over HTTP POST,
 * GET and WebSocket. The query-text limits come first; a server that raises
 * them still refuses each shape by a later, linear check, so no check leans
 * on another. The fault suite (test/faults/hostile-documents.e2e.test.ts)
 * times them against a built server and bounds its memory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post, postRaw, type GraphQLResponse } from '../support/graphql-client.js';
import { HonestClient } from '../support/honest-client.js';
import { HOSTILE_DOCUMENTS, deepJson } from '../support/hostile-documents.js';

async function get(url: string, params: Record<string, string>): Promise<GraphQLResponse> {
  const res = await fetch(`${url}?${new URLSearchParams(params)}`, { headers: { accept: 'application/json' } });
  const text = await res.text();
  let json: { data?: Record<string, unknown> | null; errors?: GraphQLResponse['errors'] } = {};
  try {
    json = JSON.parse(text) as typeof json;
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  return { status: res.status, headers: res.headers, data: json.data, errors: json.errors };
}

function expectRefused(res: GraphQLResponse, message: RegExp, variable?: string): void {
  expectCode(res, 'BAD_INPUT');
  expect(res.status).toBe(400);
  expect(res.errors![0]!.message).toMatch(message);
  if (variable) expect(res.errors![0]!.extensions).toEqual(expect.objectContaining({ variable }));
}

describe('hostile documents at the default limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite', { PEERLOCK_MODE: 'production', PEERLOCK_TRUST_PROXY: 'true' });
  });
  afterAll(() => server.close());

  it.each(HOSTILE_DOCUMENTS.filter((d) => d.over === 'bytes'))('$name ($bytes bytes) is refused by its size before it is parsed', async ({ query }) => {
    expectRefused(await post(server.url, query), /^Query too large: bytes at least \d+, over the limit of 32768 \(PEERLOCK_MAX_QUERY_BYTES\)$/, 'PEERLOCK_MAX_QUERY_BYTES');
  });

  it.each(HOSTILE_DOCUMENTS.filter((d) => d.over === 'nesting'))('$name ($bytes bytes) is refused by its nesting before it is parsed', async ({ query }) => {
    expectRefused(await post(server.url, query), /^Query too deeply nested: nesting at least 41, over the limit of 40 \(2 × PEERLOCK_MAX_QUERY_DEPTH \+ 24\)$/, 'PEERLOCK_MAX_QUERY_DEPTH');
  });

  it.each(HOSTILE_DOCUMENTS.filter((d) => d.over === 'cost'))('$name ($bytes bytes) is refused by its cost, each fragment measured once', async ({ query }) => {
    expectRefused(await post(server.url, query), /^Query too costly: cost at least \d+, over the limit of 200 \(PEERLOCK_MAX_QUERY_COST\)$/, 'PEERLOCK_MAX_QUERY_COST');
  });

  it('a document of more tokens than the limit is refused while it is parsed', async () => {
    const query = `{ ${'__typename '.repeat(2100)}}`;
    expect(Buffer.byteLength(query)).toBeLessThan(32_768);
    expectRefused(await post(server.url, query), /^Query too long: tokens at least 2001, over the limit of 2000 \(PEERLOCK_MAX_QUERY_TOKENS\)$/, 'PEERLOCK_MAX_QUERY_TOKENS');
  });

  it('malformed or deep JSON, in a POST body or GET parameters, is BAD_INPUT, not 500', async () => {
    expectRefused(await postRaw(server.url, '{"query": "{ serverKeys { signingPublicKey } }"'), /^Request body is not valid JSON$/);
    expectRefused(await postRaw(server.url, '"x"'), /^POST body is expected to be object but received string$/);
    const deepVariables = `{"query":"query($v: String!) { user(username: $v) { username } }","variables":{"v":${deepJson(200_000)}}}`;
    expectRefused(await postRaw(server.url, deepVariables), /^Request body too deeply nested: nesting at least 41, over the limit of 40/, 'PEERLOCK_MAX_QUERY_DEPTH');

    const query = '{ serverKeys { signingPublicKey } }';
    expectRefused(await get(server.url, { query, variables: '{' }), /^Parameter "variables" is not valid JSON$/);
    expectRefused(await get(server.url, { query, extensions: '{"a": tru' }), /^Parameter "extensions" is not valid JSON$/);
    expectRefused(await get(server.url, { query, variables: `{"v":${deepJson(1000)}}` }), /^Parameter "variables" too deeply nested: nesting at least 41/);
    expectRefused(await get(server.url, { query: '{a'.repeat(1000) + '}'.repeat(1000) }), /^Query too deeply nested/);
    expect(expectOk(await get(server.url, { query, variables: '{}' }))).toEqual({ serverKeys: expect.any(Object) });
  });

  it('the same limits hold over a WebSocket, and the connection lives on', async () => {
    const alice = new HonestClient(server.url, 'alice', server.clock);
    await alice.signup();
    await alice.login();
    const client: Client = createClient({ url: server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: alice.takeHeader() }, retryAttempts: 0, lazy: true, lazyCloseTimeout: 60_000 });
    const run = (payload: { query: string; variables?: Record<string, unknown> }) =>
      new Promise<{ message: string; extensions?: Record<string, unknown> }[] | 'ok'>((resolve, reject) => {
        let errors: { message: string; extensions?: Record<string, unknown> }[] | undefined;
        client.subscribe(payload, {
          next: (r) => (errors = r.errors as typeof errors),
          error: (err) => (Array.isArray(err) ? resolve(err as never) : reject(err as Error)),
          complete: () => resolve(errors ?? 'ok'),
        });
      });
    try {
      const nested = HOSTILE_DOCUMENTS.find((d) => d.name === '10,000-deep selections')!;
      expect((await run({ query: nested.query }))).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Query too deeply nested/), extensions: expect.objectContaining({ code: 'BAD_INPUT', variable: 'PEERLOCK_MAX_QUERY_DEPTH' }) })]);
      const large = HOSTILE_DOCUMENTS.find((d) => d.name === '30,000 variable definitions')!;
      expect(await run({ query: large.query })).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Query too large/), extensions: expect.objectContaining({ code: 'BAD_INPUT' }) })]);
      // Variables arrive already parsed over a WebSocket: walked without recursion.
      let deep: unknown = 'x';
      // (1,000 deep: the client's own JSON.stringify recurses.)
      for (let i = 0; i < 1000; i++) deep = [deep];
      const refused = await run({ query: 'query($v: String!) { user(username: $v) { username } }', variables: { v: deep } });
      expect(refused).toEqual([expect.objectContaining({ message: expect.stringMatching(/^Variables too deeply nested: nesting at least 41/), extensions: expect.objectContaining({ code: 'BAD_INPUT' }) })]);
      expect(await run({ query: '{ me { username } }' })).toBe('ok');
    } finally {
      await client.dispose();
    }
  });
});

describe('hostile documents past raised query-text limits', () => {
  let server: TestServer;
  beforeAll(async () => {
    // As if an operator raised the text limits as far as they go: each shape must still be refused by a later check.
    server = await startTestServer('sqlite', { PEERLOCK_MODE: 'production', PEERLOCK_TRUST_PROXY: 'true', PEERLOCK_MAX_QUERY_BYTES: '10485760', PEERLOCK_MAX_QUERY_TOKENS: '1000000' });
  });
  afterAll(() => server.close());

  const expected: Record<string, RegExp> = {
    '60,000 operations': /^Could not determine what operation to execute|^Must provide operation name/,
    '30,000 variable definitions': /^Variable "\$v\d+" is never used in operation "q"\.$/,
    '130,000 fields': /^Query too costly: cost at least \d+, over the limit of 200 \(PEERLOCK_MAX_QUERY_COST\)$/,
    '10,000-deep selections': /^Query too deeply nested/,
    '50,000-deep list literal': /^Query too deeply nested/,
    '200,000-deep object literal': /^Query too deeply nested/,
    '10,000 chained fragments': /^Query too deeply nested: nesting at least 41/,
    'fragment fan-out to 2^15 fields': /^Query too costly/,
  };

  it.each(HOSTILE_DOCUMENTS)('$name is still BAD_INPUT', async ({ name, query }) => {
    const res = await post(server.url, query);
    expectCode(res, 'BAD_INPUT');
    expect(res.status).toBe(400);
    expect(res.errors![0]!.message).toMatch(expected[name]!);
  });

  it('and real queries still work beside them', async () => {
    expect(expectOk(await post(server.url, '{ serverKeys { signingPublicKey } }'))).toEqual({ serverKeys: expect.any(Object) });
  });
});
