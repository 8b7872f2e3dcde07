/**
 * Errors raised while turning stored event payloads into domain events.
 * Callers switch on `code`, never on message text.
 */
export type SchemaErrorCode = 'UNKNOWN_EVENT_TYPE' | 'UNKNOWN_EVENT_VERSION' | 'INVALID_EVENT_DATA' | 'DUPLICATE_EVENT_TYPE';

export abstract class SchemaError extends Error {
  abstract readonly code: SchemaErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** No definition is registered for this event type name. */
export class UnknownEventTypeError extends SchemaError {
  readonly code = 'UNKNOWN_EVENT_TYPE' as const;
  constructor(readonly eventType: string) {
    super(`unknown event type ${JSON.stringify(eventType)}`);
  }
}

/**
 * The stored schema version is not one this code knows: either not a version
 * at all, or newer than ours (written by a newer server; we refuse to guess).
 */
export class UnknownEventVersionError extends SchemaError {
  readonly code = 'UNKNOWN_EVENT_VERSION' as const;
  constructor(
    readonly eventType: string,
    readonly version: number,
    readonly currentVersion: number,
  ) {
    super(`${eventType} has no schema version ${version} (current is ${currentVersion})`);
  }
}

/** The payload does not match the schema of its declared version. */
export class InvalidEventDataError extends SchemaError {
  readonly code = 'INVALID_EVENT_DATA' as const;
  constructor(
    readonly eventType: string,
    readonly version: number,
    readonly issues: readonly { path: readonly PropertyKey[]; message: string }[],
  ) {
    super(`invalid ${eventType} v${version} payload: ${issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
}

/** Two definitions claim the same event type name in one registry. */
export class DuplicateEventTypeError extends SchemaError {
  readonly code = 'DUPLICATE_EVENT_TYPE' as const;
  constructor(readonly eventType: string) {
    super(`event type ${JSON.stringify(eventType)} is registered twice`);
  }
}
