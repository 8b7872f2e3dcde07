/**
 * The committed client types must be what codegen makes of today's schema
 * and operations: regenerate into a temporary directory and compare.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';

const sdkDir = fileURLToPath(new URL('../..', import.meta.url));
const committedDir = join(sdkDir, 'src/client/generated');
const codegenBin = join(createRequire(import.meta.url).resolve('@graphql-codegen/cli/package.json'), '../cjs/bin.js');
const freshDir = mkdtempSync(join(tmpdir(), 'peerlock-codegen-'));

afterAll(() => rmSync(freshDir, { recursive: true, force: true }));

describe('generated client types', () => {
  it('match a fresh run of codegen (run `npm run generate -w @peerlock/sdk` when this fails)', () => {
    execFileSync(process.execPath, [codegenBin, '--config', 'codegen.ts', '--silent'], {
      cwd: sdkDir,
      env: { ...process.env, PEERLOCK_CODEGEN_OUT: `${relative(sdkDir, freshDir)}/` },
      stdio: 'pipe',
    });
    const committed = readdirSync(committedDir).sort();
    expect(readdirSync(freshDir).sort()).toEqual(committed);
    for (const name of committed) {
      expect(readFileSync(join(freshDir, name), 'utf8'), name).toBe(readFileSync(join(committedDir, name), 'utf8'));
    }
  });
});
