/**
 * A request id for every HTTP request: the caller's `X-Request-Id` when it is
 * a plausible id (so a proxy's id carries through), otherwise a new UUID.
 * Echoed in the response header and recorded as the events' correlation id.
 */
import { randomUUID } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';

const INCOMING_ID = /^[A-Za-z0-9._-]{8,64}$/;
const ids = new WeakMap<Request, string>();

export function requestIdOf(request: Request): string {
  let id = ids.get(request);
  if (!id) {
    const incoming = request.headers.get('x-request-id');
    id = incoming && INCOMING_ID.test(incoming) ? incoming : randomUUID();
    ids.set(request, id);
  }
  return id;
}

export function useRequestId(): Plugin {
  return {
    onRequest({ request }) {
      requestIdOf(request);
    },
    onResponse({ request, response }) {
      response.headers.set('x-request-id', requestIdOf(request));
    },
  };
}
