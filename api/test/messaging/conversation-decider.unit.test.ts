import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { conversationDecider, type ContactFacts, type ConversationCommand, type ConversationDomainEvent, type ConversationState } from '../../src/conversations/conversation-decider.js';
import { deciderSpecification } from '../../src/testing/decider-specification.js';

const spec = deciderSpecification(conversationDecider);
const CID = 'A'.repeat(43);
const mid = (n: number) => `${String(n).padStart(22, 'm')}==`;
const SHA = `${'s'.repeat(43)}=`;
const everyoneContacts = { contacts: ['bob', 'carol'], blockedBy: [] };

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
});
