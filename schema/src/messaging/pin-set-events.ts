import { createEventRegistry } from '../events/event-registry.js';
import { defineSealedDocumentStored } from '../events/sealed-document-events.js';

/**
 * A user's key pins, sealed by the SDK to the user's own key (DESIGN §6); the
 * server keeps the blob opaque (a sealed document: sealed-document-events.ts).
 */
export const pinSetStreamName = (username: string): string => `pins-${username}`;
export const MAX_PIN_SET_BYTES = 64 * 1024;

export const PinSetStored = defineSealedDocumentStored('PinSetStored', MAX_PIN_SET_BYTES);

export const pinSetEvents = createEventRegistry([PinSetStored] as const);
