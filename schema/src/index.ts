// Event infrastructure: defining, versioning, registering and recording events.
export * from './infrastructure/schema-errors.js';
export * from './infrastructure/event-metadata.js';
export * from './infrastructure/recorded-event.js';
export * from './infrastructure/event-definition.js';
export * from './infrastructure/event-registry.js';
// The event catalogue: one folder per stream.
export * from './accounts/account-fields.js';
export * from './accounts/account-events.js';
export * from './accounts/profile-events.js';
export * from './accounts/second-factor-events.js';
export * from './accounts/session-events.js';
export * from './contacts/contact-events.js';
export * from './conversations/conversation-events.js';
export * from './pins/pin-set-events.js';
export * from './files/file-events.js';
export * from './file-index/file-index-events.js';
export * from './key-log-witnesses/key-log-witness-events.js';
export * from './links/link-events.js';
