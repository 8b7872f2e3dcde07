/**
 * The account repository on the event store port: one stream per canonical
 * username (`account-<username>`), decoded through the schema registry so the
 * decider only ever sees current event shapes.
 */
import { randomUUID } from 'node:crypto';
import { accountStreamName } from '@peerlock/schema';
import type { EventStore, NewEvent } from '../eventstore/event-store.js';
import { ConcurrencyError } from '../eventstore/event-store-errors.js';
import { evolve, initialAccountState } from './account-decider.js';
import { accountEvents, type AccountDomainEvent } from '@peerlock/schema';
import { AccountStreamConflict, type AccountRepository, type AppendContext, type LoadedAccount } from './account-repository.js';

export class EventStoreAccountRepository implements AccountRepository {
  constructor(private readonly store: EventStore) {}

  async load(username: string): Promise<LoadedAccount> {
    const recorded = await this.store.readStream(accountStreamName(username));
    let state = initialAccountState();
    for (const event of recorded) state = evolve(state, accountEvents.decode(event) as AccountDomainEvent);
    const last = recorded[recorded.length - 1];
    return { state, revision: last ? last.streamRevision : null };
  }

  async append(username: string, events: readonly AccountDomainEvent[], expectedRevision: bigint | null, context: AppendContext): Promise<bigint> {
    const occurredAt = new Date(context.occurredAt).toISOString();
    const newEvents: NewEvent[] = events.map((event) => {
      // Validates the payload against its schema before anything is written.
      const encoded = accountEvents.encode(event.type, event.data as never);
      return {
        id: randomUUID(),
        type: encoded.type,
        schemaVersion: encoded.schemaVersion,
        data: encoded.data as Record<string, unknown>,
        metadata: { actor: context.actor, correlationId: context.correlationId, causationId: null, occurredAt },
      };
    });
    try {
      const result = await this.store.append(accountStreamName(username), newEvents, { expectedRevision: expectedRevision ?? 'noStream' });
      return result.position;
    } catch (err) {
      if (err instanceof ConcurrencyError) throw new AccountStreamConflict(username);
      throw err;
    }
  }
}
