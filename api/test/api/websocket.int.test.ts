/**
 * GraphQL over WebSocket (DESIGN.md §3): a connection presents one token in
 * connection_init and lives as that user; any bad token closes it with
 * 4403 before anything runs. Same validation and error codes as HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { bytesToBase64, randomBytes } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { HonestClient } from '../support/honest-client.js';

interface Outcome {
  readonly data?: unknown;
  readonly errors?: { extensions?: Record<string, unknown> }[];
  readonly closeCode?: number;
}

function run(client: Client, query: string): Promise<Outcome> {
  return new Promise((resolve) => {
    let last: Outcome = {};
    client.subscribe(
      { query },
      {
        next: (result) => {
          last = { data: result.data, errors: result.errors as Outcome['errors'] };
        },
        error: (err) => {
          if (Array.isArray(err)) resolve({ errors: err as Outcome['errors'] });
          else resolve({ closeCode: (err as { code?: number }).code });
        },
        complete: () => resolve(last),
      },
    );
  });
}

describe.each(BACKENDS)('GraphQL over WebSocket (%s)', (backend) => {
  let server: TestServer;
  let alice: HonestClient;
  const clients: Client[] = [];
  const connect = (authorization?: string) => {
    const c = createClient({
      url: server.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 0,
      lazy: true,
      // Keep the socket between operations: reconnecting would need a new token.
      lazyCloseTimeout: 60_000,
    });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer(backend);
    alice = new HonestClient(server.url, 'alice', server.clock);
    await alice.signup();
    await alice.login();
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await server.close();
  });

  it('one token opens a connection that lives as its user for many operations', async () => {
    const c = connect(alice.takeHeader());
    for (let i = 0; i < 3; i++) expect(await run(c, '{ me { username } }')).toEqual({ data: { me: { username: 'alice' } }, errors: undefined });
  });

  it('a spent, forged or missing token closes the connection with 4403', async () => {
    const header = alice.takeHeader();
    expect((await run(connect(header), '{ me { username } }')).data).toEqual({ me: { username: 'alice' } });
    expect(await run(connect(header), '{ me { username } }')).toEqual({ closeCode: 4403 });
    expect(await run(connect(`Peerlock alice ${bytesToBase64(randomBytes(32))}`), '{ me { username } }')).toEqual({ closeCode: 4403 });
    expect(await run(connect(), '{ serverKeys { signingPublicKey } }')).toEqual({ closeCode: 4403 });
  });

  it('invalid operations are BAD_INPUT, refusals keep their codes', async () => {
    const c = connect(alice.takeHeader());
    const invalid = await run(c, '{ me { password } }');
    expect(invalid.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_INPUT']);
    const refused = await run(c, '{ user(username: "bad name") { username } }');
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_INPUT']);
  });
});
