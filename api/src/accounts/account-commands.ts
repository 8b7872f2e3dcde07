/**
 * The imperative shell around the account decider: load, decide, append
 * with the expected revision, and on a conflict start again from a fresh
 * load (the other writer's events may change the decision: a second signup
 * for the same name becomes USERNAME_TAKEN, a replayed TOTP code becomes a
 * rejection). Commands are built per attempt because they depend on state
 * (the TOTP secret to check a code against).
 */
import { PeerlockError } from '../errors.js';
import { decide, evolve, type AccountCommand, type AccountState } from './account-decider.js';
import type { AccountDomainEvent } from '@peerlock/schema';
import { AccountStreamConflict, type AccountRepository, type AppendContext } from './account-repository.js';

const MAX_ATTEMPTS = 8;

export interface Decision {
  readonly before: AccountState;
  readonly after: AccountState;
  readonly events: readonly AccountDomainEvent[];
}

export class AccountCommands {
  constructor(
    private readonly repository: AccountRepository,
    /** Brings this node's read models up to date after a write, so the writer reads its own writes. */
    private readonly afterAppend: (position: bigint) => Promise<void>,
  ) {}

  load(username: string): Promise<AccountState> {
    return this.repository.load(username).then((l) => l.state);
  }

  async execute(username: string, build: (state: AccountState) => Promise<AccountCommand> | AccountCommand, context: Omit<AppendContext, 'occurredAt'> & { now: () => number }): Promise<Decision> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { state, revision } = await this.repository.load(username);
      const command = await build(state);
      const events = decide(command, state);
      const after = events.reduce(evolve, state);
      if (events.length > 0) {
        try {
          const position = await this.repository.append(username, events, revision, { actor: context.actor, correlationId: context.correlationId, occurredAt: command.now });
          await this.afterAppend(position);
        } catch (err) {
          if (err instanceof AccountStreamConflict) continue;
          throw err;
        }
      }
      // A counted failure is recorded first, then refused: the count must survive the refusal.
      if (events.some((e) => e.type === 'SecondFactorRejected')) throw new PeerlockError('TWO_FACTOR_INVALID');
      return { before: state, after, events };
    }
    throw new PeerlockError('CONFLICT');
  }
}
