/**
 * One witness's co-signatures of the key log (DESIGN §6, T13) as a Decider.
 * The server has already verified the co-signature against its own
 * checkpoint of that size (witness-cosignatures.ts); what is left to decide
 * is order: an honest witness only moves forward, so a size below the one it
 * co-signed last is refused, and the same size again records nothing.
 */
import { KeyLogCosigned } from '@peerlock/schema';
import { PeerlockError } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type WitnessDomainEvent = DomainEventOf<readonly [typeof KeyLogCosigned]>;

export interface WitnessState {
  /** The largest size this witness co-signed; -1 before its first. */
  readonly treeSize: number;
}

export interface RecordCosignature {
  readonly type: 'RecordCosignature';
  readonly witness: string;
  readonly treeSize: number;
  readonly rootHash: string;
  readonly signature: string;
}

export const initialWitnessState = (): WitnessState => ({ treeSize: -1 });

export function decide(command: RecordCosignature, state: WitnessState): WitnessDomainEvent[] {
  switch (command.type) {
    case 'RecordCosignature': {
      if (command.treeSize < state.treeSize) throw new PeerlockError('BAD_INPUT', { field: 'treeSize' });
      if (command.treeSize === state.treeSize) return [];
      const { witness, treeSize, rootHash, signature } = command;
      return [{ type: 'KeyLogCosigned', data: { witness, treeSize, rootHash, signature } }];
    }
    default:
      return assertNever(command.type);
  }
}

export function evolve(_state: WitnessState, event: WitnessDomainEvent): WitnessState {
  switch (event.type) {
    case 'KeyLogCosigned':
      return { treeSize: event.data.treeSize };
    default:
      return assertNever(event.type);
  }
}

export const witnessDecider = { decide, evolve, initialState: initialWitnessState };
