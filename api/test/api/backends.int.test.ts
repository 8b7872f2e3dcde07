import { describe, it } from 'vitest';

describe('backends', () => {
  // Every *.int.test.ts in this folder runs once per backend in BACKENDS (test/support/test-server.ts).
  it.skipIf(!process.env.DATABASE_URL)('the PostgreSQL runs of the API suites need DATABASE_URL (CI sets it)', () => {});
});
