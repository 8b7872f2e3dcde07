/**
 * The high-level client (issue 7): hides tokens, keys and checks. Works in
 * Node and browsers: fetch for requests, graphql-ws for notifications (pass
 * `webSocketImpl` where there is no global WebSocket), and key derivation
 * through `#platform` (native scrypt in Node, scrypt-js in browsers).
 *
 * Nothing here logs; secrets leave only through `exportSession()`, for a
 * caller that seals them (the CLI does).
 *
 * The one object programs hold, over one collaborator per concept (issue
 * 19): accounts and what a login holds (accounts.ts), contacts and key pins
 * (contacts.ts), the key log (KeyLog, key-transparency.ts), messaging
 * (messaging.ts) and files (file-transfers.ts). Its account and contact
 * methods delegate; what stays here is what every collaborator shares: typed
 * calls with their token and retry rules, the notification stream whose
 * connection carries them, and this device's marks.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { DocumentNode } from 'graphql';
import { miniLockIdOf, type KeyPair } from '../keys/derive.js';
import type { KeyPin, Observation, PinSet } from '../contacts/key-pins.js';
import type { SafetyNumber } from '../contacts/safety-number.js';
import type { KeyLogEntry } from '../keylog/leaf.js';
import { PeerlockApiError } from './errors.js';
import { executeOperation } from './graphql-transport.js';
import type { FileIndexStore } from './file-index-store.js';
import { MemoryMarkStore, NO_MARKS, raiseMarks, type DeviceMarks, type DeviceMarkStore } from './device-marks.js';
import { openNotificationStream, type ConnectionExecute, type NotificationStream, type NotificationStreamOptions, type PeerlockNotification } from './notifications.js';
import { Messaging, type LiveLimits, type ReadMessage } from './messaging.js';
import { withJitter } from './retry.js';
import { FileTransfers } from './file-transfers.js';
import { Links } from './links.js';
import { Accounts, deriveIdentity, type Account, type ClientSession, type DeviceSessionInfo, type RotateKeysInput, type TwoFactorSetup } from './accounts.js';
import { Contacts, type ContactList } from './contacts.js';
import { KeyLog } from './key-transparency.js';
import { Archive } from '../archive/archive.js';
import type { SealedDocumentStore } from './sealed-document-store.js';
import { bytesToBase64 } from '../crypto/bytes.js';
import type { ProfileInput } from './generated/graphql.js';

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

export type { Account, ClientSession, DeviceSessionInfo, RotateKeysInput, TwoFactorSetup } from './accounts.js';
export type { ContactList } from './contacts.js';
export { canonicalUsername } from './accounts.js';

export class PeerlockClient {
  readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly markStore: DeviceMarkStore;
  private readonly accounts: Accounts;
  private readonly keyLog: KeyLog;
  /** Contacts and key pins (named so: `contacts()` is the public method that lists them). */
  private readonly contactBook: Contacts;
  /** Notification streams open (connected or reconnecting with catch-up). */
  private streams = 0;
  /** The connection of a notification stream while it is up: authenticated calls go through it, with no token. */
  private connection: ConnectionExecute | null = null;
  readonly messaging: Messaging;
  readonly files: FileTransfers;
  readonly links: Links;
  /** Encrypted export and import (docs/archive.md). */
  readonly archive: Archive;

  constructor(private readonly options: PeerlockClientOptions) {
    this.url = options.url;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    const now = options.now ?? Date.now;
    this.markStore = options.deviceMarks ?? new MemoryMarkStore();
    // Accounts first: it holds the pinned server key the key log checks heads against, and contacts use both.
    this.accounts = new Accounts(this, options, now);
    this.keyLog = new KeyLog(this, options, () => this.accounts.pinnedSigningKey());
    this.contactBook = new Contacts(this, this.accounts, this.keyLog, now, () => this.connection !== null);
    this.messaging = new Messaging(this, options.liveLimits, now);
    this.files = new FileTransfers(this);
    this.links = new Links(this);
    this.archive = new Archive(this, now);
  }

  /** Keys are scrypt-derived from the passphrase with the canonical (lowercase) username as salt. */
  static async deriveIdentity(username: string, passphrase: string): Promise<KeyPair> {
    return deriveIdentity(username, passphrase);
  }

  get username(): string {
    return this.accounts.identity().username;
  }

  get miniLockId(): string {
    return miniLockIdOf(this.accounts.identity().identity);
  }

  get loggedIn(): boolean {
    return this.accounts.loggedIn;
  }

  /** @internal the identity secret for the messaging and file helpers. */
  secretKey(): Uint8Array {
    return this.accounts.identity().identity.secretKey;
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

  // ---- accounts (accounts.ts) --------------------------------------------

  /** Creates the account and logs in; returns the recovery code (show it once). */
  async signup(input: { username: string; passphrase: string; displayName?: string; email?: string; identity?: KeyPair }): Promise<{ username: string; recoveryCode: string }> {
    return this.accounts.signup(input);
  }

  /**
   * Logs in (DESIGN §3): the account's registered key first (an unknown or
   * deleted account is NoSuchAccountError, before any scrypt), then the key
   * derived from the passphrase (unless given) is compared with it, so a
   * wrong passphrase is WrongPassphraseError before a two-factor code or a
   * login attempt is spent; only then a first batch of tokens. Then our own
   * key is checked in the key log (KeyLog.checkOwnKey; ownKeyCheck).
   */
  async login(input: { username: string; passphrase?: string; identity?: KeyPair; totpCode?: string }): Promise<void> {
    await this.accounts.login(input);
    this.ownKeyCheck = null;
    this.ownKeyCheck = await this.keyLog.checkOwnKey(this.username, this.miniLockId);
  }

  /**
   * What the own-key check of the last login found (DESIGN §6,
   * monitored): 'ok', or 'pending' when the witnesses this client requires
   * have not yet co-signed a head holding our key (checked again at the next
   * login); null before any. A failed check is OwnKeyNotInLogError instead.
   */
  ownKeyCheck: 'ok' | 'pending' | null = null;

  /**
   * The miniLock ID an account registered, from the public directory, or
   * NoSuchAccountError. A hint, enough for what it decides: a server that
   * lies here can refuse a login (as it always can), never let a wrong key
   * in, since the login tokens still open only with the registered auth key.
   */
  async registeredKey(username: string): Promise<string> {
    return this.accounts.registeredKey(username);
  }

  /**
   * A fresh batch of tokens for the session this client holds, with a
   * two-factor code: no passphrase and no key derivation (the keys are the
   * session's). For a session whose tokens ran out with two-factor on.
   */
  async renewTokens(totpCode: string): Promise<void> {
    return this.accounts.renewTokens(totpCode);
  }

  /** Restores a session exported earlier; no scrypt, no request until needed. */
  resume(session: ClientSession): void {
    this.accounts.resume(session);
  }

  exportSession(): ClientSession {
    return this.accounts.exportSession();
  }

  /** The user's live device sessions, most recently used first (`current`: this one). */
  async sessions(): Promise<DeviceSessionInfo[]> {
    return this.accounts.sessions();
  }

  /** Ends another device's session at once (its tokens, refreshes and live subscriptions); false when there was none. */
  async revokeSession(id: string): Promise<boolean> {
    return this.accounts.revokeSession(id);
  }

  /**
   * Logs out on the server too: this device's session ends everywhere (its
   * unspent tokens, its live subscriptions), then keys and tokens are
   * forgotten here. The local part happens even when the server cannot be
   * reached (the session then ends with its lifetime).
   */
  async endSession(): Promise<void> {
    return this.accounts.endSession();
  }

  /** Forgets keys and tokens here (the server lets unspent tokens expire), and the key-log heads this user trusted. */
  logout(): void {
    this.accounts.forget();
    this.keyLog.reset();
  }

  async account(): Promise<Account> {
    return this.accounts.account();
  }

  async updateProfile(input: ProfileInput): Promise<void> {
    return this.accounts.updateProfile(input);
  }

  async setupTwoFactor(): Promise<TwoFactorSetup> {
    return this.accounts.setupTwoFactor();
  }

  /** Returns the one-time backup codes (show them once). */
  async confirmTwoFactor(sealedSetup: string, code: string): Promise<readonly string[]> {
    return this.accounts.confirmTwoFactor(sealedSetup, code);
  }

  async disableTwoFactor(code: string): Promise<void> {
    return this.accounts.disableTwoFactor(code);
  }

  /**
   * Moves the account to the keys of `newPassphrase` (proved like a signup);
   * every outstanding token dies, so we log in again with the new keys.
   * Old messages stay readable only with the old passphrase.
   */
  async rotateKeys(input: RotateKeysInput): Promise<{ recoveryCode: string | null }> {
    return this.accounts.rotateKeys(input);
  }

  /** Retires the username forever and erases name and email. */
  async deleteAccount(totpCode?: string): Promise<void> {
    return this.accounts.deleteAccount(totpCode);
  }

  // ---- contacts and key pins (contacts.ts) -------------------------------

  async contacts(): Promise<ContactList> {
    return this.contactBook.contacts();
  }

  /** Asks for a contact and pins their key on first sight. */
  async requestContact(username: string): Promise<ContactList> {
    return this.contactBook.requestContact(username);
  }

  async acceptContact(username: string): Promise<ContactList> {
    return this.contactBook.acceptContact(username);
  }

  async declineContact(username: string): Promise<ContactList> {
    return this.contactBook.declineContact(username);
  }

  async cancelContactRequest(username: string): Promise<ContactList> {
    return this.contactBook.cancelContactRequest(username);
  }

  async removeContact(username: string): Promise<ContactList> {
    return this.contactBook.removeContact(username);
  }

  async blockContact(username: string): Promise<ContactList> {
    return this.contactBook.blockContact(username);
  }

  async unblockContact(username: string): Promise<ContactList> {
    return this.contactBook.unblockContact(username);
  }

  async pins(): Promise<PinSet> {
    return this.contactBook.pins();
  }

  async pin(username: string): Promise<KeyPin | undefined> {
    return this.contactBook.pin(username);
  }

  /**
   * Looks the user up in the directory and records what it shows: pinned
   * on first sight, 'changed' (and blocked) when it differs from the pin.
   */
  async observe(username: string): Promise<{ observation: Observation; pin: KeyPin }> {
    return this.contactBook.observe(username);
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
    return this.contactBook.checkKey(username);
  }

  /** @internal Whether a notification stream is open (connected or reconnecting with catch-up), delivering every notification to `messaging.receive`. */
  get streaming(): boolean {
    return this.streams > 0;
  }

  /** @internal A contact's key changed (pushed): check it again before using it. */
  forgetKeyCheck(username: string): void {
    this.contactBook.forgetKeyCheck(username);
  }

  /**
   * The key to encrypt to: the pin, after checking the directory still
   * shows it (checkKey). A change is recorded and refused until acceptKey.
   */
  async sendableKey(username: string): Promise<string> {
    return this.contactBook.sendableKey(username);
  }

  /** Accepts a contact's changed key (a verified contact needs `verifiedNewKey`, after comparing the new safety number). */
  async acceptKey(username: string, options: { verifiedNewKey?: boolean } = {}): Promise<KeyPin> {
    return this.contactBook.acceptKey(username, options);
  }

  /** The safety number of us and a contact, from the pinned key (digits and QR payload). */
  async safetyNumber(username: string): Promise<SafetyNumber & { verified: boolean; pendingKeyChange: boolean }> {
    return this.contactBook.safetyNumber(username);
  }

  /** The user compared the safety number out of band: mark the pinned key verified. */
  async markVerified(username: string, verified = true): Promise<KeyPin> {
    return this.contactBook.markVerified(username, verified);
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
        this.contactBook.forgetKeyChecks();
        this.messaging.forgetConversations();
        await options.onResync?.();
      },
      onConnection: (execute) => {
        // A first connection starts live: a key change before it was not pushed to us, so earlier checks do not count.
        if (execute && stream.lastPosition() === null) this.contactBook.forgetKeyChecks();
        if (execute) this.connection = mine = execute;
        else if (this.connection === mine) this.connection = mine = null;
      },
      url: this.url,
      authorization: async () => {
        const header = await this.authorization();
        connectedWith = this.accounts.sessionId;
        return header;
      },
      renewedSession: () => this.accounts.rekeying || this.accounts.sessionId !== connectedWith,
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
    return this.accounts.authorization();
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
    const connection = this.accounts.rekeying ? null : this.connection;
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
      await this.accounts.replaceTokens();
      return executeOperation(this.fetchImpl, this.url, document, variables, await this.authorization());
    }
  }

  /**
   * What the key log proves about `username`'s key `miniLockId` (its entry:
   * key sequence and time), with every check a contact's key gets; the typed
   * reason otherwise. Proven once per session.
   */
  async provenKeyEntry(username: string, miniLockId: string): Promise<KeyLogEntry> {
    return this.keyLog.prove(username, miniLockId);
  }

  /** @internal the sealed file index (DESIGN §5), loaded once and cached; for the file flows. */
  fileIndex(): FileIndexStore {
    return this.accounts.fileIndex();
  }

  /** @internal the sealed pin set (DESIGN §6); for the archive import, which merges pins into it. */
  pinStore(): SealedDocumentStore<PinSet> {
    return this.accounts.pinsStore();
  }

  /** The server's long-term signing key, base64 (configured, from the session, or pinned on first use). */
  async serverSigningKey(): Promise<string> {
    return bytesToBase64(await this.accounts.pinnedSigningKey());
  }
}

/** The longest Retry-After a read waits out by itself; longer (a full disk) goes to the caller at once. */
const MAX_UNAVAILABLE_WAIT_SECONDS = 5;

function operationOf(document: DocumentNode): 'query' | 'mutation' | 'subscription' | undefined {
  for (const definition of document.definitions) if (definition.kind === 'OperationDefinition') return definition.operation;
  return undefined;
}
