/**
 * From argv to an invocation (src/command-line.ts), over the real command
 * table: global options anywhere, help and version, typos, unknown options.
 * Refusals are matched on class and code; the words are checked only where
 * the words are the point (what the user is told to type).
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/cli-error.js';
import { editDistance, parseCommandLine, type Invocation } from '../src/command-line.js';
import { COMMANDS } from '../src/commands/index.js';
import { commandHelp, VERSION } from '../src/help.js';

const parse = (line: string): Invocation => parseCommandLine(line.split(' ').filter(Boolean), COMMANDS);
const run = (line: string) => {
  const invocation = parse(line);
  if (invocation.kind !== 'run') throw new Error(`expected a command, got ${invocation.kind}`);
  return invocation;
};
const refusal = (line: string): UsageError => {
  try {
    parse(line);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('USAGE');
    return error as UsageError;
  }
  throw new Error(`"${line}" was accepted`);
};
const command = (name: string) => COMMANDS.find((c) => c.name === name)!;

describe('global options', () => {
  it.each(['--server http://h:1 inbox', 'inbox --server http://h:1', '--json contacts --server http://h:1 list', 'contacts list --json --server=http://h:1'])('are taken before, between or after the command words: %s', (line) => {
    const invocation = run(line);
    expect(invocation.globals.server).toBe('http://h:1');
    expect(['inbox', 'contacts list']).toContain(invocation.command.name);
  });

  it('--json, --passphrase-file and --no-color anywhere; the command keeps its own options and positionals', () => {
    const invocation = run('--no-color send --passphrase-file p.txt bob -s Hi --json -m hello carol');
    expect(invocation.command.name).toBe('send');
    expect(invocation.globals).toEqual({ server: undefined, json: true, passphraseFile: 'p.txt', noColor: true });
    expect(invocation.args.positionals).toEqual(['bob', 'carol']);
    expect(invocation.args.values).toMatchObject({ subject: 'Hi', message: 'hello' });
  });

  it('a command word is never taken from a global option\'s value', () => {
    expect(run('--server inbox whoami').command.name).toBe('whoami');
  });
});

describe('help and version', () => {
  it.each(['--version', '-V', 'inbox --version', '--json -V'])('%s is the version', (line) => {
    expect(parse(line)).toEqual({ kind: 'version' });
  });

  it('the version is the package version', async () => {
    const { readFile } = await import('node:fs/promises');
    expect(VERSION).toBe(JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')).version);
    expect(VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('help <command> is <command> --help, for one- and two-word commands', () => {
    for (const name of ['send', 'contacts add', 'rekey', 'files download']) {
      const expected = { kind: 'help', text: commandHelp(command(name)) };
      expect(parse(`help ${name}`)).toEqual(expected);
      expect(parse(`${name} --help`)).toEqual(expected);
      expect(parse(`-h ${name}`)).toEqual(expected);
    }
  });

  it('help, --help and no arguments list every command; help <group> lists the group', () => {
    for (const line of ['help', '--help', '']) {
      const text = (parse(line) as { text: string }).text;
      for (const c of COMMANDS) expect(text).toContain(c.name);
      expect(text).toMatch(/--version/);
    }
    const contacts = (parse('help contacts') as { text: string }).text;
    expect(contacts).toContain('contacts accept-key');
    expect(contacts).not.toContain('files upload');
    expect(parse('contacts --help')).toEqual(parse('help contacts'));
  });

  it('every option of every command has a description in its help, and so does every global option', () => {
    for (const c of COMMANDS) {
      for (const name of Object.keys(c.options ?? {})) {
        expect(c.optionHelp?.[name], `${c.name} --${name}`).toMatch(/\S.{8,}/);
      }
    }
    const rekey = commandHelp(command('rekey'));
    for (const option of ['--new-passphrase-file', '--code', '--login-code', '--recovery-code']) expect(rekey).toMatch(new RegExp(`${option} VALUE\\s+\\S`));
    const overview = (parse('help') as { text: string }).text;
    for (const option of ['--server URL', '--json', '--passphrase-file FILE', '--no-color', '-h, --help', '-V, --version']) expect(overview).toMatch(new RegExp(`${option.replace(/[-.]/g, '\\$&')}\\s+\\S`));
  });
});

describe('mistakes are usage errors (exit 2) that say what to type', () => {
  it.each([
    ['contacts ad bob', 'unknown command "contacts ad": did you mean `peerlock contacts add`? (see peerlock help contacts)'],
    ['contact add bob', 'unknown command "contact": did you mean `peerlock contacts add`? (see peerlock help)'],
    ['sned bob', 'unknown command "sned": did you mean `peerlock send`? (see peerlock help)'],
    ['inbx', 'unknown command "inbx": did you mean `peerlock inbox`? (see peerlock help)'],
    ['contacts acceptkey bob', 'unknown command "contacts acceptkey": did you mean `peerlock contacts accept-key`? (see peerlock help contacts)'],
    ['files dl x', 'unknown command "files dl": files has upload, download, list, share, rm (see peerlock help files)'],
    ['frobnicate', 'unknown command "frobnicate" (see peerlock help)'],
    ['help frobnicate', 'unknown command "frobnicate" (see peerlock help)'],
    ['contacts', 'peerlock contacts needs a subcommand: add, accept, decline, remove, list, verify, accept-key (see peerlock help contacts)'],
    ['--json', 'missing command (see peerlock help)'],
  ])('%s', (line, message) => {
    expect(refusal(line).message).toBe(message);
  });

  it.each([
    ['send bob --foo', 'unknown option --foo for "peerlock send" (see peerlock send --help)'],
    ['send bob -x', 'unknown option -x for "peerlock send" (see peerlock send --help)'],
    ['send bob --subjet Hi', 'unknown option --subjet for "peerlock send": did you mean --subject? (see peerlock send --help)'],
    ['contacts verify bob --verified', 'unknown option --verified for "peerlock contacts verify" (see peerlock contacts verify --help)'],
    ['--jsn inbox', 'unknown option --jsn: did you mean --json? (see peerlock help)'],
    ['inbox --server', '--server needs a value: --server VALUE for "peerlock inbox" (see peerlock inbox --help)'],
    ['inbox --json=yes', '--json takes no value for "peerlock inbox" (see peerlock inbox --help)'],
    ['send bob -m -x', '-m needs a value, and -x looks like an option; for a value that starts with "-", write --message=-x'],
  ])('%s', (line, message) => {
    expect(refusal(line).message).toBe(message);
  });

  it("a command's own option before the command is refused, not taken for a command word", () => {
    expect(refusal('-s Hi send bob').message).toMatch(/^unknown option -s before the command: .*a command's own options go after its name/);
  });

  it('an id that starts with "-" is the positional it looks like, unless it reads as this command\'s short options', () => {
    expect(run('read -TmX__ydpMtRcG_dzKnLTOvaiKYqlFCwO11HibPT7nA --json').args.positionals).toEqual(['-TmX__ydpMtRcG_dzKnLTOvaiKYqlFCwO11HibPT7nA']);
    expect(run('read -hX__ydpMtRcG --json').kind).toBe('run');
    expect(run('read -- -x').args.positionals).toEqual(['-x']);
    expect(run('send bob -mHelloThere').args.values.message).toBe('HelloThere');
    expect(run('files download Y3gGLgYcF758yTuTGBUxyQ --conversation -p0HFlZXcr').args.values.conversation).toBe('-p0HFlZXcr');
    expect(refusal('send bob -m -x').message).toBe('-m needs a value, and -x looks like an option; for a value that starts with "-", write --message=-x');
    expect(refusal('files download Y3gGLgYcF758yTuTGBUxyQ --conversation --json').message).toMatch(/^--conversation needs a value/);
  });

  it('a value that starts with "-" is accepted when written --option=value', () => {
    expect(run('send bob --message=-x').args.values.message).toBe('-x');
  });
});

describe('editDistance (optimal string alignment)', () => {
  it.each([
    ['send', 'send', 0],
    ['sned', 'send', 1],
    ['ad', 'add', 1],
    ['dl', 'rm', 2],
    ['', 'abc', 3],
    ['acceptkey', 'accept-key', 1],
  ])('%s → %s: %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });
});
