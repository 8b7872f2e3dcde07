/**
 * The high-level client (issue 7): hides tokens, keys and checks. Works in
 * Node and browsers: fetch for requests, graphql-ws for notifications (pass
 * `webSocketImpl` where there is no global WebSocket), and key derivation
 * through `#platform` (native scrypt in Node, scrypt-js in browsers).
 *
 * Nothing here logs; secrets leave only through `exportSession()`, for a
 * caller that seals them (the CLI does).
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { base64ToBytes, bytesToBase64, wipe } from '../crypto/bytes.js';
import { forgetLongTermKey } from '../crypto/long-term-key.js';
import { deriveAuthKeyPair, deriveKeyPair, keyPairFromSecretKey, miniLockIdOf, type KeyPair } from '../keys/derive.js';
import { decodeMiniLockId } from '../keys/minilock-id.js';
import { assertStrongPassphrase } from '../keys/passphrase.js';
import { authorizationHeader } from '../protocol/authorization.js';
import { openAuthChallenge, openIdentityChallenge, openSessionSecret, openToken } from '../protocol/auth-challenges.js';
import { verifyServerKey } from '../protocol/server-key.js';
import { acceptKeyChange, checkSend, markVerified, observeKey, withTreeHead, type KeyPin, type Observation, type PinSet } from '../contacts/key-pins.js';
import { KeyTransparency } from './key-transparency.js';
import type { NoteKey } from '../keylog/signed-note.js';
import { parseWitnessing } from '../keylog/witnessing.js';
import type { KeyLogEntry } from '../keylog/leaf.js';
import { KeyNotInLogError, OwnKeyNotInLogError } from '../keylog/errors.js';
import { verifyVrfKey } from '../keylog/tree-head.js';
import { safetyNumber, type SafetyNumber } from '../contacts/safety-number.js';
import { ContactKeyError, NoSuchAccountError, NotLoggedInError, PeerlockApiError, WrongPassphraseError } from './errors.js';
import { executeOperation } from './graphql-transport.js';
import { pinSetKind, SealedDocumentStore, type Execute } from './sealed-document-store.js';
import { FileIndexStore } from './file-index-store.js';
import { TokenPool } from './token-pool.js';
import { MemoryMarkStore, NO_MARKS, raiseMarks, type DeviceMarks, type DeviceMarkStore } from './device-marks.js';
import { openNotificationStream, type ConnectionExecute, type NotificationStream, type NotificationStreamOptions, type PeerlockNotification } from './notifications.js';
import { Messaging, type LiveLimits, type ReadMessage } from './messaging.js';
import { withJitter } from './retry.js';
import { FileTransfers } from './file-transfers.js';
import {
  AcceptContactDocument,
  AuthChallengeDocument,
  LogoutDocument,
  RefreshSessionDocument,
  RevokeSessionDocument,
  SessionsDocument,
  type SessionsQuery,
  BlockContactDocument,
  CancelContactRequestDocument,
  ConfirmTwoFactorDocument,
  ContactsDocument,
  DeclineContactDocument,
  DeleteAccountDocument,
  DisableTwoFactorDocument,
  KeyRotationChallengeDocument,
  MeDocument,
  RemoveContactDocument,
  RequestContactDocument,
  RotateKeysDocument,
  ServerKeysDocument,
  KeyLogVrfKeyDocument,
  SetupTwoFactorDocument,
  SignupChallengeDocument,
  SignupDocument,
  UnblockContactDocument,
  UpdateProfileDocument,
  UserDocument,
  type ContactListFieldsFragment,
  type KeyChallengeFieldsFragment,
  type MeQuery,
  type ProfileInput,
  type ServerKeyFieldsFragment,
  type SetupTwoFactorMutation,
} from './generated/graphql.js';

export interface PeerlockClientOptions {
  /** The GraphQL endpoint, e.g. http://127.0.0.1:4000/graphql. */
  readonly url: string;
  readonly fetch?: typeof fetch;
  /** WebSocket constructor for notifications (Node 20 has none: pass `ws`). */
  readonly webSocketImpl?: unknown;
  /** The server's long-term Ed25519 key (base64) from configuration; otherwise pinned on first use. */
  readonly serverSigningKey?: string;
  /**
   * Key-log witnesses (DESIGN §6, T13): their C2SP verifier keys, as
   * `peerlock-witness init` prints them, and how many of them must have
   * co-signed a tree head before this client trusts it (default 0: none, a
   * single-node dev setup). A head with fewer is refused TooFewCosignatures.
   */
  readonly witnesses?: readonly string[];
  readonly witnessThreshold?: number;
  /** Supplies a TOTP code when the token pool must be refilled with two-factor on. */
  readonly totp?: () => Promise<string | undefined>;
  readonly now?: () => number;
  /**
   * Where this device keeps its rollback high-water marks (pin-set and
   * file-index versions, key-log head) across logout and login. Defaults to
   * this process's memory; the CLI and the web client keep them on disk.
   */
  readonly deviceMarks?: DeviceMarkStore;
  /**
   * The device session a login opens (DESIGN §3): its label in the user's
   * session list and whether it is trusted (30 days) or not (12 hours, the
   * server's defaults). Later token batches prove the session and need no
   * two-factor code. Default: "Peerlock SDK", trusted; null: no session
   * (every batch is a login, with a code when two-factor is on).
   */
  readonly device?: { readonly label: string; readonly trusted?: boolean } | null;
  /** What a notification stream keeps verified in memory (Messaging's LiveLimits); the defaults suit any client. */
  readonly liveLimits?: LiveLimits;
}

/** One of the user's device sessions as the server lists them. */
export type DeviceSessionInfo = SessionsQuery['sessions'][number];

/** What a caller may keep between runs. Contains secrets: seal it before storing. */
export interface ClientSession {
  readonly username: string;
  readonly secretKey: string;
  readonly tokens: readonly string[];
  readonly tokensExpireAt: number;
  readonly serverSigningKey: string;
  readonly pinVersion: number;
  /** The device session (absent for a login without one): its id and secret, base64. */
  readonly sessionId?: string;
  readonly sessionSecret?: string;
}

export type ContactList = ContactListFieldsFragment;
export type Account = MeQuery['me'];
export type TwoFactorSetup = SetupTwoFactorMutation['setupTwoFactor'];

interface Identity {
  readonly username: string;
  readonly identity: KeyPair;
  readonly auth: KeyPair;
}

const box = (w: { nonce: string; ciphertext: string }) => ({ nonce: base64ToBytes(w.nonce), ciphertext: base64ToBytes(w.ciphertext) });

export class PeerlockClient {
  readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly now: () => number;
  private serverSigningKey: Uint8Array | null;
  private me: Identity | null = null;
  private readonly pool: TokenPool;
  private pinStore: SealedDocumentStore<PinSet> | null = null;
  private indexStore: FileIndexStore | null = null;
  private pendingTotp: string | undefined;
  /** This device's session: refills prove it instead of asking for a code. */
  private session: { readonly id: string; readonly secret: Uint8Array } | null = null;
  /** Our own key change is under way: the server has ended our sessions, and the new key's login will open a new one. */
  private rekeying = false;
  private keyLog: KeyTransparency;
  private readonly witnessing: { readonly witnesses: readonly NoteKey[]; readonly threshold: number };
  private vrfKey: Uint8Array | null = null;
  private readonly markStore: DeviceMarkStore;
  /** Contacts whose key this device checked in the directory and the key log (see checkKey). */
  private readonly keyChecked = new Set<string>();
  /** Notification streams open (connected or reconnecting with catch-up). */
  private streams = 0;
  /** The connection of a notification stream while it is up: authenticated calls go through it, with no token. */
  private connection: ConnectionExecute | null = null;
  readonly messaging: Messaging;
  readonly files: FileTransfers;

  constructor(private readonly options: PeerlockClientOptions) {
    this.url = options.url;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.now = options.now ?? Date.now;
    this.markStore = options.deviceMarks ?? new MemoryMarkStore();
    this.serverSigningKey = options.serverSigningKey ? base64ToBytes(options.serverSigningKey, 'serverSigningKey') : null;
    this.witnessing = parseWitnessing(options.witnesses ?? [], options.witnessThreshold ?? 0);
    this.pool = new TokenPool({
      now: this.now,
      fetchBatch: (code) => this.fetchTokens(code),
      totp: async () => {
        // A device session refills with its secret: never ask anyone for a code then.
        if (this.session) return undefined;
        const code = this.pendingTotp;
        this.pendingTotp = undefined;
        return code ?? (await options.totp?.());
      },
    });
    this.messaging = new Messaging(this, options.liveLimits);
    this.files = new FileTransfers(this);
    this.keyLog = this.newKeyLog();
  }

  /** Keys are scrypt-derived from the passphrase with the canonical (lowercase) username as salt. */
  static async deriveIdentity(username: string, passphrase: string): Promise<KeyPair> {
    return deriveKeyPair(passphrase, canonicalUsername(username));
  }

  get username(): string {
    return this.identity().username;
  }

  get miniLockId(): string {
    return miniLockIdOf(this.identity().identity);
  }

  get loggedIn(): boolean {
    return this.me !== null;
  }

  /** @internal the identity secret for the messaging and file helpers. */
  secretKey(): Uint8Array {
    return this.identity().identity.secretKey;
  }

  /** @internal this device's high-water marks for the logged-in user (DESIGN T11). */
  marks(): DeviceMarks {
    return this.markStore.load(this.url, this.username) ?? NO_MARKS;
  }

  /** @internal records what this device has now seen; marks only ever go up. */
  raiseMarks(seen: Partial<DeviceMarks>): DeviceMarks {
    const before = this.marks();
    const after = raiseMarks(before, seen);
    if (after.pinSetVersion !== before.pinSetVersion || after.fileIndexVersion !== before.fileIndexVersion || after.treeHead !== before.treeHead) {
      this.markStore.save(this.url, this.username, after);
    }
    return after;
  }

  // ---- accounts ----------------------------------------------------------

  /** Creates the account and logs in; returns the recovery code (show it once). */
  async signup(input: { username: string; passphrase: string; displayName?: string; email?: string; identity?: KeyPair }): Promise<{ username: string; recoveryCode: string }> {
    const username = canonicalUsername(input.username);
    if (!input.identity) assertStrongPassphrase(input.passphrase, username);
    const identity = input.identity ?? (await PeerlockClient.deriveIdentity(username, input.passphrase));
    const auth = deriveAuthKeyPair(identity.secretKey);
    const { signupChallenge } = await this.call(SignupChallengeDocument, {
      input: {
        username,
        miniLockId: miniLockIdOf(identity),
        authPublicKey: bytesToBase64(auth.publicKey),
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
      },
    });
    const answers = await this.answer(signupChallenge, identity, auth);
    const { signup } = await this.call(SignupDocument, { input: answers });
    await this.adopt({ username, identity, auth });
    return signup;
  }

  /**
   * Logs in (DESIGN §3): the account's registered key first (an unknown or
   * deleted account is NoSuchAccountError, before any scrypt), then the key
   * derived from the passphrase (unless given) is compared with it, so a
   * wrong passphrase is WrongPassphraseError before a two-factor code or a
   * login attempt is spent; only then a first batch of tokens.
   */
  async login(input: { username: string; passphrase?: string; identity?: KeyPair; totpCode?: string }): Promise<void> {
    const username = canonicalUsername(input.username);
    const registered = await this.registeredKey(username);
    const identity = input.identity ?? (await PeerlockClient.deriveIdentity(username, requirePassphrase(input.passphrase)));
    if (miniLockIdOf(identity) !== registered) throw new WrongPassphraseError(username);
    await this.adopt({ username, identity, auth: deriveAuthKeyPair(identity.secretKey) }, input.totpCode);
    await this.checkOwnKey();
  }

  /**
   * What the own-key check of the last login found (DESIGN §6,
   * monitored): 'ok', or 'pending' when the witnesses this client requires
   * have not yet co-signed a head holding our key (checked again at the next
   * login); null before any. A failed check is OwnKeyNotInLogError instead.
   */
  ownKeyCheck: 'ok' | 'pending' | null = null;

  /**
   * DESIGN §6 (monitored): at every login the newest key the log holds for
   * our own name must be our key, proven like any contact's key (signed and
   * witnessed head, consistency, inclusion, VRF, opening). Otherwise
   * OwnKeyNotInLogError, loudly: the server may be showing others a key for
   * us that is not ours. The session stays open, so the caller can show it
   * and the user can act (rotate, leave). Tree-head refusals (fork,
   * rollback, too few co-signatures) are thrown as themselves.
   */
  private async checkOwnKey(): Promise<void> {
    const me = this.identity();
    this.ownKeyCheck = null;
    try {
      await this.proveInLog(me.username, miniLockIdOf(me.identity));
      this.ownKeyCheck = 'ok';
    } catch (error) {
      if (error instanceof PeerlockApiError && error.code === 'UNAVAILABLE' && this.witnessing.threshold > 0) {
        this.ownKeyCheck = 'pending';
        return;
      }
      if (error instanceof KeyNotInLogError) throw new OwnKeyNotInLogError(me.username, error.reason);
      throw error;
    }
  }

  /**
   * The miniLock ID an account registered, from the public directory, or
   * NoSuchAccountError. A hint, enough for what it decides: a server that
   * lies here can refuse a login (as it always can), never let a wrong key
   * in, since the login tokens still open only with the registered auth key.
   */
  async registeredKey(username: string): Promise<string> {
    const canonical = canonicalUsername(username);
    const { user } = await this.call(UserDocument, { username: canonical });
    if (!user || user.deleted) throw new NoSuchAccountError(canonical, user?.deleted === true);
    return user.miniLockId;
  }

  /**
   * A fresh batch of tokens for the session this client holds, with a
   * two-factor code: no passphrase and no key derivation (the keys are the
   * session's). For a session whose tokens ran out with two-factor on.
   */
  async renewTokens(totpCode: string): Promise<void> {
    this.identity();
    await this.pool.refill(totpCode);
  }

  /** Restores a session exported earlier; no scrypt, no request until needed. */
  resume(session: ClientSession): void {
    const identity = keyPairFromSecretKey(base64ToBytes(session.secretKey, 'secretKey'));
    this.serverSigningKey = base64ToBytes(session.serverSigningKey, 'serverSigningKey');
    this.me = { username: canonicalUsername(session.username), identity, auth: deriveAuthKeyPair(identity.secretKey) };
    this.pool.clear();
    this.pool.add(session.tokens.map((t) => base64ToBytes(t, 'token')), session.tokensExpireAt);
    this.session = session.sessionId && session.sessionSecret ? { id: session.sessionId, secret: base64ToBytes(session.sessionSecret, 'sessionSecret') } : null;
    this.openStores(session.pinVersion);
  }

  exportSession(): ClientSession {
    const me = this.identity();
    if (!this.serverSigningKey) throw new NotLoggedInError();
    const { tokens, expiresAt } = this.pool.snapshot();
    return {
      username: me.username,
      secretKey: bytesToBase64(me.identity.secretKey),
      tokens: tokens.map(bytesToBase64),
      tokensExpireAt: expiresAt,
      serverSigningKey: bytesToBase64(this.serverSigningKey),
      pinVersion: this.pinStore?.highWaterMark ?? 0,
      ...(this.session ? { sessionId: this.session.id, sessionSecret: bytesToBase64(this.session.secret) } : {}),
    };
  }

  /** The user's live device sessions, most recently used first (`current`: this one). */
  async sessions(): Promise<DeviceSessionInfo[]> {
    return (await this.call(SessionsDocument, {}, true)).sessions;
  }

  /** Ends another device's session at once (its tokens, refreshes and live subscriptions); false when there was none. */
  async revokeSession(id: string): Promise<boolean> {
    return (await this.call(RevokeSessionDocument, { id }, true)).revokeSession;
  }

  /**
   * Logs out on the server too: this device's session ends everywhere (its
   * unspent tokens, its live subscriptions), then keys and tokens are
   * forgotten here. The local part happens even when the server cannot be
   * reached (the session then ends with its lifetime).
   */
  async endSession(): Promise<void> {
    try {
      if (this.me && this.session) await this.call(LogoutDocument, {}, true);
    } finally {
      this.logout();
    }
  }

  /** Forgets keys and tokens here (the server lets unspent tokens expire). */
  logout(): void {
    if (this.me) forgetKeys(this.me);
    if (this.session) wipe(this.session.secret);
    this.session = null;
    this.me = null;
    this.pinStore = null;
    this.indexStore = null;
    this.keyLog = this.newKeyLog();
    this.pool.clear();
  }

  async account(): Promise<Account> {
    return (await this.call(MeDocument, {}, true)).me;
  }

  async updateProfile(input: ProfileInput): Promise<void> {
    await this.call(UpdateProfileDocument, { input }, true);
  }

  async setupTwoFactor(): Promise<TwoFactorSetup> {
    return (await this.call(SetupTwoFactorDocument, {}, true)).setupTwoFactor;
  }

  /** Returns the one-time backup codes (show them once). */
  async confirmTwoFactor(sealedSetup: string, code: string): Promise<readonly string[]> {
    return (await this.call(ConfirmTwoFactorDocument, { sealedSetup, code }, true)).confirmTwoFactor.backupCodes;
  }

  async disableTwoFactor(code: string): Promise<void> {
    await this.call(DisableTwoFactorDocument, { code }, true);
  }

  /**
   * Moves the account to the keys of `newPassphrase` (proved like a signup);
   * every outstanding token dies, so we log in again with the new keys.
   * Old messages stay readable only with the old passphrase.
   */
  async rotateKeys(input: {
    newPassphrase?: string;
    identity?: KeyPair;
    totpCode?: string;
    recoveryCode?: string;
    /** With two-factor on, logging in with the new keys needs another code (a later TOTP step or a backup code). */
    loginTotpCode?: string;
  }): Promise<{ recoveryCode: string | null }> {
    const me = this.identity();
    if (!input.identity) assertStrongPassphrase(requirePassphrase(input.newPassphrase), me.username);
    const identity = input.identity ?? (await PeerlockClient.deriveIdentity(me.username, requirePassphrase(input.newPassphrase)));
    const auth = deriveAuthKeyPair(identity.secretKey);
    // Read the pins and the file index now: the rotation revokes every token and both are sealed to the old key.
    const pins = await this.pins();
    const files = await this.fileIndex().current();
    const { keyRotationChallenge } = await this.call(KeyRotationChallengeDocument, {
      input: { username: me.username, miniLockId: miniLockIdOf(identity), authPublicKey: bytesToBase64(auth.publicKey) },
    });
    const answers = await this.answer(keyRotationChallenge, identity, auth);
    this.rekeying = true;
    try {
      return await this.finishRotation(me, identity, answers, input, pins, files);
    } finally {
      this.rekeying = false;
    }
  }

  private async finishRotation(
    me: Identity,
    identity: KeyPair,
    answers: { sealedState: string; identityAnswer: string; authAnswer: string },
    input: { totpCode?: string; recoveryCode?: string; loginTotpCode?: string },
    pins: PinSet,
    files: Awaited<ReturnType<FileIndexStore['current']>>,
  ): Promise<{ recoveryCode: string | null }> {
    const { rotateKeys } = await this.call(
      RotateKeysDocument,
      { input: { ...answers, ...(input.totpCode ? { totpCode: input.totpCode } : {}), ...(input.recoveryCode ? { recoveryCode: input.recoveryCode } : {}) } },
      // With a recovery code the old key need not be proved, so no token is spent.
      input.recoveryCode === undefined,
    );
    this.pool.clear();
    forgetKeys(me);
    // The rotation ended every session of the account, this one too: the login below opens a new one.
    if (this.session) wipe(this.session.secret);
    this.session = null;
    const own = keyPairFromSecretKey(identity.secretKey.slice());
    this.me = { username: me.username, identity: own, auth: deriveAuthKeyPair(own.secretKey) };
    // The sealed pin set and file index are keyed by the identity secret: carry them over to the new key.
    this.pendingTotp = input.loginTotpCode;
    await this.pool.refill();
    this.openStores();
    await this.pinsStore().overwrite({ version: pins.version + 1, pins: pins.pins });
    await this.fileIndex().restart(Object.values(files.entries), files.version);
    return { recoveryCode: rotateKeys.recoveryCode ?? null };
  }

  /** Retires the username forever and erases name and email. */
  async deleteAccount(totpCode?: string): Promise<void> {
    await this.call(DeleteAccountDocument, { totpCode: totpCode ?? null }, true);
    this.logout();
  }

  // ---- contacts and key pins ---------------------------------------------

  async contacts(): Promise<ContactList> {
    return (await this.call(ContactsDocument, {}, true)).contacts;
  }

  /** Asks for a contact and pins their key on first sight. */
  async requestContact(username: string): Promise<ContactList> {
    await this.observe(username);
    return (await this.call(RequestContactDocument, { username: canonicalUsername(username) }, true)).requestContact;
  }

  async acceptContact(username: string): Promise<ContactList> {
    await this.observe(username);
    return (await this.call(AcceptContactDocument, { username: canonicalUsername(username) }, true)).acceptContact;
  }

  async declineContact(username: string): Promise<ContactList> {
    return (await this.call(DeclineContactDocument, { username: canonicalUsername(username) }, true)).declineContact;
  }

  async cancelContactRequest(username: string): Promise<ContactList> {
    return (await this.call(CancelContactRequestDocument, { username: canonicalUsername(username) }, true)).cancelContactRequest;
  }

  async removeContact(username: string): Promise<ContactList> {
    return (await this.call(RemoveContactDocument, { username: canonicalUsername(username) }, true)).removeContact;
  }

  async blockContact(username: string): Promise<ContactList> {
    return (await this.call(BlockContactDocument, { username: canonicalUsername(username) }, true)).blockContact;
  }

  async unblockContact(username: string): Promise<ContactList> {
    return (await this.call(UnblockContactDocument, { username: canonicalUsername(username) }, true)).unblockContact;
  }

  async pins(): Promise<PinSet> {
    return this.pinsStore().current();
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
    const { user: entry } = await this.call(UserDocument, { username: user }, true);
    if (!entry) throw new ContactKeyError(user, 'no-such-user');
    const proven = await this.proveInLog(user, entry.miniLockId);
    this.keyChecked.add(user);
    let observation: Observation = 'unchanged';
    const set = await this.pinsStore().update((s) => {
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
    if (this.connection !== null && this.keyChecked.has(user)) return;
    await this.observe(user);
  }

  /** @internal Whether a notification stream is open (connected or reconnecting with catch-up), delivering every notification to `messaging.receive`. */
  get streaming(): boolean {
    return this.streams > 0;
  }

  /** @internal A contact's key changed (pushed): check it again before using it. */
  forgetKeyCheck(username: string): void {
    this.keyChecked.delete(canonicalUsername(username));
  }

  /**
   * The key to encrypt to: the pin, after checking the directory still
   * shows it (checkKey). A change is recorded and refused until acceptKey.
   */
  async sendableKey(username: string): Promise<string> {
    const user = canonicalUsername(username);
    if (user === this.username) return this.miniLockId;
    await this.checkKey(user);
    const check = checkSend(await this.pins(), user);
    if (!check.ok) throw new ContactKeyError(user, check.reason);
    return check.miniLockId;
  }

  /** Accepts a contact's changed key (a verified contact needs `verifiedNewKey`, after comparing the new safety number). */
  async acceptKey(username: string, options: { verifiedNewKey?: boolean } = {}): Promise<KeyPin> {
    const user = canonicalUsername(username);
    await this.observe(user);
    const set = await this.pinsStore().update((s) => acceptKeyChange(s, user, this.now(), options));
    return set.pins[user]!;
  }

  /** The safety number of us and a contact, from the pinned key (digits and QR payload). */
  async safetyNumber(username: string): Promise<SafetyNumber & { verified: boolean; pendingKeyChange: boolean }> {
    const user = canonicalUsername(username);
    const pin = (await this.pin(user)) ?? (await this.observe(user)).pin;
    const number = safetyNumber(
      { username: this.username, publicKey: this.identity().identity.publicKey },
      { username: user, publicKey: decodeMiniLockId(pin.miniLockId) },
    );
    return { ...number, verified: pin.verified, pendingKeyChange: pin.pendingMiniLockId !== undefined };
  }

  /** The user compared the safety number out of band: mark the pinned key verified. */
  async markVerified(username: string, verified = true): Promise<KeyPin> {
    const user = canonicalUsername(username);
    const pin = (await this.pin(user)) ?? (await this.observe(user)).pin;
    const set = await this.pinsStore().update((s) => markVerified(s, user, pin.miniLockId, verified));
    return set.pins[user]!;
  }

  // ---- notifications -----------------------------------------------------

  /**
   * Live notifications, reconnecting and catching up from the last position
   * seen. Every notification goes through `messaging.receive` first: a new
   * message arrives whole and is verified there, and `onMessages` gets it as
   * shown (no fetch). While the stream's connection is up, this client's
   * authenticated calls travel on it too, without spending tokens.
   */
  notifications(options: Omit<NotificationStreamOptions, 'url' | 'authorization' | 'webSocketImpl' | 'renewedSession' | 'onConnection'> & {
    /** The messages a MESSAGE_RECEIVED showed, verified (usually one; more when it caught up), before onNotification. */
    readonly onMessages?: (messages: readonly ReadMessage[], notification: PeerlockNotification) => void | Promise<void>;
  }): NotificationStream {
    let connectedWith: string | null = null;
    const { onMessages, ...streamOptions } = options;
    let mine: ConnectionExecute | null = null;
    this.streams++;
    const stream = openNotificationStream({
      ...streamOptions,
      onNotification: async (n) => {
        const shown = await this.messaging.receive(n);
        if (n.kind === 'MESSAGE_RECEIVED') await onMessages?.(shown, n);
        await options.onNotification(n);
      },
      onResync: async () => {
        // What happened while we could not replay it is unknown: keys and conversations are checked again.
        this.keyChecked.clear();
        this.messaging.forgetConversations();
        await options.onResync?.();
      },
      onConnection: (execute) => {
        // A first connection starts live: a key change before it was not pushed to us, so earlier checks do not count.
        if (execute && stream.lastPosition() === null) this.keyChecked.clear();
        if (execute) this.connection = mine = execute;
        else if (this.connection === mine) this.connection = mine = null;
      },
      url: this.url,
      authorization: async () => {
        const header = await this.authorization();
        connectedWith = this.session?.id ?? null;
        return header;
      },
      renewedSession: () => this.rekeying || (this.session?.id ?? null) !== connectedWith,
      ...(this.options.webSocketImpl ? { webSocketImpl: this.options.webSocketImpl } : {}),
    });
    void stream.done.finally(() => {
      if (this.connection === mine) this.connection = null;
      // Without a stream, what happens meanwhile is not seen: every conversation is read again when next needed.
      if (--this.streams === 0) this.messaging.forgetConversations();
    });
    return stream;
  }

  // ---- plumbing ----------------------------------------------------------

  /** One fresh `Authorization` value (spends a token). */
  async authorization(): Promise<string> {
    const me = this.identity();
    return authorizationHeader(me.username, await this.pool.take());
  }

  /**
   * Runs a typed operation. Authenticated calls spend one token and, when
   * the server says TOKEN_INVALID (expired, or spent by a racing device),
   * retry once with a fresh batch. A query (a read: sending it twice changes
   * nothing) that meets UNAVAILABLE (the server's database restarting) is
   * sent once more after the Retry-After the server gave, if that is short;
   * a mutation's UNAVAILABLE, or a second one, is the caller's to handle.
   */
  async call<R, V>(document: TypedDocumentNode<R, V>, variables: V, authenticated = false): Promise<R> {
    try {
      return await this.callOnce(document, variables, authenticated);
    } catch (error) {
      const waitSeconds = error instanceof PeerlockApiError && error.code === 'UNAVAILABLE' ? (error.details.retryAfterSeconds ?? 1) : Infinity;
      if (waitSeconds > MAX_UNAVAILABLE_WAIT_SECONDS || operationOf(document) !== 'query') throw error;
      await new Promise((resolve) => setTimeout(resolve, withJitter(waitSeconds * 1000)));
      return this.callOnce(document, variables, authenticated);
    }
  }

  private async callOnce<R, V>(document: TypedDocumentNode<R, V>, variables: V, authenticated: boolean): Promise<R> {
    if (!authenticated) return executeOperation(this.fetchImpl, this.url, document, variables);
    // During our own key change the connection belongs to the session the change ends: everything goes over HTTP with the new one.
    const connection = this.rekeying ? null : this.connection;
    if (connection) {
      try {
        return await connection(document, variables);
      } catch (error) {
        // The connection's session ended under it (our own key change, say): the next call goes over HTTP, with the session we hold now.
        if (!(error instanceof PeerlockApiError && error.code === 'SESSION_ENDED')) throw error;
        if (this.connection === connection) this.connection = null;
      }
    }
    try {
      return await executeOperation(this.fetchImpl, this.url, document, variables, await this.authorization());
    } catch (error) {
      if (!(error instanceof PeerlockApiError && error.code === 'TOKEN_INVALID')) throw error;
      this.pool.clear();
      await this.pool.refill();
      return executeOperation(this.fetchImpl, this.url, document, variables, await this.authorization());
    }
  }

  private newKeyLog(): KeyTransparency {
    return new KeyTransparency((d, v) => this.call(d, v), () => this.pinnedSigningKey(), () => this.keyLogVrfKey(), this.witnessing);
  }

  /** The key log's VRF public key, checked once against the pinned long-term key. */
  private async keyLogVrfKey(): Promise<Uint8Array> {
    if (!this.vrfKey) {
      const { keyLogVrfKey } = (await this.call(KeyLogVrfKeyDocument, {})).serverKeys;
      const publicKey = base64ToBytes(keyLogVrfKey.publicKey, 'keyLogVrfKey');
      verifyVrfKey(publicKey, base64ToBytes(keyLogVrfKey.signature, 'keyLogVrfKey signature'), await this.pinnedSigningKey());
      this.vrfKey = publicKey;
    }
    return this.vrfKey;
  }

  /**
   * What the key log proves about `username`'s key `miniLockId` (its entry:
   * key sequence and time), with every check a contact's key gets; the typed
   * reason otherwise. Proven once per session.
   */
  async provenKeyEntry(username: string, miniLockId: string): Promise<KeyLogEntry> {
    return this.proveInLog(username, miniLockId);
  }

  /**
   * Key transparency (DESIGN §6), one path for every key: `miniLockId` proven
   * as `username`'s key in the signed log, under a head consistent with every
   * head seen before, by this device in any session (its marks) and by the
   * user's other devices (the sealed pin set); the head is remembered.
   */
  private async proveInLog(username: string, miniLockId: string): Promise<KeyLogEntry> {
    await this.keyLog.reconcile(this.marks().treeHead);
    await this.keyLog.reconcile((await this.pins()).treeHead);
    const entry = await this.keyLog.verifyKey(username, miniLockId);
    this.raiseMarks(this.keyLog.head ? { treeHead: this.keyLog.head } : {});
    return entry;
  }

  /** The long-term server key: configured, from the session, or pinned on first use. */
  private async pinnedSigningKey(): Promise<Uint8Array> {
    if (!this.serverSigningKey) {
      const { serverKeys } = await this.call(ServerKeysDocument, {});
      this.serverSigningKey = base64ToBytes(serverKeys.signingPublicKey, 'signingPublicKey');
    }
    return this.serverSigningKey;
  }

  private identity(): Identity {
    if (!this.me) throw new NotLoggedInError();
    return this.me;
  }

  private pinsStore(): SealedDocumentStore<PinSet> {
    if (!this.pinStore) this.openStores();
    return this.pinStore!;
  }

  /** @internal the sealed file index (DESIGN §5), loaded once and cached; for the file flows. */
  fileIndex(): FileIndexStore {
    if (!this.indexStore) this.openStores();
    return this.indexStore!;
  }

  /**
   * The stores of the sealed pin set and file index for the logged-in user,
   * each starting from this device's high-water mark (never 0 after a
   * re-login) and raising it whenever they open or store a newer version.
   */
  private openStores(sessionPinVersion = 0): void {
    this.identity();
    const marks = this.marks();
    const execute: Execute = (d, v) => this.call(d, v, true);
    const secret = () => this.secretKey();
    this.pinStore = new SealedDocumentStore(pinSetKind, execute, secret, Math.max(marks.pinSetVersion, sessionPinVersion), (v) => this.raiseMarks({ pinSetVersion: v }));
    this.indexStore = new FileIndexStore(execute, secret, marks.fileIndexVersion, (v) => this.raiseMarks({ fileIndexVersion: v }));
  }

  private async adopt(identity: Identity, totpCode?: string): Promise<void> {
    // Our own copies: logout wipes them, and a caller's key pair must survive that.
    const own = keyPairFromSecretKey(identity.identity.secretKey.slice());
    this.logout();
    this.me = { username: identity.username, identity: own, auth: deriveAuthKeyPair(own.secretKey) };
    try {
      this.pendingTotp = totpCode;
      await this.pool.refill();
    } catch (error) {
      this.me = null;
      throw error;
    }
    this.openStores();
  }

  /**
   * A batch of tokens: from this device's session when it has one (no
   * code; SESSION_ENDED once it was logged out, revoked or expired, and the
   * app must log in again), else a login that opens one (options.device).
   */
  private async fetchTokens(totpCode?: string): Promise<{ tokens: Uint8Array[]; expiresAt: number }> {
    const me = this.identity();
    if (this.session) {
      const { refreshSession } = await this.call(RefreshSessionDocument, { username: me.username, sessionId: this.session.id, secret: bytesToBase64(this.session.secret) });
      const server = await this.serverKey(refreshSession.serverKey);
      return { tokens: refreshSession.tokens.map((t) => openToken(box(t), server, me.auth.secretKey)), expiresAt: Date.parse(refreshSession.expiresAt) };
    }
    const device = this.options.device === null ? null : { label: this.options.device?.label ?? 'Peerlock SDK', trusted: this.options.device?.trusted ?? true };
    const { authChallenge } = await this.call(AuthChallengeDocument, { username: me.username, totpCode: totpCode ?? null, device });
    const server = await this.serverKey(authChallenge.serverKey);
    const tokens = authChallenge.tokens.map((t) => openToken(box(t), server, me.auth.secretKey));
    if (authChallenge.session) this.session = { id: authChallenge.session.id, secret: openSessionSecret(box(authChallenge.session.secret), server, me.auth.secretKey) };
    return { tokens, expiresAt: Date.parse(authChallenge.expiresAt) };
  }

  /** Checks the server's ephemeral key against the pinned long-term key (pinned on first use). */
  private async serverKey(wire: ServerKeyFieldsFragment): Promise<Uint8Array> {
    const signingKey = await this.pinnedSigningKey();
    return verifyServerKey(
      { publicKey: base64ToBytes(wire.publicKey), validFrom: Number(wire.validFrom), validUntil: Number(wire.validUntil), signature: base64ToBytes(wire.signature) },
      signingKey,
      Math.floor(this.now() / 1000),
    );
  }

  private async answer(challenge: KeyChallengeFieldsFragment, identity: KeyPair, auth: KeyPair) {
    const server = await this.serverKey(challenge.serverKey);
    return {
      sealedState: challenge.sealedState,
      identityAnswer: bytesToBase64(openIdentityChallenge(box(challenge.identityChallenge), server, identity.secretKey)),
      authAnswer: bytesToBase64(openAuthChallenge(box(challenge.authChallenge), server, auth.secretKey)),
    };
  }
}

/** Wipes an identity's secret keys, and what was computed from them (the agreements remembered for its messages). */
function forgetKeys(me: { identity: KeyPair; auth: KeyPair }): void {
  forgetLongTermKey(me.identity.secretKey);
  wipe(me.identity.secretKey, me.auth.secretKey);
}

/** The longest Retry-After a read waits out by itself; longer (a full disk) goes to the caller at once. */
const MAX_UNAVAILABLE_WAIT_SECONDS = 5;

function operationOf(document: DocumentNode): 'query' | 'mutation' | 'subscription' | undefined {
  for (const definition of document.definitions) if (definition.kind === 'OperationDefinition') return definition.operation;
  return undefined;
}

export function canonicalUsername(username: string): string {
  if (typeof username !== 'string' || !/^\w{1,16}$/.test(username)) throw new TypeError('username: expected 1–16 letters, digits or _');
  return username.toLowerCase();
}

function requirePassphrase(passphrase: string | undefined): string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('passphrase: required');
  return passphrase;
}
