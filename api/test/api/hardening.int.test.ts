/**
 * Production mode (DESIGN.md §7): no GraphiQL, no introspection, masked
 * errors, limits on depth, cost and size, security headers; and the shared
 * rate limits on signup and challenges, answered with RATE_LIMITED and a
 * retry-after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post, postRaw } from '../support/graphql-client.js';
import { HonestClient, SIGNUP_CHALLENGE } from '../support/honest-client.js';

describe.each(BACKENDS)('production hardening (%s)', (backend) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(backend, {
      PEERLOCK_MODE: 'production',
      PEERLOCK_TRUST_PROXY: 'true',
      PEERLOCK_MAX_QUERY_DEPTH: '5',
      PEERLOCK_MAX_QUERY_COST: '40',
      PEERLOCK_MAX_BODY_BYTES: '4096',
      PEERLOCK_RATE_LIMIT_SIGNUP_PER_ADDRESS: '3',
      PEERLOCK_RATE_LIMIT_CHALLENGE_PER_USERNAME: '4',
      PEERLOCK_RATE_LIMIT_CHALLENGE_PER_ADDRESS: '1000',
    });
  });
  afterAll(() => server.close());

  it('no GraphiQL page', async () => {
    const res = await fetch(server.url, { headers: { accept: 'text/html' } });
    expect(res.headers.get('content-type') ?? '').not.toContain('text/html');
    await res.body?.cancel();
  });

  it('no introspection, and no schema hints in validation errors', async () => {
    expectCode(await post(server.url, '{ __schema { types { name } } }'), 'BAD_INPUT');
    expectCode(await post(server.url, '{ __type(name: "Query") { name } }'), 'BAD_INPUT');
    const hint = await post(server.url, '{ serverKey { signingPublicKey } }');
    expectCode(hint, 'BAD_INPUT');
    expect(hint.errors![0]!.message).not.toContain('Did you mean');
  });

  it('security headers and a request id on every response', async () => {
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'trace-12345678' }, body: JSON.stringify({ query: '{ serverKeys { signingPublicKey } }' }) });
    await res.text();
    expect(Object.fromEntries(['x-content-type-options', 'referrer-policy', 'x-frame-options', 'cache-control', 'content-security-policy', 'strict-transport-security', 'x-request-id'].map((h) => [h, res.headers.get(h)]))).toEqual({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': 'max-age=63072000; includeSubDomains',
      'x-request-id': 'trace-12345678',
    });
  });

  it('depth, cost (aliases, fragment fan-out) and body size limits → BAD_INPUT', async () => {
    const deep = '{ serverKeys { ephemeral { publicKey } } }';
    expectOk(await post(server.url, deep));
    const shallow = await startTestServer(backend, { PEERLOCK_MAX_QUERY_DEPTH: '2' });
    try {
      expectCode(await post(shallow.url, deep), 'BAD_INPUT');
      expectCode(await post(shallow.url, 'query { ...A } fragment A on Query { ... on Query { serverKeys { ephemeral { publicKey } } } }'), 'BAD_INPUT');
      expectOk(await post(shallow.url, '{ serverKeys { signingPublicKey } }'));
    } finally {
      await shallow.close();
    }
    const aliases = `{ ${Array.from({ length: 41 }, (_, i) => `a${i}: serverKeys { signingPublicKey }`).join(' ')} }`;
    expect(aliases.length).toBeLessThan(4096);
    expectCode(await post(server.url, aliases), 'BAD_INPUT');
    const bomb = `query { ...F0 } ${Array.from({ length: 12 }, (_, i) => `fragment F${i} on Query { serverKeys { signingPublicKey } ${i < 11 ? `...F${i + 1} ...F${i + 1}` : ''} }`).join(' ')}`;
    expectCode(await post(server.url, bomb), 'BAD_INPUT');
    const big = await postRaw(server.url, JSON.stringify({ query: `{ serverKeys { signingPublicKey } }`, variables: { pad: 'x'.repeat(5000) } }));
    expect(big.status).toBe(413);
    expectCode(big, 'BAD_INPUT');
  });

  it('internal faults are masked: code INTERNAL, no message detail, no stack', async () => {
    const services = server.app.services;
    const original = services.directory.user.bind(services.directory);
    services.directory.user = async () => {
      throw new Error('secret internal detail /var/lib/peerlock');
    };
    try {
      const res = await post(server.url, '{ user(username: "someone") { username } }');
      expectCode(res, 'INTERNAL');
      expect(JSON.stringify(res.errors)).not.toMatch(/secret internal detail|\/var\/lib|stack|at /);
    } finally {
      services.directory.user = original;
    }
  });

  it('signup is rate limited per address (the proxy\'s X-Forwarded-For), with retry-after', async () => {
    const from = (ip: string, name: string) => {
      const c = new HonestClient(server.url, name, server.clock);
      return post(server.url, SIGNUP_CHALLENGE, { input: { username: name, miniLockId: c.miniLockId, authPublicKey: Buffer.from(c.auth.publicKey).toString('base64') } }, { 'x-forwarded-for': `203.0.113.9, ${ip}` });
    };
    for (let i = 0; i < 3; i++) expectOk(await from('198.51.100.1', `rl${i}`));
    const limited = await from('198.51.100.1', 'rl9');
    expectCode(limited, 'RATE_LIMITED');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expectOk(await from('198.51.100.2', 'rl10'));
    server.clock.advance(60_001);
    expectOk(await from('198.51.100.1', 'rl11'));
  });

  it('login challenges are rate limited per username whatever the address', async () => {
    const c = new HonestClient(server.url, 'busy', server.clock);
    await c.signup();
    for (let i = 0; i < 4; i++) expectOk(await post(server.url, 'mutation { authChallenge(username: "busy") { expiresAt } }', {}, { 'x-forwarded-for': `192.0.2.${i}` }));
    expectCode(await post(server.url, 'mutation { authChallenge(username: "busy") { expiresAt } }', {}, { 'x-forwarded-for': '192.0.2.99' }), 'RATE_LIMITED');
  });
});
