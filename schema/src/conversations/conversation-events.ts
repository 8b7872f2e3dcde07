import { z } from 'zod';
import { defineEvent, type EventOf } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { usernameSchema } from '../accounts/account-fields.js';

/**
 * Conversations (DESIGN §4). One stream per conversation; the first message
 * creates it (`noStream`), which is what makes a conversation id unique.
 * The server never sees the conversation secret: the id is the SDK's
 * base64url(BLAKE2s(secret)), opaque here. Ciphertext is NOT in the log
 * (events are capped at 256 KiB and the log cannot forget): it lives in the
 * ciphertext store, keyed by message id, and is purged when every
 * participant removed the conversation, when the message expires, or when its
 * sender deletes it (issue 20). The log keeps only its size and hash, and for
 * an expiry or a deletion only ids, indexes and times: never content.
 */
export const conversationStreamName = (conversationId: string): string => `conversation-${conversationId}`;

/** base64url of 32 bytes, as `conversationIdOf` in the SDK prints it. */
export const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'expected a conversation id');
/** base64 of 16 random bytes, chosen by the sender's SDK. */
export const messageIdSchema = z.string().regex(/^[A-Za-z0-9+/]{22}==$/, 'expected a message id');
export const MAX_CONVERSATION_PARTICIPANTS = 50;
export const MAX_MESSAGE_CIPHERTEXT_BYTES = 1024 * 1024;
/** nonce(24) ‖ box of a receipt body with two usernames and two ids: well under 512 bytes. */
export const MAX_RECEIPT_BYTES = 512;
/** One MessagesExpired names at most this many messages (a sweep of more appends several). */
export const MAX_EXPIRED_PER_EVENT = 500;

const participantsSchema = z.array(usernameSchema).min(1).max(MAX_CONVERSATION_PARTICIPANTS);

export const ConversationStarted = defineEvent(
  'ConversationStarted',
  z.strictObject({ conversationId: conversationIdSchema, creator: usernameSchema, participants: participantsSchema }),
);

/**
 * What the sender said, in clear beside the ciphertext, that this message does
 * to an earlier one of theirs (issue 20): the server enforces who may and until
 * when, the recipients' SDK checks the signed statement inside the ciphertext.
 */
export const messageActionSchema = z.strictObject({
  kind: z.enum(['delete', 'edit']),
  targetMessageId: messageIdSchema,
  targetIndex: z.number().int().min(0),
});

/**
 * `index` numbers the conversation's messages from 0 in server order.
 * `expiresAt` and `action` came with issue 20; they are optional so every
 * MessagePosted stored before stays valid at version 1 (a server older than
 * them refuses one that has them: strict objects, never a misreading).
 */
export const MessagePosted = defineEvent(
  'MessagePosted',
  z.strictObject({
    conversationId: conversationIdSchema,
    messageId: messageIdSchema,
    index: z.number().int().min(0),
    sender: usernameSchema,
    participants: participantsSchema,
    ciphertextBytes: z.number().int().min(1).max(MAX_MESSAGE_CIPHERTEXT_BYTES),
    /** SHA-256 of the stored ciphertext, base64: the log can tell a later store that bytes changed. */
    ciphertextSha256: z.string().regex(/^[A-Za-z0-9+/]{43}=$/),
    /** Server time after which the ciphertext is purged (receivedAt + the sender's timer); absent: never. */
    expiresAt: z.string().datetime().optional(),
    /** Absent for an ordinary message. */
    action: messageActionSchema.optional(),
  }),
);

/**
 * The sender of message `messageId` (at `index`) took it back: `deletedBy` is
 * the id of their delete message, appended in the same append. The
 * ciphertext of `messageId` is purged; its ids, index and times stay.
 */
export const MessageDeleted = defineEvent(
  'MessageDeleted',
  z.strictObject({ conversationId: conversationIdSchema, messageId: messageIdSchema, index: z.number().int().min(0), deletedBy: messageIdSchema }),
);

/** These messages reached their `expiresAt`: their ciphertext is purged (by the node's expiry sweep). */
export const MessagesExpired = defineEvent(
  'MessagesExpired',
  z.strictObject({
    conversationId: conversationIdSchema,
    messages: z
      .array(z.strictObject({ messageId: messageIdSchema, index: z.number().int().min(0) }))
      .min(1)
      .max(MAX_EXPIRED_PER_EVENT),
  }),
);

/** The opaque receipt box of DESIGN §4, stored and forwarded to `messageSender` (T5: the server cannot forge one). */
export const ReceiptPosted = defineEvent(
  'ReceiptPosted',
  z.strictObject({
    conversationId: conversationIdSchema,
    messageId: messageIdSchema,
    messageIndex: z.number().int().min(0),
    messageSender: usernameSchema,
    reader: usernameSchema,
    receipt: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).min(4).max(Math.ceil(MAX_RECEIPT_BYTES / 3) * 4),
  }),
);

/** `username` removed the conversation from their view: messages below `throughIndex` are gone for them. */
export const ConversationRemoved = defineEvent(
  'ConversationRemoved',
  z.strictObject({ conversationId: conversationIdSchema, username: usernameSchema, throughIndex: z.number().int().min(0) }),
);

/** Every participant removed it: the ciphertext is deleted and the conversation is closed for good. */
export const ConversationPurged = defineEvent(
  'ConversationPurged',
  z.strictObject({ conversationId: conversationIdSchema, participants: participantsSchema, messageCount: z.number().int().min(0) }),
);

export const conversationEventDefinitions = [ConversationStarted, MessagePosted, ReceiptPosted, ConversationRemoved, ConversationPurged, MessageDeleted, MessagesExpired] as const;
export const conversationEvents = createEventRegistry(conversationEventDefinitions);
export type ConversationEvent = EventOf<(typeof conversationEventDefinitions)[number]>;
