/**
 * Who the client is logged in as, and everything that lives and dies with
 * it (issue 19: one home for each concept, as messaging and files have).
 * The state: the identity and auth keys, the token pool and the device
 * session that refills it without a code (DESIGN §3), the server's
 * long-term key every batch is checked against, and the two sealed
 * documents keyed by the identity secret (pin set, file index), opened at
 * login from this device's marks. The flows that create, prove, replace or
 * end that state belong with it: signup, login, resume and export,
 * sessions, two-factor, profile, key rotation, deletion.
 *
 * PeerlockClient keeps the public methods and delegates here. The full
 * logout goes through it (client.logout), since the key log's trusted heads
 * are forgotten with the user too; the own-key check after a login is the
 * key log's (KeyLog.checkOwnKey).
 */
import { base64ToBytes, bytesToBase64, wipe } from '../crypto/bytes.js';
import { forgetLongTermKey } from '../crypto/long-term-key.js';
import { deriveAuthKeyPair, deriveKeyPair, keyPairFromSecretKey, miniLockIdOf, type KeyPair } from '../keys/derive.js';
import { assertStrongPassphrase } from '../keys/passphrase.js';
import { authorizationHeader } from '../protocol/authorization.js';
import { openAuthChallenge, openIdentityChallenge, openSessionSecret, openToken } from '../protocol/auth-challenges.js';
import { verifyServerKey } from '../protocol/server-key.js';
import type { PinSet } from '../contacts/key-pins.js';
import { NoSuchAccountError, NotLoggedInError, WrongPassphraseError } from './errors.js';
import { pinSetKind, SealedDocumentStore, type Execute } from './sealed-document-store.js';
import { FileIndexStore } from './file-index-store.js';
import { TokenPool } from './token-pool.js';
import type { PeerlockClient, PeerlockClientOptions } from './peerlock-client.js';
import {
  AuthChallengeDocument,
  ConfirmTwoFactorDocument,
  DeleteAccountDocument,
  DisableTwoFactorDocument,
  KeyRotationChallengeDocument,
  LogoutDocument,
  MeDocument,
  RefreshSessionDocument,
  RevokeSessionDocument,
  RotateKeysDocument,
  ServerKeysDocument,
  SessionsDocument,
  SetupTwoFactorDocument,
  SignupChallengeDocument,
  SignupDocument,
  UpdateProfileDocument,
  UserDocument,
  type KeyChallengeFieldsFragment,
  type MeQuery,
  type ProfileInput,
  type ServerKeyFieldsFragment,
  type SessionsQuery,
  type SetupTwoFactorMutation,
} from './generated/graphql.js';

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

/** What a key rotation takes (PeerlockClient.rotateKeys). */
export interface RotateKeysInput {
  newPassphrase?: string;
  identity?: KeyPair;
  totpCode?: string;
  recoveryCode?: string;
  /** With two-factor on, logging in with the new keys needs another code (a later TOTP step or a backup code). */
  loginTotpCode?: string;
}

export type Account = MeQuery['me'];
export type TwoFactorSetup = SetupTwoFactorMutation['setupTwoFactor'];

export interface Identity {
  readonly username: string;
  readonly identity: KeyPair;
  readonly auth: KeyPair;
}

const box = (w: { nonce: string; ciphertext: string }) => ({ nonce: base64ToBytes(w.nonce), ciphertext: base64ToBytes(w.ciphertext) });

export class Accounts {
  private serverSigningKey: Uint8Array | null;
  private me: Identity | null = null;
  private readonly pool: TokenPool;
  private pinStore: SealedDocumentStore<PinSet> | null = null;
  private indexStore: FileIndexStore | null = null;
  private pendingTotp: string | undefined;
  /** This device's session: refills prove it instead of asking for a code. */
  private session: { readonly id: string; readonly secret: Uint8Array } | null = null;
  /** Our own key change is under way: the server has ended our sessions, and the new key's login will open a new one. */
  private changingKeys = false;

  constructor(
    private readonly client: PeerlockClient,
    private readonly options: PeerlockClientOptions,
    private readonly now: () => number,
  ) {
    this.serverSigningKey = options.serverSigningKey ? base64ToBytes(options.serverSigningKey, 'serverSigningKey') : null;
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
  }

  get loggedIn(): boolean {
    return this.me !== null;
  }

  /** Whether our own key change is under way: the client's calls and its notification stream then leave the ending session alone. */
  get rekeying(): boolean {
    return this.changingKeys;
  }

  /** The id of this device's session, null without one: a notification stream tells by it that its connection's session was replaced. */
  get sessionId(): string | null {
    return this.session?.id ?? null;
  }

  identity(): Identity {
    if (!this.me) throw new NotLoggedInError();
    return this.me;
  }

  /** One fresh `Authorization` value (spends a token). */
  async authorization(): Promise<string> {
    const me = this.identity();
    return authorizationHeader(me.username, await this.pool.take());
  }

  /** The server said TOKEN_INVALID (expired, or spent by a racing device): the tokens held are dropped for a fresh batch. */
  async replaceTokens(): Promise<void> {
    this.pool.clear();
    await this.pool.refill();
  }

  pinsStore(): SealedDocumentStore<PinSet> {
    if (!this.pinStore) this.openStores();
    return this.pinStore!;
  }

  /** The sealed file index (DESIGN §5), loaded once and cached. */
  fileIndex(): FileIndexStore {
    if (!this.indexStore) this.openStores();
    return this.indexStore!;
  }

  /** The long-term server key: configured, from the session, or pinned on first use. */
  async pinnedSigningKey(): Promise<Uint8Array> {
    if (!this.serverSigningKey) {
      const { serverKeys } = await this.client.call(ServerKeysDocument, {});
      this.serverSigningKey = base64ToBytes(serverKeys.signingPublicKey, 'signingPublicKey');
    }
    return this.serverSigningKey;
  }

  /** Creates the account and logs in; returns the recovery code (show it once). */
  async signup(input: { username: string; passphrase: string; displayName?: string; email?: string; identity?: KeyPair }): Promise<{ username: string; recoveryCode: string }> {
    const username = canonicalUsername(input.username);
    if (!input.identity) assertStrongPassphrase(input.passphrase, username);
    const identity = input.identity ?? (await deriveIdentity(username, input.passphrase));
    const auth = deriveAuthKeyPair(identity.secretKey);
    const { signupChallenge } = await this.client.call(SignupChallengeDocument, {
      input: {
        username,
        miniLockId: miniLockIdOf(identity),
        authPublicKey: bytesToBase64(auth.publicKey),
        ...(input.displayName !== undefined ? { displayName: input.displayName } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
      },
    });
    const answers = await this.answer(signupChallenge, identity, auth);
    const { signup } = await this.client.call(SignupDocument, { input: answers });
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
    const identity = input.identity ?? (await deriveIdentity(username, requirePassphrase(input.passphrase)));
    if (miniLockIdOf(identity) !== registered) throw new WrongPassphraseError(username);
    await this.adopt({ username, identity, auth: deriveAuthKeyPair(identity.secretKey) }, input.totpCode);
  }

  /**
   * The miniLock ID an account registered, from the public directory, or
   * NoSuchAccountError. A hint, enough for what it decides: a server that
   * lies here can refuse a login (as it always can), never let a wrong key
   * in, since the login tokens still open only with the registered auth key.
   */
  async registeredKey(username: string): Promise<string> {
    const canonical = canonicalUsername(username);
    const { user } = await this.client.call(UserDocument, { username: canonical });
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
    return (await this.client.call(SessionsDocument, {}, true)).sessions;
  }

  /** Ends another device's session at once (its tokens, refreshes and live subscriptions); false when there was none. */
  async revokeSession(id: string): Promise<boolean> {
    return (await this.client.call(RevokeSessionDocument, { id }, true)).revokeSession;
  }

  /**
   * Logs out on the server too: this device's session ends everywhere (its
   * unspent tokens, its live subscriptions), then keys and tokens are
   * forgotten here. The local part happens even when the server cannot be
   * reached (the session then ends with its lifetime).
   */
  async endSession(): Promise<void> {
    try {
      if (this.me && this.session) await this.client.call(LogoutDocument, {}, true);
    } finally {
      this.client.logout();
    }
  }

  /** Forgets keys, tokens, the device session and the sealed documents here (the server lets unspent tokens expire); the client's logout. */
  forget(): void {
    if (this.me) forgetKeys(this.me);
    if (this.session) wipe(this.session.secret);
    this.session = null;
    this.me = null;
    this.pinStore = null;
    this.indexStore = null;
    this.pool.clear();
  }

  async account(): Promise<Account> {
    return (await this.client.call(MeDocument, {}, true)).me;
  }

  async updateProfile(input: ProfileInput): Promise<void> {
    await this.client.call(UpdateProfileDocument, { input }, true);
  }

  async setupTwoFactor(): Promise<TwoFactorSetup> {
    return (await this.client.call(SetupTwoFactorDocument, {}, true)).setupTwoFactor;
  }

  /** Returns the one-time backup codes (show them once). */
  async confirmTwoFactor(sealedSetup: string, code: string): Promise<readonly string[]> {
    return (await this.client.call(ConfirmTwoFactorDocument, { sealedSetup, code }, true)).confirmTwoFactor.backupCodes;
  }

  async disableTwoFactor(code: string): Promise<void> {
    await this.client.call(DisableTwoFactorDocument, { code }, true);
  }

  /** PeerlockClient.rotateKeys. */
  async rotateKeys(input: RotateKeysInput): Promise<{ recoveryCode: string | null }> {
    const me = this.identity();
    if (!input.identity) assertStrongPassphrase(requirePassphrase(input.newPassphrase), me.username);
    const identity = input.identity ?? (await deriveIdentity(me.username, requirePassphrase(input.newPassphrase)));
    const auth = deriveAuthKeyPair(identity.secretKey);
    // Read the pins and the file index now: the rotation revokes every token and both are sealed to the old key.
    const pins = await this.pinsStore().current();
    const files = await this.fileIndex().current();
    const { keyRotationChallenge } = await this.client.call(KeyRotationChallengeDocument, {
      input: { username: me.username, miniLockId: miniLockIdOf(identity), authPublicKey: bytesToBase64(auth.publicKey) },
    });
    const answers = await this.answer(keyRotationChallenge, identity, auth);
    this.changingKeys = true;
    try {
      return await this.finishRotation(me, identity, answers, input, pins, files);
    } finally {
      this.changingKeys = false;
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
    const { rotateKeys } = await this.client.call(
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
    await this.client.call(DeleteAccountDocument, { totpCode: totpCode ?? null }, true);
    this.client.logout();
  }

  /**
   * The stores of the sealed pin set and file index for the logged-in user,
   * each starting from this device's high-water mark (never 0 after a
   * re-login) and raising it whenever they open or store a newer version.
   */
  private openStores(sessionPinVersion = 0): void {
    this.identity();
    const marks = this.client.marks();
    const execute: Execute = (d, v) => this.client.call(d, v, true);
    const secret = () => this.identity().identity.secretKey;
    this.pinStore = new SealedDocumentStore(pinSetKind, execute, secret, Math.max(marks.pinSetVersion, sessionPinVersion), (v) => this.client.raiseMarks({ pinSetVersion: v }));
    this.indexStore = new FileIndexStore(execute, secret, marks.fileIndexVersion, (v) => this.client.raiseMarks({ fileIndexVersion: v }));
  }

  private async adopt(identity: Identity, totpCode?: string): Promise<void> {
    // Our own copies: logout wipes them, and a caller's key pair must survive that.
    const own = keyPairFromSecretKey(identity.identity.secretKey.slice());
    this.client.logout();
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
      const { refreshSession } = await this.client.call(RefreshSessionDocument, { username: me.username, sessionId: this.session.id, secret: bytesToBase64(this.session.secret) });
      const server = await this.serverKey(refreshSession.serverKey);
      return { tokens: refreshSession.tokens.map((t) => openToken(box(t), server, me.auth.secretKey)), expiresAt: Date.parse(refreshSession.expiresAt) };
    }
    const device = this.options.device === null ? null : { label: this.options.device?.label ?? 'Peerlock SDK', trusted: this.options.device?.trusted ?? true };
    const { authChallenge } = await this.client.call(AuthChallengeDocument, { username: me.username, totpCode: totpCode ?? null, device });
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

/** Keys are scrypt-derived from the passphrase with the canonical (lowercase) username as salt. */
export async function deriveIdentity(username: string, passphrase: string): Promise<KeyPair> {
  return deriveKeyPair(passphrase, canonicalUsername(username));
}

export function canonicalUsername(username: string): string {
  if (typeof username !== 'string' || !/^\w{1,16}$/.test(username)) throw new TypeError('username: expected 1–16 letters, digits or _');
  return username.toLowerCase();
}

/** Wipes an identity's secret keys, and what was computed from them (the agreements remembered for its messages). */
function forgetKeys(me: { identity: KeyPair; auth: KeyPair }): void {
  forgetLongTermKey(me.identity.secretKey);
  wipe(me.identity.secretKey, me.auth.secretKey);
}

function requirePassphrase(passphrase: string | undefined): string {
  if (typeof passphrase !== 'string' || passphrase.length === 0) throw new TypeError('passphrase: required');
  return passphrase;
}
