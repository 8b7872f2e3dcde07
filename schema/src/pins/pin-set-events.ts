import { z } from 'zod';
import { defineEvent } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { usernameSchema } from '../accounts/account-fields.js';

/**
 * A user's key pins, sealed by the SDK to the user's own key (DESIGN §6); the
 * server keeps the blob opaque. `version` is the stream revision + 1, so a
 * store with an expected version is a compare-and-set on the stream.
 */
export const pinSetStreamName = (username: string): string => `pins-${username}`;
export const MAX_PIN_SET_BYTES = 64 * 1024;

export const PinSetStored = defineEvent(
  'PinSetStored',
  z.strictObject({
    username: usernameSchema,
    version: z.number().int().min(1),
    blob: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).min(4).max(Math.ceil(MAX_PIN_SET_BYTES / 3) * 4),
  }),
);

export const pinSetEvents = createEventRegistry([PinSetStored] as const);
