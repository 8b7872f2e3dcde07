/**
 * What a user is told, and when (DESIGN §4 "Notifications"). A new message
 * comes with its whole envelope (the ciphertext is resolved from the
 * ciphertext store, once per message however many recipients are told), so
 * the client verifies and shows it without a fetch; a contact's key change
 * comes with the new key, a hint the client re-checks in the key log before
 * it uses it. Derived from committed events by a pure function, so every
 * node derives the same notifications from the same log, and a replay
 * derives them again. An event that does not name whom it concerns (a key
 * change, an expiry, a deletion) comes with facts the hub looked up in the
 * read models, facts that never change once true (a user's contacts at the
 * time aside): the participants and sender of a message.
 */
import { accountEvents, contactEvents, conversationEvents, fileEvents, type RecordedEvent } from '@peerlock/schema';
import { postedMessageDocument, type ConversationMessage } from '@peerlock/projections';

export const NOTIFICATION_KINDS = [
  'MESSAGE_RECEIVED',
  'RECEIPT_RECEIVED',
  'CONTACT_REQUEST',
  'CONTACT_ACCEPTED',
  'CONTACT_REMOVED',
  'CONTACT_KEY_CHANGED',
  'FILE_SHARED',
  'MESSAGE_EXPIRED',
  'MESSAGE_DELETED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  readonly kind: NotificationKind;
  /** The global log position of the event: a client resumes after the last one it saw. */
  readonly position: bigint;
  readonly occurredAt: string;
  /** The other user: sender, reader, requester, the contact whose key changed. */
  readonly from: string;
  readonly conversationId: string | null;
  readonly messageId: string | null;
  /** FILE_SHARED: the file now downloadable by the recipient. */
  readonly fileId: string | null;
  /** MESSAGE_RECEIVED: the envelope as the messages read model records it (one object shared by its recipients). */
  readonly message: ConversationMessage | null;
  /** CONTACT_KEY_CHANGED: the contact's new miniLock ID, as the server says (a hint). */
  readonly miniLockId: string | null;
  /** The WebSocket connection whose operation caused it (null: over HTTP): that connection's own stream is not told. */
  readonly origin: string | null;
  /**
   * Its place among the notifications of its event (an expiry of several
   * messages is one per message, all at the event's position): with the
   * position, the order in which a stream delivers each once.
   */
  readonly seq: number;
}

/** Correlation ids of WebSocket operations start with this and the connection's id (graphql/websocket.ts). */
export const CONNECTION_ORIGIN_PREFIX = 'ws:';

function originOf(correlationId: string): string | null {
  if (!correlationId.startsWith(CONNECTION_ORIGIN_PREFIX)) return null;
  const end = correlationId.indexOf(':', CONNECTION_ORIGIN_PREFIX.length);
  return end > 0 ? correlationId.slice(CONNECTION_ORIGIN_PREFIX.length, end) : null;
}

export interface Addressed {
  readonly to: string;
  readonly notification: Notification;
}

/** The event types that notify anyone; the rest are skipped without decoding. */
export const NOTIFYING_TYPES: ReadonlySet<string> = new Set([
  'MessagePosted',
  'ReceiptPosted',
  'ContactRequested',
  'ContactRequestAccepted',
  'ContactRemoved',
  'KeyRotated',
  'FileShared',
  'MessageDeleted',
  'MessagesExpired',
]);

/** The one message a MessageDeleted or MessagesExpired names, as the read model has it: who sent it, to whom. */
export type NotifiedMessage = Pick<ConversationMessage, 'sender' | 'participants'>;

/** What the hub looked up for an event that does not name whom it concerns. */
export interface NotificationFacts {
  /** KeyRotated: the user's contacts, who must re-check a pinned key. */
  readonly contacts?: readonly string[];
  /** MessageDeleted, MessagesExpired: the messages they name, by index (absent once the conversation was purged: nobody is told). */
  readonly messages?: ReadonlyMap<number, NotifiedMessage>;
}

export function notificationsOf(event: RecordedEvent, facts: NotificationFacts = {}): Addressed[] {
  if (!NOTIFYING_TYPES.has(event.type)) return [];
  return addressedOf(event, facts).map((a, seq) => ({ to: a.to, notification: { ...a.notification, seq } }));
}

function addressedOf(event: RecordedEvent, facts: NotificationFacts): Addressed[] {
  const base = { position: event.globalPosition, occurredAt: event.metadata.occurredAt, conversationId: null, messageId: null, fileId: null, message: null, miniLockId: null, origin: originOf(event.metadata.correlationId), seq: 0 };
  const note = (to: string, kind: NotificationKind, from: string, extra: Partial<Notification> = {}): Addressed => ({ to, notification: { ...base, kind, from, ...extra } });
  // Every participant hears of a message's ciphertext going, one notification per message; `from` is its sender.
  const gone = (kind: 'MESSAGE_EXPIRED' | 'MESSAGE_DELETED', conversationId: string, messages: readonly { messageId: string; index: number }[]): Addressed[] =>
    messages.flatMap(({ messageId, index }) => {
      const message = facts.messages?.get(index);
      return message ? message.participants.map((p) => note(p, kind, message.sender, { conversationId, messageId })) : [];
    });
  if (conversationEvents.has(event.type)) {
    const e = conversationEvents.decode(event);
    switch (e.type) {
      case 'MessagePosted': {
        const d = e.data;
        // The very document the messages read model stores for it.
        const message = postedMessageDocument(d, event.metadata.occurredAt, event.globalPosition);
        // Every participant, the sender too: their other devices show it and move their own chain on (the sending connection is left out by the hub).
        return d.participants.map((p) => note(p, 'MESSAGE_RECEIVED', d.sender, { conversationId: d.conversationId, messageId: d.messageId, message }));
      }
      case 'ReceiptPosted':
        return [note(e.data.messageSender, 'RECEIPT_RECEIVED', e.data.reader, { conversationId: e.data.conversationId, messageId: e.data.messageId })];
      case 'MessageDeleted':
        // The target: the delete message itself is announced as MESSAGE_RECEIVED, like any message.
        return gone('MESSAGE_DELETED', e.data.conversationId, [{ messageId: e.data.messageId, index: e.data.index }]);
      case 'MessagesExpired':
        return gone('MESSAGE_EXPIRED', e.data.conversationId, e.data.messages);
      default:
        return [];
    }
  }
  if (contactEvents.has(event.type)) {
    const e = contactEvents.decode(event);
    switch (e.type) {
      case 'ContactRequested':
        return [note(e.data.recipient, 'CONTACT_REQUEST', e.data.requester)];
      case 'ContactRequestAccepted':
        return [note(e.data.requester, 'CONTACT_ACCEPTED', e.data.recipient)];
      case 'ContactRemoved':
        return [note(e.data.other, 'CONTACT_REMOVED', e.data.by)];
      default:
        return [];
    }
  }
  if (event.type === 'FileShared') {
    const e = fileEvents.decode(event);
    if (e.type !== 'FileShared') return [];
    return e.data.recipients.map((r) => note(r, 'FILE_SHARED', e.data.by, { fileId: e.data.fileId }));
  }
  if (event.type === 'KeyRotated') {
    const e = accountEvents.decode(event);
    if (e.type !== 'KeyRotated') return [];
    return (facts.contacts ?? []).map((c) => note(c, 'CONTACT_KEY_CHANGED', e.data.username, { miniLockId: e.data.miniLockId }));
  }
  return [];
}
