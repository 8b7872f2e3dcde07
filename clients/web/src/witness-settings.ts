/**
 * The key-log witnesses this browser requires (DESIGN §6, T13): their
 * verifier keys and how many must have co-signed a tree head (k; 0 = none).
 * Kept in localStorage beside the device marks (public keys, nothing
 * secret) and applied to every client this page makes from the next login
 * on. Checked on the way in by the SDK's own check (parseWitnessing), so a
 * stored setting always opens.
 */
import { parseWitnessing } from '@peerlock/sdk';

const KEY = 'peerlock.witnesses';

export interface WitnessSettings {
  readonly witnesses: readonly string[];
  readonly witnessThreshold: number;
}

export const NO_WITNESSES: WitnessSettings = { witnesses: [], witnessThreshold: 0 };

/** The settings from the user's text (one verifier key per line) and k, checked as the SDK checks them (a RangeError says what is wrong). */
export function parseWitnessSettings(text: string, threshold: number): WitnessSettings {
  const witnesses = text.split(/[\s,]+/).filter(Boolean);
  parseWitnessing(witnesses, threshold);
  return { witnesses, witnessThreshold: threshold };
}

export function loadWitnessSettings(storage: Storage | undefined = globalThis.localStorage): WitnessSettings {
  try {
    const raw = JSON.parse(storage?.getItem(KEY) ?? 'null') as { witnesses?: unknown; witnessThreshold?: unknown } | null;
    if (!raw || !Array.isArray(raw.witnesses) || typeof raw.witnessThreshold !== 'number') return NO_WITNESSES;
    return parseWitnessSettings(raw.witnesses.join('\n'), raw.witnessThreshold);
  } catch {
    return NO_WITNESSES;
  }
}

export function saveWitnessSettings(settings: WitnessSettings, storage: Storage | undefined = globalThis.localStorage): void {
  storage?.setItem(KEY, JSON.stringify(settings));
}
