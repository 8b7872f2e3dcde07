export * from './event-source.js';
export * from './projection-errors.js';
export * from './projection.js';
export * from './projection-runner.js';
export * from './storage/read-model-store.js';
export * from './storage/sqlite-read-model-store.js';
export * from './storage/postgres-read-model-store.js';
export * from './user-directory/user-directory-projection.js';
