/**
 * given / when / then for deciders (STYLE.md §4, after emmett's
 * DeciderSpecification): given past events, when a command, then the new
 * events, or a refusal matched on its code (never its message).
 */
import { expect } from 'vitest';
import { PeerlockError, type ErrorCode } from '../../src/errors.js';

export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: Event[]) {
      const state = events.reduce(decider.evolve, decider.initialState());
      return {
        when(command: Command) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: Event[]) {
              expect(run()).toEqual(expected);
            },
            thenEvents(check: (events: Event[]) => void) {
              check(run());
            },
            thenRefuses(code: ErrorCode, details?: Record<string, unknown>) {
              let error: unknown;
              try {
                run();
              } catch (err) {
                error = err;
              }
              expect(error).toBeInstanceOf(PeerlockError);
              expect((error as PeerlockError).code).toBe(code);
              if (details) expect((error as PeerlockError).details).toMatchObject(details);
            },
          };
        },
      };
    },
  };
}
