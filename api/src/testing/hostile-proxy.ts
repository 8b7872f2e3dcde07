/**
 * A malicious server on the wire, for tests: an intercepting proxy between a
 * real client (SDK, CLI, the web client in Chromium) and the real server
 * process, which rewrites the server's answers. Every client flow gets a test
 * in which the server lies; this is the liar.
 *
 * Everything passes through untouched (status, headers, bodies streamed both
 * ways, WebSocket frames) unless a rule matches:
 *
 *   onGraphql(name, rewrite)       `data` of GraphQL results, over HTTP and graphql-ws alike
 *   onFileDownload(id, rewrite)    the whole body of GET /files/<id>
 *   onHttp(match, handler)         any HTTP request; the handler may answer it itself
 *
 * A rule counts only the responses it actually changed, so a test can assert
 * that its attack really reached the client (`expect(rule.count).toBeGreaterThan(0)`)
 * instead of passing because the attack never happened.
 *
 * Loopback only: it listens on 127.0.0.1 and refuses a target elsewhere.
 * Only node:http, ws and graphql's parser: nothing the api does not already depend on.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
// The parser alone, not graphql's index (the whole library, and a second copy of it under Vite).
import { parse } from 'graphql/language/parser.js';
import { Kind } from 'graphql/language/kinds.js';
import WebSocket, { WebSocketServer, type RawData } from 'ws';

export interface GraphqlRewriteContext {
  /** The request's variables (a copy), e.g. to attack only one conversation. */
  readonly variables: Record<string, unknown>;
  readonly transport: 'http' | 'ws';
}

/** Gets a deep copy of `data`; returns the new data, or undefined to leave it. Synchronous, so frames keep their order. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type GraphqlRewrite = (data: any, context: GraphqlRewriteContext) => unknown;

/** Gets a copy of the served bytes; returns the bytes to serve instead. */
export type FileDownloadRewrite = (served: Uint8Array, fileId: string) => Uint8Array | Promise<Uint8Array>;

export interface InterceptedRequest {
  readonly method: string;
  /** The request target as sent: path and query string, e.g. `/files/abc/chunks/0`. */
  readonly path: string;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The whole request body (buffered only for requests a rule matched). */
  readonly body: Uint8Array;
  /**
   * Sends this very request to the server now and returns its answer, for a
   * handler that answers after the server acted (e.g. drops the answer of a
   * request the server did carry out). At most once per request.
   */
  forward(): Promise<{ readonly status: number; readonly headers: Record<string, string>; /** As the server sent it (any content-encoding left on). */ readonly body: Uint8Array }>;
}

export type ForgedResponse =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body: Uint8Array | string }
  /** No answer at all: the client's connection is cut, as when a network fails after the request left. */
  | { readonly drop: true };

/** Answers a request itself (the server never sees it, unless the handler forwarded it), or returns undefined to let it through. */
export type HttpHandler = (request: InterceptedRequest) => ForgedResponse | undefined | Promise<ForgedResponse | undefined>;

export interface Rewrite {
  /** How many responses this rule actually changed (a rewrite that returned the same value does not count). */
  readonly count: number;
  /** Stops the rule; responses already changed stay counted. */
  remove(): void;
}

export interface HostileProxy {
  /** Base URL, e.g. http://127.0.0.1:PORT: the same paths as the target. */
  readonly url: string;
  /** `${url}/graphql`: give this to PeerlockClient / the CLI as the server URL. */
  readonly graphqlUrl: string;
  /**
   * Rewrites `data` of GraphQL results for operations named `operationName`:
   * the request's `operationName`, else the name in the query document. An
   * anonymous operation (the SDK's raw file mutations are) is matched by its
   * first root field instead, e.g. 'shareFile'. Over HTTP (POST, and GET with
   * ?query=) and graphql-ws `next` messages alike; results whose data is null
   * (errors such as TOKEN_INVALID) are left alone.
   */
  onGraphql(operationName: string, rewrite: GraphqlRewrite): Rewrite;
  /** Rewrites the whole body of successful GET /files/<fileId> responses (buffered; content-length fixed). `fileId` may be '*' for any. */
  onFileDownload(fileId: string, rewrite: FileDownloadRewrite): Rewrite;
  /** Low-level: any HTTP request `match`es; the handler answers it (counted) or returns undefined to pass it through. Checked before the other rules. */
  onHttp(match: (method: string, path: string) => boolean, handler: HttpHandler): Rewrite;
  /** Removes every rule (an afterEach's clean slate); their counts stay in `rewrites`. */
  removeAll(): void;
  /** Everything the proxy changed so far (the sum of every rule's count, removed rules included). */
  readonly rewrites: number;
  close(): Promise<void>;
}

export interface HostileProxyOptions {
  /** The real server on loopback, e.g. http://127.0.0.1:4000 (a path such as /graphql is ignored: only the origin counts). */
  readonly target: string;
}

class Rule<T> implements Rewrite {
  removed = false;
  private changed = 0;
  constructor(
    readonly spec: T,
    private readonly rules: Set<Rule<T>>,
    private readonly onChange: () => void,
  ) {
    rules.add(this);
  }
  get count(): number {
    return this.changed;
  }
  hit(): void {
    this.changed++;
    this.onChange();
  }
  remove(): void {
    this.removed = true;
    this.rules.delete(this);
  }
}

interface GraphqlSpec {
  readonly operationName: string;
  readonly rewrite: GraphqlRewrite;
}
interface FileSpec {
  readonly fileId: string;
  readonly rewrite: FileDownloadRewrite;
}
interface HttpSpec {
  readonly match: (method: string, path: string) => boolean;
  readonly handler: HttpHandler;
}

/** What a GraphQL request asks for, as far as matching rules goes. */
interface Operation {
  /** The operation's name, or for an anonymous one its first root field. */
  readonly name: string;
  readonly variables: Record<string, unknown>;
}

const FILE_DOWNLOAD = /^\/files\/([A-Za-z0-9_-]{1,64})$/;
/** Per-connection headers: a proxy never forwards them (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection']);
/** Headers ws sets itself for the upstream handshake. */
const WS_HANDSHAKE = new Set(['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-extensions', 'sec-websocket-protocol']);

export async function startHostileProxy(options: HostileProxyOptions): Promise<HostileProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') throw new Error(`hostile proxy: target must be http:, got ${target.protocol}`);
  if (!isLoopback(target.hostname)) throw new Error(`hostile proxy: target must be on loopback, got ${target.hostname}`);
  const targetHost = target.hostname.replace(/^\[|\]$/g, '');
  const targetPort = Number(target.port || 80);

  let total = 0;
  const counted = () => void total++;
  const graphqlRules = new Set<Rule<GraphqlSpec>>();
  const fileRules = new Set<Rule<FileSpec>>();
  const httpRules = new Set<Rule<HttpSpec>>();
  // Upstream connections are ours to close, so a test's server.stop() never waits on them.
  const agent = new Agent({ keepAlive: true });
  const sockets = new Set<WebSocket>();
  const pendingUpgrades = new Set<Duplex>();

  const graphqlRulesFor = (op: Operation | undefined) => (op ? [...graphqlRules].filter((r) => r.spec.operationName === op.name) : []);

  /**
   * Runs the matching rules over `data` in registration order; each sees the
   * previous one's output. Returns the new data, or undefined if nothing changed.
   */
  const rewriteData = (data: unknown, op: Operation, transport: 'http' | 'ws'): { data: unknown } | undefined => {
    let current = JSON.stringify(data);
    let changed = false;
    for (const rule of graphqlRulesFor(op)) {
      const out = rule.spec.rewrite(JSON.parse(current), { variables: structuredClone(op.variables), transport });
      if (out === undefined) continue;
      if (typeof (out as { then?: unknown } | null)?.then === 'function') throw new TypeError(`onGraphql('${op.name}'): the rewrite must be synchronous`);
      const next = JSON.stringify(out);
      if (next === current) continue;
      current = next;
      changed = true;
      rule.hit();
    }
    return changed ? { data: JSON.parse(current) as unknown } : undefined;
  };

  // ---- HTTP ----------------------------------------------------------------

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const pathname = path.split('?')[0]!;
    let body: Buffer | undefined;

    const lowLevel = [...httpRules].filter((r) => r.spec.match(method, path));
    if (lowLevel.length > 0) {
      body = await readAll(req);
      for (const rule of lowLevel) {
        if (rule.removed) continue;
        const sent = body;
        const forward = () =>
          new Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }>((resolve, reject) => {
            const upstream = httpRequest({ host: targetHost, port: targetPort, method, path, agent, headers: requestHeaders(req.headers, sent) });
            upstream.on('error', reject);
            upstream.on('response', (up) => {
              readAll(up).then(
                (raw) => resolve({ status: up.statusCode ?? 502, headers: Object.fromEntries(Object.entries(up.headers).map(([k, v]) => [k, String(v)])), body: new Uint8Array(raw) }),
                reject,
              );
            });
            upstream.end(sent);
          });
        const answer = await rule.spec.handler({ method, path, headers: { ...req.headers }, body: new Uint8Array(body), forward });
        if (answer === undefined) continue;
        rule.hit();
        if ('drop' in answer) {
          // Cut the connection under the request: the client sees a network error, with no answer.
          req.socket.destroy();
          return;
        }
        const payload = typeof answer.body === 'string' ? Buffer.from(answer.body, 'utf8') : Buffer.from(answer.body);
        res.writeHead(answer.status, { ...answer.headers, 'content-length': String(payload.length) }).end(payload);
        return;
      }
    }

    // Only a request some rule may rewrite is read before forwarding; the rest streams.
    let op: Operation | undefined;
    if (pathname === '/graphql' && graphqlRules.size > 0) {
      if (method === 'POST') {
        body ??= await readAll(req);
        op = operationOfBody(body);
      } else if (method === 'GET') {
        op = operationOfSearch(new URL(path, 'http://x').searchParams);
      }
      if (graphqlRulesFor(op).length === 0) op = undefined;
    }
    const fileId = method === 'GET' ? FILE_DOWNLOAD.exec(pathname)?.[1] : undefined;
    const fileRewrites = fileId ? [...fileRules].filter((r) => r.spec.fileId === '*' || r.spec.fileId === fileId) : [];

    const upstream = httpRequest({ host: targetHost, port: targetPort, method, path, agent, headers: requestHeaders(req.headers, body) });
    // The client went away before its answer was complete: so does the request to the server.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.on('error', () => upstream.destroy());
    upstream.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`hostile proxy: ${err.message}\n`);
      // Cut an answer in progress short; a finished one stays (its keep-alive connection may carry the next request).
      else if (!res.writableFinished) res.destroy();
    });
    upstream.on('response', (up) => {
      void answer(up, res, op, fileId !== undefined && fileRewrites.length > 0 ? { fileId, rules: fileRewrites } : undefined).catch((err: unknown) => {
        console.error('hostile proxy: a rewrite failed', err);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`hostile proxy: a rewrite failed: ${String(err)}\n`);
        else res.destroy();
      });
    });
    if (body) upstream.end(body);
    else req.pipe(upstream);
  };

  const answer = async (up: IncomingMessage, res: ServerResponse, op: Operation | undefined, file: { fileId: string; rules: Rule<FileSpec>[] } | undefined): Promise<void> => {
    const status = up.statusCode ?? 502;
    const encoding = String(up.headers['content-encoding'] ?? 'identity').toLowerCase();
    const json = /json/i.test(String(up.headers['content-type'] ?? ''));
    if (op && json && decoders[encoding]) {
      const raw = await readAll(up).catch(() => undefined);
      if (raw === undefined) return void res.destroy(); // the server cut its answer short: so do we
      let result: { data?: unknown } | undefined;
      try {
        result = JSON.parse(decoders[encoding](raw).toString('utf8')) as typeof result;
      } catch {
        result = undefined;
      }
      const changed = result && typeof result === 'object' && result.data != null ? rewriteData(result.data, op, 'http') : undefined;
      if (!changed) return sendBuffered(res, up, raw, false);
      return sendBuffered(res, up, Buffer.from(JSON.stringify({ ...result, data: changed.data }), 'utf8'), true);
    }
    if (file && status === 200 && encoding === 'identity') {
      const raw = await readAll(up).catch(() => undefined);
      if (raw === undefined) return void res.destroy();
      let current: Uint8Array = new Uint8Array(raw);
      for (const rule of file.rules) {
        const out = await rule.spec.rewrite(new Uint8Array(current), file.fileId);
        if (Buffer.compare(out, current) === 0) continue;
        current = new Uint8Array(out);
        rule.hit();
      }
      return sendBuffered(res, up, Buffer.from(current), true);
    }
    res.writeHead(status, up.statusMessage, responseHeaders(up.rawHeaders));
    // pipeline, not pipe: a response the server cuts short (a truncated download) must reach the client cut short too.
    pipeline(up, res, () => undefined);
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' }).end(`hostile proxy: ${String(err)}\n`);
      else res.destroy();
    });
  });

  // ---- WebSocket -----------------------------------------------------------

  const chosenProtocol = new WeakMap<IncomingMessage, string>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    // The subprotocol the server chose, so the client sees exactly what it would without us.
    handleProtocols: (_offered, request) => chosenProtocol.get(request) || false,
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    pendingUpgrades.add(socket);
    socket.on('error', () => undefined);
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || WS_HANDSHAKE.has(name) || HOP_BY_HOP.has(name)) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Connect to the server first, and accept the client only once it accepted us.
    const upstream = new WebSocket(`ws://${target.host}${req.url ?? '/'}`, protocols, { headers, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
    const subscriptions = new Map<string, Operation>();
    const early: { data: RawData; isBinary: boolean }[] = [];
    const queue = (data: RawData, isBinary: boolean) => void early.push({ data, isBinary });
    upstream.on('message', queue);
    let accepted = false;
    // The client left before the relay started (or ws refused its handshake): drop the server side too.
    socket.once('close', () => {
      pendingUpgrades.delete(socket);
      if (!accepted) upstream.terminate();
    });
    upstream.on('unexpected-response', (_request, refusal) => {
      // The server refused the upgrade: relay its HTTP answer as it was.
      void readAll(refusal)
        .catch(() => Buffer.alloc(0))
        .then((body) => {
          pendingUpgrades.delete(socket);
          const lines = [`HTTP/1.1 ${refusal.statusCode ?? 502} ${refusal.statusMessage ?? ''}`];
          const raw = refusal.rawHeaders;
          for (let i = 0; i < raw.length; i += 2) {
            const name = raw[i]!.toLowerCase();
            if (HOP_BY_HOP.has(name) || name === 'content-length' || name === 'transfer-encoding') continue;
            lines.push(`${raw[i]}: ${raw[i + 1]}`);
          }
          lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
          socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
        });
    });
    upstream.on('error', () => {
      if (!pendingUpgrades.delete(socket)) return;
      socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    upstream.on('open', () => {
      if (!pendingUpgrades.delete(socket)) return upstream.terminate();
      chosenProtocol.set(req, upstream.protocol);
      wss.handleUpgrade(req, socket, head, (client) => {
        accepted = true;
        sockets.add(client);
        sockets.add(upstream);
        relay(client, upstream);
        upstream.off('message', queue);
        for (const m of early) forwardToClient(client, m.data, m.isBinary, subscriptions);
      });
    });

    const relay = (client: WebSocket, toServer: WebSocket): void => {
      client.on('message', (data, isBinary) => {
        if (!isBinary) trackClientMessage(data, subscriptions);
        if (toServer.readyState === WebSocket.OPEN) toServer.send(data, { binary: isBinary });
      });
      toServer.on('message', (data, isBinary) => forwardToClient(client, data, isBinary, subscriptions));
      client.on('close', (code, reason) => {
        sockets.delete(client);
        closeLike(toServer, code, reason);
      });
      toServer.on('close', (code, reason) => {
        sockets.delete(toServer);
        closeLike(client, code, reason);
      });
      client.on('error', () => undefined);
      toServer.on('error', () => undefined);
    };
  });

  /** Client → server: remember what each subscription id asked for. */
  const trackClientMessage = (data: RawData, subscriptions: Map<string, Operation>): void => {
    const message = parseJson(data) as { type?: unknown; id?: unknown; payload?: { query?: unknown; operationName?: unknown; variables?: unknown } } | undefined;
    if (!message || typeof message.id !== 'string') return;
    if (message.type === 'subscribe') {
      const op = operationOf(message.payload?.query, message.payload?.operationName, message.payload?.variables);
      if (op) subscriptions.set(message.id, op);
    } else if (message.type === 'complete') {
      subscriptions.delete(message.id);
    }
  };

  /** Server → client: rewrite `next` results of matching operations; every other frame goes as it came. */
  const forwardToClient = (client: WebSocket, data: RawData, isBinary: boolean, subscriptions: Map<string, Operation>): void => {
    let out: RawData | string = data;
    if (!isBinary && graphqlRules.size > 0) {
      const message = parseJson(data) as { type?: unknown; id?: unknown; payload?: { data?: unknown } } | undefined;
      const op = message && typeof message.id === 'string' ? subscriptions.get(message.id) : undefined;
      if (message && op && message.type === 'next' && message.payload?.data != null) {
        try {
          const changed = rewriteData(message.payload.data, op, 'ws');
          if (changed) out = JSON.stringify({ ...message, payload: { ...message.payload, data: changed.data } });
        } catch (err) {
          console.error('hostile proxy: a rewrite failed', err);
          client.close(1011, 'hostile proxy: a rewrite failed');
          return;
        }
      }
      if (message && (message.type === 'complete' || message.type === 'error') && typeof message.id === 'string') subscriptions.delete(message.id);
    }
    if (client.readyState === WebSocket.OPEN) client.send(out, { binary: isBinary });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    graphqlUrl: `${url}/graphql`,
    get rewrites() {
      return total;
    },
    onGraphql(operationName, rewrite) {
      return new Rule({ operationName, rewrite }, graphqlRules, counted);
    },
    onFileDownload(fileId, rewrite) {
      return new Rule({ fileId, rewrite }, fileRules, counted);
    },
    onHttp(match, handler) {
      return new Rule({ match, handler }, httpRules, counted);
    },
    removeAll() {
      for (const rules of [graphqlRules, fileRules, httpRules] as Set<Rewrite>[]) for (const rule of [...rules]) rule.remove();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const s of pendingUpgrades) s.destroy();
      pendingUpgrades.clear();
      for (const ws of sockets) ws.terminate();
      sockets.clear();
      wss.close();
      agent.destroy();
      await closed;
    },
  };
}

// ---- helpers -----------------------------------------------------------------

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (part: Buffer) => parts.push(part));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
    // A request or response cut short closes without 'end' (and on older Nodes without 'error').
    stream.on('close', () => reject(new Error('closed before the end')));
  });
}

function parseJson(data: RawData | Buffer): unknown {
  try {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The operation a GraphQL request names: its `operationName`, else the only operation in the document. */
function operationOf(query: unknown, operationName: unknown, variables: unknown): Operation | undefined {
  const vars = variables && typeof variables === 'object' && !Array.isArray(variables) ? (variables as Record<string, unknown>) : {};
  if (typeof operationName === 'string' && operationName !== '') return { name: operationName, variables: vars };
  if (typeof query !== 'string') return undefined;
  let document;
  try {
    document = parse(query, { noLocation: true });
  } catch {
    return undefined;
  }
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const op = operations.length === 1 ? operations[0] : undefined;
  if (!op || op.kind !== Kind.OPERATION_DEFINITION) return undefined;
  if (op.name) return { name: op.name.value, variables: vars };
  // Anonymous (the SDK's raw file mutations): its first root field stands for its name.
  const field = op.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
  return field && field.kind === Kind.FIELD ? { name: field.name.value, variables: vars } : undefined;
}

function operationOfBody(body: Buffer): Operation | undefined {
  const request = parseJson(body) as { query?: unknown; operationName?: unknown; variables?: unknown } | undefined;
  return request && typeof request === 'object' ? operationOf(request.query, request.operationName, request.variables) : undefined;
}

function operationOfSearch(params: URLSearchParams): Operation | undefined {
  let variables: unknown = {};
  try {
    variables = JSON.parse(params.get('variables') ?? '{}') as unknown;
  } catch {
    variables = {};
  }
  return operationOf(params.get('query') ?? undefined, params.get('operationName') ?? undefined, variables);
}

/** The client's headers as they were, Host included: the server builds its CSP's ws: origin from it, which must be ours. */
function requestHeaders(headers: IncomingHttpHeaders, buffered: Buffer | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    if (buffered && (name === 'content-length' || name === 'transfer-encoding')) continue;
    out[name] = value;
  }
  if (buffered) out['content-length'] = String(buffered.length);
  return out;
}

/** The server's headers as they were (case, order, repeats), without the per-connection ones. */
function responseHeaders(raw: string[], drop: ReadonlySet<string> = HOP_BY_HOP): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!drop.has(raw[i]!.toLowerCase())) out.push(raw[i]!, raw[i + 1]!);
  }
  return out;
}

const decoders: Record<string, (bytes: Buffer) => Buffer> = {
  identity: (bytes) => bytes,
  gzip: (bytes) => gunzipSync(bytes),
  'x-gzip': (bytes) => gunzipSync(bytes),
  deflate: (bytes) => inflateSync(bytes),
  br: (bytes) => brotliDecompressSync(bytes),
};

const REFRAMED = new Set([...HOP_BY_HOP, 'content-length', 'transfer-encoding', 'content-encoding']);

/** Sends a buffered body with the server's status and headers; a changed body goes uncompressed with its own length. */
function sendBuffered(res: ServerResponse, up: IncomingMessage, body: Buffer, changed: boolean): void {
  if (!changed) {
    res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders, new Set([...HOP_BY_HOP, 'transfer-encoding', 'content-length'])).concat('content-length', String(body.length)));
  } else {
    res.writeHead(up.statusCode ?? 502, up.statusMessage, responseHeaders(up.rawHeaders, REFRAMED).concat('content-length', String(body.length)));
  }
  res.end(body);
}

/** Closes `ws` as its peer was closed: the same code and reason where the protocol lets us send them. */
function closeLike(ws: WebSocket, code: number, reason: Buffer): void {
  if (ws.readyState === WebSocket.CLOSED) return;
  if (ws.readyState === WebSocket.CONNECTING || code === 1006) return ws.terminate();
  const sendable = (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
  if (sendable) ws.close(code, reason);
  else ws.close();
}

