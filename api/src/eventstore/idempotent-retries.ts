import type { AppendResult } from './event-store.js';
import { DuplicateEventIdError } from './event-store-errors.js';
import type { PreparedEvent } from './event-validation.js';

/** Where an event id of an append already lives in the log. */
export interface StoredEventRef {
  readonly id: string;
  readonly streamName: string;
  readonly streamRevision: bigint;
  readonly globalPosition: bigint;
}

/**
 * The idempotency rule, the same for every SQL store: if every id of the
 * append is stored, in the same stream, in the same order, at consecutive
 * revisions and positions, this is a retry of an append that already
 * succeeded, and the answer is that append's result. If only some ids are
 * stored, or elsewhere, it cannot be a retry (an append is atomic), so it is
 * refused. Returns undefined when none of the ids is stored.
 */
export function resultOfEarlierAttempt(streamName: string, events: readonly PreparedEvent[], stored: readonly StoredEventRef[]): AppendResult | undefined {
  if (stored.length === 0) return undefined;
  const byId = new Map(stored.map((ref) => [ref.id, ref]));
  const inOrder = events.map((event) => byId.get(event.id));
  const first = inOrder[0];
  const isRetry =
    first !== undefined &&
    inOrder.every(
      (ref, index) =>
        ref !== undefined &&
        ref.streamName === streamName &&
        ref.streamRevision === first.streamRevision + BigInt(index) &&
        ref.globalPosition === first.globalPosition + BigInt(index),
    );
  if (!isRetry) throw new DuplicateEventIdError(streamName, stored.map((ref) => ref.id));
  const last = inOrder[inOrder.length - 1]!;
  return { nextExpectedRevision: last.streamRevision, position: last.globalPosition, duplicate: true };
}
