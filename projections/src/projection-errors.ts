/** Errors of the projection runner and read-model storage; callers switch on `code`. */
export type ProjectionErrorCode = 'INVALID_PROJECTION_NAME' | 'PROJECTION_VERSION_MISMATCH' | 'UNDECLARED_DOCUMENT';

export abstract class ProjectionError extends Error {
  abstract readonly code: ProjectionErrorCode;
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Projection names become table names, so they are restricted to `[a-z][a-z0-9_]{0,47}`. */
export class InvalidProjectionNameError extends ProjectionError {
  readonly code = 'INVALID_PROJECTION_NAME' as const;
  constructor(readonly projectionName: string) {
    super(`invalid projection name ${JSON.stringify(projectionName)}: expected [a-z][a-z0-9_]{0,47}`);
  }
}

/**
 * The stored rows were built by another version of the fold. Continuing would
 * mix two shapes in one table, so the runner stops until someone rebuilds.
 */
export class ProjectionVersionMismatchError extends ProjectionError {
  readonly code = 'PROJECTION_VERSION_MISMATCH' as const;
  constructor(
    readonly projectionName: string,
    readonly storedVersion: number,
    readonly codeVersion: number,
  ) {
    super(`read model ${projectionName} was built by version ${storedVersion}, this code is version ${codeVersion}: rebuild it`);
  }
}

/** A fold read a document its `documentIds` did not name for that event: a bug in the projection. */
export class UndeclaredDocumentError extends ProjectionError {
  readonly code = 'UNDECLARED_DOCUMENT' as const;
  constructor(
    readonly projectionName: string,
    readonly documentId: string,
  ) {
    super(`projection ${projectionName} read document ${JSON.stringify(documentId)} without declaring it in documentIds`);
  }
}

const PROJECTION_NAME = /^[a-z][a-z0-9_]{0,47}$/;

export function assertProjectionName(name: string): void {
  if (typeof name !== 'string' || !PROJECTION_NAME.test(name)) throw new InvalidProjectionNameError(String(name));
}
