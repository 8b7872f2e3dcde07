/**
 * The closed list of error codes a client can see (STYLE.md §6). Every error
 * that leaves the server carries one of these in `extensions.code`; anything
 * else is masked as INTERNAL with no message detail, stack or cause.
 * Clients (SDK, CLI) switch on the code, never on the message.
 */
import { GraphQLError } from 'graphql';
import { SERVER_ERROR_CODES } from '@peerlock/sdk';
import { noteStorageFault, storageFaultOf } from './storage/storage-faults.js';

// One list for both ends of the wire: the SDK's, which clients switch on (sdk/src/client/errors.ts).
export const ERROR_CODES = SERVER_ERROR_CODES;
export type ErrorCode = (typeof ERROR_CODES)[number];

const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  TOKEN_INVALID: 401,
  CHALLENGE_INVALID: 401,
  TWO_FACTOR_REQUIRED: 401,
  TWO_FACTOR_INVALID: 401,
  SESSION_ENDED: 401,
  RATE_LIMITED: 429,
  USERNAME_TAKEN: 409,
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  QUOTA_EXCEEDED: 413,
  CONFLICT: 409,
  WINDOW_CLOSED: 403,
  // Gone for good (docs/links.md): a retry cannot succeed.
  LINK_REVOKED: 410,
  LINK_EXPIRED: 410,
  LINK_EXHAUSTED: 410,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const DEFAULT_MESSAGE: Record<ErrorCode, string> = {
  BAD_INPUT: 'Bad input',
  UNAUTHENTICATED: 'Authentication required',
  TOKEN_INVALID: 'Invalid token',
  CHALLENGE_INVALID: 'Challenge failed',
  TWO_FACTOR_REQUIRED: 'Two-factor code required',
  TWO_FACTOR_INVALID: 'Invalid two-factor code',
  SESSION_ENDED: 'This device session has ended; log in again',
  RATE_LIMITED: 'Too many requests',
  USERNAME_TAKEN: 'Username taken',
  NOT_FOUND: 'Not found',
  FORBIDDEN: 'Forbidden',
  QUOTA_EXCEEDED: 'Quota exceeded',
  CONFLICT: 'Conflict',
  WINDOW_CLOSED: 'The time to do this has passed',
  LINK_REVOKED: 'This link was revoked by its owner',
  LINK_EXPIRED: 'This link has expired',
  LINK_EXHAUSTED: 'This link was opened as often as its owner allowed',
  UNAVAILABLE: 'Temporarily unavailable, retry later',
  INTERNAL: 'Unexpected error',
};

export interface PeerlockErrorDetails {
  /** RATE_LIMITED, UNAVAILABLE: whole seconds until a retry can succeed (also sent as Retry-After). */
  retryAfterSeconds?: number;
  /** BAD_INPUT: which argument, never its value. */
  field?: string;
}

/**
 * A refusal the client is meant to see. Messages are fixed per code and say
 * nothing an attacker could use (no "user exists but password wrong").
 */
export class PeerlockError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly details: PeerlockErrorDetails = {},
  ) {
    super(DEFAULT_MESSAGE[code]);
    this.name = 'PeerlockError';
  }

  toGraphQLError(): GraphQLError {
    return new GraphQLError(this.message, {
      extensions: {
        code: this.code,
        ...(this.details.field !== undefined ? { field: this.details.field } : {}),
        ...(this.details.retryAfterSeconds !== undefined ? { retryAfterSeconds: this.details.retryAfterSeconds } : {}),
        http: {
          status: HTTP_STATUS[this.code],
          ...(this.details.retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(this.details.retryAfterSeconds) } } : {}),
        },
      },
    });
  }
}

/** For the HTTP endpoints outside GraphQL (files): the same status a code gets in a GraphQL response. */
export const httpStatusOf = (code: ErrorCode): number => HTTP_STATUS[code];

export const badInput = (field: string): PeerlockError => new PeerlockError('BAD_INPUT', { field });

/**
 * What a client is told about `error`: our refusals as they are; the
 * storage's state (the database restarting or out of reach, a full disk, a
 * read-only folder: storage/storage-faults.ts) as UNAVAILABLE with when to
 * retry; null for anything else, a fault of ours, which is masked as INTERNAL.
 */
export function refusalOf(error: unknown): PeerlockError | null {
  if (error instanceof PeerlockError) return error;
  const fault = storageFaultOf(error);
  if (!fault) return null;
  noteStorageFault(fault);
  return new PeerlockError('UNAVAILABLE', { retryAfterSeconds: fault.retryAfterSeconds });
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

export function internalError(): GraphQLError {
  return new GraphQLError(DEFAULT_MESSAGE.INTERNAL, { extensions: { code: 'INTERNAL', http: { status: 500 } } });
}
