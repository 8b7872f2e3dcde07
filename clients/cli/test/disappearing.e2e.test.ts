/**
 * Issue 20 through the `peerlock` binary against the real server: a
 * conversation's timer (who set it, replies that carry it, messages that are
 * gone once it has run, their subject gone from the session cache), unsend
 * and edit with their refusals, and `watch` printing them live. Time moves
 * by restarting the dev server with PEERLOCK_DEV_CLOCK_OFFSET_MS and running
 * the CLI with the same setting (its clock runs ahead as far), never by
 * waiting. One signup per user for the whole file (key derivation is the
 * slow part).
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base64ToBytes, bytesToUtf8, generatePassphrase, secretboxOpenFramed } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser, type CliResult } from './support/cli-runner.js';

let server: ServerProcess;
let alice: CliUser;
let bob: CliUser;
/** How far ahead the server's clock runs, and every CLI process's with it. */
let offset = 0;

const LOCAL_TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d\\d:\\d\\d';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

beforeAll(async () => {
  server = await startServer('sqlite');
  alice = new CliUser('alice', server.url, generatePassphrase(7, 'alice').passphrase);
  bob = new CliUser('bob', server.url, generatePassphrase(7, 'bob').passphrase);
  await alice.ok(['signup', 'alice']);
  await bob.ok(['signup', 'bob']);
  await alice.ok(['contacts', 'add', 'bob']);
  await bob.ok(['contacts', 'accept', 'alice']);
});

afterAll(async () => {
  await server?.stop();
});

const clock = () => (offset ? { PEERLOCK_DEV_CLOCK_OFFSET_MS: String(offset) } : {});
const ok = (user: CliUser, args: readonly string[]) => user.ok(args, clock());
const run = (user: CliUser, args: readonly string[]) => user.run(args, clock());

/** Restarts the server on the same port and data with its clock `ms` ahead; the CLI runs as far ahead from now on. */
async function moveClockTo(ms: number): Promise<void> {
  await server.stop({ keepData: true });
  server = await startServer('sqlite', { reuse: { port: server.port, dataDir: server.dataDir, schema: server.schema }, env: { PEERLOCK_DEV_CLOCK_OFFSET_MS: String(ms) } });
  offset = ms;
}

/** Everything the user's session cache holds, as text: each file of its config and runtime directories, and the sealed part opened with the runtime key. */
function cacheText(user: CliUser): string {
  const files = (dir: string): string[] => readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
  const raw = [...files(join(user.home, 'config')), ...files(join(user.home, 'run'))].map((f) => readFileSync(f, 'utf8'));
  const key = base64ToBytes(readFileSync(join(user.home, 'run/peerlock/session.key'), 'utf8').trim());
  const { sealed } = JSON.parse(readFileSync(join(user.home, 'config/peerlock/session.json'), 'utf8')) as { sealed: string };
  return [...raw, bytesToUtf8(secretboxOpenFramed(base64ToBytes(sealed), key))].join('\n');
}

interface ReadJson {
  subject: string;
  timer: { seconds: number; setBy: string; at: number; messageId: string } | null;
  messages: { messageId: string; sender: string; body?: string; rejected: string | null; expiresAt?: number; action?: { kind: string; seconds?: number }; deleted?: { at: number }; edited?: { at: number } }[];
  withheld: unknown[];
}

const refusalOf = (r: CliResult) => (JSON.parse(r.stderr) as { error: { code: string; reason: string } }).error;

/** Conversations and messages the tests share. */
const ids = { picnic: '', picnicFile: '', budget: '', errands: '', opening: '', doorCode: '', meeting: '' };
/** A position before the six-minute jump, for a watch that replays what happened since. */
let positionBeforeExpiry = '';

describe('disappearing messages, unsend and edit in the CLI', () => {
  it('send --timer 5m: the first message disappears in 5 minutes, and bob sees who set the timer', async () => {
    // With an attachment: made for this message alone, it goes with it (docs/files.md).
    const map = join(alice.home, 'map.txt');
    writeFileSync(map, 'the spot by the old oak');
    const sent = (await ok(alice, ['send', 'bob', '-s', 'Picnic', '-m', 'Bring the blue blanket', '--timer', '5m', '--attach', map, '--json'])).json<{
      conversationId: string;
      receivedAt: number;
      expiresAt: number;
      files: { fileId: string }[];
    }>();
    ids.picnic = sent.conversationId;
    ids.picnicFile = sent.files[0]!.fileId;
    await ok(bob, ['files', 'download', ids.picnicFile, '-o', join(bob.home, 'map-now.txt'), '--conversation', ids.picnic]);
    expect(readFileSync(join(bob.home, 'map-now.txt'), 'utf8')).toBe('the spot by the old oak');
    expect(sent.expiresAt - sent.receivedAt).toBe(5 * MINUTE);

    const read = (await ok(bob, ['read', ids.picnic.slice(0, 8)])).stdout;
    expect(read).toMatch(new RegExp(`^Disappearing messages: 5 minutes, set by alice on ${LOCAL_TIME}$`, 'm'));
    expect(read).toMatch(new RegExp(`^alice ${LOCAL_TIME}  id \\S{8} · disappears in [45] min$`, 'm'));
    expect(read).toContain('Bring the blue blanket');
    expect(read).toMatch(/^⏲ alice set disappearing messages to 5 minutes {2}/m);
    // Its subject is cached (sealed) until the message disappears.
    expect(cacheText(bob)).toContain('Picnic');
  });

  it('conversation timer: alice sets 5 minutes; bob sees who set it, and his reply carries it', async () => {
    ids.budget = (await ok(alice, ['send', 'bob', '-s', 'Budget', '-m', 'Plain opening', '--json'])).json<{ conversationId: string }>().conversationId;
    const bad = await run(alice, ['conversation', 'timer', ids.budget.slice(0, 8), '2h']);
    expect([bad.code, bad.stderr]).toEqual([2, 'peerlock: 2h is not a timer: use off, 5m, 1h, 1d, 1w or 4w (off, 5 minutes, 1 hour, 1 day, 1 week, 4 weeks) [USAGE]\n']);
    expect((await ok(alice, ['conversation', 'timer', ids.budget.slice(0, 8), '5m'])).stdout).toBe('Disappearing messages: 5 minutes (set by you)\n');

    const read = (await ok(bob, ['read', ids.budget])).stdout;
    expect(read).toMatch(new RegExp(`^Disappearing messages: 5 minutes, set by alice on ${LOCAL_TIME}$`, 'm'));
    expect(read).toMatch(/^⏲ alice set disappearing messages to 5 minutes/m);
    // The message from before the timer does not disappear.
    expect(read).toMatch(new RegExp(`^alice ${LOCAL_TIME}  id \\S{8}$`, 'm'));

    await ok(bob, ['reply', ids.budget, '-m', 'Short-lived reply']);
    const seen = (await ok(alice, ['read', ids.budget])).stdout;
    expect(seen).toMatch(new RegExp(`^bob ${LOCAL_TIME}  id \\S{8} · disappears in [45] min\\n  Short-lived reply$`, 'm'));
  });

  it('unsend: gone for bob with no trace of the text, refused a second time, and bob cannot unsend what alice wrote', async () => {
    const opened = (await ok(alice, ['send', 'bob', '-s', 'Errands', '-m', 'Hello', '--json'])).json<{ conversationId: string; messageId: string }>();
    ids.errands = opened.conversationId;
    ids.opening = opened.messageId;
    ids.doorCode = (await ok(alice, ['reply', ids.errands, '-m', 'The door code is 4711', '--json'])).json<{ messageId: string }>().messageId;
    expect((await ok(bob, ['read', ids.errands])).stdout).toContain('The door code is 4711');

    const unsent = await ok(alice, ['unsend', ids.errands.slice(0, 8), ids.doorCode.slice(0, 8)]);
    expect(unsent.stdout).toBe(`✔ unsent: message ${ids.doorCode.slice(0, 8)} is deleted for everyone in ${ids.errands.slice(0, 10)}\n`);

    const read = await ok(bob, ['read', ids.errands]);
    // read shows each message with the start of its id, which is what unsend took.
    expect(read.stdout).toMatch(new RegExp(`^alice ${LOCAL_TIME}  id ${escape(ids.doorCode.slice(0, 8))}\\n  This message was deleted by alice at ${LOCAL_TIME}$`, 'm'));
    expect(read.stdout).not.toContain('4711');
    expect(cacheText(bob)).not.toContain('4711');
    const json = (await ok(bob, ['read', ids.errands, '--json'])).json<ReadJson>();
    expect(json.messages.find((m) => m.messageId === ids.doorCode)).toEqual(expect.objectContaining({ sender: 'alice', deleted: expect.objectContaining({ at: expect.any(Number) }) }));
    expect(JSON.stringify(json)).not.toContain('4711');

    const again = await run(alice, ['unsend', ids.errands, ids.doorCode.slice(0, 8)]);
    expect([again.code, again.stderr]).toEqual([1, 'peerlock: That message was already deleted: there is nothing left to unsend [MESSAGE_ACTION]\n']);
    const notYours = await run(bob, ['unsend', ids.errands, ids.opening.slice(0, 8), '--json']);
    expect(notYours.code).toBe(1);
    expect(refusalOf(notYours)).toEqual(expect.objectContaining({ code: 'MESSAGE_ACTION', reason: 'not-yours', message: 'That message is not yours: you can unsend only your own messages. Nothing was changed' }));
    const nothing = await run(bob, ['unsend', ids.errands, 'zzzzzzzz', '--json']);
    expect(refusalOf(nothing)).toEqual(expect.objectContaining({ code: 'MESSAGE_ACTION', reason: 'not-found' }));
  });

  it('edit: bob sees the new text, marked edited, and never the old one', async () => {
    ids.meeting = (await ok(alice, ['reply', ids.errands, '-m', 'Meet at 10', '--json'])).json<{ messageId: string }>().messageId;
    expect((await ok(bob, ['read', ids.errands])).stdout).toContain('Meet at 10');
    const empty = await run(alice, ['edit', ids.errands, ids.meeting.slice(0, 8), '-m', ' ']);
    expect(empty.code).toBe(2);
    expect((await ok(alice, ['edit', ids.errands, ids.meeting.slice(0, 8), '-m', 'Meet at 11'])).stdout).toBe(`✔ edited: message ${ids.meeting.slice(0, 8)} in ${ids.errands.slice(0, 10)}\n`);

    const read = (await ok(bob, ['read', ids.errands])).stdout;
    expect(read).toMatch(new RegExp(`^  Meet at 11 \\(edited ${LOCAL_TIME}\\)$`, 'm'));
    expect(read).not.toContain('Meet at 10');
    const json = (await ok(bob, ['read', ids.errands, '--json'])).json<ReadJson>();
    expect(json.messages.find((m) => m.messageId === ids.meeting)).toEqual(expect.objectContaining({ body: 'Meet at 11', edited: expect.objectContaining({ at: expect.any(Number) }) }));
    const notYours = await run(bob, ['edit', ids.errands, ids.meeting.slice(0, 8), '-m', 'Meet never']);
    expect([notYours.code, notYours.stderr]).toEqual([1, 'peerlock: That message is not yours: you can edit only your own messages. Nothing was changed [MESSAGE_ACTION]\n']);
  });

  it('watch prints an edit, an unsend and a timer change as they happen', async () => {
    const watch = bob.spawn(['watch'], clock());
    let stdout = '';
    let stderr = '';
    watch.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const connected = new Promise<void>((resolve) => watch.stderr!.on('data', (c: Buffer) => ((stderr += c.toString()), stderr.includes('watching') && resolve())));
    const exited = new Promise<number | null>((resolve) => watch.once('close', resolve));
    await Promise.race([connected, exited.then((code) => Promise.reject(new Error(`watch exited ${code}: ${stderr}`)))]);

    const conversation = ids.errands.slice(0, 10);
    const live = (await ok(alice, ['reply', ids.errands, '-m', 'Parcel arrives today', '--json'])).json<{ messageId: string; position: string }>();
    await until(() => stdout.includes('Parcel arrives today'));
    await ok(alice, ['edit', ids.errands, live.messageId.slice(0, 8), '-m', 'Parcel arrives tomorrow']);
    await ok(alice, ['unsend', ids.errands, live.messageId.slice(0, 8)]);
    await ok(alice, ['conversation', 'timer', ids.errands, '1h']);
    await ok(alice, ['conversation', 'timer', ids.errands, 'off']);
    await until(() => stdout.includes('turned disappearing messages off'));
    watch.kill('SIGTERM');
    expect(await exited).toBe(0);

    const at = `^${LOCAL_TIME} alice`;
    expect(stdout).toMatch(new RegExp(`${at} edited a message in ${conversation} \\(id ${escape(live.messageId.slice(0, 8))}\\): Parcel arrives tomorrow$`, 'm'));
    expect(stdout).toMatch(new RegExp(`${at} deleted a message in ${conversation} \\(id ${escape(live.messageId.slice(0, 8))}\\)$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^${LOCAL_TIME} a message from alice in ${conversation} was deleted$`, 'm'));
    expect(stdout).toMatch(new RegExp(`${at} set disappearing messages to 1 hour in ${conversation}$`, 'm'));
    expect(stdout).toMatch(new RegExp(`${at} turned disappearing messages off in ${conversation}$`, 'm'));
    positionBeforeExpiry = live.position;

    // Edited, then unsent: neither text is left anywhere in a read (the edit's text was the deleted message's).
    const read = await ok(bob, ['read', ids.errands, '--json']);
    expect(read.stdout).not.toContain('Parcel arrives');
    expect(read.json<ReadJson>().messages.find((m) => m.messageId === live.messageId)).toEqual(expect.objectContaining({ deleted: expect.objectContaining({ at: expect.any(Number) }) }));
  });

  it('six minutes later (server and CLI): what expired is gone, not withheld; the timer rows stay; the expired subject left the cache', async () => {
    await moveClockTo(6 * MINUTE);

    const picnic = await ok(bob, ['read', ids.picnic]);
    expect(picnic.stdout).not.toContain('Bring the blue blanket');
    expect(picnic.stdout).not.toContain('withheld');
    expect(picnic.stdout).toMatch(/^\(no subject\) {2}alice, bob$/m);
    expect(picnic.stdout).toMatch(/^⏲ alice set disappearing messages to 5 minutes/m);
    expect(cacheText(bob)).not.toContain('Picnic');
    // The attachment went with the message: bob cannot fetch it any more, and alice no longer holds it.
    const fetched = await run(bob, ['files', 'download', ids.picnicFile, '-o', join(bob.home, 'map.txt'), '--conversation', ids.picnic]);
    expect(fetched.code).not.toBe(0);
    expect(existsSync(join(bob.home, 'map.txt'))).toBe(false);
    expect((await ok(alice, ['files', 'list', '--json'])).stdout).not.toContain(ids.picnicFile);

    // --json: the SDK's fields as they are.
    const budget = (await ok(bob, ['read', ids.budget, '--json'])).json<ReadJson>();
    expect(budget.timer).toEqual(expect.objectContaining({ seconds: 300, setBy: 'alice' }));
    expect(budget.messages.map((m) => [m.sender, m.body, m.action ?? null, m.expiresAt !== undefined])).toEqual([
      ['alice', 'Plain opening', null, false],
      ['alice', '', { kind: 'timer', seconds: 300 }, false],
    ]);
    expect(budget.withheld).toEqual([]);
    expect(JSON.stringify(budget)).not.toContain('Short-lived reply');
    // A subject whose opening message does not disappear stays cached.
    expect(cacheText(bob)).toContain('Budget');

    // The server's word that they went, replayed to a watch.
    const watch = bob.spawn(['watch', '--after', positionBeforeExpiry], clock());
    let stdout = '';
    watch.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => watch.once('close', resolve));
    await until(() => (stdout.match(/ disappeared$/gm) ?? []).length >= 2);
    watch.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(new RegExp(`^${LOCAL_TIME} a message in ${ids.picnic.slice(0, 10)} disappeared$`, 'm'));
    expect(stdout).toMatch(new RegExp(`^${LOCAL_TIME} a message in ${ids.budget.slice(0, 10)} disappeared$`, 'm'));
  });

  it('four hours later unsend is refused (3 hours), edit still works; after 25 hours edit is refused too', async () => {
    await moveClockTo(4 * HOUR);
    const meeting = ids.meeting.slice(0, 8);
    const late = await run(alice, ['unsend', ids.errands, meeting]);
    expect([late.code, late.stderr]).toEqual([1, 'peerlock: You can unsend a message only within 3 hours of sending it. Nothing was changed (an edit is possible for 24 hours) [MESSAGE_ACTION]\n']);
    await ok(alice, ['edit', ids.errands, meeting, '-m', 'Meet at noon']);
    const read = (await ok(bob, ['read', ids.errands])).stdout;
    expect(read).toMatch(new RegExp(`^  Meet at noon \\(edited ${LOCAL_TIME}\\)$`, 'm'));
    expect(read).not.toContain('Meet at 11');

    await moveClockTo(25 * HOUR);
    const tooLate = await run(alice, ['edit', ids.errands, meeting, '-m', 'Meet tomorrow']);
    expect([tooLate.code, tooLate.stderr]).toEqual([1, 'peerlock: You can edit a message only within 24 hours of sending it. Nothing was changed [MESSAGE_ACTION]\n']);
    expect((await ok(bob, ['read', ids.errands])).stdout).toContain('Meet at noon');
  });
});

/** A message id prefix (base64: + and /) inside a pattern. */
function escape(text: string): string {
  return text.replace(/[+/]/g, '\\$&');
}

async function until(condition: () => boolean): Promise<void> {
  // Bounded by the test timeout, not by a clock assertion.
  while (!condition()) await new Promise((r) => setTimeout(r, 25));
}
