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
import { PeerlockError } from '../errors.js';
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

  /**
   * Ends every contact and pending request of a deleted account, as that
   * account: its contacts see it go (CONTACT_REMOVED) and can no longer
   * message it. Idempotent, so a crash part-way is finished by the next run.
   */
  async endRelationsOf(username: string, context: RequestContext): Promise<number> {
    const entry = await this.list(username);
    const ends: [ContactCommandType, string][] = [
      ...entry.contacts.map((o): [ContactCommandType, string] => ['RemoveContact', o]),
      ...entry.incoming.map((o): [ContactCommandType, string] => ['DeclineContact', o]),
      ...entry.outgoing.map((o): [ContactCommandType, string] => ['CancelContactRequest', o]),
    ];
    let ended = 0;
    for (const [type, other] of ends) {
      try {
        const result = await this.pairs.execute(contactStreamName(username, other), () => ({ type, actor: username, other, otherIsActive: true }), context);
        if (result.position !== null) {
          ended++;
          await this.sync.upTo(result.position);
        }
      } catch (error) {
        // Already ended (another node, an earlier attempt): nothing left to do for this one.
        if (!(error instanceof PeerlockError && error.code === 'NOT_FOUND')) throw error;
      }
    }
    return ended;
  }

  /** Finishes `endRelationsOf` for accounts deleted before a crash let it run; returns the relations ended. */
  async sweepDeletedAccounts(now: () => number): Promise<number> {
    let ended = 0;
    for (const { id, doc } of await this.readModels.list<ContactListEntry>(contactsProjection.name)) {
      if (doc.contacts.length + doc.incoming.length + doc.outgoing.length === 0) continue;
      const directory = await this.readModels.get<UserDirectoryEntry>(userDirectoryProjection.name, id);
      if (directory?.status !== 'deleted') continue;
      ended += await this.endRelationsOf(id, { actor: id, correlationId: 'deleted-account-sweep', now: now() });
    }
    return ended;
  }

  async list(username: string): Promise<ContactListEntry> {
    return (await this.readModels.get<ContactListEntry>(contactsProjection.name, username)) ?? { username, contacts: [], incoming: [], outgoing: [], blocked: [] };
  }

  /**
   * From the streams, not the read model: message authorisation must not trail a removal or a block.
   * A deleted account is nobody's contact, even in the instant between its deletion and the end of its contacts.
   */
  async relationsOf(sender: string, others: readonly string[]): Promise<{ contacts: string[]; blockedBy: string[] }> {
    const states = await Promise.all(
      others.map(async (o) => {
        const [pair, directory] = await Promise.all([this.pairs.load(contactStreamName(sender, o)), this.readModels.get<UserDirectoryEntry>(userDirectoryProjection.name, o)]);
        return [o, pair.state, directory?.status === 'active'] as const;
      }),
    );
    return {
      contacts: states.filter(([, s, active]) => active && areContacts(s)).map(([o]) => o),
      blockedBy: states.filter(([o, s]) => s.blockedBy.includes(o)).map(([o]) => o),
    };
  }
}
