/**
 * `peerlock read` opens a long conversation at its newest messages (issue
 * 15): 50 by default, --last N, or --all from the first message; the
 * output says what was not loaded and how to see it. Two SDK clients write
 * the conversation; dora reads it with the real binary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { generatePassphrase, keyPairFromSecretKey, PeerlockClient, randomBytes } from '@peerlock/sdk';
import { startServer, type ServerProcess } from './support/server-process.js';
import { CliUser } from './support/cli-runner.js';

interface ReadJson {
  complete: boolean;
  subject: string;
  messages: { body: string; rejected: string | null }[];
  withheld: unknown[];
  receiptsSent: number;
}

describe('peerlock read on a conversation of 64 messages', () => {
  let server: ServerProcess;
  let dora: CliUser;
  let id = '';
  const TOTAL = 64;

  beforeAll(async () => {
    server = await startServer('sqlite');
    dora = new CliUser('dora', server.url, generatePassphrase(7, 'dora').passphrase);
    await dora.ok(['signup', 'dora']);
    const alice = new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
    const bob = new PeerlockClient({ url: server.url, webSocketImpl: WebSocket });
    await alice.signup({ username: 'alice', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    await bob.signup({ username: 'bob', passphrase: '', identity: keyPairFromSecretKey(randomBytes(32)) });
    await alice.requestContact('bob');
    await alice.requestContact('dora');
    await bob.requestContact('dora');
    await bob.acceptContact('alice');
    await dora.ok(['contacts', 'accept', 'alice']);
    await dora.ok(['contacts', 'accept', 'bob']);
    id = (await alice.messaging.send(['bob', 'dora'], { subject: 'Long one', body: 'm1' })).conversationId;
    for (let i = 2; i <= TOTAL; i++) await (i % 2 === 0 ? bob : alice).messaging.reply(id, { body: `m${i}` });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('by default the newest 50, verified, with the subject and a line on what is not loaded', async () => {
    const json = (await dora.ok(['read', id, '--json', '--no-receipts'])).json<ReadJson>();
    expect(json.complete).toBe(false);
    expect(json.subject).toBe('Long one');
    expect(json.messages.map((m) => m.body)).toEqual(Array.from({ length: 50 }, (_, i) => `m${TOTAL - 49 + i}`));
    expect(json.messages.every((m) => m.rejected === null)).toBe(true);
    expect(json.withheld).toEqual([]);
    const text = (await dora.ok(['read', id.slice(0, 8), '--no-receipts'])).stdout;
    expect(text).toContain(`⋯ older messages not loaded: \`peerlock read ${id.slice(0, 10)} --last 100\` or --all shows them`);
    expect(text).toContain(`m${TOTAL}`);
    expect(text).not.toContain('m14\n');
  });

  it('--last 3 shows three and sends receipts for them only; --all reads from the first message', async () => {
    const three = (await dora.ok(['read', id, '--last', '3', '--json'])).json<ReadJson>();
    expect(three.messages.map((m) => m.body)).toEqual([`m${TOTAL - 2}`, `m${TOTAL - 1}`, `m${TOTAL}`]);
    expect(three.receiptsSent).toBe(3);
    const all = (await dora.ok(['read', id, '--all', '--json', '--no-receipts'])).json<ReadJson>();
    expect(all.complete).toBe(true);
    expect(all.messages).toHaveLength(TOTAL);
    expect(all.subject).toBe('Long one');
    expect((await dora.ok(['read', id, '--all', '--no-receipts'])).stdout).not.toContain('older messages not loaded');
  });

  it('--last must be a positive whole number, and not with --all (exit 2)', async () => {
    for (const [args, message] of [
      [['--last', '0'], '--last 0: expected a positive whole number'],
      [['--last', 'ten'], '--last ten: expected a positive whole number'],
      [['--last', '3', '--all'], '--last N shows the newest N messages, --all every message: use one of them'],
    ] as const) {
      const refused = await dora.run(['read', id, ...args]);
      expect([refused.code, refused.stderr]).toEqual([2, `peerlock: ${message} [USAGE]\n`]);
    }
  });
});
