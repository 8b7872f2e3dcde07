/**
 * Witnessed and monitored key transparency on the wire (DESIGN §6, T13): the real server
 * process configured with two witnesses, two real `peerlock-witness`
 * processes with their own directories, the real `peerlock` CLI configured
 * to need both (PEERLOCK_WITNESSES, PEERLOCK_WITNESS_THRESHOLD=2), and the
 * hostile proxy (@peerlock/api/testing) playing a server that holds its own
 * signing key (it is given to the server here, so the test can sign what a
 * malicious server would). Each attack asserts that it changed the traffic
 * and the exact typed outcome:
 *
 *   (a) honest: the witnesses co-sign, the CLI uses a key under a head both vouch for;
 *   (b) a head with one co-signature stripped          → TOO_FEW_COSIGNATURES (exit 3), nothing pinned;
 *   (c) a forked log shown to one fresh client only, validly signed by the server,
 *       with a substituted key: without witnesses (k = 0) the client pins the
 *       attacker's key; with k = 2 it refuses                 → TOO_FEW_COSIGNATURES;
 *   (d) a witness shown a checkpoint inconsistent with what it co-signed
 *       (another root at its size; a larger tree that is no extension) refuses,
 *       says why (CHECKPOINT_REFUSED fork / bad-consistency-proof, exit 3),
 *       signs nothing and keeps its state;
 *   (f) a login where the log shows the user a key for their own name that is not
 *       theirs                                              → OWN_KEY_NOT_IN_LOG (exit 3);
 *   (g) a contact's key from before a rotation, its genuine leaf proven under the
 *       current head, to a fresh client that never saw the newer key
 *                                                           → KEY_NOT_IN_LOG not-newest (exit 3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  bytesToBase64,
  ed25519PublicKey,
  formatCheckpoint,
  formatNote,
  generatePassphrase,
  keyLogOrigin,
  keyPairFromSecretKey,
  miniLockIdOf,
  PeerlockClient,
  randomBytes,
  signNote,
  type KeyPair,
} from '@peerlock/sdk';
import { forgeKeyProof, startHostileProxy, type HonestKeyProof, type HostileProxy } from '@peerlock/api/testing';
import { repoRoot, startServer, type ServerProcess } from './support/server-process.js';
import { CliUser, type CliResult } from './support/cli-runner.js';

const witnessBin = join(repoRoot, 'clients/cli/dist/witness/main.js');
const seed = randomBytes(32);
const signingKey = ed25519PublicKey(seed);
const origin = keyLogOrigin(signingKey);

let server: ServerProcess;
let proxy: HostileProxy;
const dirs = [mkdtempSync(join(tmpdir(), 'peerlock-witness-a-')), mkdtempSync(join(tmpdir(), 'peerlock-witness-b-'))];
const vkeys: string[] = [];
const identities = new Map<string, KeyPair>();

function witness(args: string[]): Promise<CliResult> {
  const child = spawn(process.execPath, [witnessBin, ...args], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: () => JSON.parse(stdout) }));
  });
}
/** One round of witness i against `url` (the server, or the proxy). */
const round = async (i: number, url = server.url) => {
  const result = await witness(['run', dirs[i]!, '--server', url, '--log-key', bytesToBase64(signingKey), '--once']);
  return result;
};
const roundOk = async (i: number) => {
  const result = await round(i);
  if (result.code !== 0) throw new Error(`witness ${i} exited ${result.code}: ${result.stderr}`);
  return result.stdout.trim();
};

const sdkUser = async (username: string) => {
  const identity = keyPairFromSecretKey(randomBytes(32));
  identities.set(username, identity);
  const client = new PeerlockClient({ url: `${server.url}` });
  await client.signup({ username, passphrase: '', identity });
  return client;
};
const needBoth = { PEERLOCK_WITNESSES: '', PEERLOCK_WITNESS_THRESHOLD: '2' };

beforeAll(async () => {
  for (const [i, dir] of dirs.entries()) {
    const init = await witness(['init', dir, `witness-${i}.example`]);
    expect(init.code, init.stderr).toBe(0);
    vkeys.push(init.stdout.trim());
  }
  needBoth.PEERLOCK_WITNESSES = vkeys.join(',');
  server = await startServer('sqlite', { env: { PEERLOCK_SIGNING_KEY: bytesToBase64(seed), PEERLOCK_WITNESSES: vkeys.join(' ') } });
  proxy = await startHostileProxy({ target: server.url });
  await sdkUser('alice');
  await sdkUser('carol');
});

afterEach(() => {
  proxy.removeAll();
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('witnessed key transparency, on the wire', () => {
  it('(a) the witnesses co-sign, and a CLI that needs both uses keys under heads both vouch for', async () => {
    expect(await roundOk(0)).toBe('co-signed size 2 (first checkpoint, taken on trust)');
    expect(await roundOk(1)).toBe('co-signed size 2 (first checkpoint, taken on trust)');
    const bob = new CliUser('bob', proxy.url, generatePassphrase(7, 'bob').passphrase);
    await bob.ok(['signup', 'bob'], needBoth);
    // Bob's own key (leaf 3) is newer than the witnessed head: the witnesses catch up in their next round.
    expect(await roundOk(0)).toBe('co-signed size 3 (consistent with 2)');
    expect(await roundOk(1)).toBe('co-signed size 3 (consistent with 2)');
    expect(await roundOk(1)).toBe('unchanged at size 3');
    await bob.ok(['contacts', 'add', 'alice'], needBoth);
    // The head both co-signed carries both lines, from the server's own log.
    const note = JSON.parse(readFileSync(join(dirs[0]!, 'state.json'), 'utf8')) as { treeSize: number };
    expect(note.treeSize).toBe(3);
  });

  it('(b) a head with a co-signature stripped → TOO_FEW_COSIGNATURES, exit 3, nothing pinned', async () => {
    const bob = new CliUser('bob2', proxy.url, generatePassphrase(7, 'bob2').passphrase);
    await bob.ok(['signup', 'bob2'], needBoth);
    await roundOk(0);
    await roundOk(1);
    const strip = proxy.onGraphql('KeyLogKeyProof', (data) => {
      const note: string = data.keyLogKeyProof.treeHead.checkpoint;
      const lines = note.trimEnd().split('\n');
      return { ...data, keyLogKeyProof: { ...data.keyLogKeyProof, treeHead: { ...data.keyLogKeyProof.treeHead, checkpoint: `${lines.slice(0, -1).join('\n')}\n` } } };
    });
    const refused = await bob.run(['contacts', 'add', 'carol', '--json'], needBoth);
    expect(strip.count).toBeGreaterThan(0);
    expect(refused.code, refused.stderr).toBe(3);
    expect(JSON.parse(refused.stderr.trim())).toMatchObject({ error: { code: 'TOO_FEW_COSIGNATURES', required: 2, valid: 1 } });
    strip.remove();
    const contacts = await bob.ok(['contacts', 'list', '--json'], needBoth);
    expect(contacts.stdout).not.toContain('carol');
  });

  it("(c) a forked log shown to one fresh client, with carol's key substituted: pinned without witnesses, refused with k = 2", async () => {
    const mallory = miniLockIdOf(keyPairFromSecretKey(randomBytes(32)));
    const { treeSize: size } = JSON.parse(readFileSync(join(dirs[0]!, 'state.json'), 'utf8')) as { treeSize: number };
    // The fork: a tree of the witnessed size whose last leaf gives carol mallory's key, signed with the server's own key.
    const forge = (data: HonestKeyProof) => forgeKeyProof(data, { username: 'carol', miniLockId: mallory, treeSize: size, signingSeed: seed });
    const lie = proxy.onGraphql('User', (data, { variables }) => (variables.username === 'carol' && data.user ? { ...data, user: { ...data.user, miniLockId: mallory } } : undefined));
    const fork = proxy.onGraphql('KeyLogKeyProof', (data, { variables }) => (variables.username === 'carol' ? forge(data) : undefined));

    // A fresh device of a user with no witnesses configured: nothing it has seen contradicts the fork.
    const naive = new CliUser('dan', proxy.url, generatePassphrase(7, 'dan').passphrase);
    await naive.ok(['signup', 'dan']);
    // Accepted: the SDK pins a key only when the log proves exactly that key for that name, and here the fork does.
    await naive.ok(['contacts', 'add', 'carol']);
    expect(fork.count).toBeGreaterThan(0);

    // The same lie to a client that needs both witnesses: they never co-signed that tree.
    const careful = new CliUser('erin', proxy.url, generatePassphrase(7, 'erin').passphrase);
    await careful.ok(['signup', 'erin'], needBoth);
    const before = fork.count;
    const refused = await careful.run(['contacts', 'add', 'carol', '--json'], needBoth);
    expect(fork.count).toBeGreaterThan(before);
    expect(lie.count).toBeGreaterThan(0);
    expect(refused.code, refused.stderr).toBe(3);
    expect(JSON.parse(refused.stderr.trim())).toMatchObject({ error: { code: 'TOO_FEW_COSIGNATURES', required: 2, valid: 0, treeSize: size } });
  });

  it('(d) a witness shown a checkpoint inconsistent with what it co-signed refuses, says why, signs nothing, keeps its state', async () => {
    await roundOk(0);
    const statePath = join(dirs[0]!, 'state.json');
    const state = readFileSync(statePath, 'utf8');
    const { treeSize } = JSON.parse(state) as { treeSize: number };
    const signed = (size: number) => {
      const text = formatCheckpoint({ origin, treeSize: size, rootHash: randomBytes(32) });
      return formatNote(text, [signNote(text, origin, seed)]);
    };
    const submissions = proxy.onGraphql('SubmitKeyLogCosignature', () => ({ submitKeyLogCosignature: 'counted' }));

    // Another root at the size it co-signed: a fork.
    const sameSize = proxy.onGraphql('KeyLogTreeHead', (data) => ({ keyLogTreeHead: { ...data.keyLogTreeHead, treeSize, checkpoint: signed(treeSize) } }));
    const fork = await round(0, proxy.graphqlUrl);
    expect(sameSize.count).toBeGreaterThan(0);
    expect(fork.code, fork.stderr).toBe(3);
    expect(fork.stderr).toContain(`REFUSED to co-sign: checkpoint refused (fork): co-signed size ${treeSize}, shown size ${treeSize}`);
    expect(fork.stderr).toContain('[CHECKPOINT_REFUSED:fork]');
    sameSize.remove();

    // A larger tree that does not extend it: the server's real consistency proof (the log has grown by one) cannot verify.
    await sdkUser('frank');
    const larger = proxy.onGraphql('KeyLogTreeHead', (data) => ({ keyLogTreeHead: { ...data.keyLogTreeHead, checkpoint: signed(treeSize + 1) } }));
    const extension = await round(0, proxy.graphqlUrl);
    expect(larger.count).toBeGreaterThan(0);
    expect(extension.code, extension.stderr).toBe(3);
    expect(extension.stderr).toContain('[CHECKPOINT_REFUSED:bad-consistency-proof]');

    expect(submissions.count).toBe(0);
    expect(readFileSync(statePath, 'utf8')).toBe(state);
    // Against the honest server it carries on from what it co-signed.
    expect(await roundOk(0)).toMatch(/^(unchanged at size|co-signed size) /);
  });

  it('(e) the command: usage errors exit 2, a directory holds one witness, and `run` keeps co-signing until stopped', async () => {
    expect((await witness([])).code).toBe(2);
    const noServer = await witness(['run', dirs[1]!]);
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('--server <url>');
    const again = await witness(['init', dirs[1]!, 'other.example']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a witness');
    expect((await witness(['vkey', dirs[1]!])).stdout.trim()).toBe(vkeys[1]);

    const child = spawn(process.execPath, [witnessBin, 'run', dirs[1]!, '--server', server.url, '--interval', '0.2'], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    await sdkUser('grace');
    // The newest size, grace's key included: the running witness gets there by itself (via witness 0's size on the way).
    const newest = 1 + (JSON.parse(readFileSync(join(dirs[0]!, 'state.json'), 'utf8')) as { treeSize: number }).treeSize;
    for (let i = 0; i < 150 && !out.includes(`co-signed size ${newest} `); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain(`witnessing ${server.url} as ${vkeys[1]}`);
    expect(out).toMatch(/co-signed size \d+ \(consistent with \d+\)/);
    expect((JSON.parse(readFileSync(join(dirs[1]!, 'state.json'), 'utf8')) as { treeSize: number }).treeSize).toBe(newest);
  });

  it("(f) a login where the log gives the user's own name a key that is not theirs → OWN_KEY_NOT_IN_LOG, exit 3", async () => {
    const passphrase = generatePassphrase(7, 'heidi').passphrase;
    const phone = new CliUser('heidi', proxy.url, passphrase);
    await phone.ok(['signup', 'heidi']);
    // Her laptop, a fresh device: the server shows it a log in which "heidi" now has another key.
    const laptop = new CliUser('heidi', proxy.url, passphrase);
    const size = ((await (await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ keyLogTreeHead { treeSize } }' }) })).json()) as { data: { keyLogTreeHead: { treeSize: number } } }).data.keyLogTreeHead.treeSize;
    const rogue = proxy.onGraphql('KeyLogKeyProof', (data, { variables }) => (variables.username === 'heidi' ? forgeKeyProof(data, { username: 'heidi', miniLockId: miniLockIdOf(keyPairFromSecretKey(randomBytes(32))), treeSize: size, signingSeed: seed }) : undefined));
    const login = await laptop.run(['login', 'heidi', '--json']);
    expect(rogue.count).toBeGreaterThan(0);
    expect(login.code, login.stderr).toBe(3);
    expect(JSON.parse(login.stderr.trim())).toMatchObject({ error: { code: 'OWN_KEY_NOT_IN_LOG', reason: 'key-mismatch', username: 'heidi' } });
    rogue.remove();
    // With the log honest again, the same device logs in cleanly.
    await laptop.ok(['login', 'heidi']);
  });

  it("(g) a contact's key from before a rotation, shown to a fresh client with its genuine leaf → KEY_NOT_IN_LOG not-newest, exit 3", async () => {
    const post = async <T>(query: string): Promise<T> =>
      ((await (await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as { data: T }).data;
    const ivan = await sdkUser('ivan');
    const before = (await post<{ keyLogKeyProof: { inclusion: { leafIndex: number }; lookup: Record<string, string> } }>('{ keyLogKeyProof(username: "ivan") { inclusion { leafIndex } lookup { vrfProof opening timestamp miniLockId authPublicKey } } }')).keyLogKeyProof;
    await ivan.rotateKeys({ identity: keyPairFromSecretKey(randomBytes(32)) });
    // A user who has never seen a key of ivan's, on a fresh device.
    const judy = new CliUser('judy', proxy.url, generatePassphrase(7, 'judy').passphrase);
    await judy.ok(['signup', 'judy']);
    const { treeSize } = (await post<{ keyLogTreeHead: { treeSize: number } }>('{ keyLogTreeHead { treeSize } }')).keyLogTreeHead;
    // His old leaf is genuinely in the log, his, and opens to the old key: proven under the current, honest head.
    const oldInclusion = (await post<{ keyLogInclusionProof: unknown }>(`{ keyLogInclusionProof(leafIndex: ${before.inclusion.leafIndex}, treeSize: ${treeSize}) { leafIndex treeSize leaf auditPath } }`)).keyLogInclusionProof;
    const lie = proxy.onGraphql('User', (data, { variables }) => (variables.username === 'ivan' && data.user ? { ...data, user: { ...data.user, miniLockId: before.lookup.miniLockId } } : undefined));
    const stale = proxy.onGraphql('KeyLogKeyProof', (data, { variables }) =>
      variables.username === 'ivan' ? { keyLogKeyProof: { ...(data.keyLogKeyProof as object), inclusion: oldInclusion, lookup: before.lookup } } : undefined,
    );
    const refused = await judy.run(['contacts', 'add', 'ivan', '--json']);
    expect(lie.count).toBeGreaterThan(0);
    expect(stale.count).toBeGreaterThan(0);
    expect(refused.code, refused.stderr).toBe(3);
    expect(JSON.parse(refused.stderr.trim())).toMatchObject({ error: { code: 'KEY_NOT_IN_LOG', reason: 'not-newest', username: 'ivan' } });
    const contacts = await judy.ok(['contacts', 'list']);
    expect(contacts.stdout).not.toContain('ivan');
  });
});
