/**
 * The web client's witness settings (DESIGN §6, T13): checked on the way in
 * as the SDK checks them, stored in localStorage, and a damaged or foreign
 * value read back as "no witnesses" rather than a page that cannot start.
 */
import { describe, expect, it } from 'vitest';
import { ed25519PublicKey, formatVerifierKey, noteKey, NOTE_COSIGNATURE_V1, NOTE_ED25519, randomBytes } from '@peerlock/sdk';
import { loadWitnessSettings, NO_WITNESSES, parseWitnessSettings, saveWitnessSettings } from '../src/witness-settings.js';

const vkey = (name: string, type: typeof NOTE_COSIGNATURE_V1 | typeof NOTE_ED25519 = NOTE_COSIGNATURE_V1) => formatVerifierKey(noteKey(name, type, ed25519PublicKey(randomBytes(32))));

class MemoryStorage {
  private readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('witness settings', () => {
  const [a, b] = [vkey('witness-a.example'), vkey('witness-b.example')];

  it('take verifier keys one per line (or comma-separated) and k, and round-trip through storage', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    expect(loadWitnessSettings(storage)).toEqual(NO_WITNESSES);
    const settings = parseWitnessSettings(`${a}\n ${b},`, 2);
    expect(settings).toEqual({ witnesses: [a, b], witnessThreshold: 2 });
    saveWitnessSettings(settings, storage);
    expect(loadWitnessSettings(storage)).toEqual(settings);
  });

  it('refuse what the SDK would: not a key, a note key that is not a witness key, a witness twice, k above n', () => {
    expect(() => parseWitnessSettings('hello', 0)).toThrow(/not a witness verifier key/);
    expect(() => parseWitnessSettings(vkey('log.example', NOTE_ED25519), 0)).toThrow(/cosignature\/v1/);
    expect(() => parseWitnessSettings(`${a}\n${a}`, 1)).toThrow(/twice/);
    expect(() => parseWitnessSettings(a, 2)).toThrow(/between 0 and 1/);
    expect(() => parseWitnessSettings(a, -1)).toThrow(/between 0 and 1/);
  });

  it('read a damaged value as none', () => {
    const storage = new MemoryStorage() as unknown as Storage;
    storage.setItem('peerlock.witnesses', '{not json');
    expect(loadWitnessSettings(storage)).toEqual(NO_WITNESSES);
    storage.setItem('peerlock.witnesses', JSON.stringify({ witnesses: ['x'], witnessThreshold: 1 }));
    expect(loadWitnessSettings(storage)).toEqual(NO_WITNESSES);
  });
});
