/**
 * The one sealed-document decider behind the pin set (DESIGN §6) and the file
 * index (§5): each kind is the same compare-and-set rule under its own
 * command and event names.
 */
import { describe, expect, it } from 'vitest';
import { sealedDocumentDecider } from '../../src/sealed-documents/sealed-document-decider.js';
import { pinSetDecider } from '../../src/pins/pin-set-decider.js';
import { fileIndexDecider, type FileIndexDomainEvent, type StoreFileIndex } from '../../src/files/file-index-decider.js';
import { deciderSpecification } from '../support/decider-specification.js';

const spec = deciderSpecification(fileIndexDecider);
const stored = (version: number, blob: string): FileIndexDomainEvent => ({ type: 'FileIndexStored', data: { username: 'alice', version, blob } });
const store = (expectedVersion: number, blob: string): StoreFileIndex => ({ type: 'StoreFileIndex', username: 'alice', expectedVersion, blob });

describe('file index decider (a sealed document)', () => {
  it('stores version 1 over nothing, then each next version over the one before', () => {
    spec.given([]).when(store(0, 'AAAA')).then([stored(1, 'AAAA')]);
    spec.given([stored(1, 'AAAA')]).when(store(1, 'BBBB')).then([stored(2, 'BBBB')]);
    spec.given([stored(1, 'AAAA'), stored(2, 'BBBB')]).when(store(2, 'CCCC')).then([stored(3, 'CCCC')]);
  });

  it('refuses a store based on any other version (a second device that did not read the latest)', () => {
    spec.given([stored(1, 'AAAA')]).when(store(0, 'BBBB')).thenRefuses('CONFLICT');
    spec.given([stored(1, 'AAAA'), stored(2, 'BBBB')]).when(store(1, 'CCCC')).thenRefuses('CONFLICT');
    spec.given([]).when(store(1, 'BBBB')).thenRefuses('CONFLICT');
  });

  it('folds to the newest blob and version', () => {
    const state = [stored(1, 'AAAA'), stored(2, 'BBBB')].reduce(fileIndexDecider.evolve, fileIndexDecider.initialState());
    expect(state).toEqual({ version: 2, blob: 'BBBB' });
    expect(fileIndexDecider.initialState()).toEqual({ version: 0, blob: null });
  });
});

describe('sealed document decider', () => {
  it('is one rule under each kind’s names: the pin set and the file index decide alike', () => {
    const pin = pinSetDecider.decide({ type: 'StorePinSet', username: 'bob', expectedVersion: 0, blob: 'AAAA' }, pinSetDecider.initialState());
    const index = fileIndexDecider.decide({ type: 'StoreFileIndex', username: 'bob', expectedVersion: 0, blob: 'AAAA' }, fileIndexDecider.initialState());
    expect(pin).toEqual([{ type: 'PinSetStored', data: { username: 'bob', version: 1, blob: 'AAAA' } }]);
    expect(index).toEqual([{ type: 'FileIndexStored', data: { username: 'bob', version: 1, blob: 'AAAA' } }]);
    expect([pinSetDecider.commandType, fileIndexDecider.commandType]).toEqual(['StorePinSet', 'StoreFileIndex']);
  });

  it('takes only its own kind’s command and event (another is a programming error, not a refusal)', () => {
    const decider = sealedDocumentDecider({ store: 'StoreThing', stored: 'ThingStored' });
    expect(() => decider.decide({ type: 'StorePinSet', username: 'bob', expectedVersion: 0, blob: 'AAAA' } as never, decider.initialState())).toThrow(Error);
    expect(() => decider.evolve(decider.initialState(), { type: 'PinSetStored', data: { username: 'bob', version: 1, blob: 'AAAA' } } as never)).toThrow(Error);
  });
});
