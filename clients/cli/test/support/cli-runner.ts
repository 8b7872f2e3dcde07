/**
 * Runs the built `peerlock` binary as its own process, one home per user
 * (XDG config and runtime directories), the way a person would in a shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './server-process.js';

export const cliBin = join(repoRoot, 'clients/cli/dist/main.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (the last line, for --json commands). */
  json<T = Record<string, unknown>>(): T;
}

export class CliUser {
  readonly home = mkdtempSync(join(tmpdir(), 'peerlock-cli-'));

  constructor(
    readonly username: string,
    readonly server: string,
    public passphrase: string,
  ) {}

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: this.home,
      XDG_CONFIG_HOME: join(this.home, 'config'),
      XDG_RUNTIME_DIR: join(this.home, 'run'),
      PEERLOCK_SERVER: this.server,
      PEERLOCK_PASSPHRASE: this.passphrase,
      ...extra,
    };
  }

  spawn(args: readonly string[], extra: NodeJS.ProcessEnv = {}): ChildProcess {
    return spawn(process.execPath, [cliBin, ...args], { cwd: this.home, env: this.env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  }

  run(args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const child = this.spawn(args, extra);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (code) =>
        resolve({
          code: code ?? -1,
          stdout,
          stderr,
          json: <T>() => JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T,
        }),
      );
    });
  }

  /** Runs and insists on success, with the output in the failure message. */
  async ok(args: readonly string[], extra: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const result = await this.run(args, extra);
    if (result.code !== 0) throw new Error(`peerlock ${args.join(' ')} (as ${this.username}) exited ${result.code}\n${result.stderr}${result.stdout}`);
    return result;
  }
}
