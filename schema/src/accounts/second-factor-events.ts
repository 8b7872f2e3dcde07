import { z } from 'zod';
import { defineEvent } from '../infrastructure/event-definition.js';
import { occurredAtSchema } from '../infrastructure/event-metadata.js';
import { usernameSchema } from './account-fields.js';

/**
 * A second-factor code was accepted. For TOTP the time step is recorded so
 * that no code of that step or an earlier one is ever accepted again (replay);
 * for a backup code its hash is recorded so that it is spent.
 */
export const SecondFactorAccepted = defineEvent(
  'SecondFactorAccepted',
  z.strictObject({
    username: usernameSchema,
    method: z.enum(['totp', 'backupCode']),
    timeStep: z.number().int().nonnegative().nullable(),
    backupCodeHash: z.string().min(16).max(256).nullable(),
  }),
);

/** A wrong (or replayed) second-factor code: counts towards a lockout. */
export const SecondFactorRejected = defineEvent(
  'SecondFactorRejected',
  z.strictObject({
    username: usernameSchema,
  }),
);

/**
 * Too many wrong codes in a row: no code is even checked until `until`.
 * `level` counts consecutive lockouts; each one lasts twice as long.
 */
export const SecondFactorLockedOut = defineEvent(
  'SecondFactorLockedOut',
  z.strictObject({
    username: usernameSchema,
    until: occurredAtSchema,
    level: z.number().int().min(1).max(64),
  }),
);
