/**
 * The README's `peerlock-minilock` commands, run as written: `npx --no
 * peerlock-minilock …` from the checkout, after `npm install`/`npm ci` (turbo
 * builds the SDK before its tests). A fresh clone once failed here with a 404
 * from the public registry: npm had linked no bin, and npx went looking for a
 * package of that name. `--no` forbids that fallback; this test fails if the
 * command is not linked locally.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { identities } from './minilock-fixtures.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'peerlock-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The README's shell block for peerlock-minilock, one command per entry (continuation lines joined). */
function readmeCommands(): string[] {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const block = /## miniLock files on disk[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README: no peerlock-minilock block');
  return block.replace(/\\\n\s*/g, '').split('\n').filter((line) => line.startsWith('npx '));
}

const passphrases = JSON.parse(readFileSync(fileURLToPath(new URL('./vectors/identities.json', import.meta.url)), 'utf8')).identities as Record<string, { passphrase: string }>;

describe('the README’s peerlock-minilock commands', () => {
  const commands = readmeCommands();
  const bin = join(repoRoot, 'node_modules/.bin/peerlock-minilock');

  it('are linked by npm into node_modules/.bin (so npx never asks the registry)', () => {
    expect(commands.map((c) => c.split(' ').slice(0, 4).join(' '))).toEqual([
      'npx --no peerlock-minilock id',
      'npx --no peerlock-minilock encrypt',
      'npx --no peerlock-minilock decrypt',
    ]);
    expect(existsSync(bin)).toBe(true);
  });

  it('run as written: id, encrypt to bob, bob decrypts', () => {
    writeFileSync(join(dir, 'pass.txt'), `${passphrases.alice!.passphrase}\n`);
    writeFileSync(join(dir, 'bob-pass.txt'), `${passphrases.bob!.passphrase}\n`);
    writeFileSync(join(dir, 'report.pdf'), 'quarterly report\n');
    // The optional parts in [brackets] are left out, placeholders filled; file names live in the temporary folder.
    const shell = (command: string) =>
      execFileSync('sh', ['-c', command.replace(/ \[[^\]]*\]/g, '').replace('<miniLock ID>', identities.bob.id).replace(/(pass\.txt|bob-pass\.txt|report\.pdf(?:\.minilock)?)/g, (f) => join(dir, f))], {
        cwd: repoRoot,
        env: { ...process.env, npm_config_offline: 'true' },
        encoding: 'utf8',
      });
    const [id, encrypt, decrypt] = commands;
    expect(shell(id!).trim()).toBe(identities.alice.id);
    rmSync(join(dir, 'report.pdf.minilock'), { force: true });
    shell(encrypt!);
    rmSync(join(dir, 'report.pdf'));
    // The README decrypts with -o (issue 14), not `> report.pdf`: a shell redirect would leave
    // partial plaintext behind a truncated or tampered file.
    expect(decrypt).toMatch(/ -o report\.pdf /);
    expect(decrypt).not.toMatch(/>/);
    shell(decrypt!);
    expect(readFileSync(join(dir, 'report.pdf'), 'utf8')).toBe('quarterly report\n');
    expect(statSync(join(dir, 'report.pdf')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes('.peerlock-'))).toEqual([]);
  }, 60_000);
});
