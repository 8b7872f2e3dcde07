/**
 * A user's sealed pin set (DESIGN §6): a sealed document
 * (sealed-documents/sealed-document-decider.ts) stored with StorePinSet as PinSetStored.
 */
import type { PinSetStored } from '@peerlock/schema';
import type { DomainEventOf } from '../aggregates/domain-event.js';
import { initialSealedDocumentState, sealedDocumentDecider, type SealedDocumentState, type StoreSealedDocument } from '../sealed-documents/sealed-document-decider.js';

export type PinSetDomainEvent = DomainEventOf<readonly [typeof PinSetStored]>;
export type PinSetState = SealedDocumentState;
export type StorePinSet = StoreSealedDocument<'StorePinSet'>;

export const initialPinSetState = initialSealedDocumentState;
export const pinSetDecider = sealedDocumentDecider({ store: 'StorePinSet', stored: 'PinSetStored' });
