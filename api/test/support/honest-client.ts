/**
 * An honest client built from the SDK: identity and auth keys, the server's
 * long-term key pinned on first use, every server key signature checked,
 * challenges and tokens opened only with the strict T8 functions.
 */
import {
  authorizationHeader,
  base64ToBytes,
  bytesToBase64,
  deriveAuthKeyPair,
  encodeMiniLockId,
  keyPairFromSecretKey,
  openAuthChallenge,
  openIdentityChallenge,
  openToken,
  randomBytes,
  verifyServerKey,
  type KeyPair,
} from '@peerlock/sdk';
import { expectOk, post, type GraphQLResponse } from './graphql-client.js';
import type { TestClock } from './test-server.js';

export interface WireBox {
  nonce: string;
  ciphertext: string;
}
export interface WireServerKey {
  publicKey: string;
  validFrom: string;
  validUntil: string;
  signature: string;
}
export interface WireChallenge {
  sealedState: string;
  identityChallenge: WireBox;
  authChallenge: WireBox;
  serverKey: WireServerKey;
  expiresAt: string;
}

export const CHALLENGE_FIELDS = 'sealedState expiresAt identityChallenge { nonce ciphertext } authChallenge { nonce ciphertext } serverKey { publicKey validFrom validUntil signature }';
export const SIGNUP_CHALLENGE = `mutation($input: SignupChallengeInput!) { signupChallenge(input: $input) { ${CHALLENGE_FIELDS} } }`;
export const SIGNUP = 'mutation($input: SignupInput!) { signup(input: $input) { username recoveryCode } }';
export const AUTH_CHALLENGE =
  'mutation($username: String!, $totpCode: String) { authChallenge(username: $username, totpCode: $totpCode) { expiresAt tokens { nonce ciphertext } serverKey { publicKey validFrom validUntil signature } } }';
export const ME = '{ me { username miniLockId displayName email twoFactorEnabled notifications { newMessages contactRequests fileShares } } }';

const box = (w: WireBox) => ({ nonce: base64ToBytes(w.nonce), ciphertext: base64ToBytes(w.ciphertext) });

export class HonestClient {
  identity: KeyPair;
  auth: KeyPair;
  tokens: Uint8Array[] = [];
  recoveryCode: string | null = null;
  private pinned: Uint8Array | null = null;

  constructor(
    readonly url: string,
    readonly username: string,
    readonly clock: TestClock,
    identity: KeyPair = keyPairFromSecretKey(randomBytes(32)),
  ) {
    this.identity = identity;
    this.auth = deriveAuthKeyPair(identity.secretKey);
  }

  get miniLockId(): string {
    return encodeMiniLockId(this.identity.publicKey);
  }

  async serverPublicKey(wire: WireServerKey): Promise<Uint8Array> {
    if (!this.pinned) {
      const res = await post<{ serverKeys: { signingPublicKey: string } }>(this.url, '{ serverKeys { signingPublicKey } }');
      this.pinned = base64ToBytes(expectOk(res).serverKeys.signingPublicKey);
    }
    return verifyServerKey(
      { publicKey: base64ToBytes(wire.publicKey), validFrom: Number(wire.validFrom), validUntil: Number(wire.validUntil), signature: base64ToBytes(wire.signature) },
      this.pinned,
      Math.floor(this.clock.now() / 1000),
    );
  }

  /** Answers a signup or key-rotation challenge with the given key pairs. */
  async answer(challenge: WireChallenge, identity = this.identity, auth = this.auth): Promise<{ sealedState: string; identityAnswer: string; authAnswer: string }> {
    const server = await this.serverPublicKey(challenge.serverKey);
    return {
      sealedState: challenge.sealedState,
      identityAnswer: bytesToBase64(openIdentityChallenge(box(challenge.identityChallenge), server, identity.secretKey)),
      authAnswer: bytesToBase64(openAuthChallenge(box(challenge.authChallenge), server, auth.secretKey)),
    };
  }

  signupChallenge(profile: { displayName?: string; email?: string } = {}): Promise<GraphQLResponse<{ signupChallenge: WireChallenge }>> {
    return post(this.url, SIGNUP_CHALLENGE, {
      input: { username: this.username, miniLockId: this.miniLockId, authPublicKey: bytesToBase64(this.auth.publicKey), ...profile },
    });
  }

  async signup(profile: { displayName?: string; email?: string } = {}): Promise<void> {
    const challenge = expectOk(await this.signupChallenge(profile)).signupChallenge;
    const result = expectOk(await post<{ signup: { recoveryCode: string } }>(this.url, SIGNUP, { input: await this.answer(challenge) }));
    this.recoveryCode = result.signup.recoveryCode;
  }

  async requestTokens(totpCode?: string): Promise<GraphQLResponse<{ authChallenge: { tokens: WireBox[]; serverKey: WireServerKey } }>> {
    return post(this.url, AUTH_CHALLENGE, { username: this.username, totpCode: totpCode ?? null });
  }

  async login(totpCode?: string): Promise<void> {
    const batch = expectOk(await this.requestTokens(totpCode)).authChallenge;
    const server = await this.serverPublicKey(batch.serverKey);
    this.tokens.push(...batch.tokens.map((t) => openToken(box(t), server, this.auth.secretKey)));
  }

  /** The next unspent token as an Authorization header value. */
  takeHeader(): string {
    const token = this.tokens.shift();
    if (!token) throw new Error('token pool empty: log in first');
    return authorizationHeader(this.username, token);
  }

  async request<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    return post<T>(this.url, query, variables, { authorization: this.takeHeader() });
  }
}
