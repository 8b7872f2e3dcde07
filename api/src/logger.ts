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

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'text' | 'json';
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** The one server log: Yoga's, the stores', the loops' and the start-up's lines all go through it. */
export type Logger = YogaLogger;

function fieldsOf(args: readonly unknown[]): Record<string, unknown> {
  const words: string[] = [];
  const fields: Record<string, unknown> = {};
  for (const arg of args) {
    if (arg instanceof Error) fields.error = { name: arg.name, message: arg.message, ...((arg as { code?: unknown }).code !== undefined ? { code: (arg as { code?: unknown }).code } : {}), stack: arg.stack };
    else if (typeof arg === 'string') words.push(arg);
    else if (arg !== null && typeof arg === 'object') Object.assign(fields, arg);
    else words.push(String(arg));
  }
  return { msg: words.join(' '), ...fields };
}

/**
 * Lines below `level` are dropped; refusals are never logged as errors.
 * `text`: what a person reads on a terminal (the arguments as console prints
 * them); `json`: one object per line, `{ time, level, msg, error?, … }`,
 * for a log collector.
 */
export function createLogger(level: LogLevel, format: LogFormat = 'text', write: (level: LogLevel, line: string) => void = writeToConsole): Logger {
  const at = LOG_LEVELS.indexOf(level);
  const emit = (lineLevel: LogLevel, args: unknown[]): void => {
    if (LOG_LEVELS.indexOf(lineLevel) < at) return;
    // Positions and revisions are bigints: written as decimal strings rather than failing the line.
    if (format === 'json') write(lineLevel, JSON.stringify({ time: new Date().toISOString(), level: lineLevel, ...fieldsOf(args) }, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)));
    else console[lineLevel](...args);
  };
  return {
    debug: (...args: unknown[]) => emit('debug', args),
    info: (...args: unknown[]) => emit('info', args),
    warn: (...args: unknown[]) => emit('warn', args),
    error: (...args: unknown[]) => {
      if (args.some(isRefusal)) return;
      emit('error', args);
    },
  };
}

function writeToConsole(level: LogLevel, line: string): void {
  (level === 'error' || level === 'warn' ? process.stderr : process.stdout).write(`${line}\n`);
}
