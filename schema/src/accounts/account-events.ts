import { z } from 'zod';
import { defineEvent, type EventDefinition, type EventOf } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { erasableDataSchema, miniLockIdSchema, usernameSchema, x25519PublicKeySchema } from './account-fields.js';
import { ProfileUpdated, RecoveryCodeSet } from './profile-events.js';
import { SecondFactorAccepted, SecondFactorLockedOut, SecondFactorRejected } from './second-factor-events.js';
import { SessionEnded } from './session-events.js';

/**
 * The account stream: everything the server knows about one user's identity.
 * One stream per username (`account-<username>`); its revision is what the
 * accounts decider passes as the expected revision, so two concurrent key
 * rotations cannot both win.
 */
export const accountStreamName = (username: string): string => `account-${username}`;

/**
 * A signup completed (DESIGN §3): both challenges were answered, so the caller
 * holds the identity key behind `miniLockId` and the auth key `authPublicKey`.
 * Name and email are inside `encryptedProfile`, never in clear in the log.
 */
export const AccountRegistered = defineEvent(
  'AccountRegistered',
  z.strictObject({
    username: usernameSchema,
    miniLockId: miniLockIdSchema,
    authPublicKey: x25519PublicKeySchema,
    encryptedProfile: erasableDataSchema,
  }),
);

/**
 * The user proved the old key (a token) or a recovery code, and the new key (a
 * challenge like signup). Contacts' SDKs see the change and block until the user
 * accepts it; the old key stays in the history so old messages still verify.
 */
export const KeyRotated = defineEvent(
  'KeyRotated',
  z.strictObject({
    username: usernameSchema,
    previousMiniLockId: miniLockIdSchema,
    miniLockId: miniLockIdSchema,
    authPublicKey: x25519PublicKeySchema,
    authorizedBy: z.enum(['token', 'recoveryCode']),
  }),
);

/**
 * The account is gone: the username is retired forever, the public keys stay
 * (old messages still verify), and the account's data key is destroyed so the
 * encrypted profile in `AccountRegistered` can never be read again.
 */
export const AccountDeleted = defineEvent(
  'AccountDeleted',
  z.strictObject({
    username: usernameSchema,
  }),
);

/**
 * TOTP (RFC 6238) confirmed with a first valid code. The shared secret is
 * encrypted with the account's data key like the profile; backup codes are
 * stored only as hashes (the 2FA module names the hash in each string).
 */
export const TwoFactorEnabled = defineEvent(
  'TwoFactorEnabled',
  z.strictObject({
    username: usernameSchema,
    encryptedSecret: erasableDataSchema,
    backupCodeHashes: z.array(z.string().min(16).max(256)).min(1).max(20),
  }),
);

/** Turned off with a fresh TOTP code (or a backup code). */
export const TwoFactorDisabled = defineEvent(
  'TwoFactorDisabled',
  z.strictObject({
    username: usernameSchema,
    authorizedBy: z.enum(['totp', 'backupCode']),
  }),
);

/**
 * Everything the account stream can hold: the one catalogue of its event
 * types. A new account event type is defined in this folder and listed here
 * (docs/eventstore.md, "Adding an event type").
 */
export const accountEventDefinitions = [
  AccountRegistered,
  KeyRotated,
  AccountDeleted,
  TwoFactorEnabled,
  TwoFactorDisabled,
  ProfileUpdated,
  RecoveryCodeSet,
  SecondFactorAccepted,
  SecondFactorRejected,
  SecondFactorLockedOut,
  SessionEnded,
] as const;
export const accountEvents = createEventRegistry(accountEventDefinitions);
export type AccountEvent = EventOf<(typeof accountEventDefinitions)[number]>;

/** What the accounts decider works on: `{ type, data }` pairs; ids, metadata and positions are the event store's business. */
type Definition = (typeof accountEventDefinitions)[number];
export type AccountDomainEvent = Definition extends infer D ? (D extends EventDefinition<infer T, infer Data> ? { readonly type: T; readonly data: Data } : never) : never;
export type AccountEventType = AccountDomainEvent['type'];
export type AccountEventOf<T extends AccountEventType> = Extract<AccountDomainEvent, { type: T }>;
