import { describe, expect, it } from 'vitest';
import { BACKENDS } from '../support/test-server.js';

describe('backends', () => {
  // Every *.int.test.ts in this folder runs once per backend in BACKENDS (test/support/test-server.ts).
  it('every API suite runs on SQLite, and on PostgreSQL too whenever DATABASE_URL is given', () => {
    expect(BACKENDS[0]).toBe('sqlite');
    expect(BACKENDS.includes('postgres')).toBe(Boolean(process.env.DATABASE_URL));
  });

  // A CI run without DATABASE_URL would quietly test SQLite alone (.ci/run starts PostgreSQL and exports it).
  it.skipIf(!process.env.CI)('in CI the PostgreSQL runs are not skipped (skipped outside CI: no database is required there)', () => {
    expect(process.env.DATABASE_URL, 'CI must give DATABASE_URL').toBeTruthy();
    expect(BACKENDS).toContain('postgres');
  });
});
