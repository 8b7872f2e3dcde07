/**
 * The server's side of witnessing (DESIGN §6, T13) on SQLite and PostgreSQL:
 * configured witnesses hand in cosignature/v1 lines over the real GraphQL
 * endpoint (signed here with the SDK's `cosign`, as peerlock-witness does);
 * the server accepts only valid lines from configured witnesses, serves them
 * in each head's checkpoint note, and answers "the newest head k witnesses
 * co-signed" with proofs under that head. The witness command itself and the
 * attacks on the wire are in clients/cli/test/witness.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  checkWitnessedHead,
  decodeKeyLogLeaf,
  verifyKeyMapPath,
  cosign,
  ed25519PublicKey,
  formatCheckpoint,
  formatSignatureLine,
  formatVerifierKey,
  keyLogNoteKey,
  keyPairFromSecretKey,
  noteKey,
  NOTE_COSIGNATURE_V1,
  parseCheckpoint,
  parseNote,
  PeerlockClient,
  randomBytes,
  verifyInclusion,
  merkleLeafHash,
} from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectCode, expectOk, post } from '../support/graphql-client.js';

interface WireHead {
  treeSize: number;
  rootHash: string;
  checkpoint: string;
}
const HEAD = 'query($k: Int) { keyLogTreeHead(minCosignatures: $k) { treeSize rootHash checkpoint } }';
const SUBMIT = 'mutation($n: Int!, $c: String!) { submitKeyLogCosignature(treeSize: $n, cosignature: $c) }';
const KEY_PROOF = 'query($u: String!, $k: Int) { keyLogKeyProof(username: $u, minCosignatures: $k) { treeHead { treeSize rootHash checkpoint } inclusion { leafIndex treeSize leaf auditPath } newest { lastLeaf lastLeafAuditPath mapPath } } }';

const seeds = [randomBytes(32), randomBytes(32), randomBytes(32)];
const witnesses = seeds.map((seed, i) => noteKey(`witness-${i}.example`, NOTE_COSIGNATURE_V1, ed25519PublicKey(seed)));
const stranger = randomBytes(32);

describe.each(BACKENDS)('key-log witnesses (%s)', (backend) => {
  let server: TestServer;
  let logKey: ReturnType<typeof keyLogNoteKey>;

  const head = async (k: number | null = null) => expectOk(await post<{ keyLogTreeHead: WireHead }>(server.url, HEAD, { k })).keyLogTreeHead;
  /** Witness i's line for the server's checkpoint of `size` (or of any text given). */
  const line = (i: number, text: string, seed = seeds[i]!) => formatSignatureLine(cosign(text, witnesses[i]!.name, seed, 1_790_000_000));
  const textAt = (h: WireHead) => formatCheckpoint({ origin: logKey.name, treeSize: h.treeSize, rootHash: base64ToBytes(h.rootHash) });
  const submit = (size: number, cosignature: string) => post<{ submitKeyLogCosignature: string }>(server.url, SUBMIT, { n: size, c: cosignature });
  const signup = async (name: string) =>
    new PeerlockClient({ url: server.url, now: server.clock.now }).signup({ username: name, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });

  beforeAll(async () => {
    server = await startTestServer(backend, { PEERLOCK_WITNESSES: witnesses.map(formatVerifierKey).join(',') });
    const signing = expectOk(await post<{ serverKeys: { signingPublicKey: string } }>(server.url, '{ serverKeys { signingPublicKey } }')).serverKeys.signingPublicKey;
    logKey = keyLogNoteKey(base64ToBytes(signing));
    for (const name of ['w_alice', 'w_bob', 'w_carol']) await signup(name);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('before any co-signature: a witnessed head is UNAVAILABLE (retryable), and k above the configured witnesses is BAD_INPUT', async () => {
    const res = await post(server.url, HEAD, { k: 1 });
    expectCode(res, 'UNAVAILABLE');
    expect(res.errors![0]!.extensions).toMatchObject({ retryAfterSeconds: 5 });
    const tooMany = await post(server.url, HEAD, { k: 4 });
    expectCode(tooMany, 'BAD_INPUT');
    expect(tooMany.errors![0]!.extensions).toMatchObject({ field: 'minCosignatures' });
    expectCode(await post(server.url, HEAD, { k: -1 }), 'BAD_INPUT');
  });

  it('a configured witness hands in its line; the head serves it, and a client requiring 1 of 3 accepts the head', async () => {
    const h = await head();
    expect(h.treeSize).toBe(3);
    expect(expectOk(await submit(h.treeSize, line(0, textAt(h)))).submitKeyLogCosignature).toBe(witnesses[0]!.name);
    const served = await head();
    const { text, signatures } = parseNote(served.checkpoint);
    expect(text).toBe(textAt(h));
    expect(signatures.map((s) => s.name)).toEqual([logKey.name, witnesses[0]!.name]);
    expect(checkWitnessedHead(served.checkpoint, logKey, { treeSize: served.treeSize, rootHash: base64ToBytes(served.rootHash) }, witnesses, 1)).toEqual([witnesses[0]!.name]);
    expect((await head(1)).checkpoint).toBe(served.checkpoint);
    // The same line again (a witness that lost the answer): accepted, nothing doubled.
    expectOk(await submit(h.treeSize, line(0, textAt(h))));
    expect(parseNote((await head()).checkpoint).signatures).toHaveLength(2);
  });

  it('refuses, before writing anything: an unknown witness or key (FORBIDDEN), a line over another root or garbage (BAD_INPUT cosignature), a size the log has not reached (BAD_INPUT treeSize)', async () => {
    const h = await head();
    const strangerLine = formatSignatureLine(cosign(textAt(h), 'stranger.example', stranger, 1));
    expectCode(await submit(h.treeSize, strangerLine), 'FORBIDDEN');
    // A configured witness's name with another key is not that witness (its key ID differs).
    expectCode(await submit(h.treeSize, line(1, textAt(h), stranger)), 'FORBIDDEN');
    const otherRoot = formatCheckpoint({ origin: logKey.name, treeSize: h.treeSize, rootHash: randomBytes(32) });
    const wrong = await submit(h.treeSize, line(1, otherRoot));
    expectCode(wrong, 'BAD_INPUT');
    expect(wrong.errors![0]!.extensions).toMatchObject({ field: 'cosignature' });
    // The right root under the wrong size.
    expectCode(await submit(h.treeSize - 1, line(1, textAt(h))), 'BAD_INPUT');
    for (const junk of ['', 'hello', '— witness-1.example !!!', `— witness-1.example ${'A'.repeat(2000)}`]) {
      const res = await submit(h.treeSize, junk);
      expectCode(res, 'BAD_INPUT');
      expect(res.errors![0]!.extensions).toMatchObject({ field: 'cosignature' });
    }
    const beyond = await submit(h.treeSize + 1, line(1, formatCheckpoint({ origin: logKey.name, treeSize: h.treeSize + 1, rootHash: randomBytes(32) })));
    expectCode(beyond, 'BAD_INPUT');
    expect(beyond.errors![0]!.extensions).toMatchObject({ field: 'treeSize' });
    expect(parseNote((await head()).checkpoint).signatures).toHaveLength(2);
  });

  it('the newest head k witnesses co-signed, with proofs under it; a key newer than that is UNAVAILABLE until they catch up', async () => {
    const witnessed = await head();
    expectOk(await submit(witnessed.treeSize, line(1, textAt(witnessed))));
    await signup('w_dave');
    const newest = await head();
    expect(newest.treeSize).toBe(witnessed.treeSize + 1);
    expectOk(await submit(newest.treeSize, line(2, textAt(newest))));
    // A witness never goes back: witness 2 cannot co-sign the older size now.
    expectCode(await submit(witnessed.treeSize, line(2, textAt(witnessed))), 'BAD_INPUT');

    const two = await head(2);
    expect(two.treeSize).toBe(witnessed.treeSize);
    expect(checkWitnessedHead(two.checkpoint, logKey, { treeSize: two.treeSize, rootHash: base64ToBytes(two.rootHash) }, witnesses, 2).sort()).toEqual([witnesses[0]!.name, witnesses[1]!.name]);
    expect((await head(1)).treeSize).toBe(newest.treeSize);

    type Proof = { treeHead: WireHead; inclusion: { leafIndex: number; treeSize: number; leaf: string; auditPath: string[] }; newest: { lastLeaf: string; lastLeafAuditPath: string[]; mapPath: string[] } };
    const proof = expectOk(await post<{ keyLogKeyProof: Proof }>(server.url, KEY_PROOF, { u: 'w_bob', k: 2 })).keyLogKeyProof;
    expect(proof.treeHead.treeSize).toBe(witnessed.treeSize);
    const { inclusion, newest: n } = proof;
    const bytes = (list: string[]) => list.map((h) => base64ToBytes(h));
    expect(verifyInclusion(merkleLeafHash(base64ToBytes(inclusion.leaf)), inclusion.leafIndex, inclusion.treeSize, bytes(inclusion.auditPath), base64ToBytes(proof.treeHead.rootHash))).toBe(true);
    // Newest under the witnessed head: the map as it stood after that head's last leaf (w_dave's leaf is not in it).
    expect(verifyInclusion(merkleLeafHash(base64ToBytes(n.lastLeaf)), witnessed.treeSize - 1, witnessed.treeSize, bytes(n.lastLeafAuditPath), base64ToBytes(proof.treeHead.rootHash))).toBe(true);
    const leaf = decodeKeyLogLeaf(base64ToBytes(inclusion.leaf));
    const entry = { index: leaf.index, keySequence: leaf.keySequence, leafIndex: inclusion.leafIndex };
    expect(verifyKeyMapPath(decodeKeyLogLeaf(base64ToBytes(n.lastLeaf)).mapRoot, entry, bytes(n.mapPath))).toBe(true);
    const current = expectOk(await post<{ keyLogKeyProof: Proof }>(server.url, KEY_PROOF, { u: 'w_bob', k: 1 })).keyLogKeyProof;
    expect(current.treeHead.treeSize).toBe(newest.treeSize);
    expect(verifyKeyMapPath(decodeKeyLogLeaf(base64ToBytes(current.newest.lastLeaf)).mapRoot, entry, bytes(current.newest.mapPath))).toBe(true);
    expect(current.newest.lastLeaf).not.toBe(n.lastLeaf);
    expect(parseCheckpoint(parseNote(proof.treeHead.checkpoint).text).treeSize).toBe(witnessed.treeSize);

    const notYet = await post(server.url, KEY_PROOF, { u: 'w_dave', k: 2 });
    expectCode(notYet, 'UNAVAILABLE');
    expectOk(await submit(newest.treeSize, line(0, textAt(newest))));
    expect(expectOk(await post<{ keyLogKeyProof: { treeHead: WireHead } }>(server.url, KEY_PROOF, { u: 'w_dave', k: 2 })).keyLogKeyProof.treeHead.treeSize).toBe(newest.treeSize);
  });

  it('an SDK client configured with the witnesses and k uses keys under witnessed heads only', async () => {
    const vkeys = witnesses.map(formatVerifierKey);
    const carolKey = keyPairFromSecretKey(randomBytes(32));
    await new PeerlockClient({ url: server.url, now: server.clock.now }).signup({ username: 'w_carl', passphrase: '', identity: carolKey });
    const client = new PeerlockClient({ url: server.url, now: server.clock.now, witnesses: vkeys, witnessThreshold: 2 });
    const erinKey = keyPairFromSecretKey(randomBytes(32));
    await client.signup({ username: 'w_erin', passphrase: '', identity: erinKey });
    // Nobody has co-signed a head holding w_carl's key yet.
    await expect(client.observe('w_carl')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    // Nor w_erin's own: her login's own-key check waits for the witnesses ('pending'), it does not fail.
    const erin = new PeerlockClient({ url: server.url, now: server.clock.now, witnesses: vkeys, witnessThreshold: 2 });
    await erin.login({ username: 'w_erin', identity: erinKey });
    expect(erin.ownKeyCheck).toBe('pending');
    const h = await head();
    for (const i of [0, 2]) expectOk(await submit(h.treeSize, line(i, textAt(h))));
    await expect(client.observe('w_carl')).resolves.toBeDefined();
    expect(() => new PeerlockClient({ url: server.url, witnesses: vkeys, witnessThreshold: 4 })).toThrow(RangeError);
    expect(() => new PeerlockClient({ url: server.url, witnesses: [vkeys[0]!, vkeys[0]!], witnessThreshold: 1 })).toThrow(RangeError);
    expect(() => new PeerlockClient({ url: server.url, witnesses: [formatVerifierKey(logKey)], witnessThreshold: 1 })).toThrow(RangeError);
  });
});

describe('a client that requires witnesses, against a server that has none', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('sqlite');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('cannot log in quietly: TooFewCosignatures (none of the k it requires), with the session open', async () => {
    const identity = keyPairFromSecretKey(randomBytes(32));
    await new PeerlockClient({ url: server.url, now: server.clock.now }).signup({ username: 'lonely', passphrase: '', identity });
    const client = new PeerlockClient({ url: server.url, now: server.clock.now, witnesses: witnesses.map(formatVerifierKey), witnessThreshold: 1 });
    await expect(client.login({ username: 'lonely', identity })).rejects.toMatchObject({ code: 'TOO_FEW_COSIGNATURES', required: 1, valid: 0 });
    expect(client.loggedIn).toBe(true);
  });
});
