/**
 * What a witness keeps on disk, in its own directory:
 *
 *   witness.key   {"name", "seed"}          its Ed25519 signing seed (mode 0600, never leaves the machine)
 *   state.json    {"logKey", "origin", "treeSize", "rootHash"}
 *                 the log it watches (its long-term key, pinned on first run) and the
 *                 checkpoint it co-signed last
 *
 * The state is written to a temporary file, flushed and renamed over the old
 * one before the co-signature leaves the process: after a crash the witness
 * remembers at least what it signed, so it can never be made to co-sign a
 * fork of a history it already vouched for.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { base64ToBytes, bytesToBase64, ed25519PublicKey, formatVerifierKey, noteKey, NOTE_COSIGNATURE_V1, randomBytes, type Checkpoint, type NoteKey } from '@peerlock/sdk';

export interface WitnessIdentity {
  readonly name: string;
  readonly seed: Uint8Array;
  readonly key: NoteKey;
}

export interface WitnessState {
  /** base64 of the log's long-term Ed25519 key. */
  readonly logKey: string;
  /** The checkpoint co-signed last; null before the first. */
  readonly cosigned: Checkpoint | null;
}

export class WitnessStoreError extends Error {
  readonly code = 'WITNESS_STATE';
}

const KEY_FILE = 'witness.key';
const STATE_FILE = 'state.json';

function writeAtomically(path: string, text: string, mode: number): void {
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}

const identityOf = (name: string, seed: Uint8Array): WitnessIdentity => ({ name, seed, key: noteKey(name, NOTE_COSIGNATURE_V1, ed25519PublicKey(seed)) });

/** Makes a new witness key in `dir` (refuses to replace one) and returns it. */
export function initWitness(dir: string, name: string): WitnessIdentity {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, KEY_FILE);
  if (existsSync(path)) throw new WitnessStoreError(`${path} exists: this directory already holds a witness (\`peerlock-witness vkey ${dir}\` prints its key)`);
  const identity = identityOf(name, randomBytes(32));
  writeAtomically(path, `${JSON.stringify({ name, seed: bytesToBase64(identity.seed) })}\n`, 0o600);
  return identity;
}

export function loadIdentity(dir: string): WitnessIdentity {
  const path = join(dir, KEY_FILE);
  if (!existsSync(path)) throw new WitnessStoreError(`no witness in ${dir}: run \`peerlock-witness init ${dir} <name>\` first`);
  try {
    const { name, seed } = JSON.parse(readFileSync(path, 'utf8')) as { name: string; seed: string };
    const bytes = base64ToBytes(seed, 'seed');
    if (bytes.length !== 32) throw new RangeError('seed: expected 32 bytes');
    return identityOf(name, bytes);
  } catch (error) {
    throw new WitnessStoreError(`${path} is not a witness key (${(error as Error).message})`);
  }
}

export const verifierKeyOf = (identity: WitnessIdentity): string => formatVerifierKey(identity.key);

export function loadState(dir: string): WitnessState | null {
  const path = join(dir, STATE_FILE);
  if (!existsSync(path)) return null;
  try {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as { logKey: string; origin?: string; treeSize?: number; rootHash?: string };
    if (base64ToBytes(raw.logKey, 'logKey').length !== 32) throw new RangeError('logKey: expected 32 bytes');
    const cosigned =
      raw.origin === undefined ? null : { origin: raw.origin, treeSize: raw.treeSize!, rootHash: base64ToBytes(raw.rootHash!, 'rootHash') };
    if (cosigned && (!Number.isSafeInteger(cosigned.treeSize) || cosigned.treeSize < 0 || cosigned.rootHash.length !== 32)) throw new RangeError('checkpoint');
    return { logKey: raw.logKey, cosigned };
  } catch (error) {
    throw new WitnessStoreError(`${path} is damaged (${(error as Error).message}); restore it from a backup: starting afresh would let the log rewrite what this witness vouched for`);
  }
}

export function saveState(dir: string, state: WitnessState): void {
  const { logKey, cosigned } = state;
  const doc = cosigned ? { logKey, origin: cosigned.origin, treeSize: cosigned.treeSize, rootHash: bytesToBase64(cosigned.rootHash) } : { logKey };
  writeAtomically(join(dir, STATE_FILE), `${JSON.stringify(doc)}\n`, 0o600);
}
