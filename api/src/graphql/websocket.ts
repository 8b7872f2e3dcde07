/**
 * GraphQL over WebSocket (graphql-ws) on the same endpoint, through the same
 * envelop pipeline as HTTP: the same schema, validation rules (depth, cost,
 * introspection), masking and token plugin (DESIGN.md §3: "a WebSocket
 * connection presents one token in connection_init and lives as that user").
 *
 * The token is spent once, in `connection_init` (`{ authorization: "Peerlock
 * <username> <base64 token>" }`); a missing, malformed, spent, expired or
 * foreign one closes the socket with 4403 Forbidden before anything runs.
 *
 * The connection carries the client's queries and mutations too (DESIGN §4:
 * a message is one frame in and one push out per recipient), each run as the
 * connection's user without spending a token. It lives as long as the device
 * session it was opened in: when that session ends (logout, revocation, a key
 * change, the account deleted; on any node), every operation after is refused
 * SESSION_ENDED and the socket is closed shortly after (4401), once the
 * subscriptions' own SESSION_ENDED errors have gone out.
 */
import type { IncomingMessage, Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GraphQLError, type ExecutionArgs } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { parseAuthorization } from '../auth/tokens.js';
import type { TokenIssuer } from '../auth/token-issuer.js';
import { shedGraphQLError, type Admission } from '../ratelimit/admission.js';
import { CONNECTION_ORIGIN_PREFIX } from '../notifications/notification.js';

export interface WebSocketViewer {
  readonly viewer: { readonly username: string; readonly sessionId: string | null };
  /** `ws:<connection>:<operation>`: recorded as the events' correlation id, so a notification knows the connection it came from. */
  readonly requestId: string;
  readonly clientAddress: string;
  readonly connectionId: string;
}

type ConnectionExtra = {
  viewer?: { username: string; sessionId: string | null };
  connectionId?: string;
  /** The connection's device session ended: nothing more runs on it. */
  ended?: boolean;
  unbind?: () => void;
};

/** How long a connection whose session ended stays open, so that the SESSION_ENDED errors of its subscriptions reach the client first. */
const CLOSE_AFTER_SESSION_END_MS = 1000;

/** Binds a connection to its device session (notification-hub.ts): `onEnd` runs when the session ends. */
export type SessionBinder = (username: string, sessionId: string | null, onEnd: () => void) => () => void;

export function serveGraphQLOverWebSocket(
  server: Server,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  yoga: YogaServerInstance<any, any>,
  tokens: TokenIssuer,
  now: () => number,
  maxPayloadBytes: number,
  /** The same lookup as HTTP's, proxy-aware (see ratelimit/client-address.ts). */
  clientAddress: (req: IncomingMessage) => string,
  bindToSession: SessionBinder,
  /** The node's bound on operations at once, shared with HTTP (ratelimit/admission.ts); subscriptions are not counted. */
  admission: Admission,
  /** Operations under way on one connection, subscriptions included: past it the next is refused before it is parsed. */
  maxOperationsPerConnection: number,
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
        ctx.extra.connectionId = randomUUID();
        const socket = ctx.extra.socket;
        ctx.extra.unbind = bindToSession(presented.username, spent.sessionId, () => {
          ctx.extra.ended = true;
          setTimeout(() => socket.close(4401, 'Session ended'), CLOSE_AFTER_SESSION_END_MS).unref();
        });
        return true;
      },
      onClose(ctx) {
        ctx.extra.unbind?.();
      },
      async onSubscribe(ctx, _id, payload) {
        if (ctx.extra.ended) return [new GraphQLError('This device session has ended; log in again', { extensions: { code: 'SESSION_ENDED' } })];
        // graphql-ws keeps every operation under way, this one included, until it ends: one client
        // pipelining without bound would otherwise take the node's whole share (PEERLOCK_MAX_IN_FLIGHT).
        if (operationsUnderWay(ctx.subscriptions) > maxOperationsPerConnection) return [shedGraphQLError()];
        const ws: WebSocketViewer = {
          viewer: ctx.extra.viewer!,
          requestId: `${CONNECTION_ORIGIN_PREFIX}${ctx.extra.connectionId!}:${randomUUID()}`,
          clientAddress: clientAddress(ctx.extra.request),
          connectionId: ctx.extra.connectionId!,
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
      execute: async (args) => {
        if (!admission.tryEnter()) return { errors: [shedGraphQLError()] };
        try {
          return (await (args.rootValue as { execute: (a: ExecutionArgs) => unknown }).execute(args)) as never;
        } finally {
          admission.leave();
        }
      },
      subscribe: (args) => (args.rootValue as { subscribe: (a: ExecutionArgs) => unknown }).subscribe(args) as never,
    },
    wss,
  );
  return async () => {
    await handle.dispose();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  };
}

function operationsUnderWay(subscriptions: Record<string, unknown>): number {
  let count = 0;
  for (const _ in subscriptions) count++;
  return count;
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
