import { MAX_PIN_SET_BYTES, pinSetEvents, pinSetStreamName } from '@peerlock/schema';
import type { EventStore } from '../eventstore/event-store.js';
import { SealedDocuments } from '../sealed-documents/sealed-documents.js';
import { pinSetDecider } from './pin-set-decider.js';

/** The sealed pin sets, one stream per user (`pins-<username>`). */
export class PinSets extends SealedDocuments<'StorePinSet', 'PinSetStored'> {
  constructor(store: EventStore) {
    super(store, { decider: pinSetDecider, events: pinSetEvents, streamName: pinSetStreamName, maxBytes: MAX_PIN_SET_BYTES });
  }
}
