/**
 * A `peerlock` command on a pseudo-terminal (util-linux `script`), for the
 * questions the CLI asks only on a terminal: answers are typed when their
 * prompt shows. stdout and stderr arrive merged, with \r\n line ends.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cliBin, type CliUser } from './cli-runner.js';

export const hasScript = spawnSync('script', ['--version']).status === 0;

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function runInTerminal(user: CliUser, args: readonly string[], answers: readonly { readonly prompt: RegExp; readonly type: string }[]): Promise<{ code: number; output: string }> {
  const line = [process.execPath, cliBin, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', line, '/dev/null'], { cwd: user.home, env: user.env({ NO_COLOR: '1' }), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let next = 0;
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    const answer = answers[next];
    if (answer && answer.prompt.test(output)) {
      next++;
      child.stdin!.write(`${answer.type}\r`);
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, output }));
  });
}
