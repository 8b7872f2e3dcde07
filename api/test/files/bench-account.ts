/**
 * Signup and login with the SDK and fetch only, for scripts that run outside
 * vitest (the files benchmark): HonestClient's steps without its test helpers.
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

interface WireBox {
  nonce: string;
  ciphertext: string;
}
interface WireServerKey {
  publicKey: string;
  validFrom: string;
  validUntil: string;
  signature: string;
}

const KEY = 'serverKey { publicKey validFrom validUntil signature }';
const box = (w: WireBox) => ({ nonce: base64ToBytes(w.nonce), ciphertext: base64ToBytes(w.ciphertext) });

export class BenchAccount {
  readonly identity: KeyPair = keyPairFromSecretKey(randomBytes(32));
  readonly auth: KeyPair = deriveAuthKeyPair(this.identity.secretKey);
  tokens: Uint8Array[] = [];
  private pinned: Uint8Array | null = null;

  constructor(
    readonly url: string,
    readonly username: string,
  ) {}

  get miniLockId(): string {
    return encodeMiniLockId(this.identity.publicKey);
  }

  private async post<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: T; errors?: unknown };
    if (!body.data) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  private async serverKey(wire: WireServerKey): Promise<Uint8Array> {
    this.pinned ??= base64ToBytes((await this.post<{ serverKeys: { signingPublicKey: string } }>('{ serverKeys { signingPublicKey } }', {})).serverKeys.signingPublicKey);
    const key = { publicKey: base64ToBytes(wire.publicKey), validFrom: Number(wire.validFrom), validUntil: Number(wire.validUntil), signature: base64ToBytes(wire.signature) };
    return verifyServerKey(key, this.pinned, Math.floor(Date.now() / 1000));
  }

  async signup(): Promise<void> {
    const { signupChallenge: c } = await this.post<{ signupChallenge: { sealedState: string; identityChallenge: WireBox; authChallenge: WireBox; serverKey: WireServerKey } }>(
      `mutation($input: SignupChallengeInput!) { signupChallenge(input: $input) { sealedState identityChallenge { nonce ciphertext } authChallenge { nonce ciphertext } ${KEY} } }`,
      { input: { username: this.username, miniLockId: this.miniLockId, authPublicKey: bytesToBase64(this.auth.publicKey) } },
    );
    const server = await this.serverKey(c.serverKey);
    await this.post('mutation($input: SignupInput!) { signup(input: $input) { username } }', {
      input: {
        sealedState: c.sealedState,
        identityAnswer: bytesToBase64(openIdentityChallenge(box(c.identityChallenge), server, this.identity.secretKey)),
        authAnswer: bytesToBase64(openAuthChallenge(box(c.authChallenge), server, this.auth.secretKey)),
      },
    });
  }

  async login(): Promise<void> {
    const { authChallenge } = await this.post<{ authChallenge: { tokens: WireBox[]; serverKey: WireServerKey } }>(
      `mutation($username: String!) { authChallenge(username: $username) { tokens { nonce ciphertext } ${KEY} } }`,
      { username: this.username },
    );
    const server = await this.serverKey(authChallenge.serverKey);
    this.tokens.push(...authChallenge.tokens.map((t) => openToken(box(t), server, this.auth.secretKey)));
  }

  takeHeader(): string {
    const token = this.tokens.shift();
    if (!token) throw new Error('token pool empty');
    return authorizationHeader(this.username, token);
  }
}
