import { createEventRegistry, type AnyEventDefinition, type EventOf, type RecordedEvent } from '@peerlock/schema';
import { assertProjectionName, UndeclaredDocumentError } from './projection-errors.js';

/** Read access to the documents of one read model, as they stand before the event being folded. */
export interface ReadModelView<Doc> {
  get(id: string): Doc | undefined;
}

export type ReadModelChange<Doc> = { readonly op: 'put'; readonly id: string; readonly doc: Doc } | { readonly op: 'delete'; readonly id: string };

/**
 * A read model as a pure fold: `(readModel, event) → changes`. Pure means
 * synchronous, deterministic, and blind to clocks, randomness and I/O, which
 * is what lets a rebuild from zero reproduce the incremental rows exactly.
 *
 * Documents are JSON values (no bigint, Date or undefined): they are stored as JSON.
 */
export interface Projection<Doc = unknown, Event extends RecordedEvent = RecordedEvent> {
  /** Also the table name suffix: `[a-z][a-z0-9_]{0,47}`. */
  readonly name: string;
  /** Bumped whenever the fold or the document shape changes; stored rows of another version require a rebuild. */
  readonly version: number;
  /** The event types this fold reads. Everything else is skipped without being decoded. */
  readonly handles: ReadonlySet<string>;
  /** Validates and upcasts a handled event to the shape the fold expects. */
  decode(event: RecordedEvent): Event;
  /** The schema version a handled type is written at today. */
  currentVersion(type: string): number;
  /** The documents `apply` may read for this event; the runner loads them before folding. */
  documentIds(event: Event): readonly string[];
  apply(view: ReadModelView<Doc>, event: Event): readonly ReadModelChange<Doc>[];
}

export interface ProjectionDefinition<Doc, Definitions extends readonly AnyEventDefinition[]> {
  readonly name: string;
  readonly version: number;
  readonly handles: Definitions;
  documentIds(event: EventOf<Definitions[number]>): readonly string[];
  apply(view: ReadModelView<Doc>, event: EventOf<Definitions[number]>): readonly ReadModelChange<Doc>[];
}

export function defineProjection<Doc, const Definitions extends readonly AnyEventDefinition[]>(
  definition: ProjectionDefinition<Doc, Definitions>,
): Projection<Doc, EventOf<Definitions[number]>> {
  assertProjectionName(definition.name);
  if (!Number.isInteger(definition.version) || definition.version < 1) throw new RangeError(`projection ${definition.name}: version must be a positive integer`);
  const registry = createEventRegistry(definition.handles);
  return {
    name: definition.name,
    version: definition.version,
    handles: registry.types,
    decode: (event) => registry.decode(event) as EventOf<Definitions[number]>,
    currentVersion: (type) => registry.currentVersion(type as never),
    documentIds: definition.documentIds,
    apply: definition.apply,
  };
}

export interface DocumentProjectionDefinition<Doc, Definitions extends readonly AnyEventDefinition[]> {
  readonly name: string;
  readonly version: number;
  readonly handles: Definitions;
  /** The one document each event is about. */
  documentId(event: EventOf<Definitions[number]>): string;
  /** The document after the event: the same object for "no change", null to delete it. */
  evolve(current: Doc | undefined, event: EventOf<Definitions[number]>): Doc | null;
}

/** The common case: each event changes at most one document, named by the event. */
export function defineDocumentProjection<Doc, const Definitions extends readonly AnyEventDefinition[]>(
  definition: DocumentProjectionDefinition<Doc, Definitions>,
): Projection<Doc, EventOf<Definitions[number]>> {
  return defineProjection<Doc, Definitions>({
    name: definition.name,
    version: definition.version,
    handles: definition.handles,
    documentIds: (event) => [definition.documentId(event)],
    apply(view, event) {
      const id = definition.documentId(event);
      const current = view.get(id);
      const next = definition.evolve(current, event);
      if (next === current) return [];
      if (next === null) return current === undefined ? [] : [{ op: 'delete', id }];
      return [{ op: 'put', id, doc: next }];
    },
  });
}

/**
 * Folds a batch of events over a view, in order, each event seeing the changes of
 * the ones before it. Returns the final state of every touched document (null =
 * deleted). The runner and the given/when/then helper share this one code path.
 */
export function foldEvents<Doc, Event extends RecordedEvent>(
  projection: Projection<Doc, Event>,
  view: ReadModelView<Doc>,
  events: readonly Event[],
): Map<string, Doc | null> {
  const changed = new Map<string, Doc | null>();
  let declared: readonly string[] = [];
  const overlay: ReadModelView<Doc> = {
    get(id) {
      // Storage loads only declared documents; reading another would silently see "missing" in production.
      if (!declared.includes(id)) throw new UndeclaredDocumentError(projection.name, id);
      return changed.has(id) ? (changed.get(id) ?? undefined) : view.get(id);
    },
  };
  for (const event of events) {
    declared = projection.documentIds(event);
    for (const change of projection.apply(overlay, event)) {
      changed.set(change.id, change.op === 'put' ? change.doc : null);
    }
  }
  return changed;
}
