import { describe, it } from 'vitest';
import { contactDecider, type ContactCommandType, type ContactDomainEvent } from '../../src/contacts/contact-decider.js';
import { deciderSpecification } from '../../src/testing/decider-specification.js';

const spec = deciderSpecification(contactDecider);
const cmd = (type: ContactCommandType, actor: string, other: string, otherIsActive = true) => ({ type, actor, other, otherIsActive });
const requested: ContactDomainEvent = { type: 'ContactRequested', data: { requester: 'alice', recipient: 'bob' } };
const accepted: ContactDomainEvent = { type: 'ContactRequestAccepted', data: { requester: 'alice', recipient: 'bob' } };
const blockedByBob: ContactDomainEvent = { type: 'ContactBlocked', data: { by: 'bob', other: 'alice' } };

describe('contact decider', () => {
  it('request → ContactRequested; a repeat is a no-op', () => {
    spec.given([]).when(cmd('RequestContact', 'alice', 'bob')).then([requested]);
    spec.given([requested]).when(cmd('RequestContact', 'alice', 'bob')).thenNothingHappened();
  });
  it('a request crossing an earlier one from the other side is an acceptance', () => {
    spec.given([requested]).when(cmd('RequestContact', 'bob', 'alice')).then([accepted]);
  });
  it('refuses unknown users, oneself, existing contacts idempotently, and the blocked', () => {
    spec.given([]).when(cmd('RequestContact', 'alice', 'bob', false)).thenRefuses('NOT_FOUND');
    spec.given([]).when(cmd('RequestContact', 'alice', 'alice')).thenRefuses('BAD_INPUT');
    spec.given([requested, accepted]).when(cmd('RequestContact', 'bob', 'alice')).thenNothingHappened();
    spec.given([blockedByBob]).when(cmd('RequestContact', 'alice', 'bob')).thenRefuses('FORBIDDEN');
    spec.given([blockedByBob]).when(cmd('RequestContact', 'bob', 'alice')).thenRefuses('CONFLICT');
  });
  it('only the recipient accepts or declines, only the requester cancels', () => {
    spec.given([requested]).when(cmd('AcceptContact', 'bob', 'alice')).then([accepted]);
    spec.given([requested]).when(cmd('AcceptContact', 'alice', 'bob')).thenRefuses('NOT_FOUND');
    spec.given([requested]).when(cmd('DeclineContact', 'bob', 'alice')).then([{ type: 'ContactRequestDeclined', data: { requester: 'alice', recipient: 'bob' } }]);
    spec.given([requested]).when(cmd('CancelContactRequest', 'alice', 'bob')).then([{ type: 'ContactRequestCancelled', data: { requester: 'alice', recipient: 'bob' } }]);
    spec.given([requested]).when(cmd('CancelContactRequest', 'bob', 'alice')).thenRefuses('NOT_FOUND');
    spec.given([]).when(cmd('DeclineContact', 'bob', 'alice')).thenRefuses('NOT_FOUND');
  });
  it('remove ends a contact; there must be one', () => {
    spec.given([requested, accepted]).when(cmd('RemoveContact', 'bob', 'alice')).then([{ type: 'ContactRemoved', data: { by: 'bob', other: 'alice' } }]);
    spec.given([requested]).when(cmd('RemoveContact', 'bob', 'alice')).thenRefuses('NOT_FOUND');
  });
  it('block and unblock are idempotent, and a block ends the contact for good', () => {
    spec.given([requested, accepted]).when(cmd('BlockContact', 'bob', 'alice')).then([blockedByBob]);
    spec.given([blockedByBob]).when(cmd('BlockContact', 'bob', 'alice')).thenNothingHappened();
    spec.given([blockedByBob]).when(cmd('UnblockContact', 'bob', 'alice')).then([{ type: 'ContactUnblocked', data: { by: 'bob', other: 'alice' } }]);
    spec.given([]).when(cmd('UnblockContact', 'bob', 'alice')).thenNothingHappened();
    spec
      .given([requested, accepted, blockedByBob, { type: 'ContactUnblocked', data: { by: 'bob', other: 'alice' } }])
      .when(cmd('RemoveContact', 'alice', 'bob'))
      .thenRefuses('NOT_FOUND');
  });
});
