import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createEventRegistry, defineEvent, DuplicateEventTypeError, UnknownEventTypeError, type RecordedEvent } from '../src/index.js';

const Opened = defineEvent('Opened', z.strictObject({ by: z.string() }));
const Closed = defineEvent('Closed', z.strictObject({ reason: z.string() })).evolve(z.strictObject({ reason: z.string(), final: z.boolean() }), (v1) => ({
  ...v1,
  final: true,
}));
const registry = createEventRegistry([Opened, Closed]);

const stored = (type: string, schemaVersion: number, data: unknown): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  schemaVersion,
  data,
  metadata: { actor: 'alice', correlationId: 'c1', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z' },
  streamName: 'door-1',
  streamRevision: 4n,
  globalPosition: 42n,
});

describe('event registry', () => {
  it('decodes a stored old-version event to the current shape and version, keeping the envelope', () => {
    const event = registry.decode(stored('Closed', 1, { reason: 'done' }));
    expect(event).toEqual({ ...stored('Closed', 2, { reason: 'done', final: true }) });
    if (event.type === 'Closed') expectTypeOf(event.data).toEqualTypeOf<{ reason: string; final: boolean }>();
  });

  it('encodes at the current version with the payload type of the named event', () => {
    expect(registry.encode('Closed', { reason: 'x', final: false })).toEqual({ type: 'Closed', schemaVersion: 2, data: { reason: 'x', final: false } });
    // @ts-expect-error -- the payload of Opened does not fit Closed
    expect(() => registry.encode('Closed', { by: 'x' })).toThrow();
  });

  it('knows exactly the registered types', () => {
    expect([...registry.types]).toEqual(['Opened', 'Closed']);
    expect(registry.has('Opened')).toBe(true);
    expect(registry.has('opened')).toBe(false);
  });

  it('rejects unknown types with a typed error', () => {
    const act = () => registry.decode(stored('Slammed', 1, {}));
    expect(act).toThrow(UnknownEventTypeError);
    try {
      act();
    } catch (error) {
      expect(error).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', eventType: 'Slammed' });
    }
  });

  it('refuses two definitions of one type name', () => {
    expect(() => createEventRegistry([Opened, defineEvent('Opened', z.object({}))])).toThrow(DuplicateEventTypeError);
  });
});
