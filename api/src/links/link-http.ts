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
import { PeerlockError, refusalOf } from '../errors.js';
import { DOWNLOAD_BUFFER_BYTES, answerCors, refusalResponse, streamOut } from '../files/binary-http.js';
import type { LinkCommands } from './link-commands.js';

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
  if (answerCors(req, res, options.corsOrigins, { methods: 'GET', headers: 'authorization' })) return;
  try {
    const match = ROUTE.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (!match || req.method !== 'GET') throw new PeerlockError('NOT_FOUND');
    const header = req.headers.authorization;
    if (header === undefined) throw new PeerlockError('UNAUTHENTICATED');
    if (!header.startsWith(SCHEME)) throw new PeerlockError('TOKEN_INVALID');
    const buffer = new Uint8Array(DOWNLOAD_BUFFER_BYTES);
    const file = await options.links.download(match[1], header.slice(SCHEME.length).trim(), options.now(), { buffer });
    await streamOut(res, file.size, file.body);
  } catch (err) {
    const refusal = refusalOf(err);
    const error = refusal ?? new PeerlockError('INTERNAL');
    if (!refusal) (options.logError ?? console.error)('link request failed', err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const answer = refusalResponse(error);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  }
}
