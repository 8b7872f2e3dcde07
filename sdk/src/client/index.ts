export { PeerlockClient, canonicalUsername, type PeerlockClientOptions, type ClientSession, type ContactList, type Account, type TwoFactorSetup, type DeviceSessionInfo } from './peerlock-client.js';
export { PeerlockApiError, PeerlockNetworkError, NotLoggedInError, WrongPassphraseError, NoSuchAccountError, ContactKeyError, AttachmentRejectedError, FileRejectedError, type ServerErrorCode, type KeyRefusal, type FileRefusal } from './errors.js';
export type { Messaging, ConversationSummary, ConversationView, ParticipantsListingMismatch, ReadMessage, ReadOptions, ReadRejection, VerifiedReceipt, SendInput } from './messaging.js';
export { SEND_ATTEMPTS } from './messaging.js';
export type { FileTransfers, StoredFile, UploadInput } from './file-transfers.js';
export { openNotificationStream, type NotificationStream, type NotificationStreamOptions, type PeerlockNotification } from './notifications.js';
export type * as Operations from './generated/graphql.js';
export * from './device-marks.js';
export { FILE_INDEX_PAGE, FILE_INDEX_RECORDS_PER_APPEND } from './file-index-store.js';
