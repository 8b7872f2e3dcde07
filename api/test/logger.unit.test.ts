/** The one server log: levels, the JSON format for collectors, and refusals never logged as errors. */
import { describe, expect, it } from 'vitest';
import { PeerlockError } from '../src/errors.js';
import { createLogger, type LogLevel } from '../src/logger.js';

function capture(level: LogLevel) {
  const lines: { level: LogLevel; line: Record<string, unknown> }[] = [];
  const log = createLogger(level, 'json', (at, line) => lines.push({ level: at, line: JSON.parse(line) as Record<string, unknown> }));
  return { log, lines };
}

describe('server log', () => {
  it('drops lines below its level', () => {
    const { log, lines } = capture('warn');
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e', new Error('boom'));
    expect(lines.map((l) => l.level)).toEqual(['warn', 'error']);
  });

  it('json: one object per line with time, level, message, the error with its stack, and fields', () => {
    const { log, lines } = capture('debug');
    log.error('file request failed', Object.assign(new Error('disk'), { code: 'EIO' }), { fileId: 'f1' });
    const { line } = lines[0]!;
    expect(line).toMatchObject({ level: 'error', msg: 'file request failed', fileId: 'f1', error: { name: 'Error', message: 'disk', code: 'EIO' } });
    expect(Date.parse(line.time as string)).not.toBeNaN();
    expect((line.error as { stack: string }).stack).toContain('logger.unit.test');
  });

  it('json: bigints (log positions) are written as decimal strings, not a failed line', () => {
    const { log, lines } = capture('debug');
    log.warn('read models behind', { position: 12345678901234567890n });
    expect(lines[0]!.line).toMatchObject({ msg: 'read models behind', position: '12345678901234567890' });
  });

  it('a refusal (the API working as intended) is not an error line', () => {
    const { log, lines } = capture('debug');
    log.error('request', new PeerlockError('BAD_INPUT', { field: 'x' }));
    expect(lines).toEqual([]);
  });
});
