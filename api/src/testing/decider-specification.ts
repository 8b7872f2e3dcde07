/**
 * given / when / then for deciders (STYLE.md §4, after emmett's
 * DeciderSpecification): given past events, when a command, then the new
 * events, nothing at all, or a refusal matched on its code (never its
 * message). Plain node:assert, so it runs under any test runner.
 *
 *   deciderSpecification({ decide, evolve, initialState })
 *     .given([{ type: 'ConversationStarted', data: … }])
 *     .when({ type: 'PostMessage', … })
 *     .then([{ type: 'MessagePosted', data: … }]);
 */
import { deepStrictEqual, fail, strictEqual } from 'node:assert/strict';
import type { Decider } from '../aggregates/domain-event.js';
import { PeerlockError, type ErrorCode } from '../errors.js';

export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]) {
      const state = events.reduce(decider.evolve, decider.initialState());
      return {
        when(command: Command) {
          const run = () => decider.decide(command, state);
          return {
            /** Exactly these new events. */
            then(expected: readonly Event[]): void {
              deepStrictEqual(run(), expected);
            },
            /** The command is accepted and changes nothing (an idempotent repeat, an expiry not yet due). */
            thenNothingHappened(): void {
              deepStrictEqual(run(), []);
            },
            /** New events checked by the caller (ids, times, hashes it cannot know up front). */
            thenEvents(check: (events: Event[]) => void): void {
              check(run());
            },
            /** Refused with this code (and these details, where given). */
            thenRefuses(code: ErrorCode, details?: Record<string, unknown>): void {
              let error: unknown;
              try {
                run();
              } catch (err) {
                error = err;
              }
              if (!(error instanceof PeerlockError)) return fail(`expected a PeerlockError ${code}, got ${error === undefined ? 'no error' : String(error)}`);
              strictEqual(error.code, code);
              if (details) for (const [key, value] of Object.entries(details)) deepStrictEqual((error.details as Record<string, unknown>)[key], value, `details.${key}`);
            },
          };
        },
      };
    },
  };
}
