/**
 * Loading and saving the account aggregate: the decider's state is the fold
 * of the account stream, and saving appends with the stream revision that
 * state was folded from, so a concurrent writer makes the append fail with
 * AccountStreamConflict instead of both winning.
 */
import type { AccountDomainEvent } from '@peerlock/schema';
import type { AccountState } from './account-decider.js';

export interface LoadedAccount {
  readonly state: AccountState;
  /** Revision of the last event folded in; null when the stream does not exist. */
  readonly revision: bigint | null;
}

export interface AppendContext {
  readonly actor: string | null;
  readonly correlationId: string;
  readonly occurredAt: number;
}

export interface AccountRepository {
  load(username: string): Promise<LoadedAccount>;
  /** Appends only if the stream is still at `expectedRevision` (null: must not exist); else throws AccountStreamConflict. Returns the last event's global position. */
  append(username: string, events: readonly AccountDomainEvent[], expectedRevision: bigint | null, context: AppendContext): Promise<bigint>;
}

export class AccountStreamConflict extends Error {
  constructor(readonly username: string) {
    super(`account stream of ${username} moved`);
    this.name = 'AccountStreamConflict';
  }
}
