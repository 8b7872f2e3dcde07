import type { ForgedResponse } from '../../src/testing/index.js';

/** What the server answers when its storage is away (errors.ts UNAVAILABLE: 503, Retry-After), forged by a hostile proxy. */
export const unavailable = (retryAfterSeconds: number): ForgedResponse => ({
  status: 503,
  headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
  body: JSON.stringify({ errors: [{ message: 'Temporarily unavailable, retry later', extensions: { code: 'UNAVAILABLE', retryAfterSeconds } }] }),
});
