/**
 * Load shedding (issue 17): a node runs at most PEERLOCK_MAX_IN_FLIGHT
 * GraphQL operations at once, over HTTP and WebSocket together; one more is
 * refused at once, UNAVAILABLE with Retry-After 1 (HTTP 503), before it costs
 * anything: no token is spent. The slot is held deterministically by a
 * request whose body is still arriving.
 */
import { request as httpRequest, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { HonestClient } from '../support/honest-client.js';

/** A POST /graphql whose body is not finished: the server holds its slot until `finish`. */
function halfSent(url: string): { finish: () => Promise<number>; sent: Promise<void> } {
  const body = JSON.stringify({ query: '{ serverKeys { signingPublicKey } }' });
  let req!: ClientRequest;
  const answered = new Promise<number>((resolve, reject) => {
    req = httpRequest(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
  const sent = new Promise<void>((resolve) => req.write(body.slice(0, 10), () => resolve()));
  return {
    sent,
    finish: () => {
      req.end(body.slice(10));
      return answered;
    },
  };
}

/** A server with `env` and alice logged in, for the describe block it is called in. */
function serverWith(env: Record<string, string>): { server: TestServer; alice: HonestClient } {
  const ctx = {} as { server: TestServer; alice: HonestClient };
  beforeAll(async () => {
    ctx.server = await startTestServer('sqlite', env);
    ctx.alice = new HonestClient(ctx.server.url, 'alice', ctx.server.clock);
    await ctx.alice.signup();
    await ctx.alice.login();
  });
  afterAll(async () => {
    await ctx.server?.close();
  });
  return ctx;
}

describe('load shedding', () => {
  const ctx = serverWith({ PEERLOCK_MAX_IN_FLIGHT: '1' });

  it('one operation over the bound is refused at once: 503, Retry-After 1, UNAVAILABLE, and its token is not spent', async () => {
    const holder = halfSent(ctx.server.url);
    await holder.sent;
    // Give the server the request's headers (the slot is taken as they arrive).
    await new Promise((resolve) => setTimeout(resolve, 100));
    const header = ctx.alice.takeHeader();
    const refused = await fetch(`${ctx.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: header }, body: JSON.stringify({ query: '{ me { username } }' }) });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ errors: [{ message: 'Temporarily unavailable, retry later', extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 1 } }] });
    expect(await holder.finish()).toBe(200);
    // The refused request spent nothing: the same token works now.
    const again = await fetch(`${ctx.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: header }, body: JSON.stringify({ query: '{ me { username } }' }) });
    expect(await again.json()).toEqual({ data: { me: { username: 'alice' } } });
  });

  it('the bound is shared with WebSocket operations, which get the same typed refusal', async () => {
    const socket = createClient({ url: ctx.server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: ctx.alice.takeHeader() }, retryAttempts: 0, lazyCloseTimeout: 60_000 });
    const run = () =>
      new Promise<unknown>((resolve) => {
        let last: unknown;
        socket.subscribe({ query: '{ me { username } }' }, { next: (r) => void (last = r), error: (e) => resolve(e), complete: () => resolve(last) });
      });
    expect(await run()).toEqual({ data: { me: { username: 'alice' } } });
    const holder = halfSent(ctx.server.url);
    await holder.sent;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await run()).toEqual({ errors: [{ message: 'Temporarily unavailable, retry later', locations: undefined, path: undefined, extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 1 } }] });
    await holder.finish();
    expect(await run()).toEqual({ data: { me: { username: 'alice' } } });
    await socket.dispose();
  });
});

describe('operations under way on one WebSocket connection', () => {
  const ctx = serverWith({ PEERLOCK_MAX_OPERATIONS_PER_CONNECTION: '2' });

  const connect = () => createClient({ url: ctx.server.url.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: ctx.alice.takeHeader() }, retryAttempts: 0, lazyCloseTimeout: 60_000 });
  const query = (socket: ReturnType<typeof createClient>) =>
    new Promise<unknown>((resolve) => {
      let last: unknown;
      socket.subscribe({ query: '{ me { username } }' }, { next: (r) => void (last = r), error: (e) => resolve(e), complete: () => resolve(last) });
    });

  it('past the bound (subscriptions count) the next operation is refused UNAVAILABLE before it runs; other connections are not affected; a slot freed is usable again', async () => {
    const busy = connect();
    // Two subscriptions hold the connection's two places for as long as they are open.
    const held = [0, 1].map(() => busy.subscribe({ query: 'subscription { notifications { kind } }' }, { next: () => undefined, error: () => undefined, complete: () => undefined }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Refused before it is parsed: graphql-ws's error message (the SDK reads both forms as one typed error).
    expect(await query(busy)).toEqual([{ message: 'Temporarily unavailable, retry later', extensions: { code: 'UNAVAILABLE', retryAfterSeconds: 1 } }]);

    const other = connect();
    expect(await query(other)).toEqual({ data: { me: { username: 'alice' } } });

    held[0]!();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await query(busy)).toEqual({ data: { me: { username: 'alice' } } });
    held[1]!();
    await Promise.all([busy.dispose(), other.dispose()]);
  });
});
