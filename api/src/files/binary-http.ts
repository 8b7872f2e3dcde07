/**
 * What the two binary endpoints beside GraphQL share (files/file-http.ts,
 * links/link-http.ts): CORS for the configured origins, a body streamed out
 * through a reused buffer, and refusals as JSON in GraphQL's error shape
 * with the same closed codes (and Retry-After when there is one).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { httpStatusOf, type PeerlockError } from '../errors.js';
import type { BlobBody } from '../blobstore/blob-store.js';

/** Bytes read from the blob store at a time for a download (one buffer per download in progress). */
export const DOWNLOAD_BUFFER_BYTES = 256 * 1024;

/** Sets CORS headers for an allowed origin; answers a preflight and returns true, so the caller stops. */
export function answerCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[], allow: { readonly methods: string; readonly headers: string }): boolean {
  const origin = req.headers.origin;
  if (origin && origins.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, { 'access-control-allow-methods': allow.methods, 'access-control-allow-headers': allow.headers, 'access-control-max-age': '600' });
  res.end();
  return true;
}

/**
 * 200 with `size` bytes of `body`, each piece written out before the next is
 * pulled (a body read through one reused buffer needs that). The client
 * going away, or a blob vanishing mid-stream, cuts the response short (the
 * SDK reports truncation).
 */
export async function streamOut(res: ServerResponse, size: number, body: BlobBody): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size), 'cache-control': 'no-store' });
  try {
    for await (const piece of body) await writeOut(res, piece);
    res.end();
  } catch {
    res.destroy();
  }
}

/** The refusal as GraphQL's error shape, and its headers. */
export function refusalResponse(error: PeerlockError): { status: number; headers: Record<string, string>; body: string } {
  const retryAfter = error.details.retryAfterSeconds;
  const body = JSON.stringify({
    errors: [{ message: error.message, extensions: { code: error.code, ...(error.details.field ? { field: error.details.field } : {}), ...(retryAfter !== undefined ? { retryAfterSeconds: retryAfter } : {}) } }],
  });
  return { status: httpStatusOf(error.code), headers: { 'content-type': 'application/json', ...(retryAfter !== undefined ? { 'retry-after': String(retryAfter) } : {}) }, body };
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
