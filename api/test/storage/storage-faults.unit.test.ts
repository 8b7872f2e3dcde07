import Database from 'better-sqlite3';
import pg from 'pg';
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PeerlockError, refusalOf } from '../../src/errors.js';
import { maskError } from '../../src/plugins/use-error-codes.js';
import { isConnectionFault, retryingLoopLogger, storageFaultOf } from '../../src/storage/storage-faults.js';

/** As pg's parser builds a server's ErrorResponse. */
function serverError(code: string, message: string): pg.DatabaseError {
  return Object.assign(new pg.DatabaseError(message, 0, 'error'), { severity: 'FATAL', code });
}

const systemError = (code: string, syscall: string, message = `${code}: ${syscall}`) => Object.assign(new Error(message), { code, syscall, errno: -1 });

describe('storage faults', () => {
  it.each([
    ['a restart ending the session (57P01)', serverError('57P01', 'terminating connection due to administrator command'), 'unreachable'],
    ['a server shutting down or starting up (57P03)', serverError('57P03', 'the database system is starting up'), 'unreachable'],
    ['a crash ending the session (57P02)', serverError('57P02', 'terminating connection because of crash of another server process'), 'unreachable'],
    ['a broken connection (08006)', serverError('08006', 'connection failure'), 'unreachable'],
    ['too many connections (53300)', serverError('53300', 'sorry, too many clients already'), 'unreachable'],
    ['a full disk under PostgreSQL (53100)', serverError('53100', 'could not extend file'), 'full'],
    ['a read-only standby (25006)', serverError('25006', 'cannot execute INSERT in a read-only transaction'), 'read-only'],
    ['a refused connection', systemError('ECONNREFUSED', 'connect', 'connect ECONNREFUSED 127.0.0.1:5432'), 'unreachable'],
    ['every address refused (happy eyeballs)', new AggregateError([systemError('ECONNREFUSED', 'connect')], ''), 'unreachable'],
    ['a connection cut under a query', new Error('Connection terminated unexpectedly'), 'unreachable'],
    ['a pool that could not connect in time', new Error('timeout exceeded when trying to connect'), 'unreachable'],
    ['a client left broken', new Error('Client has encountered a connection error and is not queryable'), 'unreachable'],
    ['a full disk (ENOSPC)', systemError('ENOSPC', 'write'), 'full'],
    ['a read-only file system (EROFS)', systemError('EROFS', 'open'), 'read-only'],
    ['a folder we may not write (EACCES)', systemError('EACCES', 'open'), 'read-only'],
    ['a wrapped cause', new Error('append failed', { cause: serverError('57P01', 'terminating connection') }), 'unreachable'],
  ])('%s is %s', (_, error, kind) => {
    expect(storageFaultOf(error)?.kind).toBe(kind);
  });

  it.each([
    ['a unique violation', serverError('23505', 'duplicate key value')],
    ['a missing database', serverError('3D000', 'database "x" does not exist')],
    ['a syntax error', serverError('42601', 'syntax error')],
    ['an error that only borrows a file-system code', Object.assign(new Error('x'), { code: 'EROFS' })],
    ['a missing file', systemError('ENOENT', 'open')],
    ['a plain bug', new TypeError('x is not a function')],
    ['not an error at all', 'ECONNREFUSED'],
  ])('%s is none', (_, error) => {
    expect(storageFaultOf(error)).toBeNull();
  });

  it("SQLite's own 'database or disk is full' and read-only errors are storage faults, its constraint errors are not", () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v TEXT)');
    db.pragma('max_page_count = 4');
    let full: unknown;
    try {
      for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(4000) + i);
    } catch (error) {
      full = error;
    }
    expect(full).toMatchObject({ code: 'SQLITE_FULL', message: 'database or disk is full' });
    expect(storageFaultOf(full)).toEqual({ kind: 'full', retryAfterSeconds: 30, summary: 'SQLITE_FULL database or disk is full' });
    db.close();
    expect(storageFaultOf(Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' }))?.kind).toBe('read-only');
    expect(storageFaultOf(Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }))).toBeNull();
  });

  it('a connection fault is waited out; a full disk is not', () => {
    expect(isConnectionFault(serverError('57P01', 'terminating'))).toBe(true);
    expect(isConnectionFault(systemError('ENOSPC', 'write'))).toBe(false);
  });

  it('reaches clients as UNAVAILABLE with Retry-After, our refusals as they are, anything else as INTERNAL', () => {
    expect(refusalOf(serverError('57P01', 'terminating'))).toMatchObject({ code: 'UNAVAILABLE', details: { retryAfterSeconds: 2 } });
    expect(refusalOf(systemError('ENOSPC', 'write'))).toMatchObject({ code: 'UNAVAILABLE', details: { retryAfterSeconds: 30 } });
    const conflict = new PeerlockError('CONFLICT');
    expect(refusalOf(conflict)).toBe(conflict);
    expect(refusalOf(new TypeError('bug'))).toBeNull();

    const wrapped = new GraphQLError('Connection terminated unexpectedly', { originalError: new Error('Connection terminated unexpectedly') });
    const masked = maskError(wrapped) as GraphQLError;
    expect(masked.message).toBe('Temporarily unavailable, retry later');
    expect(masked.extensions).toEqual({ code: 'UNAVAILABLE', retryAfterSeconds: 2, http: { status: 503, headers: { 'retry-after': '2' } } });
    expect((maskError(new TypeError('bug')) as GraphQLError).extensions).toMatchObject({ code: 'INTERNAL', http: { status: 500 } });
  });

  it("a retrying loop's log: one line per kind of fault, not one per retry; other errors whole", () => {
    const lines: string[] = [];
    const errors: unknown[][] = [];
    const onError = retryingLoopLogger('log feed', (line) => lines.push(line), (...args) => errors.push(args));
    for (let i = 0; i < 5; i++) onError(serverError('57P01', 'terminating connection due to administrator command'));
    onError(systemError('ECONNREFUSED', 'connect', 'connect ECONNREFUSED 127.0.0.1:5432'));
    onError(systemError('ENOSPC', 'write', 'ENOSPC: no space left on device, write'));
    expect(lines).toEqual([
      'log feed: storage unreachable: 57P01 terminating connection due to administrator command; retrying',
      'log feed: storage full: ENOSPC: no space left on device, write; retrying',
    ]);
    const bug = new TypeError('bug');
    onError(bug);
    expect(errors).toEqual([['log feed:', bug]]);
  });
});
