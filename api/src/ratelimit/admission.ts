/**
 * Load shedding (issue 17): a node runs at most `limit` GraphQL operations
 * at once, over HTTP and WebSocket together. Past it, an operation is
 * refused at once with UNAVAILABLE and a Retry-After of one second, before
 * it costs anything (no token spent, nothing parsed), instead of joining an
 * unbounded pile of work whose every member then misses its deadline: under
 * overload the node keeps delivering at its capacity, and the clients retry
 * with jitter (the SDK does).
 */
import type { ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import { PeerlockError } from '../errors.js';

export const SHED_RETRY_AFTER_SECONDS = 1;

export class Admission {
  private running = 0;

  constructor(private readonly limit: number) {}

  get inFlight(): number {
    return this.running;
  }

  /** Takes a slot, or returns false when `limit` operations are running. */
  tryEnter(): boolean {
    if (this.running >= this.limit) return false;
    this.running++;
    return true;
  }

  leave(): void {
    this.running--;
  }
}

/** The refusal as the GraphQL error every UNAVAILABLE is (PeerlockError.toGraphQLError), without its HTTP hints, which travel in the response itself. */
export function shedGraphQLError(): GraphQLError {
  const error = new PeerlockError('UNAVAILABLE', { retryAfterSeconds: SHED_RETRY_AFTER_SECONDS }).toGraphQLError();
  const { http: _http, ...extensions } = error.extensions;
  return new GraphQLError(error.message, { extensions });
}

/** The HTTP refusal: 503, Retry-After, and the same GraphQL error body any UNAVAILABLE has. */
export function refuseOverloaded(res: ServerResponse): void {
  const error = shedGraphQLError();
  const body = JSON.stringify({ errors: [{ message: error.message, extensions: error.extensions }] });
  res.writeHead(503, { 'content-type': 'application/graphql-response+json; charset=utf-8', 'retry-after': String(SHED_RETRY_AFTER_SECONDS), 'content-length': Buffer.byteLength(body) }).end(body);
}
