/** The error codes are a contract: the server's list is the SDK's, and each code has its HTTP status. */
import { describe, expect, it } from 'vitest';
import { SERVER_ERROR_CODES } from '@peerlock/sdk';
import { ERROR_CODES, httpStatusOf } from '../../src/errors.js';

describe('error codes', () => {
  it('the SDK knows exactly the codes the server sends', () => {
    expect([...SERVER_ERROR_CODES].sort()).toEqual([...ERROR_CODES].sort());
  });

  it('every code has its HTTP status', () => {
    for (const code of ERROR_CODES) expect(httpStatusOf(code), code).toBeGreaterThanOrEqual(400);
  });
});
