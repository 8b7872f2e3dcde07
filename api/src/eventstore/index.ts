export * from './event-store.js';
export * from './event-store-errors.js';
export { EVENT_STORE_LIMITS } from './event-validation.js';
export * from './sqlite-event-store.js';
export * from './postgres-event-store.js';
export * from './kurrentdb-event-store.js';
