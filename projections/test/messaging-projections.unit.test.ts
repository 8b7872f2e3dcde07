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
