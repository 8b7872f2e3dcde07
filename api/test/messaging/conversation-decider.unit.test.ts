import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import {
  conversationDecider,
  type ActionTarget,
  type ContactFacts,
  type ConversationCommand,
  type ConversationDomainEvent,
  type ConversationState,
  type ExpiringMessage,
} from '../../src/conversations/conversation-decider.js';
import { deciderSpecification } from '../../src/testing/decider-specification.js';

const spec = deciderSpecification(conversationDecider);
const CID = 'A'.repeat(43);
const mid = (n: number) => `${String(n).padStart(22, 'm')}==`;
const SHA = `${'s'.repeat(43)}=`;
const everyoneContacts = { contacts: ['bob', 'carol'], blockedBy: [] };
const NOW = Date.parse('2026-06-01T12:00:00.000Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const post = (actor: string, n: number, participants = ['alice', 'bob', 'carol'], facts: ContactFacts = everyoneContacts): ConversationCommand => ({
  type: 'PostMessage',
  actor,
  conversationId: CID,
  messageId: mid(n),
  participants,
  ciphertextBytes: 100,
  ciphertextSha256: SHA,
  facts,
  posted: null,
  now: NOW,
  expiresInSeconds: 0,
  action: null,
});
const started: ConversationDomainEvent = { type: 'ConversationStarted', data: { conversationId: CID, creator: 'alice', participants: ['alice', 'bob', 'carol'] } };
const posted = (sender: string, n: number, index: number): ConversationDomainEvent => ({
  type: 'MessagePosted',
  data: { conversationId: CID, messageId: mid(n), index, sender, participants: ['alice', 'bob', 'carol'], ciphertextBytes: 100, ciphertextSha256: SHA },
});
const removed = (username: string, throughIndex: number): ConversationDomainEvent => ({ type: 'ConversationRemoved', data: { conversationId: CID, username, throughIndex } });

describe('conversation decider', () => {
  it('the first message starts the conversation with its participants', () => {
    spec.given([]).when(post('alice', 1)).then([started, posted('alice', 1, 0)]);
  });
  it('the first message goes only to contacts of the sender, and includes the sender', () => {
    spec.given([]).when(post('alice', 1, ['alice', 'bob', 'carol'], { contacts: ['bob'], blockedBy: [] })).thenRefuses('FORBIDDEN');
    spec.given([]).when(post('dave', 1)).thenRefuses('FORBIDDEN');
  });
  it('refuses participant lists that are empty, too long or not canonical, and oversized ciphertext', () => {
    spec.given([]).when(post('alice', 1, [])).thenRefuses('BAD_INPUT', { field: 'participants' });
    const many = Array.from({ length: 51 }, (_, i) => `u${String(i).padStart(2, '0')}`);
    spec.given([]).when(post('u00', 1, many, { contacts: many, blockedBy: [] })).thenRefuses('BAD_INPUT', { field: 'participants' });
    spec.given([]).when(post('alice', 1, ['bob', 'alice'])).thenRefuses('BAD_INPUT', { field: 'participants' });
    spec.given([]).when({ ...(post('alice', 1) as Extract<ConversationCommand, { type: 'PostMessage' }>), ciphertextBytes: 1024 * 1024 + 1 }).thenRefuses('BAD_INPUT', { field: 'ciphertext' });
  });
  it('a one-person conversation (notes to self) needs no contacts', () => {
    spec.given([]).when(post('alice', 1, ['alice'], { contacts: [], blockedBy: [] })).thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['ConversationStarted', 'MessagePosted']));
  });
  it('replies: participants fixed, numbered in order, group members need not be contacts of each other', () => {
    spec.given([started, posted('alice', 1, 0)]).when(post('bob', 2, undefined, { contacts: ['alice'], blockedBy: [] })).then([posted('bob', 2, 1)]);
    spec.given([started, posted('alice', 1, 0)]).when(post('bob', 2, ['alice', 'bob'])).thenRefuses('BAD_INPUT', { field: 'participants' });
    spec.given([started, posted('alice', 1, 0)]).when(post('dave', 2, ['alice', 'bob', 'carol', 'dave'])).thenRefuses('FORBIDDEN');
    spec.given([started, posted('alice', 1, 0)]).when(post('bob', 2, undefined, { contacts: [], blockedBy: ['carol'] })).thenRefuses('FORBIDDEN');
  });
  it('a message id is taken once; the same sender repeating it is a no-op (a retry)', () => {
    // The shell found the id already posted here (the read models, as of the state's revision).
    const again = (actor: string) => ({ ...(post(actor, 1) as Extract<ConversationCommand, { type: 'PostMessage' }>), posted: { index: 0, sender: 'alice' } });
    spec.given([started, posted('alice', 1, 0)]).when(again('alice')).thenNothingHappened();
    spec.given([started, posted('alice', 1, 0)]).when(again('bob')).thenRefuses('CONFLICT');
  });
  it('two-person replies need the two to still be contacts', () => {
    const pair = ['alice', 'bob'];
    const s: ConversationDomainEvent = { type: 'ConversationStarted', data: { conversationId: CID, creator: 'alice', participants: pair } };
    const p: ConversationDomainEvent = { type: 'MessagePosted', data: { ...((posted('alice', 1, 0) as Extract<ConversationDomainEvent, { type: 'MessagePosted' }>).data), participants: pair } };
    spec.given([s, p]).when(post('bob', 2, pair, { contacts: [], blockedBy: [] })).thenRefuses('FORBIDDEN');
  });
  it('receipts: by participants other than the sender, once per (message, reader)', () => {
    // The message and whether the reader has a receipt for it are facts the shell looked up.
    const receipt = { type: 'PostReceipt', actor: 'bob', messageId: mid(1), receipt: 'AAAA', message: { index: 0, sender: 'alice' }, receiptStored: false } as const;
    const stored: ConversationDomainEvent = { type: 'ReceiptPosted', data: { conversationId: CID, messageId: mid(1), messageIndex: 0, messageSender: 'alice', reader: 'bob', receipt: 'AAAA' } };
    spec.given([started, posted('alice', 1, 0)]).when(receipt).then([stored]);
    spec.given([started, posted('alice', 1, 0), stored]).when({ ...receipt, receiptStored: true }).thenNothingHappened();
    spec.given([started, posted('alice', 1, 0)]).when({ ...receipt, actor: 'alice' }).thenRefuses('BAD_INPUT');
    spec.given([started, posted('alice', 1, 0)]).when({ ...receipt, actor: 'dave' }).thenRefuses('FORBIDDEN');
    spec.given([started, posted('alice', 1, 0)]).when({ ...receipt, messageId: mid(9), message: null }).thenRefuses('NOT_FOUND');
    // A message the state has not reached yet is not there (a fact from further on in the log).
    spec.given([started, posted('alice', 1, 0)]).when({ ...receipt, message: { index: 1, sender: 'alice' } }).thenRefuses('NOT_FOUND');
    spec.given([]).when(receipt).thenRefuses('NOT_FOUND');
  });
  it('removal is per user; the last participant to remove it purges it, after which it is gone', () => {
    const history = [started, posted('alice', 1, 0), posted('bob', 2, 1)];
    spec.given(history).when({ type: 'RemoveConversation', actor: 'alice' }).then([removed('alice', 2)]);
    spec.given([...history, removed('alice', 2)]).when({ type: 'RemoveConversation', actor: 'alice' }).thenNothingHappened();
    spec
      .given([...history, removed('alice', 2), removed('bob', 2)])
      .when({ type: 'RemoveConversation', actor: 'carol' })
      .then([removed('carol', 2), { type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob', 'carol'], messageCount: 2 } }]);
    // A removal before a newer message does not count towards the purge.
    spec
      .given([started, posted('alice', 1, 0), removed('alice', 1), posted('bob', 2, 1), removed('bob', 2)])
      .when({ type: 'RemoveConversation', actor: 'carol' })
      .then([removed('carol', 2)]);
    const purged: ConversationDomainEvent = { type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob', 'carol'], messageCount: 2 } };
    spec.given([...history, purged]).when(post('alice', 3)).thenRefuses('NOT_FOUND');
    spec.given([...history, purged]).when({ type: 'RemoveConversation', actor: 'alice' }).thenRefuses('NOT_FOUND');
    spec.given(history).when({ type: 'RemoveConversation', actor: 'dave' }).thenRefuses('FORBIDDEN');
  });

  it('folds each event in constant work: the state after 10,000 messages and receipts is the size it was after 10 (issue 15)', () => {
    // Each evolve copies the state's fields: a state that does not grow with history makes every fold O(1).
    const sizeAfter = (messages: number): number => {
      let state: ConversationState = conversationDecider.evolve(conversationDecider.initialState(), started);
      for (let i = 0; i < messages; i++) {
        state = conversationDecider.evolve(state, posted(i % 2 === 0 ? 'alice' : 'bob', i, i));
        state = conversationDecider.evolve(state, { type: 'ReceiptPosted', data: { conversationId: CID, messageId: mid(i), messageIndex: i, messageSender: 'alice', reader: 'carol', receipt: 'AAAA' } });
      }
      // Structured serialisation sees everything a state holds (maps and sets too); only the counter's value may differ.
      return serialize({ ...state, messageCount: 0 }).length;
    };
    expect(sizeAfter(10_000)).toBe(sizeAfter(10));
    expect(sizeAfter(10)).toBeLessThan(200);
  });

  describe('timers, deletes and edits (issue 20)', () => {
    type Post = Extract<ConversationCommand, { type: 'PostMessage' }>;
    const history = [started, posted('alice', 1, 0), posted('bob', 2, 1)];
    /** What the shell would find about alice's message 1 (index 0), received an hour before now. */
    const target = (fields: Partial<ActionTarget> = {}): ActionTarget => ({ index: 0, sender: 'alice', receivedAt: NOW - HOUR, isAction: false, gone: false, expiresAt: null, ...fields });
    const act = (kind: 'delete' | 'edit', found: ActionTarget | null = target(), fields: Partial<Post> = {}): Post => ({
      ...(post('alice', 3) as Post),
      action: { kind, targetMessageId: mid(1), target: found },
      ...fields,
    });
    const postedWith = (n: number, index: number, extra: Record<string, unknown>): ConversationDomainEvent => {
      const base = posted('alice', n, index) as Extract<ConversationDomainEvent, { type: 'MessagePosted' }>;
      return { type: 'MessagePosted', data: { ...base.data, ...extra } };
    };
    const deletedBy = (by: number): ConversationDomainEvent => ({ type: 'MessageDeleted', data: { conversationId: CID, messageId: mid(1), index: 0, deletedBy: mid(by) } });

    it('a timer makes the message expire at its server time plus the timer; only the SDK’s timers are taken', () => {
      spec.given(history).when({ ...(post('alice', 3) as Post), expiresInSeconds: 300 }).then([postedWith(3, 2, { expiresAt: '2026-06-01T12:05:00.000Z' })]);
      spec.given(history).when({ ...(post('alice', 3) as Post), expiresInSeconds: 2_419_200 }).then([postedWith(3, 2, { expiresAt: '2026-06-29T12:00:00.000Z' })]);
      for (const bad of [-1, 1, 299, 301, 1.5, 2_419_201, Number.NaN]) spec.given(history).when({ ...(post('alice', 3) as Post), expiresInSeconds: bad }).thenRefuses('BAD_INPUT', { field: 'expiresInSeconds' });
      // The first message may have a timer too.
      spec.given([]).when({ ...(post('alice', 1) as Post), expiresInSeconds: 3600 }).then([started, postedWith(1, 0, { expiresAt: '2026-06-01T13:00:00.000Z' })]);
    });

    it('a delete of one’s own message within 3 hours is posted with the target’s MessageDeleted, in one append, the message last', () => {
      spec.given(history).when(act('delete')).then([deletedBy(3), postedWith(3, 2, { action: { kind: 'delete', targetMessageId: mid(1), targetIndex: 0 } })]);
      // Exactly 3 hours is still inside.
      spec.given(history).when(act('delete', target({ receivedAt: NOW - 3 * HOUR }))).thenEvents((events) => expect(events.map((e) => e.type)).toEqual(['MessageDeleted', 'MessagePosted']));
    });

    it('an edit of one’s own message within 24 hours is posted with what it edits, and may have a timer', () => {
      spec.given(history).when(act('edit', target({ receivedAt: NOW - 24 * HOUR }))).then([postedWith(3, 2, { action: { kind: 'edit', targetMessageId: mid(1), targetIndex: 0 } })]);
      spec
        .given(history)
        .when(act('edit', target(), { expiresInSeconds: 300 }))
        .then([postedWith(3, 2, { expiresAt: '2026-06-01T12:05:00.000Z', action: { kind: 'edit', targetMessageId: mid(1), targetIndex: 0 } })]);
    });

    it('refuses, in this order: a malformed target id, a target not posted here, someone else’s, an action, one gone, a closed window', () => {
      spec.given(history).when({ ...act('delete'), action: { kind: 'delete', targetMessageId: 'not-an-id', target: null } }).thenRefuses('BAD_INPUT', { field: 'action' });
      spec.given(history).when(act('delete', null)).thenRefuses('NOT_FOUND');
      // A fact from further on in the log than the state has not happened yet.
      spec.given(history).when(act('delete', target({ index: 2 }))).thenRefuses('NOT_FOUND');
      spec.given(history).when(act('delete', target({ sender: 'bob', isAction: true, gone: true, receivedAt: NOW - 48 * HOUR }))).thenRefuses('FORBIDDEN');
      spec.given(history).when(act('edit', target({ isAction: true, gone: true, receivedAt: NOW - 48 * HOUR }))).thenRefuses('BAD_INPUT', { field: 'action' });
      spec.given(history).when(act('edit', target({ gone: true, receivedAt: NOW - 48 * HOUR }))).thenRefuses('NOT_FOUND');
      // Expired by its time, swept or not.
      spec.given(history).when(act('edit', target({ expiresAt: NOW, receivedAt: NOW - 48 * HOUR }))).thenRefuses('NOT_FOUND');
      spec.given(history).when(act('delete', target({ receivedAt: NOW - 3 * HOUR - 1 }))).thenRefuses('WINDOW_CLOSED');
      spec.given(history).when(act('edit', target({ receivedAt: NOW - 24 * HOUR - 1 }))).thenRefuses('WINDOW_CLOSED');
      spec.given(history).when(act('edit', target({ expiresAt: NOW + 1 }))).thenEvents((events) => expect(events).toHaveLength(1));
      // Nothing is posted yet in a conversation the action would start.
      spec.given([]).when({ ...act('delete', null), messageId: mid(1) }).thenRefuses('NOT_FOUND');
    });

    it('a delete holds no content, so it has no timer', () => {
      spec.given(history).when(act('delete', target(), { expiresInSeconds: 300 })).thenRefuses('BAD_INPUT', { field: 'expiresInSeconds' });
    });

    it('a retry of a stored delete or edit is answered as posted, even with its target gone since or its window closed', () => {
      const stored = [...history, deletedBy(3), postedWith(3, 2, { action: { kind: 'delete', targetMessageId: mid(1), targetIndex: 0 } })];
      spec.given(stored).when(act('delete', target({ gone: true, receivedAt: NOW - 30 * HOUR }), { posted: { index: 2, sender: 'alice' } })).thenNothingHappened();
      spec.given(stored).when(act('delete', target({ gone: true }), { actor: 'bob', posted: { index: 2, sender: 'alice' } })).thenRefuses('CONFLICT');
    });

    it('the expiry sweep records the due messages not gone yet as expired, in events of at most 500; anything else is a no-op', () => {
      const many = Array.from({ length: 600 }, (_, i) => posted('alice', i, i));
      const expiring = (index: number, fields: Partial<ExpiringMessage> = {}): ExpiringMessage => ({ messageId: mid(index), index, expiresAt: NOW - 1, gone: false, ...fields });
      const sweep = (messages: ExpiringMessage[]): ConversationCommand => ({ type: 'ExpireMessages', now: NOW, messages });
      spec
        .given([started, ...many])
        .when(sweep([expiring(3), expiring(1), expiring(1), expiring(2, { gone: true }), expiring(4, { expiresAt: NOW + 1 }), expiring(5, { expiresAt: null }), expiring(600), expiring(6, { expiresAt: NOW })]))
        .then([{ type: 'MessagesExpired', data: { conversationId: CID, messages: [1, 3, 6].map((i) => ({ messageId: mid(i), index: i })) } }]);
      spec
        .given([started, ...many])
        .when(sweep(Array.from({ length: 600 }, (_, i) => expiring(i))))
        .thenEvents((events) => expect(events.map((e) => (e.type === 'MessagesExpired' ? e.data.messages.length : 0))).toEqual([500, 100]));
      // Idempotent: what another node recorded first is gone by the time this one decides.
      spec.given([started, ...many]).when(sweep([expiring(2, { gone: true })])).thenNothingHappened();
      spec.given([]).when(sweep([expiring(0)])).thenNothingHappened();
      const purged: ConversationDomainEvent = { type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob', 'carol'], messageCount: 600 } };
      spec.given([started, ...many, purged]).when(sweep([expiring(0)])).thenNothingHappened();
    });

    it('counts the messages gone, which is all the state keeps of them', () => {
      const state = [...history, deletedBy(3), { type: 'MessagesExpired', data: { conversationId: CID, messages: [{ messageId: mid(2), index: 1 }] } } as ConversationDomainEvent].reduce(
        conversationDecider.evolve,
        conversationDecider.initialState(),
      );
      expect(state).toMatchObject({ status: 'open', messageCount: 2, goneCount: 2 });
    });
  });
});
