/**
 * A user's sealed pin set (DESIGN §6) as a Decider: an opaque blob and a
 * version. Storing names the version the device last read; anything else is
 * CONFLICT, so two devices cannot silently overwrite each other's pins (the
 * loser reads, merges, and stores again). The server cannot read the blob;
 * the SDK refuses a set older than it has seen, so a rollback is caught too.
 */
import { PinSetStored } from '@peerlock/schema';
import { PeerlockError } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type PinSetDomainEvent = DomainEventOf<readonly [typeof PinSetStored]>;
export interface PinSetState {
  readonly version: number;
  readonly blob: string | null;
}
export interface StorePinSet {
  readonly type: 'StorePinSet';
  readonly username: string;
  readonly expectedVersion: number;
  readonly blob: string;
}

export const initialPinSetState = (): PinSetState => ({ version: 0, blob: null });

export function decide(command: StorePinSet, state: PinSetState): PinSetDomainEvent[] {
  switch (command.type) {
    case 'StorePinSet':
      if (command.expectedVersion !== state.version) throw new PeerlockError('CONFLICT');
      return [{ type: 'PinSetStored', data: { username: command.username, version: state.version + 1, blob: command.blob } }];
    default:
      return assertNever(command.type);
  }
}

export function evolve(state: PinSetState, event: PinSetDomainEvent): PinSetState {
  switch (event.type) {
    case 'PinSetStored':
      return { version: event.data.version, blob: event.data.blob };
    default:
      return assertNever(event.type);
  }
}

export const pinSetDecider = { decide, evolve, initialState: initialPinSetState };
