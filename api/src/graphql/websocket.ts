/**
 * GraphQL over WebSocket (graphql-ws) on the same endpoint, through the same
 * envelop pipeline as HTTP: the same schema, validation rules (depth, cost,
 * introspection), masking and token plugin (DESIGN.md §3: "a WebSocket
 * connection presents one token in connection_init and lives as that user").
 *
 * The token is spent once, in `connection_init` (`{ authorization: "Peerlock
 * <username> <base64 token>" }`); a missing, malformed, spent, expired or
 * foreign one closes the socket with 4403 Forbidden before anything runs.
 */
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { parseAuthorization } from '../auth/tokens.js';
import type { TokenIssuer } from '../auth/token-issuer.js';

export interface WebSocketViewer {
  readonly viewer: { readonly username: string; readonly sessionId: string | null };
  readonly requestId: string;
  readonly clientAddress: string;
}

type ConnectionExtra = {
  viewer?: { username: string; sessionId: string | null };
};

export function serveGraphQLOverWebSocket(
  server: Server,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  yoga: YogaServerInstance<any, any>,
  tokens: TokenIssuer,
  now: () => number,
  maxPayloadBytes: number,
  /** The same lookup as HTTP's, proxy-aware (see ratelimit/client-address.ts). */
  clientAddress: (req: IncomingMessage) => string,
): () => Promise<void> {
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: maxPayloadBytes });
  const handle = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
    {
      async onConnect(ctx) {
        const header = ctx.connectionParams?.authorization;
        if (typeof header !== 'string') return false;
        const presented = parseAuthorization(header);
        if (presented === null) return false;
        const spent = await tokens.consume(presented.username, presented.token, now());
        presented.token.fill(0);
        if (!spent) return false;
        ctx.extra.viewer = { username: presented.username, sessionId: spent.sessionId };
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        const ws: WebSocketViewer = {
          viewer: ctx.extra.viewer!,
          requestId: randomUUID(),
          clientAddress: clientAddress(ctx.extra.request),
        };
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ws, params: payload });
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [codedBadInput(err)];
        }
        const errors = validate(schema, document);
        if (errors.length > 0) return errors.map(codedBadInput);
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        return args;
      },
      execute: (args) => (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args) as never,
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
    },
    wss,
  );
  return async () => {
    await handle.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function codedBadInput(err: unknown): GraphQLError {
  // Our own refusals (the query-text limits, use-operation-limits.ts) keep the limit, value and variable they name.
  if (err instanceof GraphQLError && err.extensions?.code === 'BAD_INPUT') {
    const { http: _status, ...extensions } = err.extensions;
    return new GraphQLError(err.message, { nodes: err.nodes, extensions });
  }
  const message = err instanceof Error ? err.message.replace(/ ?Did you mean .*$/s, '').slice(0, 300) : 'Bad input';
  return new GraphQLError(message, { extensions: { code: 'BAD_INPUT' } });
}
