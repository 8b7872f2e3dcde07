import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printedSchema } from '../../src/graphql/schema.js';

describe('schema/schema.graphql', () => {
  it('is what the Pothos schema prints (run `npm run generate` after changing a type)', () => {
    const committed = readFileSync(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printedSchema());
  });

  it('offers no way to list or search users', () => {
    expect(printedSchema()).not.toMatch(/\b(users|searchUsers|allUsers)\b/);
  });
});
