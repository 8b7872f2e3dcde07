/**
 * The contact relation of one pair of users as a Decider (DESIGN §6):
 * request by username, accept, decline, cancel, remove, block, unblock.
 * Messages go only between contacts; the conversation shell asks
 * `areContacts` of this state for every recipient.
 *
 * Refusals are deliberately coarse: a user who was blocked learns only
 * FORBIDDEN when requesting, the same as for any request that cannot be made.
 */
import { contactEventDefinitions } from '@peerlock/schema';
import { PeerlockError, badInput } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type ContactDomainEvent = DomainEventOf<typeof contactEventDefinitions>;

export type ContactState = {
  readonly relation: { readonly kind: 'none' } | { readonly kind: 'requested'; readonly requester: string; readonly recipient: string } | { readonly kind: 'contacts' };
  /** Users of the pair who have blocked the other one. */
  readonly blockedBy: readonly string[];
};

export type ContactCommandType = 'RequestContact' | 'AcceptContact' | 'DeclineContact' | 'CancelContactRequest' | 'RemoveContact' | 'BlockContact' | 'UnblockContact';

export interface ContactCommand {
  readonly type: ContactCommandType;
  readonly actor: string;
  readonly other: string;
  /** Whether `other` is an active account, looked up by the shell. */
  readonly otherIsActive: boolean;
}

export const initialContactState = (): ContactState => ({ relation: { kind: 'none' }, blockedBy: [] });

export const areContacts = (state: ContactState): boolean => state.relation.kind === 'contacts' && state.blockedBy.length === 0;

const ev = <T extends ContactDomainEvent['type']>(type: T, data: Extract<ContactDomainEvent, { type: T }>['data']): ContactDomainEvent => ({ type, data }) as ContactDomainEvent;

export function decide(command: ContactCommand, state: ContactState): ContactDomainEvent[] {
  const { actor, other } = command;
  if (actor === other) throw badInput('username');
  const relation = state.relation;
  switch (command.type) {
    case 'RequestContact': {
      if (!command.otherIsActive) throw new PeerlockError('NOT_FOUND');
      if (state.blockedBy.includes(other)) throw new PeerlockError('FORBIDDEN');
      if (state.blockedBy.includes(actor)) throw new PeerlockError('CONFLICT');
      if (relation.kind === 'contacts') return [];
      if (relation.kind === 'requested') {
        if (relation.requester === actor) return [];
        // Both asked: that is an acceptance.
        return [ev('ContactRequestAccepted', { requester: other, recipient: actor })];
      }
      return [ev('ContactRequested', { requester: actor, recipient: other })];
    }
    case 'AcceptContact':
      if (relation.kind !== 'requested' || relation.recipient !== actor) throw new PeerlockError('NOT_FOUND');
      return [ev('ContactRequestAccepted', { requester: other, recipient: actor })];
    case 'DeclineContact':
      if (relation.kind !== 'requested' || relation.recipient !== actor) throw new PeerlockError('NOT_FOUND');
      return [ev('ContactRequestDeclined', { requester: other, recipient: actor })];
    case 'CancelContactRequest':
      if (relation.kind !== 'requested' || relation.requester !== actor) throw new PeerlockError('NOT_FOUND');
      return [ev('ContactRequestCancelled', { requester: actor, recipient: other })];
    case 'RemoveContact':
      if (relation.kind !== 'contacts') throw new PeerlockError('NOT_FOUND');
      return [ev('ContactRemoved', { by: actor, other })];
    case 'BlockContact':
      if (state.blockedBy.includes(actor)) return [];
      return [ev('ContactBlocked', { by: actor, other })];
    case 'UnblockContact':
      if (!state.blockedBy.includes(actor)) return [];
      return [ev('ContactUnblocked', { by: actor, other })];
    default:
      return assertNever(command.type);
  }
}

export function evolve(state: ContactState, event: ContactDomainEvent): ContactState {
  switch (event.type) {
    case 'ContactRequested':
      return { ...state, relation: { kind: 'requested', requester: event.data.requester, recipient: event.data.recipient } };
    case 'ContactRequestAccepted':
      return { ...state, relation: { kind: 'contacts' } };
    case 'ContactRequestDeclined':
    case 'ContactRequestCancelled':
    case 'ContactRemoved':
      return { ...state, relation: { kind: 'none' } };
    case 'ContactBlocked':
      return { relation: { kind: 'none' }, blockedBy: [...state.blockedBy.filter((u) => u !== event.data.by), event.data.by] };
    case 'ContactUnblocked':
      return { ...state, blockedBy: state.blockedBy.filter((u) => u !== event.data.by) };
    default:
      return assertNever(event);
  }
}

export const contactDecider = { decide, evolve, initialState: initialContactState };
