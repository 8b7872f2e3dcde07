/**
 * The imperative shell of one kind of sealed document (sealed-document-decider.ts):
 * a stream per user, argument checks at the door, compare-and-set on the
 * stream revision. The blob stays opaque: only its size and base64 are checked.
 */
import type { AnyEventDefinition, EventRegistry } from '@peerlock/schema';
import { badInput } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import { base64Arg } from '../conversations/conversation-arguments.js';
import type { RequestContext } from '../contacts/contact-commands.js';
import type { SealedDocumentDecider, SealedDocumentState, SealedDocumentStored, StoreSealedDocument } from './sealed-document-decider.js';

export interface SealedDocumentKind<CommandType extends string, EventType extends string> {
  readonly decider: SealedDocumentDecider<CommandType, EventType>;
  readonly events: EventRegistry<AnyEventDefinition>;
  readonly streamName: (username: string) => string;
  /** Largest blob accepted, in bytes of ciphertext. */
  readonly maxBytes: number;
}

export class SealedDocuments<CommandType extends string, EventType extends string> {
  private readonly documents: StreamAggregate<StoreSealedDocument<CommandType>, SealedDocumentStored<EventType>, SealedDocumentState>;

  constructor(
    store: EventStore,
    private readonly kind: SealedDocumentKind<CommandType, EventType>,
  ) {
    this.documents = new StreamAggregate(store, kind.events, kind.decider, { cacheSize: 1000 });
  }

  async get(username: string): Promise<SealedDocumentState> {
    return (await this.documents.load(this.kind.streamName(username))).state;
  }

  async store(expectedVersion: unknown, blob: unknown, context: RequestContext): Promise<SealedDocumentState> {
    if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) throw badInput('expectedVersion');
    base64Arg(blob, this.kind.maxBytes, 'blob');
    const result = await this.documents.execute(
      this.kind.streamName(context.actor),
      () => ({ type: this.kind.decider.commandType, username: context.actor, expectedVersion, blob: blob as string }),
      context,
    );
    return result.after;
  }
}
