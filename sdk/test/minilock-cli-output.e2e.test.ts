/**
 * `peerlock-minilock decrypt -o FILE` (issue 14): plaintext reaches FILE only
 * once the whole file verified. A tampered or truncated file (the kind that
 * used to leave partial plaintext on stdout) exits non-zero as before, creates
 * no FILE, leaves no temporary file, and an existing FILE keeps its bytes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encryptFile } from '../src/minilock/index.js';
import { identities } from './minilock-fixtures.js';

const bin = fileURLToPath(new URL('../bin/peerlock-minilock.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'peerlock-minilock-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keyFile = join(dir, 'bob.key');
writeFileSync(keyFile, identities.bob.secretKey);
// Three chunks and a bit: tampering with the last one comes after plaintext was already released on stdout.
const plaintext = new Uint8Array(3 * 1024 * 1024 + 4321).map((_, i) => (i * 31) % 251);
const encrypted = encryptFile(plaintext, { senderSecretKey: identities.alice.secretKey, recipients: [identities.bob.id], fileName: 'report.bin' });

function decrypt(input: Uint8Array, args: string[], key = keyFile) {
  return spawnSync(process.execPath, [bin, 'decrypt', '--secret-key-file', key, ...args], { input, maxBuffer: 64 * 1024 * 1024 });
}

const leftovers = () => readdirSync(dir).filter((name) => name.includes('.peerlock-'));

describe('peerlock-minilock decrypt -o FILE', () => {
  it('writes FILE, mode 0600, once the whole file verified; nothing on stdout, no temporary file left', () => {
    const out = join(dir, 'report.bin');
    const run = decrypt(encrypted, ['-o', out]);
    expect(run.status, run.stderr.toString()).toBe(0);
    expect(run.stdout.length).toBe(0);
    expect(run.stderr.toString()).toContain(`sender: ${identities.alice.id}`);
    expect(Buffer.from(readFileSync(out)).equals(Buffer.from(plaintext))).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(leftovers()).toEqual([]);
  });

  const tampered = encrypted.slice();
  tampered[tampered.length - 100]! ^= 1;
  const truncated = encrypted.slice(0, encrypted.length - 1024 * 1024);

  it.each([
    ['tampered in its last chunk', tampered, 4, /decryption failed/],
    ['truncated by a chunk', truncated, 5, /not a valid miniLock file \(truncated/],
  ] as const)('a file %s: the same failure as before, no FILE, no temporary file, an existing FILE untouched', (_what, input, status, message) => {
    const fresh = join(dir, `fresh-${status}.bin`);
    const fresh_run = decrypt(input, ['-o', fresh]);
    expect(fresh_run.status).toBe(status);
    expect(fresh_run.stderr.toString()).toMatch(message);
    expect(readdirSync(dir)).not.toContain(`fresh-${status}.bin`);

    const existing = join(dir, `existing-${status}.bin`);
    writeFileSync(existing, 'keep me\n');
    const run = decrypt(input, ['--output', existing]);
    expect(run.status).toBe(status);
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
    expect(leftovers()).toEqual([]);

    // Without -o the same file releases verified chunks on stdout before failing: why -o exists.
    // Its failure is told word for word as with -o: -o changes where plaintext goes, not how failure reads.
    const streamed = decrypt(input, []);
    expect(streamed.status).toBe(status);
    expect(streamed.stdout.length).toBeGreaterThan(0);
    expect(fresh_run.stderr.toString()).toBe(streamed.stderr.toString());
  });

  it('a key the file is not for: exit 3 as without -o, no FILE, no temporary file, an existing FILE untouched', () => {
    const carolKey = join(dir, 'carol.key');
    writeFileSync(carolKey, identities.carol.secretKey);
    const existing = join(dir, 'existing-3.bin');
    writeFileSync(existing, 'keep me\n');
    const run = decrypt(encrypted, ['-o', existing], carolKey);
    expect(run.status).toBe(3);
    expect(run.stderr.toString()).toBe(decrypt(encrypted, [], carolKey).stderr.toString());
    expect(readFileSync(existing, 'utf8')).toBe('keep me\n');
    expect(leftovers()).toEqual([]);
  });

  it('SIGINT mid-file: the temporary file is removed and no FILE appears', async () => {
    const out = join(dir, 'interrupted.bin');
    const child = spawn(process.execPath, [bin, 'decrypt', '--secret-key-file', keyFile, '-o', out], { stdio: ['pipe', 'ignore', 'pipe'] });
    const exited = once(child, 'exit');
    // What the child had not read yet when it was interrupted fails with EPIPE: expected here.
    child.stdin.on('error', () => undefined);
    // Half the file, stdin left open: the command waits for the rest with its temporary file open.
    child.stdin.write(encrypted.subarray(0, encrypted.length >> 1));
    for (let i = 0; i < 200 && leftovers().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(leftovers()).toHaveLength(1);
    child.kill('SIGINT');
    const [code] = await exited;
    child.stdin.destroy();
    expect(code).toBe(130);
    expect(leftovers()).toEqual([]);
    expect(readdirSync(dir)).not.toContain('interrupted.bin');
  });

  it('-o is for decrypt only, and a folder that cannot be written is told before any work', () => {
    const encryptRun = spawnSync(process.execPath, [bin, 'encrypt', '--secret-key-file', keyFile, '--to', identities.alice.id, '-o', join(dir, 'x')], { input: new Uint8Array(1) });
    expect(encryptRun.status).toBe(2);
    expect(encryptRun.stderr.toString()).toMatch(/-o\/--output is for decrypt/);
    const nowhere = decrypt(encrypted, ['-o', join(dir, 'no-such-folder', 'out.bin')]);
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr.toString()).toMatch(/cannot write beside .*out\.bin: ENOENT/);
  });
});
