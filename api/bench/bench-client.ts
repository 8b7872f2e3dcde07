/**
 * What the benchmarks' clients share: GraphQL over node:http keep-alive (a
 * much lighter client than fetch, so more of the time measured is the
 * server's) and the SDK's signup and login steps with random identities.
 * The server key is taken from the response unverified: benchmarks measure
 * the server, the SDK's key check has its own tests.
 */
import { request, type Agent } from 'node:http';
import {
  base64ToBytes,
  bytesToBase64,
  deriveAuthKeyPair,
  encodeMiniLockId,
  keyPairFromSecretKey,
  openAuthChallenge,
  openIdentityChallenge,
  openToken,
  randomBytes,
  type KeyPair,
} from '@peerlock/sdk';

export type GraphQLPoster = (url: string, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => Promise<Record<string, unknown>>;

export function graphqlPoster(agent: Agent): GraphQLPoster {
  return (url, query, variables = {}, headers = {}) => {
    const body = JSON.stringify({ query, variables });
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Record<string, unknown>; errors?: unknown[] };
          if (json.errors) reject(new Error(JSON.stringify(json.errors)));
          else resolve(json.data!);
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      // Headers and body leave in two writes: without this, Nagle + delayed ACK add ~40 ms to every request.
      req.on('socket', (socket) => socket.setNoDelay(true));
      req.end(body);
    });
  };
}

interface WireBox {
  nonce: string;
  ciphertext: string;
}
const open = (b: WireBox) => ({ nonce: base64ToBytes(b.nonce), ciphertext: base64ToBytes(b.ciphertext) });

export async function benchSignup(gql: GraphQLPoster, url: string, username: string): Promise<{ identity: KeyPair; auth: KeyPair }> {
  const identity = keyPairFromSecretKey(randomBytes(32));
  const auth = deriveAuthKeyPair(identity.secretKey);
  const data = await gql(url, 'mutation($i: SignupChallengeInput!) { signupChallenge(input: $i) { sealedState identityChallenge { nonce ciphertext } authChallenge { nonce ciphertext } serverKey { publicKey } } }', {
    i: { username, miniLockId: encodeMiniLockId(identity.publicKey), authPublicKey: bytesToBase64(auth.publicKey) },
  });
  const c = data.signupChallenge as { sealedState: string; identityChallenge: WireBox; authChallenge: WireBox; serverKey: { publicKey: string } };
  const server = base64ToBytes(c.serverKey.publicKey);
  await gql(url, 'mutation($i: SignupInput!) { signup(input: $i) { username } }', {
    i: {
      sealedState: c.sealedState,
      identityAnswer: bytesToBase64(openIdentityChallenge(open(c.identityChallenge), server, identity.secretKey)),
      authAnswer: bytesToBase64(openAuthChallenge(open(c.authChallenge), server, auth.secretKey)),
    },
  });
  return { identity, auth };
}

/** One authChallenge: the batch of tokens, opened with the auth key. */
export async function benchLogin(gql: GraphQLPoster, url: string, username: string, auth: KeyPair): Promise<Uint8Array[]> {
  const data = await gql(url, 'mutation($u: String!) { authChallenge(username: $u) { tokens { nonce ciphertext } serverKey { publicKey } } }', { u: username });
  const batch = data.authChallenge as { tokens: WireBox[]; serverKey: { publicKey: string } };
  const server = base64ToBytes(batch.serverKey.publicKey);
  return batch.tokens.map((t) => openToken(open(t), server, auth.secretKey));
}
