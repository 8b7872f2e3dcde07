/**
 * peerlock-minilock end to end: real processes (the TypeScript source through
 * tsx, so the test covers the code as it is), stdin → stdout, exit codes.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bytesToBase58, bytesToBase64, deriveKeyPair, encodeMiniLockId, randomBytes } from '../src/index.js';
import { identities, loadVector, sameBytes } from './minilock-fixtures.js';

const cli = fileURLToPath(new URL('../src/bin/peerlock-minilock.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'peerlock-cli-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { alice, bob, carol } = identities;
const keyFile = (name: string, contents: Uint8Array | string) => {
  const path = join(dir, name);
  writeFileSync(path, contents);
  return path;
};
const aliceKey = keyFile('alice.raw', alice.secretKey);
const bobKey = keyFile('bob.b64', bytesToBase64(bob.secretKey) + '\n');
const carolKey = keyFile('carol.b58', bytesToBase58(carol.secretKey));

interface Run {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function run(args: string[], stdin: Uint8Array = new Uint8Array(0)): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', cli, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading all of stdin
    child.stdin.end(stdin);
  });
}

function expectOneLineError(r: Run, code: number): void {
  expect(r.code).toBe(code);
  expect(r.stderr).toMatch(/^peerlock-minilock: [^\n]+\n$/);
}

describe('peerlock-minilock', () => {
  const v = loadVector('v1-alice-to-bob-carol');

  it('decrypts a reference vector and reports the verified sender and name', async () => {
    const r = await run(['decrypt', '--secret-key-file', carolKey], v.minilock);
    expect(r.code).toBe(0);
    expect(sameBytes(r.stdout, v.plain)).toBe('equal');
    expect(r.stderr).toBe(`sender: ${alice.id}\nfile name: hello.txt\n`);
    const j = await run(['decrypt', '--secret-key-file', bobKey, '--json'], v.minilock);
    expect(j.code).toBe(0);
    expect(JSON.parse(j.stderr)).toEqual({ senderID: alice.id, fileName: 'hello.txt' });
  });

  it('round trips a multi-chunk file through encrypt and decrypt, including the sender with --include-self', async () => {
    const plain = randomBytes(1024 * 1024 + 4321);
    const enc = await run(['encrypt', '--secret-key-file', aliceKey, '--to', bob.id, '--include-self', '--name', 'data.bin'], plain);
    expect(enc.code).toBe(0);
    expect(enc.stderr).toBe('');
    for (const key of [bobKey, aliceKey]) {
      const dec = await run(['decrypt', '--secret-key-file', key, '--json'], enc.stdout);
      expect(dec.code).toBe(0);
      expect(sameBytes(dec.stdout, plain)).toBe('equal');
      expect(JSON.parse(dec.stderr)).toEqual({ senderID: alice.id, fileName: 'data.bin' });
    }
    expectOneLineError(await run(['decrypt', '--secret-key-file', carolKey], enc.stdout), 3);
  });

  describe('encrypt writes straight into a file, and through a spool into anything else', () => {
    /** encrypt with stdout on `path` opened with `flags` ('w' as `>`, 'a' as `>>`), the plaintext from a pipe; `interrupt` sends SIGINT half-way. */
    function encryptInto(path: string, flags: 'w' | 'a', plain: Uint8Array, options: { interrupt?: boolean; tmp?: string } = {}): Promise<{ code: number | null; stderr: string }> {
      const fd = openSync(path, flags);
      const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=source', cli, 'encrypt', '--secret-key-file', aliceKey, '--to', bob.id, '--name', 'x.bin'], {
        stdio: ['pipe', fd, 'pipe'],
        env: { ...process.env, ...(options.tmp ? { TMPDIR: options.tmp } : {}) },
      });
      closeSync(fd);
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdin!.on('error', () => {});
      if (options.interrupt) {
        // Half the input, then wait until the output has grown (or the spool has), then SIGINT.
        child.stdin!.write(plain.subarray(0, plain.length / 2));
        const spooling = () => options.tmp !== undefined && readdirSync(options.tmp).some((name) => name.startsWith('peerlock-minilock-'));
        const grown = () => statSync(path).size > 0 || spooling();
        const poll = setInterval(() => {
          if (grown()) {
            clearInterval(poll);
            child.kill('SIGINT');
          }
        }, 20);
      } else child.stdin!.end(plain);
      return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
    }
    const plain = randomBytes(3 * 1024 * 1024 + 17);

    it('`> out.minilock`: one pass (header room, chunks, header last) gives a file that decrypts', async () => {
      const out = join(dir, 'straight.minilock');
      expect(await encryptInto(out, 'w', plain)).toEqual({ code: 0, stderr: '' });
      const dec = await run(['decrypt', '--secret-key-file', bobKey, '--json'], readFileSync(out));
      expect(dec.code).toBe(0);
      expect(sameBytes(dec.stdout, plain)).toBe('equal');
    });

    it('`>> out` (O_APPEND: a positioned write would land at the end) goes through the spool, after what the file held', async () => {
      const out = join(dir, 'appended.minilock');
      writeFileSync(out, '');
      expect(await encryptInto(out, 'a', plain)).toEqual({ code: 0, stderr: '' });
      const dec = await run(['decrypt', '--secret-key-file', bobKey], readFileSync(out));
      expect([dec.code, sameBytes(dec.stdout, plain)]).toEqual([0, 'equal']);
      const before = readFileSync(out);
      expect(await encryptInto(out, 'a', plain)).toEqual({ code: 0, stderr: '' });
      const second = await run(['decrypt', '--secret-key-file', bobKey], readFileSync(out).subarray(before.length));
      expect([second.code, sameBytes(second.stdout, plain)]).toEqual([0, 'equal']);
    });

    it('interrupted (SIGINT, exit 130): the file is left empty, never chunks without a header; the spool folder is removed', async () => {
      const out = join(dir, 'interrupted.minilock');
      expect((await encryptInto(out, 'w', plain, { interrupt: true })).code).toBe(130);
      expect(statSync(out).size).toBe(0);
      const tmp = mkdtempSync(join(dir, 'tmp-'));
      const fifoLike = join(dir, 'appended-interrupted.minilock');
      writeFileSync(fifoLike, '');
      expect((await encryptInto(fifoLike, 'a', plain, { interrupt: true, tmp })).code).toBe(130);
      expect(readdirSync(tmp).filter((name) => name.startsWith('peerlock-minilock-'))).toEqual([]);
      expect(statSync(fifoLike).size).toBe(0);
    });
  });

  it('derives the key from email and passphrase file (one real scrypt run)', async () => {
    const pass = keyFile('bob.pass', `${bob.passphrase}\n`);
    const r = await run(['id', '--email', bob.email, '--passphrase-file', pass]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`${bob.id}\n`);
    expect((await run(['id', '--secret-key-file', carolKey])).stdout.toString()).toBe(`${carol.id}\n`);
  });

  it('fails with distinct exit codes and one line on stderr', async () => {
    const tampered = v.minilock.slice();
    tampered[tampered.length - 1]! ^= 1;
    const cases: [string[], Uint8Array | undefined, number][] = [
      [['decrypt', '--secret-key-file', aliceKey], v.minilock, 3],
      [['decrypt', '--secret-key-file', bobKey], tampered, 4],
      [['decrypt', '--secret-key-file', bobKey], v.minilock.subarray(0, v.minilock.length - 10), 5],
      [['decrypt', '--secret-key-file', bobKey], new TextEncoder().encode('not a minilock file'), 5],
      [['encrypt', '--secret-key-file', aliceKey, '--to', 'notAnId'], new Uint8Array(3), 6],
      [['encrypt', '--secret-key-file', join(dir, 'missing.key'), '--to', bob.id], undefined, 1],
      [['id', '--secret-key-file', keyFile('bad.key', 'not a key at all')], undefined, 1],
      [['encrypt', '--secret-key-file', aliceKey], undefined, 2],
      [['frobnicate'], undefined, 2],
      [['id', '--bogus'], undefined, 2],
      [['id', '--email', 'x@example.com'], undefined, 2],
    ];
    // Two at a time: the machine has two cores.
    for (let i = 0; i < cases.length; i += 2) {
      const batch = cases.slice(i, i + 2);
      const results = await Promise.all(batch.map(([args, stdin]) => run(args, stdin)));
      results.forEach((r, j) => expectOneLineError(r, batch[j]![2]));
    }
  });

  describe('the passphrase strength rule peerlock uses', () => {
    const email = 'old@example.com';
    const weak = keyFile('weak.pass', 'password\n');

    it('refuses a weak passphrase (salted with the email) before deriving anything, for every command', async () => {
      const withEmail = keyFile('email.pass', `correct horse battery staple ${email} and more words\n`);
      for (const [args, reasons] of [
        [['id', '--email', email, '--passphrase-file', weak], /too-short, low-entropy/],
        [['encrypt', '--email', email, '--passphrase-file', weak, '--to', bob.id], /too-short, low-entropy/],
        [['decrypt', '--email', email, '--passphrase-file', weak], /too-short, low-entropy/],
        [['id', '--email', email, '--passphrase-file', withEmail], /contains-salt/],
      ] as const) {
        const r = await run([...args], v.minilock);
        expectOneLineError(r, 2);
        expect(r.stderr).toMatch(reasons);
        expect(r.stdout.length).toBe(0);
      }
      const decrypt = await run(['decrypt', '--email', email, '--passphrase-file', weak], v.minilock);
      expect(decrypt.stderr).toContain('add --weak-passphrase');
    });

    it('--weak-passphrase is for decrypt only, and not with a secret key file', async () => {
      for (const args of [
        ['id', '--email', email, '--passphrase-file', weak, '--weak-passphrase'],
        ['encrypt', '--email', email, '--passphrase-file', weak, '--weak-passphrase', '--to', bob.id],
        ['decrypt', '--secret-key-file', bobKey, '--weak-passphrase'],
      ]) {
        const r = await run(args, v.minilock);
        expectOneLineError(r, 2);
        expect(r.stderr).toContain('--weak-passphrase');
      }
    });

    it('decrypts a file made for an old weak key with --weak-passphrase, warning first (one real scrypt run each side)', async () => {
      const old = await deriveKeyPair('password', email);
      const plain = new TextEncoder().encode('from the old days');
      const enc = await run(['encrypt', '--secret-key-file', aliceKey, '--to', encodeMiniLockId(old.publicKey), '--name', 'old.txt'], plain);
      expect(enc.code).toBe(0);
      const dec = await run(['decrypt', '--email', email, '--passphrase-file', weak, '--weak-passphrase'], enc.stdout);
      expect(dec.code).toBe(0);
      expect(sameBytes(dec.stdout, plain)).toBe('equal');
      expect(dec.stderr).toBe(`peerlock-minilock: warning: weak passphrase (too-short, low-entropy): anyone who guesses it can read what is sent to this key and sign as it; move to a strong one\nsender: ${alice.id}\nfile name: old.txt\n`);
    });
  });

  it('explains itself with --help, including the partial-output caveat', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(/--secret-key-file/);
    expect(r.stdout.toString()).toMatch(/must be discarded/);
  });
});
