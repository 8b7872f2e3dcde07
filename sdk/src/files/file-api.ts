/**
 * The wire calls behind the file helpers, over fetch only (browser-safe).
 * Every call spends one token: `authorize()` returns a fresh
 * `Authorization: Peerlock <username> <token>` value each time.
 *
 * TOKEN_INVALID (the token expired, or was spent by someone else, e.g. a
 * racing device sharing the session) is retried once with the next token
 * from `authorize()`: the server checks the token before it acts, so the
 * refused request did nothing (request bodies here are bytes, which can be
 * sent again). A second TOKEN_INVALID in a row is thrown as
 * FileTransferError('TOKEN_INVALID').
 *
 * UNAVAILABLE (HTTP 503: the server's storage restarting, full or read-only)
 * on a file request (GET, or a chunk PUT, which replaces the chunk whole) is
 * retried once after the server's Retry-After when that is short; a second
 * one, or a long wait, is thrown as FileTransferError('UNAVAILABLE') with
 * `retryAfterSeconds`. The GraphQL calls here are mutations: their
 * UNAVAILABLE is the caller's, as for PeerlockClient.call. No answer at all
 * (the server down, the connection cut) is a PeerlockNetworkError (NETWORK),
 * as for every other call of the SDK.
 */
import { streamRequestBodies } from '#platform';
import { PeerlockNetworkError } from '../client/errors.js';
import { FileTransferError } from './file-errors.js';

/** The longest Retry-After a file request waits out by itself (the same bound as PeerlockClient.call's). */
const MAX_UNAVAILABLE_WAIT_SECONDS = 5;

async function send(endpoint: FileEndpoint, url: string, init: RequestInit): Promise<Response> {
  try {
    return await (endpoint.fetch ?? fetch)(url, init);
  } catch (cause) {
    throw new PeerlockNetworkError(`cannot reach ${url}`, { cause });
  }
}

function retryAfterOf(response: Response, ext: { retryAfterSeconds?: unknown } | undefined): number | undefined {
  if (typeof ext?.retryAfterSeconds === 'number') return ext.retryAfterSeconds;
  const header = response.headers.get('retry-after');
  return header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
}

export interface FileEndpoint {
  /** The GraphQL endpoint, e.g. https://host/graphql; file paths are resolved against its origin. */
  readonly graphqlUrl: string;
  readonly authorize: () => string | Promise<string>;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

interface ErrorBody {
  errors?: { extensions?: { code?: unknown; field?: unknown; retryAfterSeconds?: unknown } }[];
}

export async function refusal(response: Response): Promise<FileTransferError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not our JSON (a proxy's page): the status is all we know.
  }
  const ext = body.errors?.[0]?.extensions;
  return errorOf(response, ext);
}

function errorOf(response: Response, ext: NonNullable<ErrorBody['errors']>[number]['extensions']): FileTransferError {
  const code = typeof ext?.code === 'string' ? ext.code : response.status === 503 ? 'UNAVAILABLE' : 'INTERNAL';
  return new FileTransferError(code, response.status, typeof ext?.field === 'string' ? ext.field : undefined, code === 'UNAVAILABLE' ? retryAfterOf(response, ext) : undefined);
}

export async function graphql<T>(endpoint: FileEndpoint, query: string, variables: Record<string, unknown>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await send(endpoint, endpoint.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await endpoint.authorize() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: T } & ErrorBody;
    if (body.errors?.length || !body.data) {
      const error = errorOf(response, body.errors?.[0]?.extensions);
      if (error.code === 'TOKEN_INVALID' && attempt === 0) continue;
      throw error;
    }
    return body.data;
  }
}

/**
 * The body as fetch gets it, made afresh for each attempt. Where the
 * platform can (Node), the bytes go as a one-piece stream with their
 * Content-Length, so fetch sends our buffer instead of a copy of it.
 */
function bodyOf(body: Uint8Array<ArrayBuffer> | null | undefined, headers: Headers): { body?: BodyInit | null; duplex?: 'half' } {
  if (!body || !streamRequestBodies) return body === undefined ? {} : { body };
  headers.set('content-length', String(body.length));
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(body);
      controller.close();
    },
  });
  return { body: stream, duplex: 'half' };
}

export function fileUrl(endpoint: FileEndpoint, path: string): string {
  return new URL(path, endpoint.graphqlUrl).toString();
}

/**
 * One file request; a TOKEN_INVALID answer is retried once with the next
 * token, a short UNAVAILABLE once after its Retry-After (see above). Any
 * other answer, refusals included, is returned.
 */
export async function request(endpoint: FileEndpoint, path: string, init: RequestInit & { body?: Uint8Array<ArrayBuffer> | null }): Promise<Response> {
  let tokenRetried = false;
  let unavailableRetried = false;
  for (;;) {
    const headers = new Headers(init.headers);
    headers.set('authorization', await endpoint.authorize());
    const response = await send(endpoint, fileUrl(endpoint, path), { ...init, headers, ...bodyOf(init.body, headers) });
    if (response.status === 401 && !tokenRetried) {
      const error = await refusal(response);
      if (error.code !== 'TOKEN_INVALID') throw error;
      tokenRetried = true;
      continue;
    }
    if (response.status === 503 && !unavailableRetried) {
      const error = await refusal(response);
      const wait = error.retryAfterSeconds ?? 1;
      if (error.code !== 'UNAVAILABLE' || wait > MAX_UNAVAILABLE_WAIT_SECONDS) throw error;
      unavailableRetried = true;
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    return response;
  }
}
