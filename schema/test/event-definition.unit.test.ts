import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, InvalidEventDataError, UnknownEventVersionError } from '../src/index.js';

/**
 * A made-up event with three versions, the way a real one grows:
 * v1 { name }  →  v2 { displayName }  (renamed)  →  v3 { displayName, locale }  (new field with a default).
 */
const ProfileRenamed = defineEvent('ProfileRenamed', z.strictObject({ name: z.string() }))
  .evolve(z.strictObject({ displayName: z.string() }), (v1) => ({ displayName: v1.name }))
  .evolve(z.strictObject({ displayName: z.string(), locale: z.string() }), (v2) => ({ ...v2, locale: 'und' }));

describe('versioned event definitions', () => {
  it('numbers versions in definition order', () => {
    expect(ProfileRenamed.version).toBe(3);
    expectTypeOf(ProfileRenamed.create).parameter(0).toEqualTypeOf<{ displayName: string; locale: string }>();
  });

  it('loads a payload stored at every old version as the current shape', () => {
    expect(ProfileRenamed.decode({ name: 'Ada' }, 1)).toEqual({ displayName: 'Ada', locale: 'und' });
    expect(ProfileRenamed.decode({ displayName: 'Ada' }, 2)).toEqual({ displayName: 'Ada', locale: 'und' });
    expect(ProfileRenamed.decode({ displayName: 'Ada', locale: 'fr' }, 3)).toEqual({ displayName: 'Ada', locale: 'fr' });
  });

  it('validates a stored payload against the schema of its own version', () => {
    // A v2-shaped payload labelled v1 is corrupt, not "close enough".
    const error = catchError(() => ProfileRenamed.decode({ displayName: 'Ada' }, 1));
    expect(error).toBeInstanceOf(InvalidEventDataError);
    expect(error).toMatchObject({ code: 'INVALID_EVENT_DATA', eventType: 'ProfileRenamed', version: 1 });
  });

  it('refuses versions it does not know, including newer ones', () => {
    for (const version of [0, 4, 1.5, -1, Number.NaN]) {
      const error = catchError(() => ProfileRenamed.decode({ name: 'Ada' }, version));
      expect(error).toBeInstanceOf(UnknownEventVersionError);
      expect(error).toMatchObject({ code: 'UNKNOWN_EVENT_VERSION', currentVersion: 3 });
    }
  });

  it('creates events at the current version only with valid payloads', () => {
    expect(ProfileRenamed.create({ displayName: 'Ada', locale: 'en' })).toEqual({
      type: 'ProfileRenamed',
      schemaVersion: 3,
      data: { displayName: 'Ada', locale: 'en' },
    });
    const error = catchError(() => ProfileRenamed.create({ displayName: 'Ada' } as never));
    expect(error).toBeInstanceOf(InvalidEventDataError);
    expect((error as InvalidEventDataError).issues.map((issue) => issue.path)).toEqual([['locale']]);
  });

  it('fails loudly when an upcaster produces an invalid shape', () => {
    const Broken = defineEvent('Broken', z.strictObject({ a: z.number() })).evolve(z.strictObject({ b: z.number() }), (v1) => ({ b: String(v1.a) }) as never);
    const error = catchError(() => Broken.decode({ a: 1 }, 1));
    expect(error).toBeInstanceOf(InvalidEventDataError);
    expect(error).toMatchObject({ version: 2 });
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
