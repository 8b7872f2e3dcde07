/**
 * Contact use cases over the pair streams (DESIGN §6): the shell looks up
 * whether the other user exists, the decider decides, the read model is
 * brought up to date for the caller.
 */
import { contactEvents, contactStreamName } from '@peerlock/schema';
import { contactsProjection, type ContactListEntry, type ReadModelStore, type UserDirectoryEntry, userDirectoryProjection } from '@peerlock/projections';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import type { ReadYourWrites } from '../storage/read-your-writes.js';
import { areContacts, contactDecider, type ContactCommand, type ContactCommandType, type ContactDomainEvent, type ContactState } from './contact-decider.js';

export interface RequestContext {
  readonly actor: string;
  readonly correlationId: string;
  readonly now: number;
}

export class ContactCommands {
  private readonly pairs: StreamAggregate<ContactCommand, ContactDomainEvent, ContactState>;

  constructor(
    store: EventStore,
    private readonly readModels: ReadModelStore,
    private readonly sync: ReadYourWrites,
  ) {
    this.pairs = new StreamAggregate(store, contactEvents, contactDecider);
  }

  async execute(type: ContactCommandType, other: string, context: RequestContext): Promise<ContactListEntry> {
    const otherIsActive = type === 'RequestContact' ? (await this.readModels.get<UserDirectoryEntry>(userDirectoryProjection.name, other))?.status === 'active' : true;
    const result = await this.pairs.execute(contactStreamName(context.actor, other), () => ({ type, actor: context.actor, other, otherIsActive }), context);
    if (result.position !== null) await this.sync.upTo(result.position);
    return this.list(context.actor);
  }

  async list(username: string): Promise<ContactListEntry> {
    return (await this.readModels.get<ContactListEntry>(contactsProjection.name, username)) ?? { username, contacts: [], incoming: [], outgoing: [], blocked: [] };
  }

  /** From the streams, not the read model: message authorisation must not trail a removal or a block. */
  async relationsOf(sender: string, others: readonly string[]): Promise<{ contacts: string[]; blockedBy: string[] }> {
    const states = await Promise.all(others.map(async (o) => [o, (await this.pairs.load(contactStreamName(sender, o))).state] as const));
    return {
      contacts: states.filter(([, s]) => areContacts(s)).map(([o]) => o),
      blockedBy: states.filter(([o, s]) => s.blockedBy.includes(o)).map(([o]) => o),
    };
  }
}
