/**
 * The download side of secure links (docs/links.md), beside GraphQL:
 *
 *   GET /links/:linkId/file   Authorization: PeerlockLink <grant>   → 200 the link's .minilock file
 *
 * The grant comes from openLink (sealed, 15 minutes, no storage); no token
 * is spent, the opener has no account. Refusals are JSON in GraphQL's error
 * shape with the same closed codes, as in files/file-http.ts, and the body
 * streams from the blob store through one reused buffer: flat memory
 * whatever the file's size.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PeerlockError, httpStatusOf, refusalOf } from '../errors.js';
import type { LinkCommands } from './link-commands.js';

const DOWNLOAD_BUFFER_BYTES = 256 * 1024;
const ROUTE = /^\/links\/([A-Za-z0-9_-]{1,64})\/file$/;
const SCHEME = 'PeerlockLink ';

export interface LinkHttpOptions {
  readonly links: LinkCommands;
  readonly now: () => number;
  readonly corsOrigins: readonly string[];
  readonly logError?: (...args: unknown[]) => void;
}

export function isLinkRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/links/');
}

export async function handleLinkRequest(req: IncomingMessage, res: ServerResponse, options: LinkHttpOptions): Promise<void> {
  const origin = req.headers.origin;
  if (origin && options.corsOrigins.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-methods': 'GET', 'access-control-allow-headers': 'authorization', 'access-control-max-age': '600' });
    res.end();
    return;
  }
  try {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match || req.method !== 'GET') throw new PeerlockError('NOT_FOUND');
    const header = req.headers.authorization;
    if (header === undefined) throw new PeerlockError('UNAUTHENTICATED');
    if (!header.startsWith(SCHEME)) throw new PeerlockError('TOKEN_INVALID');
    const buffer = new Uint8Array(DOWNLOAD_BUFFER_BYTES);
    const file = await options.links.download(match[1], header.slice(SCHEME.length).trim(), options.now(), { buffer });
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.size), 'cache-control': 'no-store' });
    try {
      for await (const piece of file.body) await writeOut(res, piece);
      res.end();
    } catch {
      res.destroy();
    }
  } catch (err) {
    const refusal = refusalOf(err);
    const error = refusal ?? new PeerlockError('INTERNAL');
    if (!refusal) (options.logError ?? console.error)('link request failed', err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const retryAfter = error.details.retryAfterSeconds;
    const body = JSON.stringify({
      errors: [{ message: error.message, extensions: { code: error.code, ...(error.details.field ? { field: error.details.field } : {}), ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) } }],
    });
    res.writeHead(httpStatusOf(error.code), { 'content-type': 'application/json', ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) }).end(body);
  }
}

/** Resolves once `piece` went to the socket (so its buffer may be reused); rejects if the response closes first. */
function writeOut(res: ServerResponse, piece: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const closed = () => reject(new Error('response closed'));
    res.once('close', closed);
    res.write(piece, (err) => {
      res.off('close', closed);
      if (err) reject(err);
      else resolve();
    });
  });
}
