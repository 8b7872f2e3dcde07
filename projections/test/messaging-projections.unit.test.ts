import { describe, it } from 'vitest';
import { contactsProjection, conversationInboxProjection, conversationMessagesProjection, messageDocumentId } from '../src/index.js';
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
  it('orders by the newest message, counts unread from others, and a receipt reads up to its message', () => {
    projectionSpec(conversationInboxProjection)
      .given([posted('alice', 1, 0), posted('alice', 2, 1)])
      .when([receipt('bob', 1, 0)])
      .then({
        alice: { username: 'alice', conversations: { [CID]: { conversationId: CID, participants: ['alice', 'bob'], lastMessageAt: at(1), lastPosition: '2', messageCount: 2, visibleFrom: 0, removed: false, unread: [] } } },
        bob: { username: 'bob', conversations: { [CID]: { conversationId: CID, participants: ['alice', 'bob'], lastMessageAt: at(1), lastPosition: '2', messageCount: 2, visibleFrom: 0, removed: false, unread: [1] } } },
      });
  });
  it('a removal hides the conversation until a newer message, which shows from there on; a purge deletes it', () => {
    projectionSpec(conversationInboxProjection)
      .given([posted('alice', 1, 0), { type: 'ConversationRemoved', data: { conversationId: CID, username: 'bob', throughIndex: 1 } }, posted('alice', 2, 1)])
      .when([{ type: 'ConversationPurged', data: { conversationId: CID, participants: ['alice', 'bob'], messageCount: 2 } }])
      .then({ alice: { username: 'alice', conversations: {} }, bob: { username: 'bob', conversations: {} } });
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
