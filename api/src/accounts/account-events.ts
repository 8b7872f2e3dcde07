/**
 * Everything the account stream can hold: the schema package's account
 * catalogue plus the profile and second-factor events the API adds. The
 * decider works on `{ type, data }` pairs; ids, metadata and positions are the
 * event store's business.
 */
import {
  ProfileUpdated,
  RecoveryCodeSet,
  SecondFactorAccepted,
  SecondFactorLockedOut,
  SecondFactorRejected,
  SessionEnded,
  accountEventDefinitions,
  createEventRegistry,
  type EventDefinition,
} from '@peerlock/schema';

export const accountStreamEventDefinitions = [
  ...accountEventDefinitions,
  ProfileUpdated,
  RecoveryCodeSet,
  SecondFactorAccepted,
  SecondFactorRejected,
  SecondFactorLockedOut,
  SessionEnded,
] as const;

export const accountStreamEvents = createEventRegistry(accountStreamEventDefinitions);

type Definition = (typeof accountStreamEventDefinitions)[number];
export type AccountDomainEvent = Definition extends infer D ? (D extends EventDefinition<infer T, infer Data> ? { readonly type: T; readonly data: Data } : never) : never;
export type AccountEventType = AccountDomainEvent['type'];
export type AccountEventOf<T extends AccountEventType> = Extract<AccountDomainEvent, { type: T }>;
export type ErasableData = AccountEventOf<'AccountRegistered'>['data']['encryptedProfile'];
