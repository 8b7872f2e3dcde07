/**
 * The key-log GraphQL queries (DESIGN §6) on SQLite and PostgreSQL: public
 * (no token), every proof checked with the SDK's RFC 9162 verifiers against
 * heads signed by the server's long-term key, every refusal with its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  checkKeyLookup,
  decodeKeyLogLeaf,
  verifyVrfKey,
  keyPairFromSecretKey,
  merkleLeafHash,
  miniLockIdOf,
  PeerlockClient,
  randomBytes,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHeadSignature,
  keyLogNoteKey,
  keyLogOrigin,
  parseCheckpoint,
  parseNote,
  verifyNoteSignature,
  type KeyPair,
  type TreeHead,
} from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';

interface WireHead {
  treeSize: number;
  timestamp: string;
  rootHash: string;
  signature: string;
}
const HEAD = '{ keyLogTreeHead { treeSize timestamp rootHash signature } }';
const INCLUSION = 'query($i: Int!, $n: Int!) { keyLogInclusionProof(leafIndex: $i, treeSize: $n) { leafIndex treeSize leaf auditPath } }';
const CONSISTENCY = 'query($m: Int!, $n: Int!) { keyLogConsistencyProof(fromSize: $m, toSize: $n) { fromSize toSize path } }';
const KEY_PROOF =
  'query($u: String!, $k: Int) { keyLogKeyProof(username: $u, knownTreeSize: $k) { treeHead { treeSize timestamp rootHash signature } inclusion { leafIndex treeSize leaf auditPath } lookup { vrfProof opening timestamp miniLockId authPublicKey } newest { lastLeaf lastLeafAuditPath mapPath } consistency { fromSize toSize path } } }';

const toHead = (w: WireHead): TreeHead => ({ treeSize: w.treeSize, timestamp: Number(w.timestamp), rootHash: base64ToBytes(w.rootHash), signature: base64ToBytes(w.signature) });
const hashes = (list: string[]) => list.map((h) => base64ToBytes(h));

describe.each(BACKENDS)('key-log queries (%s)', (backend) => {
  let server: TestServer;
  let signingKey: Uint8Array;
  /** The head after each key event: heads[n] has n leaves. */
  const heads: WireHead[] = [];
  const ids: Record<string, KeyPair> = {};

  const head = async () => expectOk(await post<{ keyLogTreeHead: WireHead }>(server.url, HEAD)).keyLogTreeHead;

  beforeAll(async () => {
    server = await startTestServer(backend);
    signingKey = base64ToBytes(expectOk(await post<{ serverKeys: { signingPublicKey: string } }>(server.url, '{ serverKeys { signingPublicKey } }')).serverKeys.signingPublicKey);
    heads.push(await head());
    for (const name of ['u0', 'u1', 'u2', 'u3', 'u4', 'u5']) {
      ids[name] = keyPairFromSecretKey(randomBytes(32));
      const client = new PeerlockClient({ url: server.url, now: server.clock.now });
      await client.signup({ username: name, passphrase: '', identity: ids[name]! });
      heads.push(await head());
      if (name === 'u2') {
        ids.u2 = keyPairFromSecretKey(randomBytes(32));
        await client.rotateKeys({ identity: ids.u2 });
        heads.push(await head());
      }
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  it('one leaf per key event; every head is signed by the long-term key; the empty tree is SHA-256("")', () => {
    expect(heads.map((h) => h.treeSize)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(heads[0]).toMatchObject({ timestamp: '0', rootHash: '47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' });
    for (const h of heads) expect(() => verifyTreeHeadSignature(toHead(h), signingKey)).not.toThrow();
  });

  it('the head is also a C2SP checkpoint: its origin and key come from the pinned signing key, its signature verifies, its size and root are the head’s', async () => {
    const wire = expectOk(await post<{ keyLogTreeHead: WireHead & { checkpoint: string } }>(server.url, '{ keyLogTreeHead { treeSize rootHash checkpoint } }')).keyLogTreeHead;
    const { text, signatures } = parseNote(wire.checkpoint);
    expect(parseCheckpoint(text)).toEqual({ origin: keyLogOrigin(signingKey), treeSize: wire.treeSize, rootHash: base64ToBytes(wire.rootHash) });
    expect(signatures).toHaveLength(1);
    const logKey = keyLogNoteKey(signingKey);
    expect(verifyNoteSignature(text, signatures[0]!, logKey)).toBe(true);
    // Another head's text does not carry the signature.
    expect(verifyNoteSignature(text.replace(`\n${wire.treeSize}\n`, `\n${wire.treeSize + 1}\n`), signatures[0]!, logKey)).toBe(false);
  });

  it('inclusion of every leaf in every tree size verifies against that size’s signed root', async () => {
    for (let n = 1; n < heads.length; n++) {
      for (let i = 0; i < n; i++) {
        const p = expectOk(await post<{ keyLogInclusionProof: { leafIndex: number; treeSize: number; leaf: string; auditPath: string[] } }>(server.url, INCLUSION, { i, n })).keyLogInclusionProof;
        expect(verifyInclusion(merkleLeafHash(base64ToBytes(p.leaf)), i, n, hashes(p.auditPath), base64ToBytes(heads[n]!.rootHash)), `i=${i} n=${n}`).toBe(true);
      }
    }
  });

  it('consistency between every pair of heads verifies', async () => {
    for (let n = 1; n < heads.length; n++) {
      for (let m = 0; m <= n; m++) {
        const p = expectOk(await post<{ keyLogConsistencyProof: { path: string[] } }>(server.url, CONSISTENCY, { m, n })).keyLogConsistencyProof;
        expect(verifyConsistency(m, n, hashes(p.path), base64ToBytes(heads[m]!.rootHash), base64ToBytes(heads[n]!.rootHash)), `m=${m} n=${n}`).toBe(true);
      }
    }
  });

  it('keyLogKeyProof: the current key of a rotated user, with the consistency from a known size', async () => {
    const p = expectOk(await post<{ keyLogKeyProof: any }>(server.url, KEY_PROOF, { u: 'U2', k: 3 })).keyLogKeyProof; // eslint-disable-line @typescript-eslint/no-explicit-any
    const last = heads[heads.length - 1]!;
    expect(p.treeHead).toEqual(last);
    expect(decodeKeyLogLeaf(base64ToBytes(p.inclusion.leaf))).toMatchObject({ keySequence: 1 });
    // The exact lookup proves the leaf is u2's (VRF under the signed VRF key) and opens it to u2's current key.
    const { serverKeys } = expectOk(await post<{ serverKeys: { keyLogVrfKey: { publicKey: string; signature: string } } }>(server.url, '{ serverKeys { keyLogVrfKey { publicKey signature } } }'));
    const vrfKey = base64ToBytes(serverKeys.keyLogVrfKey.publicKey);
    verifyVrfKey(vrfKey, base64ToBytes(serverKeys.keyLogVrfKey.signature), signingKey);
    const { lookup } = p;
    expect(lookup.miniLockId).toBe(miniLockIdOf(ids.u2!));
    const entry = checkKeyLookup(
      { username: 'u2', miniLockId: miniLockIdOf(ids.u2!) },
      toHead(last),
      { leafIndex: p.inclusion.leafIndex, leaf: base64ToBytes(p.inclusion.leaf), auditPath: hashes(p.inclusion.auditPath) },
      { vrfProof: base64ToBytes(lookup.vrfProof), opening: base64ToBytes(lookup.opening), timestamp: Number(lookup.timestamp), authPublicKey: lookup.authPublicKey },
      { lastLeaf: base64ToBytes(p.newest.lastLeaf), lastLeafAuditPath: hashes(p.newest.lastLeafAuditPath), mapPath: hashes(p.newest.mapPath) },
      vrfKey,
    );
    expect(entry).toMatchObject({ username: 'u2', keySequence: 1 });
    expect(verifyInclusion(merkleLeafHash(base64ToBytes(p.inclusion.leaf)), p.inclusion.leafIndex, last.treeSize, hashes(p.inclusion.auditPath), base64ToBytes(last.rootHash))).toBe(true);
    expect(verifyConsistency(3, last.treeSize, hashes(p.consistency.path), base64ToBytes(heads[3]!.rootHash), base64ToBytes(last.rootHash))).toBe(true);
    // No known size, or one beyond the head: no consistency proof.
    expect(expectOk(await post<{ keyLogKeyProof: any }>(server.url, KEY_PROOF, { u: 'u0' })).keyLogKeyProof.consistency).toBeNull(); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(expectOk(await post<{ keyLogKeyProof: any }>(server.url, KEY_PROOF, { u: 'u0', k: 999 })).keyLogKeyProof.consistency).toBeNull(); // eslint-disable-line @typescript-eslint/no-explicit-any
  });

  it('refusals carry codes: sizes the log has not reached, indices outside the tree, unknown or invalid users', async () => {
    const field = async (query: string, variables: Record<string, unknown>, code: 'BAD_INPUT' | 'NOT_FOUND', name?: string) => {
      const res = await post(server.url, query, variables);
      expectCode(res, code);
      if (name) expect(res.errors?.[0]?.extensions).toMatchObject({ field: name });
    };
    await field(INCLUSION, { i: 0, n: 99 }, 'BAD_INPUT', 'treeSize');
    await field(INCLUSION, { i: 0, n: 0 }, 'BAD_INPUT', 'treeSize');
    await field(INCLUSION, { i: 3, n: 3 }, 'BAD_INPUT', 'leafIndex');
    await field(INCLUSION, { i: -1, n: 3 }, 'BAD_INPUT', 'leafIndex');
    await field(CONSISTENCY, { m: 4, n: 3 }, 'BAD_INPUT', 'fromSize');
    await field(CONSISTENCY, { m: 1, n: 99 }, 'BAD_INPUT', 'toSize');
    await field(KEY_PROOF, { u: 'nobody' }, 'NOT_FOUND');
    await field(KEY_PROOF, { u: 'not a name!' }, 'BAD_INPUT', 'username');
    await field(KEY_PROOF, { u: 'u0', k: -1 }, 'BAD_INPUT', 'knownTreeSize');
  });
});
