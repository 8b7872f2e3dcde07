/**
 * The server as the adversary, on the wire (DESIGN T11): an intercepting
 * proxy (@peerlock/api/testing) sits between bob's real `peerlock` processes
 * and the real server process and rewrites what the server answers. Each test
 * asserts that the rewrite really changed the traffic, and the exact typed
 * outcome: the CLI acts only on what it verified.
 *
 *   1. a participant added to the conversation listing is reported
 *      (PARTICIPANTS_LISTING_MISMATCH) and gets nothing: not the reply, not
 *      the attachment;
 *   2. after `peerlock logout` and `login`, an older pin set (one bob's
 *      machine has already seen superseded) is refused: PIN_REJECTED rollback.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generatePassphrase, keyPairFromSecretKey, PeerlockApiError, PeerlockClient, randomBytes } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy } from '@peerlock/api/testing';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';

let server: ServerProcess;
let proxy: HostileProxy;
let bob: CliUser;
let alice: PeerlockClient;
let mallory: PeerlockClient;
let conversationId = '';

const sdkUser = async (username: string): Promise<PeerlockClient> => {
  const client = new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
  await client.signup({ username, passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
  return client;
};

beforeAll(async () => {
  server = await startServer('sqlite');
  proxy = await startHostileProxy({ target: server.url });
  // Bob's every command goes through the hostile proxy; alice and mallory talk to the server directly.
  bob = new CliUser('bob', proxy.url, generatePassphrase(7, 'bob').passphrase);
  await bob.ok(['signup', 'bob']);
  alice = await sdkUser('alice');
  mallory = await sdkUser('mallory');
  await alice.requestContact('bob');
  await bob.ok(['contacts', 'accept', 'alice']);
  // Mallory is bob's contact too, so nothing but the checks stands between her and bob's files.
  await mallory.requestContact('bob');
  await bob.ok(['contacts', 'accept', 'mallory']);
  conversationId = (await alice.messaging.send(['bob'], { subject: 'plan', body: 'just the two of us' })).conversationId;
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

describe('the CLI against a hostile server (on the wire)', () => {
  it('a participant the server adds to the listing is reported, and the reply and its attachment go to the verified participants only', async () => {
    const addMallory = (conversation: { participants: string[] } | null) => conversation && { ...conversation, participants: [...conversation.participants, 'mallory'].sort() };
    const listing = proxy.onGraphql('ConversationNewestMessages', (data) => ({ ...data, conversation: addMallory(data.conversation) }));
    const inbox = proxy.onGraphql('Conversations', (data) => ({
      ...data,
      conversations: { ...data.conversations, edges: data.conversations.edges.map((e: { node: { participants: string[] } }) => ({ node: addMallory(e.node) })) },
    }));
    const shares: string[][] = [];
    const shareSpy = proxy.onGraphql('shareFile', (data, { variables }) => {
      shares.push(variables.recipients as string[]);
      return undefined;
    });
    try {
      const read = await bob.ok(['read', conversationId, '--json']);
      const view = read.json<{ participants: string[]; listingMismatch: { code: string; added: string[]; missing: string[] } }>();
      expect(listing.count).toBeGreaterThan(0);
      expect(view.participants).toEqual(['alice', 'bob']);
      expect(view.listingMismatch).toEqual(expect.objectContaining({ code: 'PARTICIPANTS_LISTING_MISMATCH', added: ['mallory'], missing: [] }));

      const path = join(bob.home, 'minutes.txt');
      writeFileSync(path, 'only for alice\n');
      const reply = await bob.ok(['reply', conversationId.slice(0, 10), '-m', 'see attached', '--attach', path]);
      expect(reply.stderr).toContain('PARTICIPANTS_LISTING_MISMATCH');
      expect(inbox.count).toBeGreaterThan(0);
      expect(shares).toEqual([['alice']]);
    } finally {
      listing.remove();
      inbox.remove();
      shareSpy.remove();
    }
    // What the server actually holds: the reply is to alice and bob, and mallory has no access to the file.
    const seenByAlice = await alice.messaging.read(conversationId);
    const last = seenByAlice.messages.at(-1)!;
    expect(last).toEqual(expect.objectContaining({ sender: 'bob', rejected: null, body: 'see attached' }));
    expect(seenByAlice.participants).toEqual(['alice', 'bob']);
    expect(await mallory.files.list()).toEqual([]);
    const fileId = last.files![0]!.fileId;
    // The sender downloads her own attachment too (the carried header opens only for the others: her index vouches for it).
    const back = join(bob.home, 'minutes-back.txt');
    await bob.ok(['files', 'download', fileId, '--conversation', conversationId.slice(0, 10), '-o', back]);
    expect(readFileSync(back, 'utf8')).toBe('only for alice\n');
    await expect(mallory.files.download(fileId, { write() {}, commit() {}, abort() {} })).rejects.toSatisfy((e: unknown) => e instanceof Error && ['NOT_FOUND', 'FORBIDDEN'].includes((e as PeerlockApiError).code));
  });

  it('after logout and login, an older pin set is refused (PIN_REJECTED rollback): this machine remembers the newest it saw', async () => {
    const pinSets: { version: number; blob: string | null }[] = [];
    const recorder = proxy.onGraphql('PinSet', (data) => {
      pinSets.push(data.pinSet);
      return undefined;
    });
    // Bob's pins change: he verifies alice (a newer sealed set).
    await bob.ok(['contacts', 'list']);
    await bob.ok(['contacts', 'verify', 'alice', '--yes']);
    recorder.remove();
    const before = pinSets[0]!;
    expect(before.version).toBeGreaterThan(0);

    await bob.ok(['logout']);
    await bob.ok(['login', 'bob']);
    const rollback = proxy.onGraphql('PinSet', () => ({ pinSet: before }));
    try {
      const refused = await bob.run(['send', 'alice', '-m', 'is alice still verified?', '--json']);
      expect(rollback.count).toBeGreaterThan(0);
      expect(refused.code).toBe(3);
      expect(JSON.parse(refused.stderr.trim().split('\n').at(-1)!).error).toEqual(expect.objectContaining({ code: 'PIN_REJECTED' }));
      expect(refused.stderr).toContain('rollback');
    } finally {
      rollback.remove();
    }
    // The honest server's newest set still opens after the attack.
    const list = (await bob.ok(['contacts', 'list', '--json'])).json<{ keys: { username: string; verified: boolean }[] }>();
    expect(list.keys).toEqual(expect.arrayContaining([{ username: 'alice', verified: true, keyChanged: false }]));
  });
});
