/**
 * The binary side of files, beside GraphQL (chunks do not belong in JSON):
 *
 *   PUT /files/:id/chunks/:n   one miniLock chunk as the raw body      → 204
 *   GET /files/:id/chunks      which chunks the server has (resume)    → 200 JSON
 *   GET /files/:id             the viewer's .minilock file, streamed   → 200 bytes
 *
 * Every request spends one single-use token, exactly as a GraphQL request
 * does (plugins/use-token-auth.ts). Refusals are JSON in GraphQL's error
 * shape with the same closed codes. Bodies stream straight to and from the
 * blob store: the server never holds more than a block of a chunk.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { MAX_FILE_CHUNK_BYTES } from '@peerlock/schema';
import { PeerlockError, httpStatusOf } from '../errors.js';
import { parseAuthorization } from '../auth/tokens.js';
import type { TokenIssuer } from '../auth/token-issuer.js';
import type { FileCommands } from './file-commands.js';
import type { BlobBody } from '../blobstore/blob-store.js';

const ROUTE = /^\/files\/([A-Za-z0-9_-]{1,64})(?:\/(chunks)(?:\/([0-9]{1,9}))?)?$/;

export interface FileHttpOptions {
  readonly files: FileCommands;
  readonly tokens: TokenIssuer;
  readonly now: () => number;
  readonly corsOrigins: readonly string[];
}

export function isFileRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/files/');
}

export async function handleFileRequest(req: IncomingMessage, res: ServerResponse, options: FileHttpOptions): Promise<void> {
  const origin = req.headers.origin;
  if (origin && options.corsOrigins.includes(origin)) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'origin');
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, { 'access-control-allow-methods': 'GET, PUT', 'access-control-allow-headers': 'authorization, content-type', 'access-control-max-age': '600' });
    res.end();
    return;
  }
  try {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match) throw new PeerlockError('NOT_FOUND');
    const [, fileId, chunks, index] = match;
    const put = req.method === 'PUT' && chunks && index !== undefined;
    const listing = req.method === 'GET' && chunks && index === undefined;
    const download = req.method === 'GET' && !chunks;
    if (!put && !listing && !download) throw new PeerlockError('NOT_FOUND');
    // Refuse an oversized body before spending a token or reading a byte of it.
    if (put && Number(req.headers['content-length'] ?? 0) > MAX_FILE_CHUNK_BYTES) throw new PeerlockError('BAD_INPUT', { field: 'chunk' });
    const viewer = await authenticate(req, options);
    const now = options.now();
    if (put) {
      await options.files.putChunk(viewer, fileId, Number(index), req as unknown as BlobBody, now);
      res.writeHead(204).end();
    } else if (listing) {
      const body = JSON.stringify(await options.files.receivedChunks(viewer, fileId, now));
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
    } else {
      const file = await options.files.download(viewer, fileId);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(file.size), 'cache-control': 'no-store' });
      await pipeline(Readable.from(file.body), res).catch(() => res.destroy());
    }
  } catch (err) {
    const error = err instanceof PeerlockError ? err : new PeerlockError('INTERNAL');
    if (!(err instanceof PeerlockError)) console.error('file request failed', err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const body = JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, ...(error.details.field ? { field: error.details.field } : {}) } }] });
    // The client may still be sending a body we will not read: close rather than drain it.
    res.writeHead(httpStatusOf(error.code), { 'content-type': 'application/json', connection: 'close' }).end(body);
    if (!req.complete) req.once('end', () => {}).resume();
  }
}

async function authenticate(req: IncomingMessage, options: FileHttpOptions): Promise<string> {
  const header = req.headers.authorization;
  if (header === undefined) throw new PeerlockError('UNAUTHENTICATED');
  const presented = parseAuthorization(header);
  if (presented === null) throw new PeerlockError('TOKEN_INVALID');
  const valid = await options.tokens.consume(presented.username, presented.token, options.now());
  presented.token.fill(0);
  if (!valid) throw new PeerlockError('TOKEN_INVALID');
  return presented.username;
}
