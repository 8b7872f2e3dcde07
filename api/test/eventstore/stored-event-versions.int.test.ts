import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import type { EventSource } from '@peerlock/projections';
import { createEventRegistry, defineEvent, UnknownEventVersionError } from '@peerlock/schema';
import { SqliteEventStore, type EventStore } from '../../src/eventstore/index.js';

const dir = mkdtempSync(join(tmpdir(), 'peerlock-versions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const metadata = { actor: 'alice', correlationId: 'c', causationId: null, occurredAt: '2026-01-01T00:00:00.000Z' };

describe('stored events across schema versions', () => {
  it('loads an event written at an old version as the current shape', async () => {
    // Version 1 as it was shipped, and the code of today that has moved on to version 2.
    const v1 = defineEvent('DeviceNamed', z.strictObject({ name: z.string() }));
    const v2 = v1.evolve(z.strictObject({ label: z.string(), platform: z.enum(['web', 'cli', 'unknown']) }), (old) => ({ label: old.name, platform: 'unknown' as const }));
    const store = new SqliteEventStore({ path: join(dir, 'versions.db') });
    try {
      await store.append('device-1', [{ id: randomUUID(), ...v1.create({ name: 'laptop' }), metadata }]);
      await store.append('device-1', [{ id: randomUUID(), ...v2.create({ label: 'phone', platform: 'web' }), metadata }]);

      const registry = createEventRegistry([v2]);
      const decoded = (await store.readStream('device-1')).map((event) => registry.decode(event));
      expect(decoded.map((event) => [event.schemaVersion, event.data])).toEqual([
        [2, { label: 'laptop', platform: 'unknown' }],
        [2, { label: 'phone', platform: 'web' }],
      ]);

      // An event from a newer server is refused rather than misread.
      await store.append('device-1', [{ id: randomUUID(), type: 'DeviceNamed', schemaVersion: 3, data: { label: 'x' }, metadata }]);
      const [, , newer] = await store.readStream('device-1');
      expect(() => registry.decode(newer!)).toThrow(UnknownEventVersionError);
    } finally {
      await store.close();
    }
  });

  it('is an EventSource for the projection runner, without projections depending on the api', () => {
    expectTypeOf<EventStore>().toMatchTypeOf<EventSource>();
  });
});
