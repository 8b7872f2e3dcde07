/**
 * Key pins (DESIGN.md §6, threat T6). The SDK trusts a contact's key on
 * first sight (TOFU) and from then on refuses to send to a different key
 * until the user accepts the change; a contact the user verified by safety
 * number is a hard stop: the new key must be verified again.
 *
 * A pin set is a plain value; every change returns a new set with
 * `version + 1`. Devices share it through the server sealed to the user's
 * own key (sealPinSet/openPinSet), and a device never accepts a set older
 * than the newest it has seen, so the server cannot roll pins back.
 */
import { PeerlockCryptoError } from '../crypto/errors.js';
import { decodeMiniLockId } from '../keys/minilock-id.js';
import type { TreeHeadRecord } from '../keylog/tree-head.js';

export interface KeyPin {
  readonly miniLockId: string;
  readonly pinnedAt: number;
  readonly verified: boolean;
  /**
   * The highest key sequence the key log has proven for this contact, pinned
   * or pending (DESIGN §6): a key proven at a lower one is from before a
   * rotation this user's devices have seen, and is refused as stale.
   */
  readonly newestKeySequence?: number;
  /** A different key the server has shown for this contact, not yet accepted. */
  readonly pendingMiniLockId?: string;
  /** Keys this contact had before, each with the time the user replaced it (oldest first). */
  readonly previous?: readonly FormerKey[];
}

export interface FormerKey {
  readonly miniLockId: string;
  /** When the user accepted the key that replaced it (ms). */
  readonly until: number;
}

export interface PinSet {
  readonly version: number;
  readonly pins: Readonly<Record<string, KeyPin>>;
  /** The newest key-log tree head this user's devices have verified (DESIGN §6); kept so a later head must be consistent with it. */
  readonly treeHead?: TreeHeadRecord;
}

export type PinRejection = 'rollback' | 'undecryptable' | 'malformed' | 'not-pinned' | 'verified-key-changed' | 'no-pending-change' | 'key-mismatch';

export class PinRejectedError extends PeerlockCryptoError {
  readonly code = 'PIN_REJECTED' as const;
  constructor(readonly reason: PinRejection) {
    super(`key pin refused: ${reason}`);
  }
}

export type SendCheck =
  | { readonly ok: true; readonly miniLockId: string }
  | { readonly ok: false; readonly reason: 'unpinned' | 'key-changed' | 'verified-key-changed' };

export const emptyPinSet: PinSet = Object.freeze({ version: 0, pins: Object.freeze({}) });

const canonical = (username: string): string => {
  if (typeof username !== 'string' || !/^\w{1,16}$/.test(username)) throw new TypeError('username: expected 1–16 word characters');
  return username.toLowerCase();
};

function withPin(set: PinSet, username: string, pin: KeyPin): PinSet {
  return { ...set, version: set.version + 1, pins: { ...set.pins, [username]: pin } };
}

export type Observation = 'pinned' | 'unchanged' | 'changed';

/** Records the key the directory (or a message) shows for `username`. */
export function observeKey(set: PinSet, username: string, miniLockId: string, now: number, keySequence?: number): { set: PinSet; observation: Observation } {
  const user = canonical(username);
  decodeMiniLockId(miniLockId);
  const seen = set.pins[user];
  if (!seen) return { set: withPin(set, user, { miniLockId, pinnedAt: now, verified: false, ...(keySequence === undefined ? {} : { newestKeySequence: keySequence }) }), observation: 'pinned' };
  // The newest key sequence proven for this contact only ever goes up.
  const pin = keySequence === undefined || keySequence <= (seen.newestKeySequence ?? -1) ? seen : { ...seen, newestKeySequence: keySequence };
  if (pin !== seen) set = withPin(set, user, pin);
  if (pin.miniLockId === miniLockId) {
    // The server showed the pinned key again: any pending change it showed before is withdrawn.
    if (pin.pendingMiniLockId === undefined) return { set, observation: 'unchanged' };
    const { pendingMiniLockId: _dropped, ...rest } = pin;
    return { set: withPin(set, user, rest), observation: 'unchanged' };
  }
  if (pin.pendingMiniLockId === miniLockId) return { set, observation: 'changed' };
  return { set: withPin(set, user, { ...pin, pendingMiniLockId: miniLockId }), observation: 'changed' };
}

/** May we encrypt to `username` now, and to which key? */
export function checkSend(set: PinSet, username: string): SendCheck {
  const pin = set.pins[canonical(username)];
  if (!pin) return { ok: false, reason: 'unpinned' };
  if (pin.pendingMiniLockId !== undefined) return { ok: false, reason: pin.verified ? 'verified-key-changed' : 'key-changed' };
  return { ok: true, miniLockId: pin.miniLockId };
}

/**
 * The user accepts a contact's new key. For a verified contact this needs
 * `verifiedNewKey: true` (the user compared the new safety number); the pin
 * then stays verified. Otherwise the new key is pinned unverified.
 */
export function acceptKeyChange(set: PinSet, username: string, now: number, options: { verifiedNewKey?: boolean } = {}): PinSet {
  const user = canonical(username);
  const pin = set.pins[user];
  if (!pin) throw new PinRejectedError('not-pinned');
  if (pin.pendingMiniLockId === undefined) throw new PinRejectedError('no-pending-change');
  if (pin.verified && options.verifiedNewKey !== true) throw new PinRejectedError('verified-key-changed');
  const previous = [...(pin.previous ?? []), { miniLockId: pin.miniLockId, until: now }];
  return withPin(set, user, { miniLockId: pin.pendingMiniLockId, pinnedAt: now, verified: options.verifiedNewKey === true, previous });
}

/**
 * The keys a message from `username` dated `at` may be signed with: the
 * pinned key, and any key the user accepted a replacement for after `at`
 * (so a contact's messages from before a key rotation still verify). A key
 * the server merely shows, never accepted, is not among them.
 */
export function keysValidAt(set: PinSet, username: string, at: number): string[] {
  const pin = set.pins[canonical(username)];
  if (!pin) return [];
  return [pin.miniLockId, ...(pin.previous ?? []).filter((k) => at < k.until).map((k) => k.miniLockId)];
}

/** Marks the pinned key verified; `miniLockId` is the key whose safety number the user compared. */
export function markVerified(set: PinSet, username: string, miniLockId: string, verified = true): PinSet {
  const user = canonical(username);
  const pin = set.pins[user];
  if (!pin) throw new PinRejectedError('not-pinned');
  if (pin.miniLockId !== miniLockId || pin.pendingMiniLockId !== undefined) throw new PinRejectedError('key-mismatch');
  if (pin.verified === verified) return set;
  return withPin(set, user, { ...pin, verified });
}

export function forgetPin(set: PinSet, username: string): PinSet {
  const user = canonical(username);
  if (!set.pins[user]) return set;
  const { [user]: _removed, ...pins } = set.pins;
  return { ...set, version: set.version + 1, pins };
}

/**
 * Records a newer verified tree head in the set (no version bump: it rides
 * along with the change being stored). A smaller head never replaces a larger one.
 */
export function withTreeHead(set: PinSet, head: TreeHeadRecord | undefined): PinSet {
  if (!head || (set.treeHead && set.treeHead.treeSize >= head.treeSize)) return set;
  return { ...set, treeHead: head };
}
