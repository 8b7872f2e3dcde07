/**
 * Key transparency (DESIGN §6): building the key log and serving proofs,
 * against bare SHA-256 over the same bytes measured in the same run.
 *
 *   append   the key-log projection folding N key events into SQLite
 *            (rows + checkpoint, batches of 1000) vs SHA-256 of the same N leaves
 *   proofs   inclusion proofs of random leaves and consistency proofs between
 *            random sizes of the N-leaf tree, from stored rows (cold: a new
 *            query object, nothing cached; warm: its node cache filled) vs
 *            recomputing the root from the N stored leaf hashes (what a server
 *            without stored subtrees would do per proof)
 *
 * Prints a Markdown table for BENCHMARKS.md. No assertion on times.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@peerlock/schema';
import { foldEvents, keyLogProjection, SqliteReadModelStore, type KeyLogLeafRow } from '@peerlock/projections';
import { encodeKeyLogLeaf, keyPairFromSecretKey, miniLockIdOf, randomBytes } from '@peerlock/sdk';
import { KeyLogQueries } from '../src/keylog/key-log-queries.js';

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
const dir = mkdtempSync(join(tmpdir(), 'peerlock-keylog-bench-'));
try {
  const store = SqliteReadModelStore.open(join(dir, 'rm.db'));
  await store.prepare(keyLogProjection);
  const events = Array.from({ length: N }, (_, i) => keyLogProjection.decode(event(i)));

  // Append: fold + commit in batches of 1000, exactly as the runner does.
  let start = performance.now();
  for (let i = 0; i < N; i += 1000) {
    const batch = events.slice(i, i + 1000);
    const documentIds = [...new Set(batch.flatMap((e) => keyLogProjection.documentIds(e)))];
    await store.commit(keyLogProjection.name, { from: BigInt(i), to: BigInt(i + batch.length), documentIds, fold: (view) => foldEvents(keyLogProjection, view, batch) });
  }
  const appendSeconds = seconds(start);
  // Baseline: SHA-256(0x00 ‖ leaf) of the same leaves, nothing else.
  const leaves = events.map((e) => encodeKeyLogLeaf({ kind: 'registered', timestamp: Date.parse(e.metadata.occurredAt), keySequence: 0, username: e.data.username, miniLockId: e.data.miniLockId, authPublicKey: AUTH }));
  start = performance.now();
  for (const leaf of leaves) createHash('sha256').update(Buffer.of(0)).update(leaf).digest();
  const hashSeconds = seconds(start);

  const sign = () => new Uint8Array(64);
  const random = (n: number) => Math.floor(Math.random() * n);
  const proofRun = async (queries: KeyLogQueries, kind: 'inclusion' | 'consistency') => {
    const t = performance.now();
    for (let p = 0; p < PROOFS; p++) {
      if (kind === 'inclusion') await queries.inclusionProof(random(N), N);
      else await queries.consistencyProof(1 + random(N - 1), N);
    }
    return PROOFS / seconds(t);
  };
  const cold = { inclusion: await proofRun(new KeyLogQueries(store, sign), 'inclusion'), consistency: await proofRun(new KeyLogQueries(store, sign), 'consistency') };
  const warmQueries = new KeyLogQueries(store, sign);
  await proofRun(warmQueries, 'inclusion');
  await proofRun(warmQueries, 'consistency');
  const warm = { inclusion: await proofRun(warmQueries, 'inclusion'), consistency: await proofRun(warmQueries, 'consistency') };

  // Baseline: the root from all N stored leaf hashes (read + RFC 9162 MTH), as a server without subtree rows would per proof.
  start = performance.now();
  const rows = await store.range<KeyLogLeafRow>(keyLogProjection.name, { prefix: 'leaf:', limit: N + 1 });
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
  console.log(`| append (fold + rows + checkpoint, batches of 1000) | ${f(N / appendSeconds)} leaves/s | SHA-256 of the same leaves: ${f(N / hashSeconds)} leaves/s | ${((N / appendSeconds) / (N / hashSeconds)).toFixed(3)}× |`);
  for (const [kind, rate] of [['inclusion proof, cold', cold.inclusion], ['inclusion proof, warm cache', warm.inclusion], ['consistency proof, cold', cold.consistency], ['consistency proof, warm cache', warm.consistency]] as const) {
    console.log(`| ${kind} | ${f(rate)} proofs/s | root from all ${N.toLocaleString('en')} leaf hashes: ${f(1 / rehashSeconds)} /s | ${(rate * rehashSeconds).toFixed(0)}× faster |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
