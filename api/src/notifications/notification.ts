/**
 * What a user is told, and when (DESIGN §4 "Notifications"): ids and kinds
 * only, never ciphertext; the client fetches content with a token. Derived
 * from committed events by a pure function, so every node derives the same
 * notifications from the same log, and a replay derives them again.
 */
import { accountEvents, contactEvents, conversationEvents, fileEvents, type RecordedEvent } from '@peerlock/schema';

export const NOTIFICATION_KINDS = ['MESSAGE_RECEIVED', 'RECEIPT_RECEIVED', 'CONTACT_REQUEST', 'CONTACT_ACCEPTED', 'CONTACT_REMOVED', 'CONTACT_KEY_CHANGED', 'FILE_SHARED'] as const;
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
}

export interface Addressed {
  readonly to: string;
  readonly notification: Notification;
}

/** The event types that notify anyone; the rest are skipped without decoding. */
export const NOTIFYING_TYPES: ReadonlySet<string> = new Set(['MessagePosted', 'ReceiptPosted', 'ContactRequested', 'ContactRequestAccepted', 'ContactRemoved', 'KeyRotated', 'FileShared']);

/** `contactsOf` is only consulted for a key change: who must re-check a pinned key. */
export function notificationsOf(event: RecordedEvent, contactsOf: readonly string[] = []): Addressed[] {
  if (!NOTIFYING_TYPES.has(event.type)) return [];
  const base = { position: event.globalPosition, occurredAt: event.metadata.occurredAt, conversationId: null, messageId: null, fileId: null };
  const note = (to: string, kind: NotificationKind, from: string, extra: Partial<Notification> = {}): Addressed => ({ to, notification: { ...base, kind, from, ...extra } });
  if (conversationEvents.has(event.type)) {
    const e = conversationEvents.decode(event);
    switch (e.type) {
      case 'MessagePosted':
        return e.data.participants
          .filter((p) => p !== e.data.sender)
          .map((p) => note(p, 'MESSAGE_RECEIVED', e.data.sender, { conversationId: e.data.conversationId, messageId: e.data.messageId }));
      case 'ReceiptPosted':
        return [note(e.data.messageSender, 'RECEIPT_RECEIVED', e.data.reader, { conversationId: e.data.conversationId, messageId: e.data.messageId })];
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
    return contactsOf.map((c) => note(c, 'CONTACT_KEY_CHANGED', e.data.username));
  }
  return [];
}
