import type { z } from 'zod';
import { InvalidEventDataError, UnknownEventVersionError } from './schema-errors.js';
import type { RecordedEvent } from './recorded-event.js';

/** What a writer hands to the event store for one event, minus id and metadata. */
export interface EncodedEvent<Type extends string = string, Data = unknown> {
  readonly type: Type;
  readonly schemaVersion: number;
  readonly data: Data;
}

/**
 * One event type across its history. Versions are numbered 1, 2, 3 ... in the
 * order they were defined; each later version brings an upcaster from the one
 * before, so a payload stored at any version decodes to the current shape.
 * Old schemas are kept (never edited) because the log keeps old payloads.
 */
export interface EventDefinition<Type extends string = string, Data = unknown> {
  readonly type: Type;
  /** The version new events are written at. */
  readonly version: number;
  /** Validates a payload of the current version, ready to append. */
  create(data: Data): EncodedEvent<Type, Data>;
  /** Validates a stored payload at its own version, then upcasts it step by step to the current one. */
  decode(data: unknown, version: number): Data;
  /** The next version of this type: its schema, and how to turn the current shape into it. */
  evolve<Schema extends z.ZodType>(schema: Schema, upcast: (previous: Data) => z.input<Schema>): EventDefinition<Type, z.output<Schema>>;
}

// `any`, not `unknown`: `create` takes the payload as a parameter, so only `any` lets every definition fit here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyEventDefinition = EventDefinition<string, any>;
export type EventTypeOf<D> = D extends EventDefinition<infer Type, unknown> ? Type : never;
export type EventDataOf<D> = D extends EventDefinition<string, infer Data> ? Data : never;
/** The decoded event a definition (or a union of definitions) produces. */
export type EventOf<D> = D extends EventDefinition<infer Type, infer Data> ? RecordedEvent<Type, Data> : never;

interface Step {
  readonly schema: z.ZodType;
  /** Turns a payload of the previous version into this one; absent for version 1. */
  readonly upcast?: (previous: unknown) => unknown;
}

/** Starts the history of an event type at version 1. */
export function defineEvent<const Type extends string, Schema extends z.ZodType>(type: Type, schema: Schema): EventDefinition<Type, z.output<Schema>> {
  return new VersionedEventType<Type, z.output<Schema>>(type, [{ schema }]);
}

class VersionedEventType<Type extends string, Data> implements EventDefinition<Type, Data> {
  constructor(
    readonly type: Type,
    private readonly steps: readonly Step[],
  ) {}

  get version(): number {
    return this.steps.length;
  }

  create(data: Data): EncodedEvent<Type, Data> {
    return { type: this.type, schemaVersion: this.version, data: this.parseAt(this.version, data) as Data };
  }

  decode(data: unknown, version: number): Data {
    if (!Number.isInteger(version) || version < 1 || version > this.version) throw new UnknownEventVersionError(this.type, version, this.version);
    let value = this.parseAt(version, data);
    for (let next = version + 1; next <= this.version; next++) {
      // Each upcaster's output is validated against its target schema, so a faulty upcaster fails loudly at load time.
      value = this.parseAt(next, this.steps[next - 1]!.upcast!(value));
    }
    return value as Data;
  }

  evolve<Schema extends z.ZodType>(schema: Schema, upcast: (previous: Data) => z.input<Schema>): EventDefinition<Type, z.output<Schema>> {
    return new VersionedEventType<Type, z.output<Schema>>(this.type, [...this.steps, { schema, upcast: upcast as (previous: unknown) => unknown }]);
  }

  private parseAt(version: number, data: unknown): unknown {
    const result = this.steps[version - 1]!.schema.safeParse(data);
    if (!result.success) {
      throw new InvalidEventDataError(
        this.type,
        version,
        result.error.issues.map((issue) => ({ path: issue.path, message: issue.message })),
      );
    }
    return result.data;
  }
}
