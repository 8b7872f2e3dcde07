/**
 * Serves the built web client (clients/web/dist) from the API's own origin,
 * so the page, GraphQL, file transfers and the notification socket share one
 * origin and the Content-Security-Policy can say 'self' and nothing else.
 *
 * Only GET and HEAD; only files under the root (the request path is decoded
 * and normalised first, then the real path is checked to sit inside the
 * root, so neither `..`, encoded slashes nor a symlink lead out of it).
 * Hashed assets are cached for a year; index.html is revalidated so a new
 * build (with new SRI hashes) is picked up at once.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface StaticWebAppOptions {
  readonly root: string;
  /** HSTS when TLS is ours or a trusted proxy's. */
  readonly https: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The page's policy: everything from this origin, nothing inline, nothing framed. */
export function contentSecurityPolicy(origin: { host: string; secure: boolean } | null): string {
  // 'self' covers ws(s): of the same origin in current browsers; naming it also covers older ones.
  const socket = origin ? ` ${origin.secure ? 'wss' : 'ws'}://${origin.host}` : '';
  return [
    "default-src 'self'",
    `connect-src 'self'${socket}`,
    "script-src 'self'",
    // The key derivation worker is a built file of this origin; no blob: workers.
    "worker-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** A Host header we are willing to echo into a header: a hostname or [IPv6] and an optional port. */
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

function securityHeaders(req: IncomingMessage, options: StaticWebAppOptions): Record<string, string> {
  const host = req.headers.host;
  const headers: Record<string, string> = {
    'content-security-policy': contentSecurityPolicy(host && HOST.test(host) ? { host, secure: options.https } : null),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  };
  if (options.https) headers['strict-transport-security'] = 'max-age=63072000; includeSubDomains';
  return headers;
}

/** The file under `root` a URL path names, or null when it names nothing servable. */
export async function resolveWebFile(root: string, urlPath: string): Promise<string | null> {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  // No encoded separators, NULs or backslashes: a file name never needs them.
  if (path.includes('\0') || path.includes('\\')) return null;
  const segments = path.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  if (segments.length === 0) segments.push('index.html');
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(join(realRoot, ...segments));
  } catch {
    return null;
  }
  if (!real.startsWith(realRoot + sep)) return null;
  const info = await stat(real).catch(() => null);
  return info?.isFile() ? real : null;
}

export function createStaticWebApp(options: StaticWebAppOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const headers = securityHeaders(req, options);
    const reply = (status: number, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n', { allow: 'GET, HEAD' });
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    // A secure link (docs/links.md) is a page of the web app: /l/<id>#<secret> loads index.html, which reads the fragment.
    const file = await resolveWebFile(options.root, /^\/l\/[^/]*$/.test(pathname) ? '/' : pathname);
    if (!file) {
      const index = await resolveWebFile(options.root, '/');
      if (!index && pathname === '/') {
        return reply(503, 'The Peerlock web app is not built: run `npm run build -w clients/web` (or set PEERLOCK_WEB_ROOT). GraphQL is at /graphql.\n');
      }
      return reply(404, 'not found\n');
    }
    const info = await stat(file);
    const immutable = pathname.startsWith('/assets/');
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': String(info.size),
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (req.method === 'HEAD') return void res.end();
    await pipeline(createReadStream(file), res).catch(() => res.destroy());
  };
}

/** Paths the API owns; everything else is the web app's. */
export function isApiPath(url: string | undefined): boolean {
  const path = (url ?? '/').split('?')[0]!;
  return path === '/graphql' || path.startsWith('/graphql/') || path.startsWith('/files/') || path.startsWith('/links/');
}
