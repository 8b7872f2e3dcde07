import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '@peerlock/schema';
import { notificationsOf, type NotificationFacts } from '../../src/notifications/notification.js';

const CID = 'C'.repeat(43);
const MID = `${'m'.repeat(22)}==`;
let position = 0n;
const recorded = (type: string, data: Record<string, unknown>): RecordedEvent => ({
  id: '00000000-0000-4000-8000-000000000001',
  type,
  schemaVersion: 1,
  data,
  metadata: { actor: null, correlationId: 'c', causationId: null, occurredAt: '2026-06-01T12:00:00.000Z' },
  streamName: 's',
  streamRevision: 0n,
  globalPosition: ++position,
});
const summary = (event: RecordedEvent, facts?: NotificationFacts) => notificationsOf(event, facts).map((a) => [a.to, a.notification.kind, a.notification.from]);

describe('notificationsOf', () => {
  it('a message notifies every participant, its sender too (for their other devices), with ids, the log position and the envelope', () => {
    const event = recorded('MessagePosted', { conversationId: CID, messageId: MID, index: 0, sender: 'alice', participants: ['alice', 'bob', 'carol'], ciphertextBytes: 10, ciphertextSha256: `${'s'.repeat(43)}=` });
    expect(summary(event)).toEqual([
      ['alice', 'MESSAGE_RECEIVED', 'alice'],
      ['bob', 'MESSAGE_RECEIVED', 'alice'],
      ['carol', 'MESSAGE_RECEIVED', 'alice'],
    ]);
    const [first, second] = notificationsOf(event);
    expect(first!.notification).toMatchObject({ kind: 'MESSAGE_RECEIVED', position: event.globalPosition, occurredAt: event.metadata.occurredAt, from: 'alice', conversationId: CID, messageId: MID, origin: null });
    expect(first!.notification.message).toEqual({ conversationId: CID, messageId: MID, index: 0, sender: 'alice', participants: ['alice', 'bob', 'carol'], receivedAt: event.metadata.occurredAt, position: event.globalPosition.toString(), ciphertextBytes: 10, receipts: {} });
    // One envelope for all recipients: its ciphertext is read once.
    expect(second!.notification.message).toBe(first!.notification.message);
  });

  it('names the WebSocket connection an event came from (its correlation id), and no connection for HTTP', () => {
    const viaSocket = { ...recorded('ContactRequested', { requester: 'alice', recipient: 'bob' }) };
    const fromSocket = { ...viaSocket, metadata: { ...viaSocket.metadata, correlationId: 'ws:6f1c0e9e-1111-4222-8333-944455556666:0b8a7c6d-aaaa-4bbb-8ccc-9ddddeeeefff' } };
    expect(notificationsOf(fromSocket)[0]!.notification.origin).toBe('6f1c0e9e-1111-4222-8333-944455556666');
    expect(notificationsOf(viaSocket)[0]!.notification.origin).toBeNull();
  });
  it('a receipt notifies the message’s sender; contact events the other side; a key change every contact', () => {
    expect(summary(recorded('ReceiptPosted', { conversationId: CID, messageId: MID, messageIndex: 0, messageSender: 'alice', reader: 'bob', receipt: 'AAAA' }))).toEqual([['alice', 'RECEIPT_RECEIVED', 'bob']]);
    expect(summary(recorded('ContactRequested', { requester: 'alice', recipient: 'bob' }))).toEqual([['bob', 'CONTACT_REQUEST', 'alice']]);
    expect(summary(recorded('ContactRequestAccepted', { requester: 'alice', recipient: 'bob' }))).toEqual([['alice', 'CONTACT_ACCEPTED', 'bob']]);
    expect(summary(recorded('ContactRemoved', { by: 'bob', other: 'alice' }))).toEqual([['alice', 'CONTACT_REMOVED', 'bob']]);
    const rotated = recorded('KeyRotated', {
      username: 'alice',
      previousMiniLockId: '3YTtcFtiWfbAbcb5bfa9MwFVUcbSuiVF7YTarUzy3HVNi',
      miniLockId: '8fZ6HAva1DpZyY2Hzqcr1RhPg2giMq6wm9egvBr1qjTFV',
      authPublicKey: 'CI8JbrMVXDiBED7vxS7A48hjb0JU+Weje/ohdddaiFc=',
      authorizedBy: 'token',
    });
    expect(summary(rotated, { contacts: ['bob', 'carol'] })).toEqual([
      ['bob', 'CONTACT_KEY_CHANGED', 'alice'],
      ['carol', 'CONTACT_KEY_CHANGED', 'alice'],
    ]);
  });
  it('blocks, declines, removals of conversations and everything else notify nobody', () => {
    expect(summary(recorded('ContactBlocked', { by: 'bob', other: 'alice' }))).toEqual([]);
    expect(summary(recorded('ContactRequestDeclined', { requester: 'alice', recipient: 'bob' }))).toEqual([]);
    expect(summary(recorded('ConversationRemoved', { conversationId: CID, username: 'bob', throughIndex: 1 }))).toEqual([]);
    expect(summary(recorded('ProfileUpdated', {}))).toEqual([]);
  });
  it('an expiry notifies every participant once per message, and a deletion once for its target; both from the message’s sender, both need the message', () => {
    const messages = new Map([
      [0, { sender: 'alice', participants: ['alice', 'bob'] }],
      [2, { sender: 'bob', participants: ['alice', 'bob'] }],
    ]);
    const mid = (n: number) => `${String(n).padStart(22, 'm')}==`;
    const expired = recorded('MessagesExpired', { conversationId: CID, messages: [{ messageId: mid(0), index: 0 }, { messageId: mid(2), index: 2 }] });
    const addressed = notificationsOf(expired, { messages });
    expect(addressed.map((a) => [a.to, a.notification.kind, a.notification.from, a.notification.messageId, a.notification.seq])).toEqual([
      ['alice', 'MESSAGE_EXPIRED', 'alice', mid(0), 0],
      ['bob', 'MESSAGE_EXPIRED', 'alice', mid(0), 1],
      ['alice', 'MESSAGE_EXPIRED', 'bob', mid(2), 2],
      ['bob', 'MESSAGE_EXPIRED', 'bob', mid(2), 3],
    ]);
    expect(addressed.every((a) => a.notification.position === expired.globalPosition && a.notification.conversationId === CID && a.notification.message === null)).toBe(true);
    const deleted = recorded('MessageDeleted', { conversationId: CID, messageId: mid(2), index: 2, deletedBy: mid(3) });
    expect(notificationsOf(deleted, { messages }).map((a) => [a.to, a.notification.kind, a.notification.from, a.notification.messageId])).toEqual([
      ['alice', 'MESSAGE_DELETED', 'bob', mid(2)],
      ['bob', 'MESSAGE_DELETED', 'bob', mid(2)],
    ]);
    // A conversation purged since: its messages are not known any more, and nobody is told.
    expect(notificationsOf(deleted)).toEqual([]);
  });
});
