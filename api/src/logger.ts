/**
 * The server log. Refusals (bad input, bad token, rate limits …) are the API
 * working as intended and are not logged as errors; faults are, with their
 * stack, server-side only. Nothing logged carries a token, a challenge, a
 * code or a secret: those never reach an error message in the first place.
 */
import { GraphQLError } from 'graphql';
import type { YogaLogger } from 'graphql-yoga';
import { PeerlockError, isErrorCode } from './errors.js';
import { storageFaultOf } from './storage/storage-faults.js';

function isRefusal(value: unknown): boolean {
  if (value instanceof PeerlockError) return true;
  // The database restarting, a full disk: UNAVAILABLE for the client; the pool already said so, once (storage/postgres-pool.ts).
  if (storageFaultOf(value)) return true;
  // Duck-typed: Yoga and graphql-tools may hand us errors from another copy of graphql-js.
  if (value instanceof Error && value.name === 'GraphQLError') {
    const e = value as GraphQLError;
    if (e.originalError instanceof PeerlockError || !e.originalError || storageFaultOf(e.originalError)) return true;
    const status = (e.extensions?.http as { status?: unknown } | undefined)?.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return true;
    const code = e.extensions?.code;
    return isErrorCode(code) && code !== 'INTERNAL';
  }
  return false;
}

export function createLogger(level: 'info' | 'warn'): YogaLogger {
  const verbose = level === 'info';
  return {
    debug: () => {},
    info: (...args: unknown[]) => {
      if (verbose) console.info(...args);
    },
    warn: (...args: unknown[]) => console.warn(...args),
    error: (...args: unknown[]) => {
      if (args.some(isRefusal)) return;
      console.error(...args);
    },
  };
}
