/**
 * The account stream's commands, on the one command handler every stream
 * uses (aggregates/stream-aggregate.ts): load the account's state, decide,
 * append with the revision it was folded from, and on a conflict decide
 * again on the new tail (the other writer's events may change the decision:
 * a second signup for the same name becomes USERNAME_TAKEN, a replayed TOTP
 * code becomes a rejection). Commands are built per attempt because they
 * depend on state (the TOTP secret to check a code against).
 */
import { accountEvents, accountStreamName, type AccountDomainEvent } from '@peerlock/schema';
import type { EventStore } from '../eventstore/event-store.js';
import { PeerlockError } from '../errors.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import { decide, evolve, initialAccountState, type AccountCommand, type AccountState } from './account-decider.js';

export interface Decision {
  readonly before: AccountState;
  readonly after: AccountState;
  readonly events: readonly AccountDomainEvent[];
}

export interface AccountCommandContext {
  readonly actor: string | null;
  readonly correlationId: string;
  readonly now: () => number;
}

export class AccountCommands {
  private readonly aggregate: StreamAggregate<AccountCommand, AccountDomainEvent, AccountState>;

  constructor(
    store: EventStore,
    /** Brings this node's read models up to date after a write, so the writer reads its own writes. */
    afterAppend: (position: bigint) => Promise<void>,
  ) {
    this.aggregate = new StreamAggregate(store, accountEvents, { decide, evolve, initialState: initialAccountState }, { afterAppend });
  }

  async load(username: string): Promise<AccountState> {
    return (await this.aggregate.load(accountStreamName(username))).state;
  }

  async execute(username: string, build: (state: AccountState) => Promise<AccountCommand> | AccountCommand, context: AccountCommandContext): Promise<Decision> {
    const { before, after, events } = await this.aggregate.execute(accountStreamName(username), (state) => build(state), {
      actor: context.actor,
      correlationId: context.correlationId,
      now: context.now(),
    });
    // A counted failure is recorded first, then refused: the count must survive the refusal.
    if (events.some((e) => e.type === 'SecondFactorRejected')) throw new PeerlockError('TWO_FACTOR_INVALID');
    return { before, after, events };
  }
}
