import { z } from 'zod';

/**
 * Who caused an event, in answer to what, and when. "When" is the time the
 * command was accepted, passed in with the command: deciders and folds never
 * read a clock, so replaying the log reproduces the same read models.
 */
export interface EventMetadata {
  /** The username (or `system:<component>`) on whose behalf the event was recorded; null when nobody is signed in (signup). */
  readonly actor: string | null;
  /** Shared by every event caused by one request, across streams and services. */
  readonly correlationId: string;
  /** The id of the event or command that directly caused this one, when there is one. */
  readonly causationId: string | null;
  /** ISO-8601 UTC with milliseconds, e.g. `2026-01-31T12:00:00.000Z`; exact round trip in every store. */
  readonly occurredAt: string;
}

const ISO_UTC_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/**
 * Identifiers, not free text: bounded so a hostile caller cannot inflate every
 * row, and free of control characters (PostgreSQL text cannot hold NUL).
 */
const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters');

export const occurredAtSchema = z
  .string()
  .regex(ISO_UTC_MILLIS, 'expected YYYY-MM-DDTHH:MM:SS.sssZ')
  .refine((s) => {
    const time = Date.parse(s);
    // Rejects dates that parse by rolling over (2026-02-30) by insisting on a round trip.
    return Number.isFinite(time) && new Date(time).toISOString() === s;
  }, 'not a real instant');

export const eventMetadataSchema = z.strictObject({
  actor: identifier.nullable(),
  correlationId: identifier,
  causationId: identifier.nullable(),
  occurredAt: occurredAtSchema,
});
