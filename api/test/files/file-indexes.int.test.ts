/**
 * What one file index call costs the server (DESIGN §5: no input may make
 * it work superlinearly): counted in events read from the store, against
 * SQLite, for a log of 4 000 records, by a shell with a cold cache (another
 * node, or a restart) and a warm one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteEventStore, type EventStore } from '../../src/eventstore/index.js';
import { FileIndexes } from '../../src/files/file-indexes.js';

const dir = mkdtempSync(join(tmpdir(), 'peerlock-file-indexes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const context = { actor: 'alice', correlationId: 'c', now: Date.parse('2026-12-01T00:00:00Z') };
const blob = (n: number) => Buffer.from(`record ${n}`.padEnd(300, '.')).toString('base64');

/** The store, counting the events each readStream returns. */
function counting(store: EventStore): { store: EventStore; read: number[] } {
  const read: number[] = [];
  return {
    read,
    store: new Proxy(store, {
      get(target, key) {
        if (key !== 'readStream') return Reflect.get(target, key, target) as unknown;
        return async (...args: Parameters<EventStore['readStream']>) => {
          const events = await target.readStream(...args);
          read.push(events.length);
          return events;
        };
      },
    }),
  };
}

describe('file index costs', () => {
  it('an append reads one event and a page at most `first`, however long the log', async () => {
    const sqlite = new SqliteEventStore({ path: join(dir, 'index.db') });
    try {
      const writer = new FileIndexes(sqlite);
      for (let version = 0; version < 4000; version += 100) {
        await writer.append(version, Array.from({ length: 100 }, (_, i) => blob(version + i + 1)), context);
      }

      const cold = counting(sqlite);
      const indexes = new FileIndexes(cold.store);
      expect(await indexes.append(4000, [blob(4001)], context)).toBe(4001);
      expect(cold.read).toEqual([1]);
      cold.read.length = 0;
      await expect(indexes.append(3999, [blob(4001)], context)).rejects.toMatchObject({ code: 'CONFLICT' });
      // Warm: the tail since the cached revision, here nothing.
      expect(Math.max(...cold.read)).toBe(0);

      cold.read.length = 0;
      const page = await new FileIndexes(cold.store).records('alice', 3000, 500);
      expect(page.records.map((r) => r.sequence)).toEqual(Array.from({ length: 500 }, (_, i) => 3001 + i));
      expect(page.version).toBe(4001);
      expect(cold.read).toEqual([500, 1]);
    } finally {
      await sqlite.close();
    }
  });
});
