/**
 * T6 with key transparency (DESIGN §6): the test plays the malicious server.
 * Real accounts on a real server; Bob's SDK talks to it through a fetch that
 * lets the test rewrite any answer, using the server's own data and, where
 * the attack needs it, the server's own signing key (a malicious server has
 * it). Each attack must end in the exact typed error, and nothing is pinned.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountEvents, accountStreamName } from '@peerlock/schema';
import { base64ToBytes, bytesToBase64, decodeKeyLogLeaf, deriveAuthKeyPair, encodeKeyLogLeaf, keyLogCommitment, keyPairFromSecretKey, miniLockIdOf, PeerlockClient, randomBytes, type KeyPair } from '@peerlock/sdk';
import { BACKENDS, startTestServer, type TestServer } from '../support/test-server.js';
import { expectOk, post } from '../support/graphql-client.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Tamper = (data: Json, variables: Json) => Json;

const HEAD = '{ keyLogTreeHead { treeSize timestamp rootHash signature } }';

describe.each(BACKENDS)('key transparency attacks (%s)', (backend) => {
  let server: TestServer;
  const ids: Record<string, KeyPair> = {};
  const tampers = new Map<string, Tamper>();

  /** A fetch that hands named operations' answers to the test before the SDK sees them. */
  const maliciousFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as { query: string; variables: Json }) : null;
    const name = body?.query.match(/^\s*(?:query|mutation)\s+(\w+)/)?.[1];
    const tamper = name ? tampers.get(name) : undefined;
    if (!tamper || !body) return response;
    const json = (await response.json()) as { data?: Json };
    return new Response(JSON.stringify({ ...json, data: json.data ? tamper(json.data, body.variables) : json.data }), { status: response.status, headers: { 'content-type': 'application/json' } });
  };

  const device = async (name: string, evil = false) => {
    const client = new PeerlockClient({ url: server.url, now: server.clock.now, ...(evil ? { fetch: maliciousFetch } : {}) });
    await client.login({ username: name, identity: ids[name]! });
    return client;
  };
  const signup = async (name: string) => {
    ids[name] = keyPairFromSecretKey(randomBytes(32));
    await new PeerlockClient({ url: server.url, now: server.clock.now }).signup({ username: name, passphrase: '', identity: ids[name]! });
  };
  const head = async () => expectOk(await post<{ keyLogTreeHead: Json }>(server.url, HEAD)).keyLogTreeHead;
  /** A tree head signed with the server's real key: what a malicious server can always produce. */
  const signed = (treeSize: number, timestamp: number, rootHash: Uint8Array) => ({
    treeSize,
    timestamp: String(timestamp),
    rootHash: bytesToBase64(rootHash),
    signature: bytesToBase64(server.app.services.keys.signTreeHead(treeSize, timestamp, rootHash)),
  });

  beforeAll(async () => {
    server = await startTestServer(backend);
    for (const name of ['alice', 'bob', 'carol']) await signup(name);
  });
  afterAll(async () => {
    tampers.clear();
    await server?.close();
  });

  it('honest: the key is proven in the log, pinned, and the verified head is stored with the pins', async () => {
    const bob = await device('bob');
    await bob.requestContact('alice');
    expect(await bob.pin('alice')).toMatchObject({ miniLockId: miniLockIdOf(ids.alice!) });
    expect((await bob.pins()).treeHead).toMatchObject({ treeSize: (await head()).treeSize });
  });

  it('the server shows a key that is not in the log → KeyNotInLog (key-mismatch), nothing pinned', async () => {
    const mallory = miniLockIdOf(keyPairFromSecretKey(randomBytes(32)));
    // Logged in first: the login itself looks bob's own key up (WRONG_PASSPHRASE if that lied).
    const bob = await device('bob', true);
    tampers.set('User', (data) => ({ user: { ...data.user, miniLockId: mallory } }));
    try {
      await expect(bob.observe('carol')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'key-mismatch', username: 'carol' });
      expect(await bob.pin('carol')).toBeUndefined();
    } finally {
      tampers.clear();
    }
  });

  it('… and with a leaf forged for that key, filed under her real index and opened to it → KeyNotInLog (bad-proof)', async () => {
    const mallory = miniLockIdOf(keyPairFromSecretKey(randomBytes(32)));
    const bob = await device('bob', true);
    tampers.set('User', (data) => ({ user: { ...data.user, miniLockId: mallory } }));
    tampers.set('KeyLogKeyProof', (data) => {
      const { inclusion, lookup } = data.keyLogKeyProof;
      // Everything a malicious server can make: carol's real index and VRF proof, a commitment to mallory's key that opens.
      const honest = decodeKeyLogLeaf(base64ToBytes(inclusion.leaf));
      const opening = randomBytes(32);
      const entry = { timestamp: Number(lookup.timestamp), keySequence: honest.keySequence, username: 'carol', miniLockId: mallory, authPublicKey: lookup.authPublicKey };
      const leaf = encodeKeyLogLeaf({ index: honest.index, keySequence: honest.keySequence, commitment: keyLogCommitment(opening, entry), mapRoot: honest.mapRoot });
      return { keyLogKeyProof: { ...data.keyLogKeyProof, inclusion: { ...inclusion, leaf: bytesToBase64(leaf) }, lookup: { ...lookup, opening: bytesToBase64(opening), miniLockId: mallory } } };
    });
    try {
      await expect(bob.observe('carol')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'bad-proof' });
    } finally {
      tampers.clear();
    }
  });

  it("… and with another user's genuine leaf shown as carol's → KeyNotInLog (bad-vrf-proof); with carol's leaf but a made-up opening → (key-mismatch)", async () => {
    const aliceProof = expectOk(await post<{ keyLogKeyProof: Json }>(server.url, '{ keyLogKeyProof(username: "alice") { inclusion { leafIndex treeSize leaf auditPath } lookup { opening timestamp authPublicKey } } }')).keyLogKeyProof;
    const bob = await device('bob', true);
    tampers.set('User', (data) => ({ user: { ...data.user, miniLockId: miniLockIdOf(ids.alice!) } }));
    tampers.set('KeyLogKeyProof', (data) => ({ keyLogKeyProof: { ...data.keyLogKeyProof, inclusion: aliceProof.inclusion, lookup: { ...data.keyLogKeyProof.lookup, ...aliceProof.lookup, miniLockId: miniLockIdOf(ids.alice!) } } }));
    try {
      await expect(bob.observe('carol')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'bad-vrf-proof', username: 'carol' });
    } finally {
      tampers.clear();
    }
    const mallory = miniLockIdOf(keyPairFromSecretKey(randomBytes(32)));
    const again = await device('bob', true);
    tampers.set('User', (data) => ({ user: { ...data.user, miniLockId: mallory } }));
    tampers.set('KeyLogKeyProof', (data) => ({ keyLogKeyProof: { ...data.keyLogKeyProof, lookup: { ...data.keyLogKeyProof.lookup, opening: bytesToBase64(randomBytes(32)), miniLockId: mallory } } }));
    try {
      await expect(again.observe('carol')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'key-mismatch' });
      expect(await again.pin('carol')).toBeUndefined();
    } finally {
      tampers.clear();
    }
  });

  it('a tree head with a forged signature → TreeHeadSignatureInvalid', async () => {
    const bob = await device('bob', true);
    tampers.set('KeyLogKeyProof', (data) => ({ keyLogKeyProof: { ...data.keyLogKeyProof, treeHead: { ...data.keyLogKeyProof.treeHead, signature: bytesToBase64(randomBytes(64)) } } }));
    try {
      await expect(bob.observe('carol')).rejects.toMatchObject({ code: 'TREE_HEAD_SIGNATURE_INVALID' });
    } finally {
      tampers.clear();
    }
  });

  it('two different signed heads of the same size (a fork) → InconsistentTreeHead (fork)', async () => {
    const bob = await device('bob', true);
    await bob.observe('alice'); // trusts the current head (also stored with the pins)
    const current = await head();
    tampers.set('KeyLogKeyProof', (data) => ({ keyLogKeyProof: { ...data.keyLogKeyProof, treeHead: signed(current.treeSize, Number(current.timestamp), randomBytes(32)), consistency: null } }));
    try {
      await expect(bob.observe('carol')).rejects.toMatchObject({ code: 'INCONSISTENT_TREE_HEAD', reason: 'fork' });
      expect(await bob.pin('carol')).toBeUndefined();
    } finally {
      tampers.clear();
    }
  });

  it('a larger signed head whose root does not extend the trusted one → InconsistentTreeHead (bad-consistency-proof)', async () => {
    const bob = await device('bob', true);
    await bob.observe('alice');
    await signup('dave');
    tampers.set('KeyLogKeyProof', (data) => {
      const real = data.keyLogKeyProof.treeHead;
      return { keyLogKeyProof: { ...data.keyLogKeyProof, treeHead: signed(real.treeSize, Number(real.timestamp), randomBytes(32)) } };
    });
    try {
      await expect(bob.observe('dave')).rejects.toMatchObject({ code: 'INCONSISTENT_TREE_HEAD', reason: 'bad-consistency-proof' });
    } finally {
      tampers.clear();
    }
  });

  it('the server rolls back to a smaller tree → TreeHeadRollback, also on a fresh device (the head comes from the sealed pins)', async () => {
    const before = await head();
    await signup('erin');
    const bob = await device('bob');
    await bob.requestContact('erin'); // pins erin: the set now carries the head that includes her
    const stored = (await bob.pins()).treeHead!;
    expect(stored.treeSize).toBe(before.treeSize + 1);
    // The honest log as it was before erin signed up, with its real signature and real proofs.
    tampers.set('KeyLogKeyProof', (data) => ({ keyLogKeyProof: { ...data.keyLogKeyProof, treeHead: before, consistency: null } }));
    tampers.set('KeyLogConsistencyProof', () => {
      throw new Error('not reached');
    });
    try {
      // The login's own-key check is the first look at the log: it takes in the sealed pins' head, then refuses the smaller one.
      await expect(device('bob', true)).rejects.toMatchObject({ code: 'TREE_HEAD_ROLLBACK', trustedSize: stored.treeSize, shownSize: before.treeSize });
    } finally {
      tampers.clear();
    }
  });

  it('a key rotation is proven before it is even shown as a change; accepting it works', async () => {
    const bob = await device('bob');
    await bob.observe('carol');
    const carol = await device('carol');
    ids.carol = keyPairFromSecretKey(randomBytes(32));
    await carol.rotateKeys({ identity: ids.carol });
    expect((await bob.observe('carol')).observation).toBe('changed');
    expect(await bob.acceptKey('carol')).toMatchObject({ miniLockId: miniLockIdOf(ids.carol) });
    const proof = expectOk(await post<{ keyLogKeyProof: Json }>(server.url, '{ keyLogKeyProof(username: "carol") { inclusion { leafIndex } } }')).keyLogKeyProof;
    expect(proof.inclusion.leafIndex).toBe((await head()).treeSize - 1);
  });

  it("a contact's key from before a rotation → KeyNotInLog (not-newest): on a device of a user who saw the rotation, and for a user who never saw a key of hers", async () => {
    await signup('dora');
    const LOOKUP = '{ keyLogKeyProof(username: "dora") { inclusion { leafIndex leaf } lookup { vrfProof opening timestamp miniLockId authPublicKey } newest { lastLeaf lastLeafAuditPath mapPath } } }';
    const old = expectOk(await post<{ keyLogKeyProof: Json }>(server.url, LOOKUP)).keyLogKeyProof;
    const bob = await device('bob');
    await bob.observe('dora');
    const dora = await device('dora');
    ids.dora = keyPairFromSecretKey(randomBytes(32));
    await dora.rotateKeys({ identity: ids.dora });
    expect((await bob.observe('dora')).observation).toBe('changed');
    expect((await bob.pin('dora'))?.newestKeySequence).toBe(1);
    // The server goes back to dora's old key: her old leaf, genuinely in the log, proven under the current head.
    const laptop = await device('bob', true);
    await signup('fay');
    const fay = await device('fay', true);
    const size = (await head()).treeSize;
    const oldInclusion = expectOk(await post<{ keyLogInclusionProof: Json }>(server.url, `{ keyLogInclusionProof(leafIndex: ${old.inclusion.leafIndex as number}, treeSize: ${size}) { leafIndex treeSize leaf auditPath } }`)).keyLogInclusionProof;
    tampers.set('User', (data, variables) => (variables.username === 'dora' ? { user: { ...data.user, miniLockId: old.lookup.miniLockId } } : data));
    tampers.set('KeyLogKeyProof', (data, variables) => (variables.username === 'dora' ? { keyLogKeyProof: { ...data.keyLogKeyProof, inclusion: oldInclusion, lookup: old.lookup } } : data));
    try {
      // Her old leaf is in the log, hers, and opens to the old key; the map the head commits to holds her newer leaf.
      await expect(laptop.observe('dora')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'not-newest', username: 'dora' });
      expect((await laptop.pin('dora'))?.pendingMiniLockId).toBe(miniLockIdOf(ids.dora));
      // A user with no pin for dora and no head of an earlier size: only the map can tell.
      await expect(fay.observe('dora')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'not-newest', username: 'dora' });
      expect(await fay.pin('dora')).toBeUndefined();
      // … and with the last leaf and map path of the head her old leaf was the newest in: that leaf is not this head's last.
      const older = expectOk(await post<{ keyLogInclusionProof: Json }>(server.url, `{ keyLogInclusionProof(leafIndex: ${old.inclusion.leafIndex as number}, treeSize: ${size}) { leaf auditPath } }`));
      tampers.set('KeyLogKeyProof', (data, variables) =>
        variables.username === 'dora'
          ? { keyLogKeyProof: { ...data.keyLogKeyProof, inclusion: oldInclusion, lookup: old.lookup, newest: { ...old.newest, lastLeafAuditPath: older.keyLogInclusionProof.auditPath } } }
          : data,
      );
      await expect(fay.observe('dora')).rejects.toMatchObject({ code: 'KEY_NOT_IN_LOG', reason: 'not-newest', username: 'dora' });
    } finally {
      tampers.clear();
    }
  });

  it("at login the log must show the user's own key (monitored): a key the server put in the log for bob → OwnKeyNotInLog (key-mismatch), with the session open", async () => {
    const honest = await device('bob');
    expect(honest.ownKeyCheck).toBe('ok');
    // The server writes a rotation of bob's key to mallory's into its own log (it can: it is the server), and
    // keeps showing bob himself his real key in the directory, so his login gets that far.
    const bobKey = miniLockIdOf(ids.bob!);
    const mallory = miniLockIdOf(keyPairFromSecretKey(randomBytes(32)));
    const rotate = async (from: string, to: string) => {
      const before = (await head()).treeSize;
      // bob's own auth key stays (the server boxes his login tokens to it): only the miniLock key is substituted.
      const authPublicKey = bytesToBase64(deriveAuthKeyPair(ids.bob!.secretKey).publicKey);
      const encoded = accountEvents.encode('KeyRotated', { username: 'bob', previousMiniLockId: from, miniLockId: to, authPublicKey, authorizedBy: 'token' } as never);
      await server.app.services.eventStore.append(
        accountStreamName('bob'),
        [{ id: randomUUID(), type: encoded.type, schemaVersion: encoded.schemaVersion, data: encoded.data as Record<string, unknown>, metadata: { actor: 'bob', correlationId: 'forged', causationId: null, occurredAt: new Date().toISOString() } }],
        { expectedRevision: 'any' },
      );
      for (let i = 0; i < 100 && (await head()).treeSize === before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    await rotate(bobKey, mallory);
    tampers.set('User', (data, variables) => (variables.username === 'bob' ? { user: { ...data.user, miniLockId: bobKey } } : data));
    const laptop = new PeerlockClient({ url: server.url, now: server.clock.now, fetch: maliciousFetch });
    try {
      await expect(laptop.login({ username: 'bob', identity: ids.bob! })).rejects.toMatchObject({ code: 'OWN_KEY_NOT_IN_LOG', reason: 'key-mismatch', username: 'bob' });
      expect(laptop.loggedIn).toBe(true);
      expect(laptop.ownKeyCheck).toBeNull();
    } finally {
      tampers.clear();
      await rotate(mallory, bobKey);
    }
    expect((await device('bob')).ownKeyCheck).toBe('ok');
  });
});
