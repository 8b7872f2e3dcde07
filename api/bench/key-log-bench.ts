/**
 * Key transparency (DESIGN §6): building the key log and serving proofs,
 * against bare SHA-256 over the same bytes measured in the same run.
 *
 *   append   the key-log projection folding N key events into SQLite
 *            (rows + checkpoint, batches of 1000) vs SHA-256 of the same N leaves.
 *            The leaves are built directly: the server's VRF and opening
 *            functions are stood in for by SHA-256 here (their real cost is
 *            measured on its own, per key event, below), so 1,000,000 leaves
 *            take minutes, not the 40 the real VRF would add
 *   lookup   exact lookups by name (T12): inclusion + the name's VRF proof
 *            (cold: computed; warm: cached) + opening, the answer's size in
 *            bytes as the SDK's query gets it, and the SDK's verification of it
 *   proofs   inclusion proofs of random leaves and consistency proofs between
 *            random sizes of the N-leaf tree, from stored rows (cold: a new
 *            query object, nothing cached; warm: its node cache filled) vs
 *            recomputing the root from the N stored leaf hashes (what a server
 *            without stored subtrees would do per proof)
 *
 * Prints a Markdown table for BENCHMARKS.md. No assertion on times.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@peerlock/schema';
import { createKeyLogProjection, foldEvents, keyLogCosignaturesProjection, SqliteReadModelStore, type KeyLogLeafRow } from '@peerlock/projections';
import {
  checkKeyLookup,
  checkWitnessedHead,
  cosign,
  ed25519PublicKey,
  formatCheckpoint,
  formatSignatureLine,
  keyLogNoteKey,
  keyPairFromSecretKey,
  miniLockIdOf,
  noteKey,
  NOTE_COSIGNATURE_V1,
  randomBytes,
  verifyTreeHeadSignature,
} from '@peerlock/sdk';
import { KeyLogQueries } from '../src/keylog/key-log-queries.js';
import { ServerKeys } from '../src/auth/server-keys.js';

const N = Number(process.env.KEY_LOG_BENCH_LEAVES ?? 100_000);
const PROOFS = 2000;
const AUTH = Buffer.from(randomBytes(32)).toString('base64');
const ids = Array.from({ length: 64 }, () => miniLockIdOf(keyPairFromSecretKey(randomBytes(32))));

function event(i: number): RecordedEvent {
  return {
    id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
    type: 'AccountRegistered',
    schemaVersion: 1,
    data: { username: `u${i}`, miniLockId: ids[i % ids.length]!, authPublicKey: AUTH, encryptedProfile: { alg: 'xsalsa20poly1305', keyId: '3b1f8a9e-5c2d-4e7f-9a0b-1c2d3e4f5a6b', nonce: 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYX', ciphertext: 'AAAAAAAAAAAAAAAAAAAAAA==' } },
    metadata: { actor: null, correlationId: 'bench', causationId: null, occurredAt: new Date(1_780_000_000_000 + i).toISOString() },
    streamName: `account-u${i}`,
    streamRevision: 0n,
    globalPosition: BigInt(i + 1),
  } as RecordedEvent;
}

const seconds = (start: number) => (performance.now() - start) / 1000;
const keys = new ServerKeys({ signingSeed: randomBytes(32), rootKey: randomBytes(32) });
const sha = (text: string) => new Uint8Array(createHash('sha256').update(text).digest());
// Stand-ins for the VRF index and the opening (see the header): the tree's own cost, at any N.
const keyLogProjection = createKeyLogProjection({ index: (u) => sha(`index ${u}`), opening: (u, n) => sha(`opening ${u} ${n}`) });
// The real ones, for the lookups (their openings must match the leaves: only users whose leaves were made with them are looked up).
const realProjection = createKeyLogProjection({ index: (u) => keys.keyLogIndex(u), opening: (u, n) => keys.keyLogOpening(u, n) });
const dir = mkdtempSync(join(tmpdir(), 'peerlock-keylog-bench-'));
try {
  const store = SqliteReadModelStore.open(join(dir, 'rm.db'));
  await store.prepare(keyLogProjection);
  await store.prepare(keyLogCosignaturesProjection);
  const events = Array.from({ length: N }, (_, i) => keyLogProjection.decode(event(i)));

  // Append: fold + commit in batches of 1000, exactly as the runner does.
  let start = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const batch = events.slice(i, i + 1000);
    const documentIds = [...new Set(batch.flatMap((e) => keyLogProjection.documentIds(e)))];
    await store.commit(keyLogProjection.name, { from: BigInt(i), to: BigInt(i + batch.length), documentIds, fold: (view) => foldEvents(keyLogProjection, view, batch) });
  }
  const appendSeconds = seconds(start);
  // What the log costs on disk per leaf (the newest-key map's rows included), after a checkpoint of the WAL.
  const dbBytes = ['rm.db', 'rm.db-wal'].reduce((sum, f) => sum + (existsSync(join(dir, f)) ? statSync(join(dir, f)).size : 0), 0);
  // Baseline: SHA-256(0x00 ‖ leaf) of the same leaves, nothing else.
  const leafRows = await store.range<KeyLogLeafRow>(keyLogProjection.name, { prefix: 'leaf:', limit: N + 1 });
  const leaves = leafRows.map((r) => Buffer.from(r.doc.leaf, 'base64'));
  start = performance.now();
  for (const leaf of leaves) createHash('sha256').update(Buffer.of(0)).update(leaf).digest();
  const hashSeconds = seconds(start);
  // The real VRF index and opening of one key event (what the stand-ins skip).
  start = performance.now();
  for (let i = 0; i < 200; i++) {
    keys.keyLogIndex(`vrf${i}`);
    keys.keyLogOpening(`vrf${i}`, 0);
  }
  const vrfPerEventMs = (seconds(start) * 1000) / 200;

  const sign = (treeSize: number, timestamp: number, rootHash: Uint8Array) => keys.signTreeHead(treeSize, timestamp, rootHash);
  const checkpoints = { origin: keys.keyLogNoteKey.name, sign: (text: string) => keys.signCheckpoint(text) };
  const random = (n: number) => Math.floor(Math.random() * n);
  const proofRun = async (queries: KeyLogQueries, kind: 'inclusion' | 'consistency') => {
    const t = performance.now();
    for (let p = 0; p < PROOFS; p++) {
      if (kind === 'inclusion') await queries.inclusionProof(random(N), N);
      else await queries.consistencyProof(1 + random(N - 1), N);
    }
    return PROOFS / seconds(t);
  };
  const cold = { inclusion: await proofRun(new KeyLogQueries(store, sign, keys), 'inclusion'), consistency: await proofRun(new KeyLogQueries(store, sign, keys), 'consistency') };
  const warmQueries = new KeyLogQueries(store, sign, keys);
  await proofRun(warmQueries, 'inclusion');
  await proofRun(warmQueries, 'consistency');
  const warm = { inclusion: await proofRun(warmQueries, 'inclusion'), consistency: await proofRun(warmQueries, 'consistency') };

  // Exact lookups: the last LOOKUPS users get real leaves (real VRF index and opening), appended to the tree.
  const LOOKUPS = 200;
  const lookupEvents = Array.from({ length: LOOKUPS }, (_, i) => realProjection.decode(event(N + i)));
  await store.commit(keyLogProjection.name, { from: BigInt(N), to: BigInt(N + LOOKUPS), documentIds: [...new Set(lookupEvents.flatMap((e) => realProjection.documentIds(e)))], fold: (view) => foldEvents(realProjection, view, lookupEvents) });
  const witnessSeeds = [randomBytes(32), randomBytes(32)];
  const witnesses = witnessSeeds.map((seed, i) => noteKey(`witness-${i}.example`, NOTE_COSIGNATURE_V1, ed25519PublicKey(seed)));
  const lookups = new KeyLogQueries(store, sign, keys, checkpoints, witnesses);
  const lookupRun = async () => {
    const t = performance.now();
    const answers = [];
    for (let i = 0; i < LOOKUPS; i++) answers.push(await lookups.keyProof(`u${N + i}`, null));
    return { rate: LOOKUPS / seconds(t), answers };
  };
  const coldLookup = await lookupRun();
  const warmLookup = await lookupRun();
  // The answer as the SDK's KeyLogKeyProof query gets it (GraphQL JSON), without and with two witness co-signatures.
  const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
  const wire = (a: (typeof coldLookup.answers)[number], note: string | null) =>
    JSON.stringify({
      data: {
        keyLogKeyProof: {
          treeHead: { treeSize: a.treeHead.treeSize, timestamp: String(a.treeHead.timestamp), rootHash: b64(a.treeHead.rootHash), signature: b64(a.treeHead.signature), checkpoint: note },
          inclusion: { leafIndex: a.inclusion.leafIndex, treeSize: a.inclusion.treeSize, leaf: b64(a.inclusion.leaf), auditPath: a.inclusion.auditPath.map(b64) },
          lookup: { vrfProof: b64(a.lookup.vrfProof), opening: b64(a.lookup.opening), timestamp: String(a.lookup.timestamp), miniLockId: a.lookup.miniLockId, authPublicKey: a.lookup.authPublicKey },
          newest: { lastLeaf: b64(a.newest.lastLeaf), lastLeafAuditPath: a.newest.lastLeafAuditPath.map(b64), mapPath: a.newest.mapPath.map(b64) },
          consistency: null,
        },
      },
    });
  const sample = warmLookup.answers[0]!;
  const text = formatCheckpoint({ origin: keys.keyLogNoteKey.name, treeSize: sample.treeHead.treeSize, rootHash: sample.treeHead.rootHash });
  const cosigned = `${sample.treeHead.checkpoint!}${witnessSeeds.map((seed, i) => `${formatSignatureLine(cosign(text, witnesses[i]!.name, seed, 1_790_000_000))}\n`).join('')}`;
  const bytesPlain = Buffer.byteLength(wire(sample, sample.treeHead.checkpoint));
  const bytesWitnessed = Buffer.byteLength(wire(sample, cosigned));
  // The SDK's verification of one answer: head signature, (k = 2) the checkpoint's co-signatures, inclusion + VRF + opening + newest.
  const logKey = keyLogNoteKey(keys.signingPublicKey);
  const verifyOne = (a: (typeof coldLookup.answers)[number], note: string | null, k: number) => {
    const head = { treeSize: a.treeHead.treeSize, timestamp: a.treeHead.timestamp, rootHash: a.treeHead.rootHash, signature: a.treeHead.signature };
    verifyTreeHeadSignature(head, keys.signingPublicKey);
    checkWitnessedHead(note, logKey, head, witnesses, k);
    checkKeyLookup(
      { username: `u${N + warmLookup.answers.indexOf(a)}`, miniLockId: a.lookup.miniLockId },
      head,
      { leafIndex: a.inclusion.leafIndex, leaf: a.inclusion.leaf, auditPath: a.inclusion.auditPath },
      { vrfProof: a.lookup.vrfProof, opening: a.lookup.opening, timestamp: a.lookup.timestamp, authPublicKey: a.lookup.authPublicKey },
      a.newest,
      keys.keyLogVrfKey.publicKey,
    );
  };
  let t = performance.now();
  for (const a of warmLookup.answers) verifyOne(a, null, 0);
  const verifyPlainMs = (seconds(t) * 1000) / warmLookup.answers.length;
  // The co-signatures are of the sample's head: verified with k = 2 against it.
  t = performance.now();
  for (let i = 0; i < 100; i++) verifyOne(sample, cosigned, 2);
  const verifyWitnessedMs = (seconds(t) * 1000) / 100;

  // Baseline: the root from all N stored leaf hashes (read + RFC 9162 MTH), as a server without subtree rows would per proof.
  start = performance.now();
  const rows = leafRows;
  const mth = (hashes: Buffer[]): Buffer => {
    if (hashes.length === 1) return hashes[0]!;
    let k = 1;
    while (k * 2 < hashes.length) k *= 2;
    return createHash('sha256').update(Buffer.of(1)).update(mth(hashes.slice(0, k))).update(mth(hashes.slice(k))).digest();
  };
  mth(rows.map((r) => Buffer.from(r.doc.hash, 'hex')));
  const rehashSeconds = seconds(start);
  store.close();

  const f = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
  console.log(`\n### Key transparency: a key log of ${N.toLocaleString('en')} leaves (SQLite read model)\n`);
  console.log('| operation | rate | same work as bare SHA-256 / full rehash | ratio |');
  console.log('|---|---:|---:|---:|');
  console.log(`| append (fold + rows + checkpoint, batches of 1000; leaves built directly) | ${f(N / appendSeconds)} leaves/s | SHA-256 of the same leaves: ${f(N / hashSeconds)} leaves/s | ${((N / appendSeconds) / (N / hashSeconds)).toFixed(3)}× |`);
  console.log(`| + the real VRF index and opening per key event | ${vrfPerEventMs.toFixed(2)} ms/event (${f(1000 / vrfPerEventMs)} events/s) | | |`);
  console.log(`| exact lookup (inclusion + VRF proof + opening), VRF proof computed | ${f(coldLookup.rate)} lookups/s | | |`);
  console.log(`| exact lookup, VRF proof cached | ${f(warmLookup.rate)} lookups/s | | |`);
  for (const [kind, rate] of [['inclusion proof, cold', cold.inclusion], ['inclusion proof, warm cache', warm.inclusion], ['consistency proof, cold', cold.consistency], ['consistency proof, warm cache', warm.consistency]] as const) {
    console.log(`| ${kind} | ${f(rate)} proofs/s | root from all ${N.toLocaleString('en')} leaf hashes: ${f(1 / rehashSeconds)} /s | ${(rate * rehashSeconds).toFixed(0)}× faster |`);
  }
  const mapPaths = warmLookup.answers.map((a) => a.newest.mapPath.length).sort((a, b) => a - b);
  console.log(`\nStorage: ${(dbBytes / N).toFixed(0)} B per leaf on disk (SQLite file + WAL after the appends, the newest-key map's rows included).`);
  console.log(`Newest-key map path: ${mapPaths[Math.floor(mapPaths.length / 2)]} hashes (median; ${mapPaths[0]}–${mapPaths[mapPaths.length - 1]}).`);
  console.log(`\nLookup answer (the SDK's KeyLogKeyProof query, JSON): ${bytesPlain} B; with two witness co-signatures in the checkpoint: ${bytesWitnessed} B.`);
  console.log(`SDK verification per lookup: ${verifyPlainMs.toFixed(2)} ms (k = 0: head signature, inclusion, VRF, opening, newest); ${verifyWitnessedMs.toFixed(2)} ms with k = 2 co-signatures checked.`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
