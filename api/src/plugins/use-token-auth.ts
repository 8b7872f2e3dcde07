/**
 * Token authentication (DESIGN.md §3, threat T3). A request with an
 * Authorization header spends its token while the context is built, which is
 * after parsing and validation (a malformed query costs no token) and before
 * any resolver runs. A malformed, unknown, reused, expired or foreign token
 * ends the request with TOKEN_INVALID: the operation does not run at all,
 * not even its public fields. No header: the request is anonymous and only
 * public fields work (the others answer UNAUTHENTICATED).
 */
import type { Plugin } from 'graphql-yoga';
import { PeerlockError } from '../errors.js';
import { parseAuthorization } from '../auth/tokens.js';
import type { TokenIssuer } from '../auth/token-issuer.js';

export function useTokenAuth(tokens: TokenIssuer, now: () => number): Plugin<{ request: Request }> {
  return {
    async onContextBuilding({ context, extendContext }) {
      // A WebSocket operation runs as the user whose token opened the connection (graphql/websocket.ts).
      const ws = (context as { ws?: { viewer: { username: string; sessionId: string | null } } }).ws;
      if (ws) {
        extendContext({ viewer: ws.viewer } as never);
        return;
      }
      const header = context.request.headers.get('authorization');
      if (header === null) {
        extendContext({ viewer: null } as never);
        return;
      }
      const presented = parseAuthorization(header);
      if (presented === null) throw new PeerlockError('TOKEN_INVALID');
      const spent = await tokens.consume(presented.username, presented.token, now());
      presented.token.fill(0);
      if (!spent) throw new PeerlockError('TOKEN_INVALID');
      extendContext({ viewer: { username: presented.username, sessionId: spent.sessionId } } as never);
    },
  };
}
