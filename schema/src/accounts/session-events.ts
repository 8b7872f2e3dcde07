import { z } from 'zod';
import { defineEvent } from '../infrastructure/event-definition.js';
import { usernameSchema } from './account-fields.js';

/**
 * A device session ended before its lifetime (DESIGN §3 "Device sessions"):
 * the user logged out on that device or revoked it from another. Its secret
 * and unspent tokens are already gone from the auth store; the event tells
 * every node to end that session's live subscriptions at once, and keeps
 * the record. (A key change or account deletion ends every session: their
 * own events say so.)
 */
export const SessionEnded = defineEvent(
  'SessionEnded',
  z.strictObject({
    username: usernameSchema,
    sessionId: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
    reason: z.enum(['logout', 'revoked']),
  }),
);
