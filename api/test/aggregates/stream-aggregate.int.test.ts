/**
 * Cold loads of long streams (issue 15): a conversation of thousands of
 * messages is folded in pages, giving the event loop back between them, and
 * from its newest snapshot plus the events after it; the snapshot is written
 * as the stream grows. Real SQLite stores; reads are counted, not timed.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationEvents, conversationStreamName } from '@peerlock/schema';
import { SqliteEventStore } from '../../src/eventstore/index.js';
import type { EventStore, ReadStreamOptions } from '../../src/eventstore/event-store.js';
import { SqliteSnapshotStore } from '../../src/storage/sqlite-snapshot-store.js';
import { MAX_QUEUED_PER_STREAM, StreamAggregate } from '../../src/aggregates/stream-aggregate.js';
import { PeerlockError } from '../../src/errors.js';
import { conversationDecider, type ConversationCommand, type ConversationDomainEvent, type ConversationState } from '../../src/conversations/conversation-decider.js';

const CID = 'C'.repeat(43);
const STREAM = conversationStreamName(CID);
const SHA = `${'s'.repeat(43)}=`;
const participants = ['alice', 'bob'];
const context = { actor: 'alice', correlationId: 'test', now: Date.parse('2026-12-01T00:00:00Z') };

/** The store, counting what each readStream call returned. */
function counted(store: EventStore): { store: EventStore; reads: { options: ReadStreamOptions | undefined; events: number }[] } {
  const reads: { options: ReadStreamOptions | undefined; events: number }[] = [];
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'readStream') {
        return async (name: string, options?: ReadStreamOptions) => {
          const events = await target.readStream(name, options);
          reads.push({ options, events: events.length });
          return events;
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store: proxy, reads };
}

async function appendMessages(store: EventStore, from: number, count: number): Promise<void> {
  const events: ConversationDomainEvent[] = [];
  if (from === 0) events.push({ type: 'ConversationStarted', data: { conversationId: CID, creator: 'alice', participants } });
  for (let i = from; i < from + count; i++) {
    events.push({ type: 'MessagePosted', data: { conversationId: CID, messageId: `${String(i).padStart(22, 'm')}==`, index: i, sender: i % 2 ? 'bob' : 'alice', participants, ciphertextBytes: 100, ciphertextSha256: SHA } });
  }
  for (let at = 0; at < events.length; at += 500) {
    const batch = events.slice(at, at + 500).map((e) => {
      const encoded = conversationEvents.encode(e.type, e.data);
      return { id: randomUUID(), type: encoded.type, schemaVersion: encoded.schemaVersion, data: encoded.data as Record<string, unknown>, metadata: { actor: 'alice', correlationId: 'seed', causationId: null, occurredAt: new Date(context.now).toISOString() } };
    });
    await store.append(STREAM, batch, { expectedRevision: 'any' });
  }
}

const post = (n: number): ConversationCommand => ({
  type: 'PostMessage',
  actor: 'alice',
  conversationId: CID,
  messageId: `${String(n).padStart(22, 'n')}==`,
  participants,
  ciphertextBytes: 100,
  ciphertextSha256: SHA,
  facts: { contacts: ['bob'], blockedBy: [] },
  posted: null,
  now: context.now,
  expiresInSeconds: 0,
  action: null,
});

describe('StreamAggregate cold loads of a long conversation', () => {
  let dir: string;
  let events: SqliteEventStore;
  let snapshots: SqliteSnapshotStore;
  const aggregate = (store: EventStore, every = 1000, key = 'conversation@2') =>
    new StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>(store, conversationEvents, conversationDecider, { snapshots: { store: snapshots, key, every } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlock-aggregate-'));
    events = new SqliteEventStore({ path: join(dir, 'peerlock.db') });
    snapshots = new SqliteSnapshotStore(join(dir, 'peerlock.db'));
    await appendMessages(events, 0, 2_600);
  });
  afterAll(async () => {
    await snapshots.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('folds a stream in pages of 500 events, and other work runs between the pages', async () => {
    const { store, reads } = counted(events);
    let turns = 0;
    let loading = true;
    const ticker = (async () => {
      while (loading) {
        turns++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const loaded = await aggregate(store, 1_000_000).load(STREAM);
    loading = false;
    await ticker;
    expect(loaded.state).toMatchObject({ status: 'open', messageCount: 2_600 });
    expect(loaded.revision).toBe(2_600n);
    // 2,601 events: six pages, the last one short.
    expect(reads.map((r) => [r.options?.maxCount, r.events])).toEqual([[500, 500], [500, 500], [500, 500], [500, 500], [500, 500], [500, 101]]);
    expect(turns).toBeGreaterThanOrEqual(5);
  });

  it('writes a snapshot as it goes, and a cold load elsewhere reads only the events after it', async () => {
    await aggregate(events).load(STREAM);
    const snapshot = await snapshots.get(`conversation@2:${STREAM}`);
    expect(snapshot?.revision).toBe(2_600n);
    expect(snapshot?.state).toMatchObject({ messageCount: 2_600 });

    await appendMessages(events, 2_600, 37);
    const { store, reads } = counted(events);
    const loaded = await aggregate(store).load(STREAM);
    expect(loaded.state).toMatchObject({ messageCount: 2_637 });
    expect(reads).toEqual([{ options: { fromRevision: 2_601n, maxCount: 500 }, events: 37 }]);
  });

  it('appends after a load from a snapshot at the right revision, and snapshots again every `every` events', async () => {
    const { store } = counted(events);
    const cold = aggregate(store, 20);
    for (let i = 0; i < 25; i++) await cold.execute(STREAM, () => post(i), context);
    const loaded = await aggregate(events).load(STREAM);
    expect(loaded.state).toMatchObject({ messageCount: 2_662 });
    expect((await snapshots.get(`conversation@2:${STREAM}`))!.revision).toBeGreaterThanOrEqual(2_657n);
  });

  it('ignores a snapshot of another state shape (another key), loading from the first event', async () => {
    const { store, reads } = counted(events);
    const loaded = await aggregate(store, 1_000_000, 'conversation@99').load(STREAM);
    expect(loaded.state).toMatchObject({ messageCount: 2_662 });
    expect(reads.reduce((n, r) => n + r.events, 0)).toBe(2_663);
  });
});

describe('StreamAggregate: one writer per stream per node', () => {
  let dir: string;
  let events: SqliteEventStore;
  const CID2 = 'D'.repeat(43);
  const STREAM2 = conversationStreamName(CID2);
  const postTo = (n: number, node: string): ConversationCommand => ({ ...(post(n) as Extract<ConversationCommand, { type: 'PostMessage' }>), conversationId: CID2, messageId: `${node}${String(n).padStart(21, 'q')}==` });

  /** The store, counting appends refused for a stale revision (optimistic conflicts). */
  function conflictCounting(store: EventStore): { store: EventStore; conflicts: () => number } {
    let conflicts = 0;
    const proxy = new Proxy(store, {
      get(target, property, receiver) {
        if (property === 'append') {
          return async (...args: Parameters<EventStore['append']>) => {
            try {
              return await target.append(...args);
            } catch (error) {
              if ((error as Error).name === 'ConcurrencyError') conflicts++;
              throw error;
            }
          };
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    return { store: proxy, conflicts: () => conflicts };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peerlock-writer-'));
    events = new SqliteEventStore({ path: join(dir, 'peerlock.db') });
    const start = conversationEvents.encode('ConversationStarted', { conversationId: CID2, creator: 'alice', participants });
    await events.append(STREAM2, [{ id: randomUUID(), type: start.type, schemaVersion: start.schemaVersion, data: start.data as Record<string, unknown>, metadata: { actor: 'alice', correlationId: 'seed', causationId: null, occurredAt: new Date(context.now).toISOString() } }], { expectedRevision: 'noStream' });
  });
  afterAll(async () => {
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs 200 concurrent posts to one conversation in turn: every one appended, not one optimistic conflict', async () => {
    const { store, conflicts } = conflictCounting(events);
    const node = new StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>(store, conversationEvents, conversationDecider);
    let builds = 0;
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => node.execute(STREAM2, () => (builds++, postTo(i, 'a')), context)));
    expect(results.every((r) => r.events.length === 1)).toBe(true);
    expect(conflicts()).toBe(0);
    expect(builds).toBe(200);
    expect((await node.load(STREAM2)).state).toMatchObject({ messageCount: 200 });
  });

  it(`refuses beyond ${MAX_QUEUED_PER_STREAM} queued commands with UNAVAILABLE and a Retry-After, and the queued ones all land`, async () => {
    const node = new StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>(events, conversationEvents, conversationDecider);
    const outcomes = await Promise.allSettled(Array.from({ length: MAX_QUEUED_PER_STREAM + 40 }, (_, i) => node.execute(STREAM2, () => postTo(i, 'b'), context)));
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason as PeerlockError);
    expect(refused).toHaveLength(40);
    expect(refused.every((e) => e instanceof PeerlockError && e.code === 'UNAVAILABLE' && e.details.retryAfterSeconds === 1)).toBe(true);
    expect((await node.load(STREAM2)).state).toMatchObject({ messageCount: 200 + MAX_QUEUED_PER_STREAM });
  });

  it('deciding on the cached state, a warm node reads nothing of the stream per command; without it, the tail each time', async () => {
    for (const decideOnCachedState of [true, false]) {
      const { store, reads } = counted(events);
      const node = new StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>(store, conversationEvents, conversationDecider, { decideOnCachedState });
      await node.load(STREAM2);
      const before = reads.length;
      for (let i = 0; i < 5; i++) await node.execute(STREAM2, () => postTo(i, decideOnCachedState ? 'g' : 'h'), context);
      expect(reads.length - before).toBe(decideOnCachedState ? 0 : 5);
    }
  });

  it.each([false, true])('two nodes posting to one conversation at once (deciding on the cached state: %s): conflicts only between the nodes, each retried on the new tail, none refused', async (decideOnCachedState) => {
    const a = conflictCounting(events);
    const b = conflictCounting(events);
    const nodeA = new StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>(a.store, conversationEvents, conversationDecider, { decideOnCachedState });
    const nodeB = new StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>(b.store, conversationEvents, conversationDecider, { decideOnCachedState });
    const before = (await nodeA.load(STREAM2)).state;
    await nodeB.load(STREAM2);
    const tag = decideOnCachedState ? 'e' : 'c';
    const runs = [...Array.from({ length: 60 }, (_, i) => nodeA.execute(STREAM2, () => postTo(i, tag), context)), ...Array.from({ length: 60 }, (_, i) => nodeB.execute(STREAM2, () => postTo(i, String.fromCharCode(tag.charCodeAt(0) + 1)), context))];
    await Promise.all(runs);
    expect((await nodeA.load(STREAM2)).state).toMatchObject({ messageCount: (before as { messageCount: number }).messageCount + 120 });
    expect(a.conflicts() + b.conflicts()).toBeGreaterThan(0);
    // At most one conflict per command that met the other node's append (a node's own commands never collide).
    expect(a.conflicts() + b.conflicts()).toBeLessThanOrEqual(120);
  });
});
