import type { EventDefinition } from '@peerlock/schema';

/** The `{ type, data }` pairs a decider works on, derived from event definitions; ids, metadata and positions are the store's business. */
export type DomainEventOf<Definitions extends readonly unknown[]> = Definitions[number] extends infer D
  ? D extends EventDefinition<infer T, infer Data>
    ? { readonly type: T; readonly data: Data }
    : never
  : never;

export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function assertNever(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
