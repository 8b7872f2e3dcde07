/**
 * What a new user following the README meets, through the real binary and a
 * real server: global options anywhere, help and typos, errors that say what
 * happened and what to do (no such user, no such conversation, a changed
 * key, safety numbers that differ), the recovery code explained, the inbox
 * with subjects and local times, and output into a pipe closed early.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePassphrase } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';
import { hasScript, runInTerminal } from './support/terminal.js';

let server: ServerProcess;
let alice: CliUser;
let bob: CliUser;
let carol: CliUser;
/** Deterministic local times: India has a half-hour offset and no daylight saving time. */
const INDIA = { TZ: 'Asia/Kolkata' };
const LOCAL_TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+05:30/;
const UTC_ISO = /\d\d:\d\d:\d\d(\.\d+)?Z/;

beforeAll(async () => {
  server = await startServer('sqlite');
  alice = new CliUser('alice', server.url, generatePassphrase(7, 'alice').passphrase);
  bob = new CliUser('bob', server.url, generatePassphrase(7, 'bob').passphrase);
  carol = new CliUser('carol', server.url, generatePassphrase(7, 'carol').passphrase);
});

afterAll(async () => {
  await server?.stop();
});

/** Runs with its stdout pipe closed by the reader before anything was written (as `| head -1` would, only sooner). */
function runIntoClosedPipe(user: CliUser, args: readonly string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  const child = user.spawn(args);
  child.stdout!.destroy();
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stderr })));
}

describe('the command line', () => {
  it('--version and -V print the package version; help <command> is <command> --help', async () => {
    expect((await alice.ok(['--version'])).stdout).toBe('peerlock 0.1.0\n');
    expect((await alice.ok(['-V'])).stdout).toBe('peerlock 0.1.0\n');
    expect((await alice.ok(['help', 'contacts', 'add'])).stdout).toBe((await alice.ok(['contacts', 'add', '--help'])).stdout);
    expect((await alice.ok(['help'])).stdout).toContain('contacts accept-key');
  });

  it('a typo is a usage error with a suggestion; an unknown option names the command (exit 2)', async () => {
    const typo = await alice.run(['contacts', 'ad', 'bob']);
    expect([typo.code, typo.stdout]).toEqual([2, '']);
    expect(typo.stderr).toBe('peerlock: unknown command "contacts ad": did you mean `peerlock contacts add`? (see peerlock help contacts) [USAGE]\n');
    const unknown = await alice.run(['send', 'bob', '--foo']);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'peerlock: unknown option --foo for "peerlock send" (see peerlock send --help) [USAGE]\n']);
  });

  it('output into a closed pipe ends quietly with 141, as a program killed by SIGPIPE', async () => {
    expect(await runIntoClosedPipe(alice, ['help'])).toEqual({ code: 141, signal: null, stderr: '' });
  });
});

describe('a new user against a real server', () => {
  it('`peerlock signup … | head -1`: no stack trace, exit 141, and the account and session are still there', async () => {
    expect(await runIntoClosedPipe(alice, ['signup', 'alice'])).toEqual({ code: 141, signal: null, stderr: '' });
    expect((await alice.ok(['whoami', '--json'])).json<{ username: string }>().username).toBe('alice');
  });

  it('signup says what the recovery code is for and how to keep it', async () => {
    const out = (await bob.ok(['signup', 'bob'])).stdout;
    expect(out).toMatch(/recovery code \(shown once\): \S+/);
    for (const said of ['new key', 'lost passphrase', 'peerlock rekey --recovery-code', 'offline', 'apart from your passphrase']) expect(out).toContain(said);
    await carol.ok(['signup', 'carol']);
  });

  it('global options go before the command as well as after it', async () => {
    const noEnv = { PEERLOCK_SERVER: undefined };
    expect((await alice.ok(['--server', server.url, 'whoami', '--json'], noEnv)).json<{ username: string }>().username).toBe('alice');
    expect((await alice.ok(['--json', 'whoami', '--server', server.url], noEnv)).json<{ username: string }>().username).toBe('alice');
    expect((await alice.ok(['--server', server.url, 'inbox'], noEnv)).stdout).toContain('no conversations');
  });

  it('contacts; alice verifies bob and carol, answering on a terminal', async () => {
    await alice.ok(['contacts', 'add', 'bob']);
    await bob.ok(['contacts', 'accept', 'alice']);
    await alice.ok(['contacts', 'add', 'carol']);
    await carol.ok(['contacts', 'accept', 'alice']);
    await alice.ok(['contacts', 'verify', 'bob', '--yes']);
  });

  it.skipIf(!hasScript)('`contacts verify` answered n: what a mismatch means and what to do, exit 3, not marked verified', async () => {
    const { code, output } = await runInTerminal(alice, ['contacts', 'verify', 'carol'], [{ prompt: /Does carol see the same number\?/, type: 'n' }]);
    expect(code).toBe(3);
    expect(output).toContain('[SAFETY_NUMBER_MISMATCH]');
    for (const said of ['Someone may be in the middle', 'not the carol you think', 'Do not send carol anything sensitive', 'in person or on a call', 'peerlock contacts remove carol', 'carol was not marked verified'])
      expect(output.replace(/\r?\n/g, ' ')).toContain(said);
    const list = (await alice.ok(['contacts', 'list', '--json'])).json<{ keys: { username: string; verified: boolean }[] }>();
    expect(list.keys).toEqual([
      { username: 'bob', verified: true, keyChanged: false },
      { username: 'carol', verified: false, keyChanged: false },
    ]);
  });

  it('`send nobody`: there is no such user (NO_SUCH_USER, exit 1), not a key problem', async () => {
    const r = await alice.run(['send', 'nobody', '-m', 'hi']);
    expect([r.code, r.stderr]).toEqual([1, 'peerlock: there is no user called nobody (check the spelling) [NO_SUCH_USER]\n']);
    const json = await alice.run(['send', 'nobody', '-m', 'hi', '--json']);
    expect(JSON.parse(json.stderr).error).toEqual(expect.objectContaining({ code: 'NO_SUCH_USER', username: 'nobody' }));
  });

  it('`read zzzz`: no conversation matches (NOT_FOUND, exit 1)', async () => {
    const r = await bob.run(['read', 'zzzz']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^peerlock: no conversation matches zzzz .*\[NOT_FOUND\]\n$/);
  });

  let firstPosition = '';
  let conversation = '';

  it('inbox: the verified subject, "1 message", the time in local time with its offset', async () => {
    const sent = (await alice.ok(['send', 'bob', '-s', 'Q3 numbers', '-m', 'Numbers attached.', '--json'])).json<{ conversationId: string; position: string }>();
    conversation = sent.conversationId;
    firstPosition = sent.position;
    await alice.ok(['send', 'bob', '-m', 'no subject here']);
    const lines = (await bob.ok(['inbox'], INDIA)).stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\S{10}  \\(no subject\\)  alice  1 message, 1 unread  ${LOCAL_TIME.source}$`));
    // Columns line up: the shorter subject is padded.
    expect(lines[1]).toMatch(new RegExp(`^${conversation.slice(0, 10)}  Q3 numbers    alice  1 message, 1 unread  ${LOCAL_TIME.source}$`));
    const json = (await bob.ok(['inbox', '--json'])).json<{ id: string; subject: string | null; lastMessageAt: string }[]>();
    expect(json.map((c) => c.subject)).toEqual(['', 'Q3 numbers']);
    // Scripts keep ISO 8601 UTC.
    expect(json[0]!.lastMessageAt).toMatch(UTC_ISO);
  });

  it('read and watch print local time too, never UTC ISO', async () => {
    await bob.ok(['reply', conversation.slice(0, 10), '-m', 'Thanks.']);
    const read = (await alice.ok(['read', conversation.slice(0, 10)], INDIA)).stdout;
    // Each message with the start of its id (what unsend and edit take).
    expect(read).toMatch(new RegExp(`^bob ${LOCAL_TIME.source}  id \\S{8}$`, 'm'));
    expect(read).not.toMatch(UTC_ISO);
    expect((await alice.ok(['inbox'], INDIA)).stdout).toMatch(/Q3 numbers +bob {2}2 messages {2}/);

    // First alice's own second message (sent by another command: every device but the sending one is told), then bob's reply.
    const watch = await alice.ok(['watch', '--after', firstPosition, '--count', '2'], INDIA);
    expect(watch.stdout).toMatch(new RegExp(`^${LOCAL_TIME.source} message sent from another device in \\S{10}$`, 'm'));
    expect(watch.stdout).toMatch(new RegExp(`^${LOCAL_TIME.source} message received from bob in ${conversation.slice(0, 10)}$`, 'm'));
    expect(watch.stdout).toMatch(new RegExp(`^bob ${LOCAL_TIME.source}  id \\S{8}$`, 'm'));
    expect(watch.stdout).not.toMatch(UTC_ISO);
  });

  it("what others wrote cannot drive the terminal: escape sequences in a subject or body are shown as �", async () => {
    const hostile = '\u001b]0;pwned\u0007\u001b[2J';
    const { conversationId } = (await alice.ok(['send', 'bob', '-s', `hi${hostile}`, '-m', `body${hostile}\u202etxt.exe`, '--json'])).json<{ conversationId: string }>();
    for (const out of [(await bob.ok(['inbox'])).stdout, (await bob.ok(['read', conversationId])).stdout]) {
      expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
      expect(out).toContain('hi\ufffd]0;pwned\ufffd\ufffd[2J');
    }
  });

  it('inbox reads at most 10 conversations for their subjects (tokens are single-use), and remembers what it verified', async () => {
    const dave = new CliUser('dave', server.url, generatePassphrase(7, 'dave').passphrase);
    await dave.ok(['signup', 'dave']);
    await dave.ok(['contacts', 'add', 'alice']);
    await alice.ok(['contacts', 'accept', 'dave']);
    for (let n = 1; n <= 11; n++) await alice.ok(['send', 'dave', '-s', `subject ${n}`, '-m', 'x']);
    const subjects = async () => (await dave.ok(['inbox', '--json'])).json<{ subject: string | null }[]>().map((c) => c.subject);
    const all = Array.from({ length: 11 }, (_, i) => `subject ${11 - i}`);
    expect(await subjects()).toEqual([...all.slice(0, 10), null]);
    // The ten verified before are not read again, so this inbox can read the eleventh.
    expect(await subjects()).toEqual(all);
    expect((await dave.ok(['inbox'])).stdout).toMatch(/ subject 1 +alice {2}1 message, 1 unread {2}/);
  });

  describe('after bob and carol change their keys', () => {
    beforeAll(async () => {
      for (const user of [bob, carol]) {
        const next = generatePassphrase(7, user.username).passphrase;
        await user.ok(['rekey'], { PEERLOCK_NEW_PASSPHRASE: next });
        user.passphrase = next;
      }
    });

    it('KEY_CHANGED names what to compare and the accept-key that works: --verified for verified bob, plain for carol', async () => {
      const toBob = await alice.run(['send', 'bob', '-m', 'still there?']);
      expect(toBob.code).toBe(3);
      expect(toBob.stderr).toContain('[KEY_CHANGED]');
      expect(toBob.stderr).toContain('compare the new safety number with bob in person or on a call (`peerlock contacts verify bob` shows it); only if it matches, run `peerlock contacts accept-key bob --verified`');
      const toCarol = await alice.run(['send', 'carol', '-m', 'still there?']);
      expect(toCarol.code).toBe(3);
      expect(toCarol.stderr).toContain('(`peerlock contacts verify carol` shows it); if it matches, run `peerlock contacts accept-key carol`');
      expect(toCarol.stderr).not.toContain('--verified');

      const refused = await alice.run(['contacts', 'accept-key', 'bob']);
      expect(refused.code).toBe(3);
      expect(refused.stdout).toMatch(/^new safety number with bob: (\d{5} ){11}\d{5}$/m);
      expect(refused.stderr).toContain('`peerlock contacts accept-key bob --verified`');
    });

    it('`contacts verify` shows the NEW key\'s number (the one bob sees), and y accepts that key, verified', async () => {
      const pending = (await alice.ok(['contacts', 'verify', 'bob', '--json'])).json<{ digits: string; verified: boolean; keyChanged: boolean; accepted: boolean }>();
      const bobSees = (await bob.ok(['contacts', 'verify', 'alice', '--json'])).json<{ digits: string }>();
      expect(pending).toEqual(expect.objectContaining({ digits: bobSees.digits, verified: false, keyChanged: true, accepted: false }));
      expect((await alice.run(['send', 'bob', '-m', 'still there?'])).code).toBe(3);

      const accepted = (await alice.ok(['contacts', 'verify', 'bob', '--yes', '--json'])).json<{ digits: string; verified: boolean; accepted: boolean }>();
      expect(accepted).toEqual(expect.objectContaining({ digits: bobSees.digits, verified: true, accepted: true }));
      await alice.ok(['send', 'bob', '-m', 'still there?']);
      await alice.ok(['contacts', 'accept-key', 'carol']);
      await alice.ok(['send', 'carol', '-m', 'still there?']);
    });
  });
});
