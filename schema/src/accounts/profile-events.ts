import { z } from 'zod';
import { defineEvent } from '../infrastructure/event-definition.js';
import { erasableDataSchema, usernameSchema } from './account-fields.js';

/**
 * The user changed their display name, email or notification preferences.
 * Like the profile in `AccountRegistered`, the whole profile is re-encrypted
 * with the account's data key, so deleting that key erases every version.
 */
export const ProfileUpdated = defineEvent(
  'ProfileUpdated',
  z.strictObject({
    username: usernameSchema,
    encryptedProfile: erasableDataSchema,
  }),
);

/**
 * A recovery code was issued (at signup, and again after one is used to
 * rotate keys). Only its keyed hash is stored; the code was shown once.
 */
export const RecoveryCodeSet = defineEvent(
  'RecoveryCodeSet',
  z.strictObject({
    username: usernameSchema,
    recoveryCodeHash: z.string().min(16).max(256),
  }),
);
