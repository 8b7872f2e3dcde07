import { z } from 'zod';
import { defineEvent, type EventOf } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { usernameSchema } from '../accounts/account-fields.js';

/**
 * Contacts (DESIGN §6): one stream per unordered pair of users, so every
 * decision about the pair (request, accept, block ...) is serialised by that
 * stream's revision and two people requesting each other at once cannot both win.
 */
export const contactStreamName = (a: string, b: string): string => (a < b ? `contacts-${a}+${b}` : `contacts-${b}+${a}`);

const request = z.strictObject({ requester: usernameSchema, recipient: usernameSchema });
const directed = z.strictObject({ by: usernameSchema, other: usernameSchema });

/** `requester` asked `recipient` to become a contact. */
export const ContactRequested = defineEvent('ContactRequested', request);
/** The recipient accepted (or both requested each other): the pair are contacts from now on. */
export const ContactRequestAccepted = defineEvent('ContactRequestAccepted', request);
export const ContactRequestDeclined = defineEvent('ContactRequestDeclined', request);
export const ContactRequestCancelled = defineEvent('ContactRequestCancelled', request);
/** Either side ended the contact; messages between them stop. */
export const ContactRemoved = defineEvent('ContactRemoved', directed);
/** `by` blocked `other`: any contact or pending request ends, and `other` cannot request again until unblocked. */
export const ContactBlocked = defineEvent('ContactBlocked', directed);
export const ContactUnblocked = defineEvent('ContactUnblocked', directed);

export const contactEventDefinitions = [
  ContactRequested,
  ContactRequestAccepted,
  ContactRequestDeclined,
  ContactRequestCancelled,
  ContactRemoved,
  ContactBlocked,
  ContactUnblocked,
] as const;
export const contactEvents = createEventRegistry(contactEventDefinitions);
export type ContactEvent = EventOf<(typeof contactEventDefinitions)[number]>;
