/**
 * dev graphiql: the authenticated API, explorable by hand in GraphiQL.
 *
 * Every authenticated request needs a fresh single-use token boxed to your
 * auth key (DESIGN §3), which nobody can paste into GraphiQL's header pane.
 * So this command runs a small proxy on loopback that serves the server's
 * GraphiQL page and adds one of your tokens (from this CLI session's pool,
 * refilled as usual) to each request it forwards. The server is unchanged:
 * tokens stay single-use and short-lived, and a production server (which
 * serves no GraphiQL and no introspection) gets nothing it would not get
 * from the SDK. The proxy listens on 127.0.0.1 only and answers only /graphql.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../cli-error.js';
import { str, type Command } from '../command.js';

/** Request headers worth forwarding; the rest (host, cookies, origin) stay behind. */
const FORWARDED_REQUEST_HEADERS = ['accept', 'content-type', 'content-length', 'x-request-id'];
/** Response headers the page needs (its CSP included); hop-by-hop ones are dropped. */
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length']);

async function body(request: IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

export const devCommands: Command[] = [
  {
    name: 'dev graphiql',
    usage: 'peerlock dev graphiql [--port N]',
    summary: 'Explore the API as yourself in GraphiQL (dev servers): a loopback proxy that signs each request with one of your single-use tokens',
    options: { port: { type: 'string' } },
    optionHelp: { port: 'local port to listen on (default: any free port)' },
    async run(ctx, args) {
      const client = await ctx.client();
      const target = new URL(client.url);
      const port = Number(str(args, 'port') ?? '0');
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port: expected a port number');

      const page = await fetch(target, { headers: { accept: 'text/html' } });
      const html = page.headers.get('content-type')?.includes('text/html') ?? false;
      await page.body?.cancel();
      if (!html) throw new UsageError(`${target.origin} serves no GraphiQL (a production server): run one with PEERLOCK_MODE=dev`);

      const forward = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
        if (new URL(request.url ?? '/', 'http://proxy').pathname !== '/graphql') {
          response.writeHead(404, { 'content-type': 'text/plain' }).end('only /graphql is proxied\n');
          return;
        }
        const headers = new Headers();
        for (const name of FORWARDED_REQUEST_HEADERS) {
          const value = request.headers[name];
          if (typeof value === 'string') headers.set(name, value);
        }
        const isQuery = request.method === 'POST';
        // Only operations are signed: the page itself and GraphiQL's assets need no token.
        if (isQuery) headers.set('authorization', await client.authorization());
        const answer = await fetch(new URL(request.url ?? '/graphql', target), {
          method: request.method ?? 'GET',
          headers,
          ...(isQuery ? { body: new Uint8Array(await body(request)) } : {}),
        });
        const out: Record<string, string> = {};
        answer.headers.forEach((value, name) => {
          if (!DROPPED_RESPONSE_HEADERS.has(name)) out[name] = value;
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        response.writeHead(answer.status, { ...out, 'content-length': String(bytes.length) }).end(bytes);
      };

      const server = createServer((request, response) => {
        forward(request, response).catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
          const code = (error as { code?: unknown })?.code;
          response.end(JSON.stringify({ errors: [{ message: 'peerlock dev graphiql: could not forward the request', extensions: { code: typeof code === 'string' ? code : 'NETWORK' } }] }));
        });
      });
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
      ctx.out.result({ url, username: client.username, server: target.origin }, () => {
        ctx.out.line(`GraphiQL as ${ctx.out.paint.bold(client.username)}: ${url}`);
        ctx.out.line(ctx.out.paint.dim(`every operation you run there is signed with one of your single-use tokens and sent to ${target.origin} (Ctrl-C to stop)`));
      });
      await new Promise<void>((resolve) => {
        const stop = () => server.close(() => resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    },
  },
];
