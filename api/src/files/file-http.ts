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
import { MAX_FILE_CHUNK_BYTES } from '@peerlock/schema';
import { PeerlockError, refusalOf } from '../errors.js';
import { DOWNLOAD_BUFFER_BYTES, answerCors, refusalResponse, streamOut } from './binary-http.js';
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
  /** The server's logger: a fault (not a refusal) is logged with its stack. */
  readonly logError?: (...args: unknown[]) => void;
}

export function isFileRequest(req: IncomingMessage): boolean {
  return (req.url ?? '').startsWith('/files/');
}

export async function handleFileRequest(req: IncomingMessage, res: ServerResponse, options: FileHttpOptions): Promise<void> {
  if (answerCors(req, res, options.corsOrigins, { methods: 'GET, PUT', headers: 'authorization, content-type' })) return;
  try {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match) throw new PeerlockError('NOT_FOUND');
    const [, fileId, chunks, index] = match;
    const put = req.method === 'PUT' && chunks && index !== undefined;
    const listing = req.method === 'GET' && chunks && index === undefined;
    const download = req.method === 'GET' && !chunks;
    if (!put && !listing && !download) throw new PeerlockError('NOT_FOUND');
    // One spelling per chunk: `01` and `1` must not both name chunk 1.
    if (put && String(Number(index)) !== index) throw new PeerlockError('BAD_INPUT', { field: 'index' });
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
      // One buffer per download, reused for every read: a piece is written to
      // the socket (write callback) before the next read overwrites it. Reads
      // that each allocated were ~32 MiB of garbage in flight on a large file.
      const buffer = new Uint8Array(DOWNLOAD_BUFFER_BYTES);
      const file = await options.files.download(viewer, fileId, now, { buffer });
      await streamOut(res, file.size, file.body);
    }
  } catch (err) {
    // The blob folder full or read-only, the database restarting: UNAVAILABLE with Retry-After, as in GraphQL.
    const refusal = refusalOf(err);
    const error = refusal ?? new PeerlockError('INTERNAL');
    if (!refusal) (options.logError ?? console.error)('file request failed', err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const answer = refusalResponse(error);
    // A refusal must reach the client whole. Answering while it is still
    // sending a body and then closing makes the kernel reset the connection
    // (unread bytes in our receive buffer), which can discard the answer at
    // the client: fetch then reports a network failure instead of, say,
    // TOKEN_INVALID that it would retry. So read and discard the rest of a
    // body that stays within one chunk (what we would have accepted anyway)
    // and answer on a connection that stays open; close only when the body
    // was declared larger, is longer, or was already torn down mid-read.
    const drained = await drainBounded(req, MAX_FILE_CHUNK_BYTES);
    if (res.headersSent || res.destroyed) return;
    res.writeHead(answer.status, { ...answer.headers, ...(drained ? {} : { connection: 'close' }) }).end(answer.body);
    if (!drained && !req.destroyed) req.resume();
  }
}

/** Reads and discards what is left of the request body, up to `maxBytes`; false when it is longer or cannot be read. */
async function drainBounded(req: IncomingMessage, maxBytes: number): Promise<boolean> {
  if (req.complete) return true;
  if (req.destroyed || Number(req.headers['content-length'] ?? 0) > maxBytes) return false;
  let seen = 0;
  try {
    // The iterator destroys the request if we stop early, which is what we want then.
    for await (const piece of req) {
      seen += (piece as Buffer).length;
      if (seen > maxBytes) return false;
    }
    return true;
  } catch {
    return false;
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
