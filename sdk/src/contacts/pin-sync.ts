/**
 * Pin sets travel through the server sealed to the user's own key
 * (DESIGN.md §6), so every device of the user shares them and the server
 * can neither read nor alter them:
 *
 *   pinKey = BLAKE2s-256(key = identitySecret, message = "peerlock/pins/v1")
 *   blob   = nonce(24) ‖ secretbox(utf8(JSON{ v: 2, version, pins, treeHead? }), nonce, pinKey)
 *
 * Format 2 adds `treeHead`, the newest key-log tree head the user's devices
 * verified (docs/key-transparency.md); format 1 sets (no head) still open.
 *
 * The version is inside the authenticated plaintext; openPinSet refuses a
 * set older than the newest this device has seen (a rollback by the server).
 */
import { assertBytes, bytesToUtf8, concatBytes, randomBytes, utf8ToBytes, wipe } from '../crypto/bytes.js';
import { blake2s } from '../crypto/blake2s.js';
import { DecryptionError } from '../crypto/errors.js';
import { NONCE_BYTES, secretbox, secretboxOpenFramed } from '../crypto/nacl.js';
import { isMiniLockId } from '../keys/minilock-id.js';
import { PinRejectedError, type FormerKey, type KeyPin, type PinSet } from './key-pins.js';
import { isOldTreeHeadVersion, TREE_HEAD_RECORD_VERSION, type TreeHeadRecord } from '../keylog/tree-head.js';

const LABEL = utf8ToBytes('peerlock/pins/v1');
const FORMAT = 2;
const READABLE_FORMATS: ReadonlySet<unknown> = new Set([1, 2]);

function pinKey(identitySecretKey: Uint8Array): Uint8Array {
  assertBytes(identitySecretKey, 'identitySecretKey', 32);
  return blake2s(LABEL, 32, identitySecretKey);
}

export function sealPinSet(set: PinSet, identitySecretKey: Uint8Array): Uint8Array {
  const key = pinKey(identitySecretKey);
  try {
    const nonce = randomBytes(NONCE_BYTES);
    const body = utf8ToBytes(JSON.stringify({ v: FORMAT, version: set.version, pins: set.pins, ...(set.treeHead ? { treeHead: set.treeHead } : {}) }));
    return concatBytes(nonce, secretbox(body, nonce, key));
  } finally {
    wipe(key);
  }
}

function parsePin(value: unknown): KeyPin {
  if (typeof value !== 'object' || value === null) throw new PinRejectedError('malformed');
  const { miniLockId, pinnedAt, verified, pendingMiniLockId, previous, newestKeySequence } = value as Record<string, unknown>;
  if (newestKeySequence !== undefined && (!Number.isSafeInteger(newestKeySequence) || (newestKeySequence as number) < 0)) throw new PinRejectedError('malformed');
  if (!isMiniLockId(miniLockId) || !Number.isSafeInteger(pinnedAt) || typeof verified !== 'boolean') throw new PinRejectedError('malformed');
  if (pendingMiniLockId !== undefined && !isMiniLockId(pendingMiniLockId)) throw new PinRejectedError('malformed');
  const formerKeys = previous === undefined ? undefined : parseFormerKeys(previous);
  return {
    miniLockId,
    pinnedAt: pinnedAt as number,
    verified,
    ...(newestKeySequence === undefined ? {} : { newestKeySequence: newestKeySequence as number }),
    ...(pendingMiniLockId === undefined ? {} : { pendingMiniLockId }),
    ...(formerKeys === undefined ? {} : { previous: formerKeys }),
  };
}

function parseFormerKeys(value: unknown): FormerKey[] {
  if (!Array.isArray(value) || value.length > 1000) throw new PinRejectedError('malformed');
  return value.map((k: unknown) => {
    const { miniLockId, until } = (k ?? {}) as Record<string, unknown>;
    if (!isMiniLockId(miniLockId) || !Number.isSafeInteger(until)) throw new PinRejectedError('malformed');
    return { miniLockId, until: until as number };
  });
}

/** A stored head; one of an earlier log (no version, or 2) is dropped: it is of another tree. */
function parseTreeHead(value: unknown): TreeHeadRecord | undefined {
  const { version, treeSize, timestamp, rootHash, signature } = (value ?? {}) as Record<string, unknown>;
  if (version !== TREE_HEAD_RECORD_VERSION && !isOldTreeHeadVersion(version)) throw new PinRejectedError('malformed');
  const base64 = /^[A-Za-z0-9+/]+={0,2}$/;
  if (!Number.isSafeInteger(treeSize) || (treeSize as number) < 0 || typeof timestamp !== 'string' || !/^\d{1,16}$/.test(timestamp)) throw new PinRejectedError('malformed');
  if (typeof rootHash !== 'string' || !base64.test(rootHash) || typeof signature !== 'string' || !base64.test(signature)) throw new PinRejectedError('malformed');
  return version === TREE_HEAD_RECORD_VERSION ? { version, treeSize: treeSize as number, timestamp, rootHash, signature } : undefined;
}

/** Opens a pin set from the server; `newestSeenVersion` is this device's high-water mark. */
export function openPinSet(blob: Uint8Array, identitySecretKey: Uint8Array, newestSeenVersion: number): PinSet {
  assertBytes(blob, 'blob');
  if (!Number.isSafeInteger(newestSeenVersion) || newestSeenVersion < 0) throw new RangeError('newestSeenVersion: expected a non-negative integer');
  const key = pinKey(identitySecretKey);
  let body: Uint8Array;
  try {
    body = secretboxOpenFramed(blob, key);
  } catch (error) {
    if (error instanceof DecryptionError) throw new PinRejectedError('undecryptable');
    throw error;
  } finally {
    wipe(key);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytesToUtf8(body));
  } catch {
    throw new PinRejectedError('malformed');
  }
  const { v, version, pins, treeHead } = (parsed ?? {}) as Record<string, unknown>;
  if (!READABLE_FORMATS.has(v) || !Number.isSafeInteger(version) || (version as number) < 0 || typeof pins !== 'object' || pins === null) {
    throw new PinRejectedError('malformed');
  }
  if ((version as number) < newestSeenVersion) throw new PinRejectedError('rollback');
  const out: Record<string, KeyPin> = {};
  for (const [username, pin] of Object.entries(pins)) {
    if (!/^\w{1,16}$/.test(username) || username !== username.toLowerCase()) throw new PinRejectedError('malformed');
    out[username] = parsePin(pin);
  }
  if (treeHead !== undefined && v === 1) throw new PinRejectedError('malformed');
  const head = treeHead === undefined ? undefined : parseTreeHead(treeHead);
  return { version: version as number, pins: out, ...(head ? { treeHead: head } : {}) };
}
