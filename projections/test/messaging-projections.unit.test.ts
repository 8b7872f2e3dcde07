import { describe, expect, it } from 'vitest';
import { contactsProjection, conversationInboxProjection, conversationMessagesProjection, inboxRowId, messageDocumentId, unreadCount } from '../src/index.js';
import { projectionSpec, SPEC_EPOCH } from '../src/testing/index.js';

const CID = 'C'.repeat(43);
const mid = (n: number) => `${String(n).padStart(22, 'm')}==`;
const SHA = `${'s'.repeat(43)}=`;
const at = (i: number) => new Date(SPEC_EPOCH + i * 1000).toISOString();
const posted = (sender: string, n: number, index: number) =>
  ({ type: 'MessagePosted' as const, data: { conversationId: CID, messageId: mid(n), index, sender, participants: ['alice', 'bob'], ciphertextBytes: 10, ciphertextSha256: SHA } });
const receipt = (reader: string, n: number, index: number, sender = 'alice') =>
  ({ type: 'ReceiptPosted' as const, data: { conversationId: CID, messageId: mid(n), messageIndex: index, messageSender: sender, reader, receipt: 'AAAA' } });

describe('contacts projection', () => {
  it('keeps both sides of requests, contacts and blocks', () => {
    projectionSpec(contactsProjection)
      .given([{ type: 'ContactRequested', data: { requester: 'alice', recipient: 'bob' } }])
      .then({
        alice: { username: 'alice', contacts: [], incoming: [], outgoing: ['bob'], blocked: [] },
        bob: { username: 'bob', contacts: [], incoming: ['alice'], outgoing: [], blocked: [] },
      });
    projectionSpec(contactsProjection)
      .given([
        { type: 'ContactRequested', data: { requester: 'alice', recipient: 'bob' } },
        { type: 'ContactRequestAccepted', data: { requester: 'alice', recipient: 'bob' } },
      ])
      .when([{ type: 'ContactBlocked', data: { by: 'bob', other: 'alice' } }])
      .then({
        alice: { username: 'alice', contacts: [], incoming: [], outgoing: [], blocked: [] },
        bob: { username: 'bob', contacts: [], incoming: [], outgoing: [], blocked: ['alice'] },
      });
  });
});

describe('conversation inbox projection', () => {
  const row = (lastReadIndex: number, fields: Record<string, unknown> = {}) => ({ conversationId: CID, participants: ['alice', 'bob'], lastMessageAt: at(1), lastPosition: '2', messageCount: 2, visibleFrom: 0, removed: false, lastReadIndex, ...fields });
  it('one row per user and conversation: orders by the newest message, reads up to a receipt’s message or one’s own reply', () => {
    projectionSpec(conversationInboxProjection)
      .given([posted('alice', 1, 0), posted('alice', 2, 1)])
      .when([receipt('bob', 1, 0)])
      .then({ [inboxRowId('alice', CID)]: row(1), [inboxRowId('bob', CID)]: row(0) });
    // An older receipt reads nothing more; a reply reads everything before it.
    projectionSpec(conversationInboxProjection)
      .given([posted('alice', 1, 0), posted('alice', 2, 1), receipt('bob', 2, 1)])
      .when([receipt('bob', 1, 0), posted('bob', 3, 2)])
      .then({ [inboxRowId('alice', CID)]: row(1, { messageCount: 3, lastPosition: '5', lastMessageAt: at(4) }), [inboxRowId('bob', CID)]: row(2, { messageCount: 3, lastPosition: '5', lastMessageAt: at(4) }) });
  });
  it('unread is the messages after the last read one, all from others', () => {
    expect(unreadCount(row(-1))).toBe(2);
    expect(unreadCount(row(0))).toBe(1);
    expect(unreadCount(row(1))).toBe(0);
  });
  it('a removal hides the conversation until a newer message, which shows from there on; a purge deletes it', () => {
    projectionSpec(conversationInboxProjection)
      .given([posted('alice', 1, 0), { type: 'ConversationRemoved', data: { conversationId: CID, username: 'bob', throughIndex: 1 } }])
      .when([posted('alice', 2, 1)])
      .then({ [inboxRowId('alice', CID)]: row(1, { lastPosition: '3', lastMessageAt: at(2) }), [inboxRowId('bob', CID)]: row(0, { lastPosition: '3', lastMessageAt: at(2), visibleFrom: 1 }) });
    projectionSpec(conversationInboxProjection)
      .given([posted('alice', 1, 0), { type: 'ConversationRemoved', data: { conversationId: CID, username: 'bob', throughIndex: 1 } }, posted('alice', 2, 1)])
      .when([{ type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob'], messageCount: 2 } }])
      .then({});
  });
});

describe('conversation messages projection', () => {
  it('one document per message in index order, one receipt per reader, all gone on purge', () => {
    const doc = (n: number, index: number, position: number, receipts = {}) => ({
      conversationId: CID,
      messageId: mid(n),
      index,
      sender: 'alice',
      participants: ['alice', 'bob'],
      receivedAt: at(position - 1),
      position: String(position),
      ciphertextBytes: 10,
      receipts,
    });
    projectionSpec(conversationMessagesProjection)
      .given([posted('alice', 1, 0), posted('alice', 2, 1), receipt('bob', 1, 0)])
      .when([{ ...receipt('bob', 1, 0), data: { ...receipt('bob', 1, 0).data, receipt: 'BBBB' } }])
      .then({
        [messageDocumentId(CID, 0)]: doc(1, 0, 1, { bob: { receipt: 'AAAA', postedAt: at(2), position: '3' } }),
        [messageDocumentId(CID, 1)]: doc(2, 1, 2),
      });
    projectionSpec(conversationMessagesProjection)
      .given([posted('alice', 1, 0), posted('alice', 2, 1)])
      .when([{ type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob'], messageCount: 2 } }])
      .then({});
  });
});

describe('conversation messages projection: expiry and deletion (issue 20)', () => {
  const base = (n: number, index: number, position: number) => ({
    conversationId: CID,
    messageId: mid(n),
    index,
    sender: 'alice',
    participants: ['alice', 'bob'],
    receivedAt: at(position - 1),
    position: String(position),
    ciphertextBytes: 10,
    receipts: {},
  });
  const timed = (n: number, index: number, expiresAt: string) => ({ ...posted('alice', n, index), data: { ...posted('alice', n, index).data, expiresAt } });
  const deleting = (n: number, index: number, target: number, targetIndex: number, kind: 'delete' | 'edit' = 'delete') => ({
    ...posted('alice', n, index),
    data: { ...posted('alice', n, index).data, action: { kind, targetMessageId: mid(target), targetIndex } },
  });
  const deleted = (target: number, index: number, by: number) => ({ type: 'MessageDeleted' as const, data: { conversationId: CID, messageId: mid(target), index, deletedBy: mid(by) } });
  const expired = (...messages: [number, number][]) => ({ type: 'MessagesExpired' as const, data: { conversationId: CID, messages: messages.map(([n, index]) => ({ messageId: mid(n), index })) } });
  const expiresAt = '2026-01-01T00:05:00.000Z';

  it('records each message’s expiry and action, as the sender declared them', () => {
    projectionSpec(conversationMessagesProjection)
      .given([timed(1, 0, expiresAt)])
      .when([deleting(2, 1, 1, 0, 'edit')])
      .then({
        [messageDocumentId(CID, 0)]: { ...base(1, 0, 1), expiresAt },
        [messageDocumentId(CID, 1)]: { ...base(2, 1, 2), action: { kind: 'edit', targetMessageId: mid(1) } },
      });
  });

  it('a deletion marks its target gone, deleted, at the deletion’s time; the delete message itself stays', () => {
    projectionSpec(conversationMessagesProjection)
      .given([posted('alice', 1, 0)])
      .when([deleting(2, 1, 1, 0), deleted(1, 0, 2)])
      .then({
        [messageDocumentId(CID, 0)]: { ...base(1, 0, 1), gone: 'deleted', goneAt: at(2) },
        [messageDocumentId(CID, 1)]: { ...base(2, 1, 2), action: { kind: 'delete', targetMessageId: mid(1) } },
      });
  });

  it('an expiry marks every message it names gone, expired; a message already gone keeps its first reason and time', () => {
    projectionSpec(conversationMessagesProjection)
      .given([timed(1, 0, expiresAt), timed(2, 1, expiresAt), deleting(3, 2, 1, 0), deleted(1, 0, 3)])
      .when([expired([1, 0], [2, 1])])
      .then({
        [messageDocumentId(CID, 0)]: { ...base(1, 0, 1), expiresAt, gone: 'deleted', goneAt: at(3) },
        [messageDocumentId(CID, 1)]: { ...base(2, 1, 2), expiresAt, gone: 'expired', goneAt: at(4) },
        [messageDocumentId(CID, 2)]: { ...base(3, 2, 3), action: { kind: 'delete', targetMessageId: mid(1) } },
      });
  });

  it('an expiry or deletion of a message it does not hold (purged) changes nothing', () => {
    projectionSpec(conversationMessagesProjection)
      .given([posted('alice', 1, 0), { type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob'], messageCount: 1 } }])
      .when([expired([1, 0]), deleted(1, 0, 2)])
      .then({});
  });
});
