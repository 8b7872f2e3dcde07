/**
 * A sealed document (the pin set, DESIGN §6; the file index, DESIGN §5) as a
 * Decider: an opaque blob and a version. Storing names the version the
 * device last read; anything else is CONFLICT, so two devices cannot
 * silently overwrite each other's state (the loser reads, merges, and
 * stores again). The server cannot read the blob; the SDK refuses a
 * document older than it has seen, so a rollback is caught too.
 *
 * Every kind has the same rule; only the command's and the event's names
 * differ, so each kind is this decider under its own names.
 */
import { PeerlockError } from '../errors.js';
import type { Decider } from '../aggregates/domain-event.js';

export interface SealedDocumentState {
  readonly version: number;
  readonly blob: string | null;
}

export interface StoreSealedDocument<CommandType extends string> {
  readonly type: CommandType;
  readonly username: string;
  readonly expectedVersion: number;
  readonly blob: string;
}

export interface SealedDocumentStored<EventType extends string> {
  readonly type: EventType;
  readonly data: { readonly username: string; readonly version: number; readonly blob: string };
}

export interface SealedDocumentDecider<CommandType extends string, EventType extends string>
  extends Decider<StoreSealedDocument<CommandType>, SealedDocumentStored<EventType>, SealedDocumentState> {
  /** The one command this kind takes (for the shell that builds it). */
  readonly commandType: CommandType;
}

export const initialSealedDocumentState = (): SealedDocumentState => ({ version: 0, blob: null });

export function sealedDocumentDecider<const CommandType extends string, const EventType extends string>(names: {
  readonly store: CommandType;
  readonly stored: EventType;
}): SealedDocumentDecider<CommandType, EventType> {
  return {
    commandType: names.store,
    initialState: initialSealedDocumentState,
    decide(command, state) {
      // One command per kind, so the exhaustive check is this comparison: another type is a programming error, not a refusal.
      if (command.type !== names.store) throw new Error(`unhandled command ${JSON.stringify(command.type)}`);
      if (command.expectedVersion !== state.version) throw new PeerlockError('CONFLICT');
      return [{ type: names.stored, data: { username: command.username, version: state.version + 1, blob: command.blob } }];
    },
    evolve(state, event) {
      if (event.type !== names.stored) throw new Error(`unhandled event ${JSON.stringify(event.type)}`);
      return { version: event.data.version, blob: event.data.blob };
    },
  };
}
