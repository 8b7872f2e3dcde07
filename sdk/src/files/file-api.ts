/**
 * The wire calls behind the file helpers, over fetch only (browser-safe).
 * Every call spends one token: `authorize()` returns a fresh
 * `Authorization: Peerlock <username> <token>` value each time.
 */
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
  const response = await (endpoint.fetch ?? fetch)(endpoint.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await endpoint.authorize() },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: T } & ErrorBody;
  const ext = body.errors?.[0]?.extensions;
  if (body.errors?.length || !body.data) {
    throw new FileTransferError(typeof ext?.code === 'string' ? ext.code : 'INTERNAL', response.status, typeof ext?.field === 'string' ? ext.field : undefined);
  }
  return body.data;
}

export function fileUrl(endpoint: FileEndpoint, path: string): string {
  return new URL(path, endpoint.graphqlUrl).toString();
}

export async function request(endpoint: FileEndpoint, path: string, init: RequestInit): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('authorization', await endpoint.authorize());
  return (endpoint.fetch ?? fetch)(fileUrl(endpoint, path), { ...init, headers });
}
