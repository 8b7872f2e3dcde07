/**
 * peerlock-minilock as a process (issue 15), the way people run it: each
 * step a fresh `node sdk/bin/peerlock-minilock.js` over a file of SIZE MiB
 * in the page cache, timed with /usr/bin/time (wall, user + system CPU,
 * max RSS). The ceiling in the same run: one BLAKE2s-256 pass over the same
 * file in a fresh Node process (every encryption must hash every chunk);
 * the floor of start-up: a bare `node -e ''`. Steps alternate, ROUNDS
 * rounds, median.
 *
 *   npm run build -w @peerlock/sdk && node sdk/dist/bench/minilock-process.js
 *   (PEERLOCK_BENCH_MIB=256 PEERLOCK_BENCH_ROUNDS=3)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, openSync, closeSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesToBase64, encodeMiniLockId, keyPairFromSecretKey } from '@peerlock/sdk';

const SIZE = Number(process.env.PEERLOCK_BENCH_MIB ?? 256);
const ROUNDS = Number(process.env.PEERLOCK_BENCH_ROUNDS ?? 3);
const bin = fileURLToPath(new URL('../../bin/peerlock-minilock.js', import.meta.url));

interface Sample {
  readonly wall: number;
  readonly cpu: number;
  readonly rssMiB: number;
}

/** One shell command under /usr/bin/time; throws if it fails. */
function timed(command: string): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'sh', '-c', command], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command}: exit ${r.status}\n${r.stderr}`);
  const [wall, user, sys, rss] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + sys!, rssMiB: rss! / 1024 };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'peerlock-minilock-bench-'));
try {
  const plain = join(dir, 'plain.bin');
  const fd = openSync(plain, 'w');
  for (let i = 0; i < SIZE; i++) writeSync(fd, randomBytes(1024 * 1024));
  closeSync(fd);
  const alice = keyPairFromSecretKey(new Uint8Array(randomBytes(32)));
  const bob = keyPairFromSecretKey(new Uint8Array(randomBytes(32)));
  const aliceKey = join(dir, 'alice.key');
  const bobKey = join(dir, 'bob.key');
  writeFileSync(aliceKey, bytesToBase64(alice.secretKey));
  writeFileSync(bobKey, bytesToBase64(bob.secretKey));
  const out = join(dir, 'out.minilock');
  const back = join(dir, 'back.bin');
  const hashScript = `const h=require('node:crypto').createHash('blake2s256');const s=require('node:fs').createReadStream(process.argv[1],{highWaterMark:1<<20});s.on('data',d=>h.update(d));s.on('end',()=>h.digest())`;
  const steps: Record<string, string> = {
    'bare node -e ""': `node -e ''`,
    'peerlock-minilock --help': `node ${bin} --help > /dev/null`,
    'BLAKE2s-256 pass (node, fresh process)': `node -e "${hashScript}" ${plain}`,
    'encrypt into a file (> out: one pass)': `node ${bin} encrypt --secret-key-file ${aliceKey} --to ${encodeMiniLockId(bob.publicKey)} < ${plain} > ${out}`,
    'encrypt into a pipe (| cat > out: spool)': `node ${bin} encrypt --secret-key-file ${aliceKey} --to ${encodeMiniLockId(bob.publicKey)} < ${plain} | cat > ${out}`,
    'decrypt -o FILE': `node ${bin} decrypt --secret-key-file ${bobKey} -o ${back} < ${out} 2> /dev/null`,
  };
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(steps).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) for (const [name, command] of Object.entries(steps)) samples[name]!.push(timed(command));
  const hash = median(samples['BLAKE2s-256 pass (node, fresh process)']!.map((s) => s.wall));
  console.log(`| step (${SIZE} MiB, median of ${ROUNDS}) | wall, s | MB/s | × BLAKE2s pass | CPU, s | max RSS, MiB |`);
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, list] of Object.entries(samples)) {
    const wall = median(list.map((s) => s.wall));
    const big = !name.startsWith('bare') && !name.includes('--help');
    const mbps = big ? ((SIZE * 1024 * 1024) / 1e6 / wall).toFixed(0) : '';
    console.log(`| ${name} | ${wall.toFixed(2)} | ${mbps} | ${big ? (hash / wall).toFixed(2) : ''} | ${median(list.map((s) => s.cpu)).toFixed(2)} | ${median(list.map((s) => s.rssMiB)).toFixed(0)} |`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
