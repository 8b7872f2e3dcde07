export * from './events/schema-errors.js';
export * from './events/event-metadata.js';
export * from './events/recorded-event.js';
export * from './events/event-definition.js';
export * from './events/event-registry.js';
export * from './accounts/account-fields.js';
export * from './accounts/account-events.js';
