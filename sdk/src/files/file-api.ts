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
 */
import { streamRequestBodies } from '#platform';
import { FileTransferError } from './file-errors.js';

export interface FileEndpoint {
  /** The GraphQL endpoint, e.g. https://host/graphql; file paths are resolved against its origin. */
  readonly graphqlUrl: string;
  readonly authorize: () => string | Promise<string>;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

interface ErrorBody {
  errors?: { extensions?: { code?: unknown; field?: unknown } }[];
}

export async function refusal(response: Response): Promise<FileTransferError> {
  let body: ErrorBody = {};
  try {
    body = (await response.json()) as ErrorBody;
  } catch {
    // Not our JSON (a proxy's page): the status is all we know.
  }
  const ext = body.errors?.[0]?.extensions;
  return new FileTransferError(typeof ext?.code === 'string' ? ext.code : 'INTERNAL', response.status, typeof ext?.field === 'string' ? ext.field : undefined);
}

export async function graphql<T>(endpoint: FileEndpoint, query: string, variables: Record<string, unknown>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const response = await (endpoint.fetch ?? fetch)(endpoint.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: await endpoint.authorize() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: T } & ErrorBody;
    const ext = body.errors?.[0]?.extensions;
    if (body.errors?.length || !body.data) {
      const error = new FileTransferError(typeof ext?.code === 'string' ? ext.code : 'INTERNAL', response.status, typeof ext?.field === 'string' ? ext.field : undefined);
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
 * token (see above). Any other answer, refusals included, is returned.
 */
export async function request(endpoint: FileEndpoint, path: string, init: RequestInit & { body?: Uint8Array<ArrayBuffer> | null }): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const headers = new Headers(init.headers);
    headers.set('authorization', await endpoint.authorize());
    const response = await (endpoint.fetch ?? fetch)(fileUrl(endpoint, path), { ...init, headers, ...bodyOf(init.body, headers) });
    if (response.status !== 401 || attempt > 0) return response;
    const error = await refusal(response);
    if (error.code !== 'TOKEN_INVALID') throw error;
  }
}
