/**
 * A long conversation opens at its newest messages (issue 15): the SDK
 * reads `last` messages and verifies them as a window (ConversationLedger,
 * WINDOW), against the real server process; carol's client goes through
 * the hostile proxy, which plays the server that drops a message inside
 * the window, claims there is nothing older than a truncated window, or
 * serves another message as the opening one. Keys are random key pairs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConversationView, PeerlockClient } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy, type Rewrite } from '@peerlock/api/testing';
import { startServer, type ServerProcess } from './support/server-process.js';
import { threeContacts } from './support/three-contacts.js';

interface Edge {
  node: { messageId: string; sender: string };
}

const bodies = (view: ConversationView) => view.messages.map((m) => m.body);

describe('opening a long conversation at its newest messages (SQLite, hostile proxy)', () => {
  let server: ServerProcess;
  let proxy: HostileProxy;
  let alice: PeerlockClient;
  let bob: PeerlockClient;
  let carol: PeerlockClient;
  let conversationId = '';
  /** Every message's id by its body. */
  const ids: Record<string, string> = {};
  let rule: Rewrite | undefined;
  /** After carol's c1: alice and bob take turns, this many messages. */
  const AFTER = 110;

  beforeAll(async () => {
    server = await startServer('sqlite');
    proxy = await startHostileProxy({ target: server.url });
    ({ alice, bob, carol } = await threeContacts(server.url, proxy.graphqlUrl));

    const first = await alice.messaging.send(['bob', 'carol'], { subject: 'Plans', body: 'a1' });
    conversationId = first.conversationId;
    ids.a1 = first.messageId;
    ids.c1 = (await carol.messaging.reply(conversationId, { body: 'c1' })).messageId;
    for (let i = 0; i < AFTER; i++) {
      const [who, name] = i % 2 === 0 ? [bob, 'b'] : [alice, 'a'];
      const body = `${name}${Math.floor(i / 2) + (name === 'a' ? 2 : 1)}`;
      ids[body] = (await who.messaging.reply(conversationId, { body })).messageId;
    }
  }, 240_000);
  afterEach(() => {
    rule?.remove();
    rule = undefined;
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('the newest 6 of 112: verified, not complete, the subject from the opening message, nothing withheld', async () => {
    const view = await carol.messaging.read(conversationId, { last: 6 });
    expect(bodies(view)).toEqual(['b53', 'a54', 'b54', 'a55', 'b55', 'a56']);
    expect(view.messages.every((m) => m.rejected === null && !m.late && !m.reordered)).toBe(true);
    expect(view.complete).toBe(false);
    expect(view.subject).toBe('Plans');
    expect(view.participants).toEqual(['alice', 'bob', 'carol']);
    expect(view.withheld).toEqual([]);
    expect(view.anomalies).toEqual([]);
  });

  it('more than a page (150 of 112): every message, complete, as a whole read', async () => {
    const view = await carol.messaging.read(conversationId, { last: 150 });
    const whole = await carol.messaging.read(conversationId);
    expect(view.complete).toBe(true);
    expect(view.messages).toHaveLength(2 + AFTER);
    expect(bodies(view)).toEqual(bodies(whole));
    expect(whole.complete).toBe(true);
  });

  it('the server drops bob’s message inside the window → withheld (b54), shown at his next one', async () => {
    rule = proxy.onGraphql('ConversationNewestMessages', (data) => {
      data.conversation.messages.edges = data.conversation.messages.edges.filter((e: Edge) => e.node.messageId !== ids.b54);
      return data;
    });
    const view = await carol.messaging.read(conversationId, { last: 7 });
    expect(rule.count).toBeGreaterThan(0);
    // Six came back for seven asked: the client asked for one more, older (b52).
    expect(bodies(view)).toEqual(['b52', 'a53', 'b53', 'a54', 'a55', 'b55', 'a56']);
    expect(view.messages.find((m) => m.body === 'b55')).toMatchObject({ rejected: 'SequenceGap', withheld: { from: 54, to: 54 } });
    expect(view.withheld).toEqual([{ sender: 'bob', sequences: [54], count: 1 }]);
  });

  it('the server says nothing is older than a truncated window → read as complete, every earlier message withheld', async () => {
    rule = proxy.onGraphql('ConversationNewestMessages', (data) => {
      data.conversation.messages.pageInfo.hasPreviousPage = false;
      return data;
    });
    const view = await carol.messaging.read(conversationId, { last: 4 });
    expect(rule.count).toBe(1);
    expect(view.complete).toBe(true);
    expect(bodies(view)).toEqual(['b54', 'a55', 'b55', 'a56']);
    expect(view.messages[0]).toMatchObject({ body: 'b54', rejected: 'SequenceGap', withheld: { from: 1, to: 53 } });
    expect(view.withheld).toEqual([
      { sender: 'alice', sequences: Array.from({ length: 54 }, (_, i) => i + 1), count: 54 },
      { sender: 'bob', sequences: Array.from({ length: 53 }, (_, i) => i + 1), count: 53 },
    ]);
  });

  it('another message served as the opening one (a reply, or a message of another conversation) gives no subject', async () => {
    const elsewhere = await alice.messaging.send(['carol'], { subject: 'Elsewhere', body: 'x' });
    /** What carol's client was sent for a whole read of `id`, by message id. */
    const nodesOf = async (id: string) => {
      const nodes = new Map<string, unknown>();
      const recorder = proxy.onGraphql('ConversationMessages', (data) => {
        for (const e of data.conversation.messages.edges as Edge[]) nodes.set(e.node.messageId, e.node);
        return data;
      });
      await carol.messaging.read(id);
      recorder.remove();
      return nodes;
    };
    const served = [(await nodesOf(conversationId)).get(ids.c1!), (await nodesOf(elsewhere.conversationId)).get(elsewhere.messageId)];
    for (const node of served) {
      expect(node).toBeDefined();
      rule = proxy.onGraphql('ConversationMessages', (data) => {
        data.conversation.messages.edges = [{ cursor: 'x', node }];
        return data;
      });
      const view = await carol.messaging.read(conversationId, { last: 3 });
      expect(rule.count).toBe(1);
      expect(view.subject).toBe('');
      expect(view.messages.every((m) => m.rejected === null)).toBe(true);
      rule.remove();
      rule = undefined;
    }
    expect((await carol.messaging.read(conversationId, { last: 3 })).subject).toBe('Plans');
  });

  it('carol’s reply goes back to her own c1 (111 messages back) for her next sequence; alice verifies it', async () => {
    const reply = await carol.messaging.reply(conversationId, { body: 'c2' });
    expect(reply.rejected).toBeNull();
    const view = await alice.messaging.read(conversationId, { last: 2 });
    expect(view.messages.map((m) => [m.body, m.rejected])).toEqual([
      ['a56', null],
      ['c2', null],
    ]);
    const whole = await alice.messaging.read(conversationId);
    expect(whole.withheld).toEqual([]);
    expect(whole.anomalies).toEqual([]);
    expect(whole.messages.at(-1)).toMatchObject({ body: 'c2', rejected: null });
  });

  it('markRead acknowledges only what the window shows, once', async () => {
    const view = await bob.messaging.read(conversationId, { last: 3 });
    expect(await bob.messaging.markRead(view)).toBe(2);
    expect(await bob.messaging.markRead(view)).toBe(0);
    expect(await bob.messaging.markRead(await bob.messaging.read(conversationId, { last: 3 }))).toBe(0);
  });
});
