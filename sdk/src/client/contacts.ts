/**
 * Contacts and the keys pinned for them (DESIGN §4, §6; issue 19: one home
 * for each concept, as messaging and files have). The server's contact list
 * and its requests; the sealed pin set; `observe`, the one place a
 * contact's key enters the client (looked up in the directory, proven in the
 * key log, pinned on first sight or flagged as changed); the key a message
 * or a share may be encrypted to (sendableKey), so a changed key blocks
 * everywhere the same way; accepting a change, safety numbers and
 * verification.
 *
 * PeerlockClient keeps the public methods and delegates here. The pin set's
 * store is the logged-in user's (Accounts opens it at login and carries it
 * over a key rotation); keys are proven through the client's KeyLog.
 */
import { decodeMiniLockId } from '../keys/minilock-id.js';
import { acceptKeyChange, checkSend, markVerified, observeKey, withTreeHead, type KeyPin, type Observation, type PinSet } from '../contacts/key-pins.js';
import { safetyNumber, type SafetyNumber } from '../contacts/safety-number.js';
import { KeyNotInLogError } from '../keylog/errors.js';
import { canonicalUsername, type Accounts } from './accounts.js';
import { ContactKeyError } from './errors.js';
import type { KeyLog } from './key-transparency.js';
import type { PeerlockClient } from './peerlock-client.js';
import {
  AcceptContactDocument,
  BlockContactDocument,
  CancelContactRequestDocument,
  ContactsDocument,
  DeclineContactDocument,
  RemoveContactDocument,
  RequestContactDocument,
  UnblockContactDocument,
  UserDocument,
  type ContactListFieldsFragment,
} from './generated/graphql.js';

export type ContactList = ContactListFieldsFragment;

export class Contacts {
  /** Contacts whose key this device checked in the directory and the key log (see checkKey). */
  private readonly keyChecked = new Set<string>();

  constructor(
    private readonly client: PeerlockClient,
    private readonly accounts: Accounts,
    private readonly keyLog: KeyLog,
    private readonly now: () => number,
    /** Whether a notification stream's connection is up: a change of a contact's key is pushed to us then. */
    private readonly streamConnected: () => boolean,
  ) {}

  async contacts(): Promise<ContactList> {
    return (await this.client.call(ContactsDocument, {}, true)).contacts;
  }

  /** Asks for a contact and pins their key on first sight. */
  async requestContact(username: string): Promise<ContactList> {
    await this.observe(username);
    return (await this.client.call(RequestContactDocument, { username: canonicalUsername(username) }, true)).requestContact;
  }

  async acceptContact(username: string): Promise<ContactList> {
    await this.observe(username);
    return (await this.client.call(AcceptContactDocument, { username: canonicalUsername(username) }, true)).acceptContact;
  }

  async declineContact(username: string): Promise<ContactList> {
    return (await this.client.call(DeclineContactDocument, { username: canonicalUsername(username) }, true)).declineContact;
  }

  async cancelContactRequest(username: string): Promise<ContactList> {
    return (await this.client.call(CancelContactRequestDocument, { username: canonicalUsername(username) }, true)).cancelContactRequest;
  }

  async removeContact(username: string): Promise<ContactList> {
    return (await this.client.call(RemoveContactDocument, { username: canonicalUsername(username) }, true)).removeContact;
  }

  async blockContact(username: string): Promise<ContactList> {
    return (await this.client.call(BlockContactDocument, { username: canonicalUsername(username) }, true)).blockContact;
  }

  async unblockContact(username: string): Promise<ContactList> {
    return (await this.client.call(UnblockContactDocument, { username: canonicalUsername(username) }, true)).unblockContact;
  }

  async pins(): Promise<PinSet> {
    return this.accounts.pinsStore().current();
  }

  async pin(username: string): Promise<KeyPin | undefined> {
    return (await this.pins()).pins[canonicalUsername(username)];
  }

  /**
   * Looks the user up in the directory and records what it shows: pinned
   * on first sight, 'changed' (and blocked) when it differs from the pin.
   */
  async observe(username: string): Promise<{ observation: Observation; pin: KeyPin }> {
    const user = canonicalUsername(username);
    const { user: entry } = await this.client.call(UserDocument, { username: user }, true);
    if (!entry) throw new ContactKeyError(user, 'no-such-user');
    const proven = await this.keyLog.prove(user, entry.miniLockId);
    this.keyChecked.add(user);
    let observation: Observation = 'unchanged';
    const set = await this.accounts.pinsStore().update((s) => {
      // Never back to a key from before a rotation the log has proven to this user's devices (DESIGN §6).
      if ((s.pins[user]?.newestKeySequence ?? -1) > proven.keySequence) throw new KeyNotInLogError(user, 'stale-key');
      const seen = observeKey(s, user, entry.miniLockId, this.now(), proven.keySequence);
      observation = seen.observation;
      // The newest verified head rides along whenever the pin set is stored anyway.
      return seen.set === s ? s : withTreeHead(seen.set, this.keyLog.head);
    });
    return { observation, pin: set.pins[user]! };
  }

  /**
   * Checks a contact's key in the directory and the key log (observe), unless
   * this device did so while its notification stream is connected: a change
   * of their key is pushed to us then (CONTACT_KEY_CHANGED, and
   * forgetKeyCheck), so one check holds until we are told of a change, and a
   * message costs no key lookup. Without a connected stream (none opened, or
   * reconnecting) every message checks, as a rotated key may be a
   * compromised one.
   */
  async checkKey(username: string): Promise<void> {
    const user = canonicalUsername(username);
    if (this.streamConnected() && this.keyChecked.has(user)) return;
    await this.observe(user);
  }

  /** A contact's key changed (pushed): check it again before using it. */
  forgetKeyCheck(username: string): void {
    this.keyChecked.delete(canonicalUsername(username));
  }

  /** What happened while no stream was connected is unknown (a resync, a first connection): every key is checked again. */
  forgetKeyChecks(): void {
    this.keyChecked.clear();
  }

  /**
   * The key to encrypt to: the pin, after checking the directory still
   * shows it (checkKey). A change is recorded and refused until acceptKey.
   */
  async sendableKey(username: string): Promise<string> {
    const user = canonicalUsername(username);
    if (user === this.client.username) return this.client.miniLockId;
    await this.checkKey(user);
    const check = checkSend(await this.pins(), user);
    if (!check.ok) throw new ContactKeyError(user, check.reason);
    return check.miniLockId;
  }

  /** Accepts a contact's changed key (a verified contact needs `verifiedNewKey`, after comparing the new safety number). */
  async acceptKey(username: string, options: { verifiedNewKey?: boolean } = {}): Promise<KeyPin> {
    const user = canonicalUsername(username);
    await this.observe(user);
    const set = await this.accounts.pinsStore().update((s) => acceptKeyChange(s, user, this.now(), options));
    return set.pins[user]!;
  }

  /** The safety number of us and a contact, from the pinned key (digits and QR payload). */
  async safetyNumber(username: string): Promise<SafetyNumber & { verified: boolean; pendingKeyChange: boolean }> {
    const user = canonicalUsername(username);
    const pin = (await this.pin(user)) ?? (await this.observe(user)).pin;
    const number = safetyNumber(
      { username: this.client.username, publicKey: this.accounts.identity().identity.publicKey },
      { username: user, publicKey: decodeMiniLockId(pin.miniLockId) },
    );
    return { ...number, verified: pin.verified, pendingKeyChange: pin.pendingMiniLockId !== undefined };
  }

  /** The user compared the safety number out of band: mark the pinned key verified. */
  async markVerified(username: string, verified = true): Promise<KeyPin> {
    const user = canonicalUsername(username);
    const pin = (await this.pin(user)) ?? (await this.observe(user)).pin;
    const set = await this.accounts.pinsStore().update((s) => markVerified(s, user, pin.miniLockId, verified));
    return set.pins[user]!;
  }
}
