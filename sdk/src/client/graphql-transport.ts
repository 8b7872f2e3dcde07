/**
 * Typed documents over fetch. Browser-safe: only fetch, no Node import.
 * Each request carries at most one Authorization value (one token).
 */
// The printer alone, not graphql's index: the index loads the whole library
// (validation, execution, ~10 MiB of heap) and the client only prints documents.
import { print } from 'graphql/language/printer.js';
import type { DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { PeerlockApiError, PeerlockNetworkError, serverCodeOf } from './errors.js';

const printed = new WeakMap<DocumentNode, string>();

/** The printed text of a document, printed once. */
export function operationText(document: DocumentNode): string {
  let query = printed.get(document);
  if (query === undefined) {
    query = print(document);
    printed.set(document, query);
  }
  return query;
}

interface WireError {
  extensions?: { code?: unknown; field?: unknown; retryAfterSeconds?: unknown };
}

export function apiErrorOf(error: WireError | undefined, status: number): PeerlockApiError {
  const ext = error?.extensions ?? {};
  return new PeerlockApiError(serverCodeOf(ext.code), status, {
    ...(typeof ext.field === 'string' ? { field: ext.field } : {}),
    ...(typeof ext.retryAfterSeconds === 'number' ? { retryAfterSeconds: ext.retryAfterSeconds } : {}),
  });
}

export async function executeOperation<R, V>(
  fetchImpl: typeof fetch,
  url: string,
  document: TypedDocumentNode<R, V>,
  variables: V,
  authorization?: string,
): Promise<R> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: operationText(document), variables }),
    });
  } catch (cause) {
    throw new PeerlockNetworkError(`cannot reach ${url}`, { cause });
  }
  let body: { data?: R | null; errors?: WireError[] };
  try {
    body = (await response.json()) as typeof body;
  } catch (cause) {
    throw new PeerlockNetworkError(`not a GraphQL answer (HTTP ${response.status})`, { cause });
  }
  if (body.errors?.length || body.data == null) throw apiErrorOf(body.errors?.[0], response.status);
  return body.data;
}
