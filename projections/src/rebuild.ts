/**
 * Rebuilds read models beside the live ones and switches to them (issue 15,
 * DESIGN §7): blue/green, so readers never see a half-built model.
 *
 * One pass over the log feeds every projection being rebuilt (it was one
 * pass per projection): each batch of events is read once and committed to
 * each projection's shadow (`<name>_next`, emptied first). When the pass
 * reaches the head of the log, each shadow replaces its live model in one
 * transaction (ReadModelStore.swap); a live runner then finds its checkpoint
 * moved and carries on from the shadow's, folding whatever arrived meanwhile.
 */
import type { RecordedEvent } from '@peerlock/schema';
import type { EventSource } from './event-source.js';
import { foldEvents, type Projection } from './projection.js';
import type { ReadModelStore } from './storage/read-model-store.js';

export interface RebuildProgress {
  /** Position of the last event folded into every shadow. */
  readonly position: bigint;
  /** The head of the log when the pass began (it may have grown since). */
  readonly head: bigint;
  readonly events: number;
}

export interface RebuildOptions {
  readonly source: EventSource;
  readonly store: ReadModelStore;
  readonly projections: readonly Projection<unknown, RecordedEvent>[];
  /** Events read per batch. */
  readonly batchSize?: number;
  readonly onProgress?: (progress: RebuildProgress) => void;
}

export const shadowName = (name: string): string => `${name}_next`;

/** Returns the position every rebuilt model was switched at. */
export async function rebuildProjections(options: RebuildOptions): Promise<bigint> {
  const { source, store, projections } = options;
  const batchSize = options.batchSize ?? 1000;
  const shadows = projections.map((p) => ({ projection: p, name: shadowName(p.name) }));
  for (const s of shadows) await store.reset({ name: s.name, version: s.projection.version });
  let position = 0n;
  let events = 0;
  const head = await source.headPosition();
  for (;;) {
    const batch = await source.readAll({ after: position, maxCount: batchSize });
    if (batch.length === 0) break;
    const to = batch[batch.length - 1]!.globalPosition;
    for (const { projection, name } of shadows) {
      const handled = batch.filter((e) => projection.handles.has(e.type)).map((e) => projection.decode(e));
      const documentIds = new Set<string>();
      for (const event of handled) for (const id of projection.documentIds(event)) documentIds.add(id);
      const outcome = await store.commit(name, { from: position, to, documentIds: [...documentIds], fold: (view) => foldEvents(projection, view, handled) });
      if (outcome !== 'committed') throw new Error(`rebuild of ${projection.name}: its shadow ${name} moved under the rebuild (another rebuild running?)`);
    }
    position = to;
    events += batch.length;
    options.onProgress?.({ position, head, events });
    // A short batch is the head of the log as it was a moment ago: switch now (the live runners fold the rest).
    if (batch.length < batchSize) break;
  }
  for (const { projection, name } of shadows) await store.swap(projection.name, name);
  return position;
}
