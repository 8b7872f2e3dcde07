/**
 * Witness co-signatures as the server serves them (DESIGN §6, T13): per tree
 * size, every witness's latest line; sizes in order; only the RECENT_HEADS
 * largest kept, so the document is bounded whatever the witnesses send.
 */
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@peerlock/schema';
import { foldEvents, KEY_LOG_COSIGNATURES_ID, keyLogCosignaturesProjection, RECENT_HEADS, type KeyLogCosignaturesDocument } from '../src/index.js';

let position = 0n;
const root = (n: number) => Buffer.alloc(32, n % 256).toString('base64');
const signature = (witness: string, n: number) => Buffer.alloc(76, `${witness}${n}`).toString('base64');
function cosigned(witness: string, treeSize: number): RecordedEvent {
  position += 1n;
  return {
    id: `00000000-0000-4000-8000-${position.toString().padStart(12, '0')}`,
    type: 'KeyLogCosigned',
    schemaVersion: 1,
    data: { witness, treeSize, rootHash: root(treeSize), signature: signature(witness, treeSize) },
    metadata: { actor: 'witness', correlationId: 'test', causationId: null, occurredAt: '2026-12-04T00:00:00.000Z' },
    streamName: `key-log-witness-${witness}`,
    streamRevision: 0n,
    globalPosition: position,
  } as RecordedEvent;
}
const fold = (events: RecordedEvent[]) =>
  foldEvents(keyLogCosignaturesProjection, { get: () => undefined }, events.map((e) => keyLogCosignaturesProjection.decode(e))).get(KEY_LOG_COSIGNATURES_ID) as KeyLogCosignaturesDocument;

describe('key_log_cosignatures', () => {
  it('collects every witness per size, sizes ascending, whatever order the witnesses come in', () => {
    const doc = fold([cosigned('a', 10), cosigned('b', 12), cosigned('b', 10), cosigned('a', 12), cosigned('c', 11)]);
    expect(doc.heads.map((h) => h.treeSize)).toEqual([10, 11, 12]);
    expect(doc.heads[0]).toEqual({ treeSize: 10, rootHash: root(10), cosignatures: { a: signature('a', 10), b: signature('b', 10) } });
    expect(Object.keys(doc.heads[2]!.cosignatures).sort()).toEqual(['a', 'b']);
  });

  it(`keeps the ${RECENT_HEADS} largest sizes only, and ignores an older size once full`, () => {
    const events = Array.from({ length: RECENT_HEADS + 10 }, (_, i) => cosigned('a', 100 + i));
    const doc = fold([...events, cosigned('b', 100), cosigned('b', 200)]);
    expect(doc.heads).toHaveLength(RECENT_HEADS);
    expect(doc.heads[0]!.treeSize).toBe(111);
    expect(doc.heads.at(-1)!.treeSize).toBe(200);
    expect(doc.heads.some((h) => h.treeSize === 100)).toBe(false);
  });
});
