import type { AnyEventDefinition, EncodedEvent, EventDataOf, EventOf, EventTypeOf } from './event-definition.js';
import type { RecordedEvent } from './recorded-event.js';
import { DuplicateEventTypeError, UnknownEventTypeError } from './schema-errors.js';

/**
 * The set of event types one reader understands. Decoding validates a stored
 * payload against the schema of the version it was written at and upcasts it,
 * so folds and deciders only ever see current shapes.
 */
export interface EventRegistry<D extends AnyEventDefinition> {
  readonly types: ReadonlySet<EventTypeOf<D>>;
  has(type: string): type is EventTypeOf<D>;
  /** The version new events of this type are written at. */
  currentVersion(type: EventTypeOf<D>): number;
  /** The decoded event, with `schemaVersion` set to the current version. */
  decode(event: RecordedEvent): EventOf<D>;
  /** Validates a current-version payload for appending. */
  encode<Type extends EventTypeOf<D>>(type: Type, data: EventDataOf<Extract<D, { type: Type }>>): EncodedEvent<Type, EventDataOf<Extract<D, { type: Type }>>>;
}

export function createEventRegistry<const Definitions extends readonly AnyEventDefinition[]>(definitions: Definitions): EventRegistry<Definitions[number]> {
  type D = Definitions[number];
  const byType = new Map<string, AnyEventDefinition>();
  for (const definition of definitions) {
    if (byType.has(definition.type)) throw new DuplicateEventTypeError(definition.type);
    byType.set(definition.type, definition);
  }
  const lookup = (type: string): AnyEventDefinition => {
    const definition = byType.get(type);
    if (!definition) throw new UnknownEventTypeError(type);
    return definition;
  };
  return {
    types: new Set(byType.keys() as Iterable<EventTypeOf<D>>),
    has: (type: string): type is EventTypeOf<D> => byType.has(type),
    currentVersion: (type) => lookup(type).version,
    decode(event) {
      const definition = lookup(event.type);
      return { ...event, schemaVersion: definition.version, data: definition.decode(event.data, event.schemaVersion) } as EventOf<D>;
    },
    encode(type, data) {
      return lookup(type).create(data) as never;
    },
  };
}
