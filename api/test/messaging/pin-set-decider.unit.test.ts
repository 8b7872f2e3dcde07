import { describe, it } from 'vitest';
import { pinSetDecider, type PinSetDomainEvent } from '../../src/pins/pin-set-decider.js';
import { deciderSpecification } from '../../src/testing/decider-specification.js';

const spec = deciderSpecification(pinSetDecider);
const stored = (version: number, blob: string): PinSetDomainEvent => ({ type: 'PinSetStored', data: { username: 'alice', version, blob } });

describe('pin set decider', () => {
  it('stores version 1 over nothing, then each next version over the one before', () => {
    spec.given([]).when({ type: 'StorePinSet', username: 'alice', expectedVersion: 0, blob: 'AAAA' }).then([stored(1, 'AAAA')]);
    spec.given([stored(1, 'AAAA')]).when({ type: 'StorePinSet', username: 'alice', expectedVersion: 1, blob: 'BBBB' }).then([stored(2, 'BBBB')]);
  });
  it('refuses a store based on any other version (a second device that did not read the latest)', () => {
    spec.given([stored(1, 'AAAA')]).when({ type: 'StorePinSet', username: 'alice', expectedVersion: 0, blob: 'BBBB' }).thenRefuses('CONFLICT');
    spec.given([]).when({ type: 'StorePinSet', username: 'alice', expectedVersion: 1, blob: 'BBBB' }).thenRefuses('CONFLICT');
  });
});
