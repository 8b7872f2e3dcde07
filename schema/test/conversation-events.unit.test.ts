import { describe, expect, it } from 'vitest';
import { InvalidEventDataError, MAX_EXPIRED_PER_EVENT, MessageDeleted, MessagePosted, MessagesExpired, conversationEvents } from '../src/index.js';

const CID = 'C'.repeat(43);
const mid = (n: number) => `${String(n).padStart(22, 'm')}==`;
const posted = { conversationId: CID, messageId: mid(1), index: 0, sender: 'alice', participants: ['alice', 'bob'], ciphertextBytes: 10, ciphertextSha256: `${'s'.repeat(43)}=` };

describe('conversation event catalogue (issue 20)', () => {
  it('a MessagePosted stored before expiries and actions still decodes, unchanged', () => {
    expect(MessagePosted.decode(posted, 1)).toEqual(posted);
  });

  it('a MessagePosted may carry its expiry and what it does to an earlier message', () => {
    const timed = { ...posted, expiresAt: '2026-06-01T12:05:00.000Z' };
    expect(MessagePosted.create(timed).data).toEqual(timed);
    const deleting = { ...posted, index: 3, action: { kind: 'delete' as const, targetMessageId: mid(2), targetIndex: 1 } };
    expect(MessagePosted.create(deleting).data).toEqual(deleting);
    expect(() => MessagePosted.create({ ...posted, expiresAt: 'tomorrow' })).toThrow(InvalidEventDataError);
    expect(() => MessagePosted.create({ ...posted, action: { kind: 'timer', targetMessageId: mid(2), targetIndex: 1 } } as never)).toThrow(InvalidEventDataError);
    expect(() => MessagePosted.create({ ...posted, action: { kind: 'edit', targetMessageId: 'not an id', targetIndex: 1 } })).toThrow(InvalidEventDataError);
  });

  it('a deletion and an expiry hold ids and indexes only', () => {
    expect(MessageDeleted.create({ conversationId: CID, messageId: mid(2), index: 1, deletedBy: mid(3) }).type).toBe('MessageDeleted');
    expect(() => MessageDeleted.create({ conversationId: CID, messageId: mid(2), index: 1, deletedBy: mid(3), body: 'x' } as never)).toThrow(InvalidEventDataError);
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ messageId: mid(i), index: i }));
    expect(MessagesExpired.create({ conversationId: CID, messages: many(MAX_EXPIRED_PER_EVENT) }).data.messages).toHaveLength(500);
    expect(() => MessagesExpired.create({ conversationId: CID, messages: many(MAX_EXPIRED_PER_EVENT + 1) })).toThrow(InvalidEventDataError);
    expect(() => MessagesExpired.create({ conversationId: CID, messages: [] })).toThrow(InvalidEventDataError);
    expect([...conversationEvents.types]).toEqual(['ConversationStarted', 'MessagePosted', 'ReceiptPosted', 'ConversationRemoved', 'ConversationPurged', 'MessageDeleted', 'MessagesExpired']);
  });
});
