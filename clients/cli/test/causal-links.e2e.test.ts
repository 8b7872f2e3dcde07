/**
 * Causal links on the wire (DESIGN.md T14): three SDK clients against the
 * real server process; carol's client talks to it through the hostile proxy,
 * which plays the server that drops or reorders one participant's message
 * in another's view. Keys are random key pairs (no scrypt).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { keyPairFromSecretKey, randomBytes, type ConversationView, type PeerlockClient, type ReadMessage } from '@peerlock/sdk';
import { startHostileProxy, type HostileProxy, type Rewrite } from '@peerlock/api/testing';
import { startServer, type ServerProcess } from './support/server-process.js';
import { threeContacts } from './support/three-contacts.js';

interface Edge {
  node: { messageId: string; sender: string };
}

/** The fields of a message that say what carol was shown, in view order. */
const shown = (view: ConversationView) => view.messages.map((m: ReadMessage) => ({ sender: m.sender, body: m.body, rejected: m.rejected, late: m.late, reordered: m.reordered }));

describe('T14: causal links against a server that drops or reorders (SQLite, hostile proxy)', () => {
  let server: ServerProcess;
  let proxy: HostileProxy;
  let alice: PeerlockClient;
  let bob: PeerlockClient;
  let carol: PeerlockClient;
  let conversationId = '';
  const ids: Record<string, string> = {};
  let rule: Rewrite | undefined;

  beforeAll(async () => {
    server = await startServer('sqlite');
    proxy = await startHostileProxy({ target: server.url });
    ({ alice, bob, carol } = await threeContacts(server.url, proxy.graphqlUrl));

    // alice starts, bob replies, alice writes again (having read bob's reply).
    const first = await alice.messaging.send(['bob', 'carol'], { subject: 'Plans', body: 'dinner on friday?' });
    conversationId = first.conversationId;
    ids.a1 = first.messageId;
    ids.b1 = (await bob.messaging.reply(conversationId, { body: 'yes, at eight' })).messageId;
    ids.a2 = (await alice.messaging.reply(conversationId, { body: 'booked for eight' })).messageId;
  });
  afterEach(() => {
    rule?.remove();
    rule = undefined;
  });
  afterAll(async () => {
    await proxy?.close();
    await server?.stop();
  });

  it('the honest server: carol sees the three messages in order, nothing withheld', async () => {
    const view = await carol.messaging.read(conversationId);
    expect(shown(view)).toEqual([
      { sender: 'alice', body: 'dinner on friday?', rejected: null, late: false, reordered: false },
      { sender: 'bob', body: 'yes, at eight', rejected: null, late: false, reordered: false },
      { sender: 'alice', body: 'booked for eight', rejected: null, late: false, reordered: false },
    ]);
    expect(view.withheld).toEqual([]);
    expect(view.anomalies).toEqual([]);
  });

  it('the server removes bob’s only message from carol’s ConversationMessages → bob #1 withheld', async () => {
    rule = proxy.onGraphql('ConversationMessages', (data) => {
      const messages = data.conversation.messages;
      messages.edges = messages.edges.filter((e: Edge) => e.node.sender !== 'bob');
      return data;
    });
    const view = await carol.messaging.read(conversationId);
    expect(rule.count).toBeGreaterThan(0);
    // alice's own chain has no gap, so without the links this view would look complete.
    expect(shown(view)).toEqual([
      { sender: 'alice', body: 'dinner on friday?', rejected: null, late: false, reordered: false },
      { sender: 'alice', body: 'booked for eight', rejected: null, late: false, reordered: false },
    ]);
    expect(view.withheld).toEqual([{ sender: 'bob', sequences: [1], count: 1 }]);
    expect(view.anomalies).toEqual([]);
    expect(view.messages.every((m) => m.withheld === undefined)).toBe(true);
  });

  it('the server puts bob’s reply before alice’s message it replied to → shown in causal order, reordered', async () => {
    rule = proxy.onGraphql('ConversationMessages', (data) => {
      const messages = data.conversation.messages;
      const reply = messages.edges.find((e: Edge) => e.node.messageId === ids.b1);
      messages.edges = [reply, ...messages.edges.filter((e: Edge) => e !== reply && e.node.messageId !== ids.b1)];
      return data;
    });
    const view = await carol.messaging.read(conversationId);
    expect(rule.count).toBeGreaterThan(0);
    expect(view.messages.map((m) => m.messageId)).toEqual([ids.a1, ids.b1, ids.a2]);
    expect(shown(view)).toEqual([
      { sender: 'alice', body: 'dinner on friday?', rejected: null, late: true, reordered: false },
      { sender: 'bob', body: 'yes, at eight', rejected: null, late: false, reordered: true },
      { sender: 'alice', body: 'booked for eight', rejected: null, late: false, reordered: false },
    ]);
    expect(view.subject).toBe('Plans');
    expect(view.withheld).toEqual([]);
    expect(view.anomalies).toEqual([]);
  });

  it('after carol’s own key change, the earlier messages show SealedToFormerKey, not Undecryptable; a tampered later one stays Undecryptable', async () => {
    const c1 = await carol.messaging.reply(conversationId, { body: 'count me in' });
    expect(c1.rejected).toBeNull();
    await carol.rotateKeys({ identity: keyPairFromSecretKey(randomBytes(32)) });

    const view = await carol.messaging.read(conversationId);
    expect(view.messages.map((m) => [m.sender, m.rejected])).toEqual([
      ['alice', 'SealedToFormerKey'],
      ['bob', 'SealedToFormerKey'],
      ['alice', 'SealedToFormerKey'],
      ['carol', 'SealedToFormerKey'],
    ]);
    expect(view.messages.some((m) => m.body !== undefined)).toBe(false);

    // A message sealed to carol's new key after the change reads; the same tampered with is an attack, labelled as one.
    await alice.observe('carol');
    await alice.acceptKey('carol');
    const fresh = await alice.messaging.send(['carol'], { subject: 'new key', body: 'welcome back' });
    expect(shown(await carol.messaging.read(fresh.conversationId))).toEqual([{ sender: 'alice', body: 'welcome back', rejected: null, late: false, reordered: false }]);
    rule = proxy.onGraphql('ConversationMessages', (data) => {
      for (const e of data.conversation.messages.edges as { node: { ciphertext: string } }[]) {
        const bytes = Buffer.from(e.node.ciphertext, 'base64');
        bytes[bytes.length - 1]! ^= 1;
        e.node.ciphertext = bytes.toString('base64');
      }
      return data;
    });
    const tampered = await carol.messaging.read(fresh.conversationId);
    expect(rule.count).toBeGreaterThan(0);
    expect(tampered.messages.map((m) => m.rejected)).toEqual(['Undecryptable']);
  });
});
