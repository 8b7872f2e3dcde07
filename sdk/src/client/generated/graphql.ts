/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** Bytes as standard base64 with padding (RFC 4648 §4), canonical: no whitespace, no URL-safe alphabet, zero bits under the padding. */
  Base64: { input: string; output: string; }
  /** A number of bytes: a non-negative integer, exact to 2^53 − 1 (a JSON number; files may pass 2^31 bytes, beyond Int). */
  ByteCount: { input: number; output: number; }
  /** An instant, as an ISO-8601 string with its zone; the server sends UTC with milliseconds (2026-01-02T03:04:05.678Z). */
  DateTime: { input: string; output: string; }
};

/** Your own account, with the personal data only you can see. */
export type Account = {
  __typename?: 'Account';
  authPublicKey: Scalars['Base64']['output'];
  displayName?: Maybe<Scalars['String']['output']>;
  email?: Maybe<Scalars['String']['output']>;
  miniLockId: Scalars['String']['output'];
  notifications: NotificationPreferences;
  twoFactorEnabled: Scalars['Boolean']['output'];
  username: Scalars['String']['output'];
};

/** Your contacts and pending requests. Messages go only to contacts. */
export type ContactList = {
  __typename?: 'ContactList';
  blocked: Array<Scalars['String']['output']>;
  contacts: Array<Scalars['String']['output']>;
  /** Requests waiting for your answer. */
  incoming: Array<Scalars['String']['output']>;
  /** Your requests not yet answered. */
  outgoing: Array<Scalars['String']['output']>;
};

/** A conversation as you see it: the server knows who takes part and when, never what is said. */
export type Conversation = {
  __typename?: 'Conversation';
  id: Scalars['String']['output'];
  lastMessageAt: Scalars['DateTime']['output'];
  messageCount: Scalars['Int']['output'];
  /** Oldest first. `first`/`after` page forwards; `last`/`before` page backwards from the newest (or from `before`), still oldest first within the page. */
  messages: MessageConnection;
  participants: Array<Scalars['String']['output']>;
  /** Messages from others after the last one you sent a receipt for (or replied after). */
  unreadCount: Scalars['Int']['output'];
};


/** A conversation as you see it: the server knows who takes part and when, never what is said. */
export type ConversationMessagesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  last?: InputMaybe<Scalars['Int']['input']>;
};

export type ConversationConnection = {
  __typename?: 'ConversationConnection';
  edges: Array<ConversationEdge>;
  pageInfo: PageInfo;
};

export type ConversationEdge = {
  __typename?: 'ConversationEdge';
  cursor: Scalars['String']['output'];
  node: Conversation;
};

export type CreateLinkInput = {
  /** 32 bytes: SHA-256 of the access value. */
  accessHash: Scalars['Base64']['input'];
  /** Default false. The file's owner only: the file is destroyed when the link ends (revoked: at once; expired or used up: once the last grant ran out). */
  destroyFileWithLink?: InputMaybe<Scalars['Boolean']['input']>;
  /** Default 604800 (7 days); 300 to 2592000 (30 days). */
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
  fileId: Scalars['ID']['input'];
  /** The file's miniLock header re-wrapped to the link's key (same limit as a share's header). */
  header: Scalars['Base64']['input'];
  kind: LinkKind;
  /** 16 random bytes, base64url without padding (22 characters), chosen by the client: a retry with the same input is the same link. */
  linkId: Scalars['ID']['input'];
  /** null or absent: no limit; 1 to 100000. */
  maxOpens?: InputMaybe<Scalars['Int']['input']>;
  /** A hint shown on the open page. */
  passphrase: Scalars['Boolean']['input'];
};

/** Open a device session with this login (DESIGN §3): later batches need no two-factor code. */
export type DeviceInput = {
  /** Shown in your session list, up to 80 characters. */
  label: Scalars['String']['input'];
  /** "Trust this device": the long lifetime (30 days by default); otherwise a short one (12 hours). */
  trusted?: InputMaybe<Scalars['Boolean']['input']>;
};

export type DeviceSession = {
  __typename?: 'DeviceSession';
  createdAt: Scalars['DateTime']['output'];
  /** The session this request came through. */
  current: Scalars['Boolean']['output'];
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['String']['output'];
  label: Scalars['String']['output'];
  /** The login or the last token batch. */
  lastUsedAt: Scalars['DateTime']['output'];
};

/** A file in encrypted cloud storage: what the server knows of it. Name and content are inside the miniLock chunks. */
export type File = {
  __typename?: 'File';
  chunkCount: Scalars['Int']['output'];
  /** Size of the chunk stream. */
  ciphertextBytes: Scalars['ByteCount']['output'];
  /** GET it with a token: your header followed by the chunks, a complete .minilock file. */
  downloadPath: Scalars['String']['output'];
  id: Scalars['String']['output'];
  owner: Scalars['String']['output'];
  /** Every chunk and the header are stored; false while uploading. */
  ready: Scalars['Boolean']['output'];
  /** Holders other than the owner; only the owner sees the list. */
  sharedWith: Array<Scalars['String']['output']>;
  uploadedAt?: Maybe<Scalars['DateTime']['output']>;
};

export type FileConnection = {
  __typename?: 'FileConnection';
  edges: Array<FileEdge>;
  pageInfo: PageInfo;
};

export type FileEdge = {
  __typename?: 'FileEdge';
  cursor: Scalars['String']['output'];
  node: File;
};

/** One record of your file index, sealed by the SDK to your own key; its sequence is also inside the seal. */
export type FileIndexRecord = {
  __typename?: 'FileIndexRecord';
  blob: Scalars['Base64']['output'];
  sequence: Scalars['Int']['output'];
};

/** Your file index (DESIGN §5): an append-only log of records, sealed by the SDK to your own key, for the files you uploaded or accepted (file hash and key commitment). */
export type FileIndexRecords = {
  __typename?: 'FileIndexRecords';
  records: Array<FileIndexRecord>;
  /** Records in the log (0: none yet); the expectedVersion of the next append. */
  version: Scalars['Int']['output'];
};

/** Ciphertext bytes of your files and open uploads, against your limit. */
export type FileQuota = {
  __typename?: 'FileQuota';
  limitBytes: Scalars['ByteCount']['output'];
  usedBytes: Scalars['ByteCount']['output'];
};

export type FileRemoval = {
  __typename?: 'FileRemoval';
  /** Nobody holds it any more: its blobs are gone and the owner's quota released. */
  deleted: Scalars['Boolean']['output'];
};

/** An open upload: PUT each chunk to chunkPath/<index>, then finalizeFileUpload before expiresAt. */
export type FileUpload = {
  __typename?: 'FileUpload';
  chunkCount: Scalars['Int']['output'];
  chunkPath: Scalars['String']['output'];
  ciphertextBytes: Scalars['ByteCount']['output'];
  expiresAt: Scalars['DateTime']['output'];
  fileId: Scalars['String']['output'];
  maxChunkBytes: Scalars['ByteCount']['output'];
};

/** Proof-of-possession challenge for signup and key rotation: open both boxes ("AC" ‖ 30 bytes each) and send the plaintexts back with sealedState within 60 s. */
export type KeyChallenge = {
  __typename?: 'KeyChallenge';
  /** Boxed to the auth key. */
  authChallenge: SealedBox;
  expiresAt: Scalars['DateTime']['output'];
  /** Boxed to the identity (miniLock) key. */
  identityChallenge: SealedBox;
  sealedState: Scalars['String']['output'];
  serverKey: SignedServerKey;
};

export type KeyHistoryEntry = {
  __typename?: 'KeyHistoryEntry';
  authPublicKey: Scalars['Base64']['output'];
  miniLockId: Scalars['String']['output'];
  validFrom: Scalars['DateTime']['output'];
  validUntil?: Maybe<Scalars['DateTime']['output']>;
};

/** RFC 9162 §2.1.4 consistency proof: the tree of fromSize leaves is a prefix of the tree of toSize leaves. */
export type KeyLogConsistencyProof = {
  __typename?: 'KeyLogConsistencyProof';
  fromSize: Scalars['Int']['output'];
  /** Hashes. */
  path: Array<Scalars['Base64']['output']>;
  toSize: Scalars['Int']['output'];
};

/** RFC 9162 §2.1.3 inclusion proof of one leaf. */
export type KeyLogInclusionProof = {
  __typename?: 'KeyLogInclusionProof';
  /** Hashes, leaf side first. */
  auditPath: Array<Scalars['Base64']['output']>;
  /** The canonical leaf bytes (docs/key-transparency.md): version 3, the VRF index, the key sequence, a hiding commitment and the root of the newest-key map after it; it names no one. */
  leaf: Scalars['Base64']['output'];
  leafIndex: Scalars['Int']['output'];
  treeSize: Scalars['Int']['output'];
};

/** A user's current key under one signed head: its leaf's inclusion, that it is the newest for the name, and the consistency from the head the client knew. */
export type KeyLogKeyProof = {
  __typename?: 'KeyLogKeyProof';
  /** null when knownTreeSize was not given or is larger than the head (the client then sees a rollback). */
  consistency?: Maybe<KeyLogConsistencyProof>;
  inclusion: KeyLogInclusionProof;
  lookup: KeyLogLookup;
  newest: KeyLogNewestProof;
  treeHead: KeyLogTreeHead;
};

/** What only an exact lookup by username reveals (DESIGN §6, T12): the VRF proof that the leaf's index is this username's, and the opening of the leaf's commitment with what it commits to (docs/key-transparency.md). */
export type KeyLogLookup = {
  __typename?: 'KeyLogLookup';
  /** 32 bytes. */
  authPublicKey: Scalars['Base64']['output'];
  miniLockId: Scalars['String']['output'];
  /** 32 bytes. */
  opening: Scalars['Base64']['output'];
  /** Unix milliseconds (decimal) of the key event. */
  timestamp: Scalars['String']['output'];
  /** 80 bytes: RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI proof for utf8(username) under serverKeys.keyLogVrfKey. */
  vrfProof: Scalars['Base64']['output'];
};

/** That the looked-up leaf is its name's newest under the head (docs/key-transparency.md): the head's last leaf, whose map root the head commits to, and the newest-key map's path for the leaf's index. */
export type KeyLogNewestProof = {
  __typename?: 'KeyLogNewestProof';
  /** Leaf treeSize − 1 of the head's tree. */
  lastLeaf: Scalars['Base64']['output'];
  /** Hashes, leaf side first: its RFC 9162 inclusion in the head's tree. */
  lastLeafAuditPath: Array<Scalars['Base64']['output']>;
  /** Hashes, root side first: the sibling hashes from the map root down to the index's entry. */
  mapPath: Array<Scalars['Base64']['output']>;
};

/** A signed tree head: Ed25519 by the long-term server key over "peerlock/key-log/tree-head/v3" ‖ 0x00 ‖ u64be(treeSize) ‖ u64be(timestamp) ‖ rootHash. */
export type KeyLogTreeHead = {
  __typename?: 'KeyLogTreeHead';
  /** The same head as a C2SP tlog checkpoint (c2sp.org/tlog-checkpoint), a signed note: origin "peerlock/key-log/" + the first 16 hex digits of SHA-256(signing key), the tree size, the base64 root; signed Ed25519 (note type 0x01) by the long-term server key under the origin as key name. What key-log witnesses co-sign. */
  checkpoint?: Maybe<Scalars['String']['output']>;
  /** 32 bytes: RFC 9162 MTH with SHA-256. */
  rootHash: Scalars['Base64']['output'];
  /** 64 bytes. */
  signature: Scalars['Base64']['output'];
  /** Unix milliseconds (decimal) of the newest key event in the tree; 0 when empty. */
  timestamp: Scalars['String']['output'];
  /** Number of leaves. */
  treeSize: Scalars['Int']['output'];
};

/** The key log's ECVRF public key (RFC 9381, edwards25519), signed by the long-term key: Ed25519 over "peerlock/key-log/vrf-key/v1" ‖ 0x00 ‖ publicKey. */
export type KeyLogVrfKey = {
  __typename?: 'KeyLogVrfKey';
  /** 32 bytes */
  publicKey: Scalars['Base64']['output'];
  /** 64 bytes */
  signature: Scalars['Base64']['output'];
};

export type KeyRotationChallengeInput = {
  /** The new auth key. */
  authPublicKey: Scalars['Base64']['input'];
  /** The new identity key. */
  miniLockId: Scalars['String']['input'];
  username: Scalars['String']['input'];
};

export type KeyRotationResult = {
  __typename?: 'KeyRotationResult';
  miniLockId: Scalars['String']['output'];
  /** A new recovery code when the old one was just used; shown once. */
  recoveryCode?: Maybe<Scalars['String']['output']>;
  username: Scalars['String']['output'];
};

/** A link to a file or a message for someone without an account: the owner's view. The server holds no key to it. */
export type Link = {
  __typename?: 'Link';
  createdAt: Scalars['DateTime']['output'];
  expiresAt: Scalars['DateTime']['output'];
  fileId: Scalars['String']['output'];
  id: Scalars['String']['output'];
  kind: LinkKind;
  lastOpenedAt?: Maybe<Scalars['DateTime']['output']>;
  /** null: no limit. */
  maxOpens?: Maybe<Scalars['Int']['output']>;
  openCount: Scalars['Int']['output'];
  /** A hint shown on the open page; the URL says whether one is needed. */
  passphrase: Scalars['Boolean']['output'];
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  status: LinkStatus;
};

/** What anyone with the link id may know before opening it. */
export type LinkInfo = {
  __typename?: 'LinkInfo';
  expiresAt: Scalars['DateTime']['output'];
  kind: LinkKind;
  passphrase: Scalars['Boolean']['output'];
  status: LinkStatus;
};

/** What the owner said the link is; the opener decides from the decrypted content, never from this. */
export type LinkKind =
  | 'FILE'
  | 'MESSAGE';

/** One counted open: a grant for GET /links/<linkId>/file. */
export type LinkOpening = {
  __typename?: 'LinkOpening';
  expiresAt: Scalars['DateTime']['output'];
  /** Header and chunks: the size of the GET body (ByteCount: a file may pass 2^31 bytes). */
  fileBytes: Scalars['ByteCount']['output'];
  /** Send as `Authorization: PeerlockLink <grant>`; valid until grantExpiresAt (15 minutes), stops at once when the link is revoked. */
  grant: Scalars['String']['output'];
  grantExpiresAt: Scalars['DateTime']['output'];
  kind: LinkKind;
  maxOpens?: Maybe<Scalars['Int']['output']>;
  openCount: Scalars['Int']['output'];
  /** The link's creator (the server's word: the opener checks the header's sender). */
  owner: Scalars['String']['output'];
};

/** As of now, checked in this order: REVOKED, EXPIRED, EXHAUSTED (opened maxOpens times), else ACTIVE. */
export type LinkStatus =
  | 'ACTIVE'
  | 'EXHAUSTED'
  | 'EXPIRED'
  | 'REVOKED';

/** A message envelope: routing data in clear, the content a miniLock file only participants can open. */
export type Message = {
  __typename?: 'Message';
  /** What this message does to an earlier one, as its sender told the server (a hint); null for an ordinary message. */
  action?: Maybe<MessageAction>;
  /** The miniLock file; null when the message is gone (see `gone`): expired, even before the sweep, or deleted. */
  ciphertext?: Maybe<Scalars['Base64']['output']>;
  ciphertextBytes: Scalars['ByteCount']['output'];
  conversationId: Scalars['String']['output'];
  /** When its ciphertext is purged: receivedAt plus the sender's timer (`expiresInSeconds`); null: never. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  /** Why there is no ciphertext: EXPIRED (from expiresAt on, swept or not) or DELETED; null while it is there. */
  gone?: Maybe<MessageGone>;
  /** Position in the conversation, from 0, in server order. */
  index: Scalars['Int']['output'];
  messageId: Scalars['String']['output'];
  participants: Array<Scalars['String']['output']>;
  /** Global log position. */
  position: Scalars['String']['output'];
  /** Receipts from the other participants, by reader. */
  receipts: Array<ReadReceipt>;
  /** When the server accepted it; the SDK bounds the sender clock against it. */
  receivedAt: Scalars['DateTime']['output'];
  sender: Scalars['String']['output'];
};

/** The server's cleartext record of what a message does to an earlier one: a hint. The signed statement inside the ciphertext is what a client acts on. */
export type MessageAction = {
  __typename?: 'MessageAction';
  /** Delete or edit. */
  kind: MessageActionKind;
  /** The earlier message, posted in this conversation by the same sender. */
  targetMessageId: Scalars['String']['output'];
};

/** A delete or an edit of an earlier message of yours, as the signed plaintext states it (the server cannot read that one). */
export type MessageActionInput = {
  /** DELETE within 3 hours of the target's server time, EDIT within 24 (after that: WINDOW_CLOSED). */
  kind: MessageActionKind;
  /** The earlier message: yours, in this conversation, not itself a delete or an edit, not gone. */
  targetMessageId: Scalars['String']['input'];
};

/** What a message does to an earlier message of its sender (issue 20). */
export type MessageActionKind =
  /** Takes it back for everyone, within 3 hours of its server time: its ciphertext is purged. Holds no content, so no timer. */
  | 'DELETE'
  /** Replaces its text, within 24 hours of its server time; the original stays until it expires. */
  | 'EDIT';

export type MessageConnection = {
  __typename?: 'MessageConnection';
  edges: Array<MessageEdge>;
  pageInfo: PageInfo;
};

export type MessageEdge = {
  __typename?: 'MessageEdge';
  cursor: Scalars['String']['output'];
  node: Message;
};

/** Why a message has no ciphertext on the server any more. */
export type MessageGone =
  /** Its sender deleted it. */
  | 'DELETED'
  /** Its expiresAt has passed (purged by the expiry sweep, or about to be). */
  | 'EXPIRED';

/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type Mutation = {
  __typename?: 'Mutation';
  /** Requires a token. Accept an incoming request. Returns your contact list. */
  acceptContact: ContactList;
  /** Requires a token. Appends records after the expectedVersion records you read, all or none; returns the new version. Compare-and-set: CONFLICT unless expectedVersion is the current version. */
  appendFileIndexRecords: Scalars['Int']['output'];
  /** Login. With two-factor on, totpCode (a current TOTP code or a backup code) is required. With device, the login opens a device session. */
  authChallenge: TokenBatch;
  /** Requires a token. Block a user: ends any contact or request, and they cannot ask again. Returns your contact list. */
  blockContact: ContactList;
  /** Requires a token. Withdraw your own request. Returns your contact list. */
  cancelContactRequest: ContactList;
  /** Requires a token. */
  confirmTwoFactor: TwoFactorConfirmation;
  /** Requires a token. A link to a file you hold (NOT_FOUND otherwise). The same linkId with the same input again is the same link; with another input, CONFLICT. At most 1,000 links per user in any 30 days (QUOTA_EXCEEDED). */
  createLink: Link;
  /** Requires a token. Decline an incoming request. Returns your contact list. */
  declineContact: ContactList;
  /** Requires a token. Also a fresh code when two-factor is on. The username is retired forever; name and email are erased. */
  deleteAccount: Scalars['Boolean']['output'];
  /** Requires a token. Owner only. Deletes the file for everyone (also cancels an open upload). */
  destroyFile: FileRemoval;
  /** Requires a token. Also a fresh code. */
  disableTwoFactor: Scalars['Boolean']['output'];
  /** Requires a token. Stores your header (base64 miniLock header) once every chunk is there with the declared sizes. */
  finalizeFileUpload: File;
  keyRotationChallenge: KeyChallenge;
  /** Requires a token. Ends the device session this request came through (false when it has none). */
  logout: Scalars['Boolean']['output'];
  /** Public. Counts one open. Refusals in this order: NOT_FOUND (unknown), FORBIDDEN (wrong access value; counted per address, RATE_LIMITED beyond the limit), LINK_REVOKED, LINK_EXPIRED, LINK_EXHAUSTED, NOT_FOUND with field `file` (the creator no longer holds the file). */
  openLink: LinkOpening;
  /** Requires a token. Idempotent per (message, reader): the first receipt stands. */
  postReadReceipt: ReadReceipt;
  /** A new token batch for a live device session, proved by its secret (base64); no two-factor code. SESSION_ENDED when the session is over. */
  refreshSession: TokenBatch;
  /** Requires a token. End a contact: no more messages between you. Returns your contact list. */
  removeContact: ContactList;
  /** Requires a token. Removes it from your view; newer messages bring it back. */
  removeConversation: RemoveConversationResult;
  /** Requires a token. Drops your own access. */
  removeFile: FileRemoval;
  /** Requires a token. Ask a user (by username) to become a contact; if they already asked you, you are contacts. Returns your contact list. */
  requestContact: ContactList;
  /** Requires a token. Your link (NOT_FOUND for others) stops opening and downloading at once; revoking again changes nothing. */
  revokeLink: Link;
  /** Requires a token. Ends one of your device sessions at once: its tokens, its refreshes and its live subscriptions. False when there is no such live session. */
  revokeSession: Scalars['Boolean']['output'];
  rotateKeys: KeyRotationResult;
  /** Requires a token. Keeps a file you hold (as owner or recipient) past the timer of any share that would end your access. Saving again changes nothing. */
  saveFile: File;
  /** Requires a token. Only to contacts (the first message); only by participants (replies). */
  sendMessage: Message;
  /** Requires a token. */
  setupTwoFactor: TwoFactorSetup;
  /** Requires a token. Gives contacts access with a header re-wrapped for them (no chunk is copied); attach the same header to a message. */
  shareFile: File;
  signup: SignupResult;
  signupChallenge: KeyChallenge;
  /** Requires a token. Reserves ciphertextBytes of your quota (QUOTA_EXCEEDED otherwise) until the upload is finalized or expires. */
  startFileUpload: FileUpload;
  /** Requires a token. Compare-and-set: CONFLICT unless expectedVersion is the stored version (0 for the first). */
  storePinSet: PinSet;
  /** A witness's cosignature/v1 (c2sp.org/tlog-cosignature) of this log's checkpoint of treeSize leaves, as the note signature line it appends ("— name base64"). No token: FORBIDDEN unless the line is from a witness this server is configured with (PEERLOCK_WITNESSES), BAD_INPUT (field) unless it verifies over the server's own checkpoint of that size or when the witness co-signed a larger size before. Returns the witness's name. */
  submitKeyLogCosignature: Scalars['String']['output'];
  /** Requires a token. Lift your block. Returns your contact list. */
  unblockContact: ContactList;
  /** Requires a token. */
  updateProfile: Account;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationAcceptContactArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationAppendFileIndexRecordsArgs = {
  blobs: Array<Scalars['String']['input']>;
  expectedVersion: Scalars['Int']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationAuthChallengeArgs = {
  device?: InputMaybe<DeviceInput>;
  totpCode?: InputMaybe<Scalars['String']['input']>;
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationBlockContactArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationCancelContactRequestArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationConfirmTwoFactorArgs = {
  code: Scalars['String']['input'];
  sealedSetup: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationCreateLinkArgs = {
  input: CreateLinkInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationDeclineContactArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationDeleteAccountArgs = {
  totpCode?: InputMaybe<Scalars['String']['input']>;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationDestroyFileArgs = {
  fileId: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationDisableTwoFactorArgs = {
  code: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationFinalizeFileUploadArgs = {
  fileId: Scalars['String']['input'];
  header: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationKeyRotationChallengeArgs = {
  input: KeyRotationChallengeInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationOpenLinkArgs = {
  access: Scalars['Base64']['input'];
  linkId: Scalars['ID']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationPostReadReceiptArgs = {
  input: PostReadReceiptInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRefreshSessionArgs = {
  secret: Scalars['String']['input'];
  sessionId: Scalars['String']['input'];
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRemoveContactArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRemoveConversationArgs = {
  id: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRemoveFileArgs = {
  fileId: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRequestContactArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRevokeLinkArgs = {
  linkId: Scalars['ID']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRevokeSessionArgs = {
  id: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationRotateKeysArgs = {
  input: RotateKeysInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationSaveFileArgs = {
  fileId: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationSendMessageArgs = {
  input: SendMessageInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationShareFileArgs = {
  destroyWithShare?: InputMaybe<Scalars['Boolean']['input']>;
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
  fileId: Scalars['String']['input'];
  header: Scalars['String']['input'];
  recipients: Array<Scalars['String']['input']>;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationSignupArgs = {
  input: SignupInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationSignupChallengeArgs = {
  input: SignupChallengeInput;
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationStartFileUploadArgs = {
  chunkCount: Scalars['Int']['input'];
  ciphertextBytes: Scalars['ByteCount']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationStorePinSetArgs = {
  blob: Scalars['String']['input'];
  expectedVersion: Scalars['Int']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationSubmitKeyLogCosignatureArgs = {
  cosignature: Scalars['String']['input'];
  treeSize: Scalars['Int']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationUnblockContactArgs = {
  username: Scalars['String']['input'];
};


/** Commands: signup, login, two-factor, profile, key rotation, deletion, contacts, messages, receipts, pins. */
export type MutationUpdateProfileArgs = {
  input: ProfileInput;
};

/** What changed for you. A new message comes whole (its envelope with the ciphertext): verify and show it without a fetch. Everything else is ids and kinds: fetch the receipt, contact list or file with a token. */
export type Notification = {
  __typename?: 'Notification';
  conversationId?: Maybe<Scalars['String']['output']>;
  fileId?: Maybe<Scalars['String']['output']>;
  from: Scalars['String']['output'];
  kind: NotificationKind;
  /** MESSAGE_RECEIVED: the envelope, ciphertext included; without it (`gone` EXPIRED) once expired; null once the conversation was purged or the message deleted (fetch it). */
  message?: Maybe<Message>;
  messageId?: Maybe<Scalars['String']['output']>;
  /** CONTACT_KEY_CHANGED: the contact's new key, as the server says: check it in the key log before using it. */
  miniLockId?: Maybe<Scalars['String']['output']>;
  occurredAt: Scalars['DateTime']['output'];
  /** Global log position; resubscribe with after = the last one seen. */
  position: Scalars['String']['output'];
};

/** MESSAGE_RECEIVED to every participant (the envelope in `message`); RECEIPT_RECEIVED to the message's sender; MESSAGE_EXPIRED and MESSAGE_DELETED to every participant, one per message (`messageId`: the message whose ciphertext is gone; a delete message itself comes as MESSAGE_RECEIVED); CONTACT_* and FILE_SHARED to the user concerned. */
export type NotificationKind =
  | 'CONTACT_ACCEPTED'
  | 'CONTACT_KEY_CHANGED'
  | 'CONTACT_REMOVED'
  | 'CONTACT_REQUEST'
  | 'FILE_SHARED'
  | 'MESSAGE_DELETED'
  | 'MESSAGE_EXPIRED'
  | 'MESSAGE_RECEIVED'
  | 'RECEIPT_RECEIVED';

export type NotificationPreferences = {
  __typename?: 'NotificationPreferences';
  contactRequests: Scalars['Boolean']['output'];
  fileShares: Scalars['Boolean']['output'];
  newMessages: Scalars['Boolean']['output'];
};

export type NotificationPreferencesInput = {
  contactRequests?: InputMaybe<Scalars['Boolean']['input']>;
  fileShares?: InputMaybe<Scalars['Boolean']['input']>;
  newMessages?: InputMaybe<Scalars['Boolean']['input']>;
};

/** Relay-style: pass endCursor as `after` for the next page, or startCursor as `before` for the previous one (where `last`/`before` are offered). */
export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
  /** Known only when paging backwards (`last`); false otherwise. */
  hasPreviousPage: Scalars['Boolean']['output'];
  startCursor?: Maybe<Scalars['String']['output']>;
};

/** Your key pins, sealed by the SDK to your own key (DESIGN §6). Version 0 and a null blob: none stored yet. */
export type PinSet = {
  __typename?: 'PinSet';
  blob?: Maybe<Scalars['Base64']['output']>;
  version: Scalars['Int']['output'];
};

export type PostReadReceiptInput = {
  conversationId: Scalars['String']['input'];
  messageId: Scalars['String']['input'];
  /** At most 512 bytes. */
  receipt: Scalars['Base64']['input'];
};

/** Omitted fields stay as they are; null clears. */
export type ProfileInput = {
  displayName?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  notifications?: InputMaybe<NotificationPreferencesInput>;
};

/** Reads: the server keys and the user directory. */
export type Query = {
  __typename?: 'Query';
  /** Requires a token. */
  contacts: ContactList;
  /** Requires a token. FORBIDDEN unless it is one of yours. */
  conversation: Conversation;
  /** Requires a token. Most recent first. */
  conversations: ConversationConnection;
  /** Requires a token. The records with a sequence above `after` (default 0), in order, at most `first` (default and at most 500). */
  fileIndexRecords: FileIndexRecords;
  /** Requires a token. */
  fileQuota: FileQuota;
  /** Requires a token. Files you hold (yours and those shared with you), newest first. */
  files: FileConnection;
  /** Consistency from fromSize to toSize leaves. BAD_INPUT (field) unless 0 ≤ fromSize ≤ toSize ≤ the current size. */
  keyLogConsistencyProof: KeyLogConsistencyProof;
  /** Inclusion of leaf leafIndex in the tree of treeSize leaves. BAD_INPUT (field) for a size the log has not reached or an index outside it. */
  keyLogInclusionProof: KeyLogInclusionProof;
  /** The user's current key's leaf under the newest head (with minCosignatures k > 0: the newest head k witnesses co-signed; UNAVAILABLE, retryable, while the key is newer than that), with the consistency proof from knownTreeSize. NOT_FOUND for an unknown user. */
  keyLogKeyProof: KeyLogKeyProof;
  /** The newest signed tree head of the key log; its checkpoint carries the witnesses' co-signatures of that size. */
  keyLogTreeHead: KeyLogTreeHead;
  /** Public; spends nothing. NOT_FOUND for an unknown link. */
  linkInfo: LinkInfo;
  /** Requires a token. Your links, newest first, at most 500. */
  links: Array<Link>;
  /** Requires a token. */
  me: Account;
  /** Requires a token. */
  pinSet: PinSet;
  serverKeys: ServerKeys;
  /** Requires a token. Your live device sessions, most recently used first. */
  sessions: Array<DeviceSession>;
  /** Exact lookup by username (case-insensitive). There is deliberately no listing or search. */
  user?: Maybe<User>;
};


/** Reads: the server keys and the user directory. */
export type QueryConversationArgs = {
  id: Scalars['String']['input'];
};


/** Reads: the server keys and the user directory. */
export type QueryConversationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: the server keys and the user directory. */
export type QueryFileIndexRecordsArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: the server keys and the user directory. */
export type QueryFilesArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: the server keys and the user directory. */
export type QueryKeyLogConsistencyProofArgs = {
  fromSize: Scalars['Int']['input'];
  toSize: Scalars['Int']['input'];
};


/** Reads: the server keys and the user directory. */
export type QueryKeyLogInclusionProofArgs = {
  leafIndex: Scalars['Int']['input'];
  treeSize: Scalars['Int']['input'];
};


/** Reads: the server keys and the user directory. */
export type QueryKeyLogKeyProofArgs = {
  knownTreeSize?: InputMaybe<Scalars['Int']['input']>;
  minCosignatures?: InputMaybe<Scalars['Int']['input']>;
  username: Scalars['String']['input'];
};


/** Reads: the server keys and the user directory. */
export type QueryKeyLogTreeHeadArgs = {
  minCosignatures?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads: the server keys and the user directory. */
export type QueryLinkInfoArgs = {
  linkId: Scalars['ID']['input'];
};


/** Reads: the server keys and the user directory. */
export type QueryUserArgs = {
  username: Scalars['String']['input'];
};

/** The reader's box (DESIGN §4), opaque to the server: the sender's SDK verifies it with the reader's pinned key. */
export type ReadReceipt = {
  __typename?: 'ReadReceipt';
  position: Scalars['String']['output'];
  postedAt: Scalars['DateTime']['output'];
  reader: Scalars['String']['output'];
  /** nonce(24) ‖ box */
  receipt: Scalars['Base64']['output'];
};

export type RemoveConversationResult = {
  __typename?: 'RemoveConversationResult';
  /** Every participant has removed it: its ciphertext is gone from the server. */
  purged: Scalars['Boolean']['output'];
};

/** Prove the old key with a token on this request, or with recoveryCode; totpCode when two-factor is on. */
export type RotateKeysInput = {
  authAnswer: Scalars['Base64']['input'];
  identityAnswer: Scalars['Base64']['input'];
  recoveryCode?: InputMaybe<Scalars['String']['input']>;
  sealedState: Scalars['String']['input'];
  totpCode?: InputMaybe<Scalars['String']['input']>;
};

/** A NaCl box (X25519-XSalsa20-Poly1305) from the signed server key to one of your keys. */
export type SealedBox = {
  __typename?: 'SealedBox';
  /** 48 bytes (16-byte tag ‖ 32-byte plaintext) */
  ciphertext: Scalars['Base64']['output'];
  /** 24 bytes */
  nonce: Scalars['Base64']['output'];
};

export type SendMessageInput = {
  /** What this message does to an earlier one of yours; absent for an ordinary message. */
  action?: InputMaybe<MessageActionInput>;
  /** The miniLock file, at most 1 MiB. */
  ciphertext: Scalars['Base64']['input'];
  /** The SDK's conversationIdOf(secret). A new id starts a conversation. */
  conversationId: Scalars['String']['input'];
  /** The timer inside the plaintext: 0 (or absent) never, else 300, 3600, 86400, 604800 or 2419200. The ciphertext is purged that long after the server received it. A DELETE's is 0. */
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
  /** base64 of 16 random bytes, the one inside the plaintext. */
  messageId: Scalars['String']['input'];
  /** Everyone, you included; fixed by the first message. */
  participants: Array<Scalars['String']['input']>;
};

export type ServerKeys = {
  __typename?: 'ServerKeys';
  ephemeral: SignedServerKey;
  keyLogVrfKey: KeyLogVrfKey;
  /** The long-term Ed25519 public key that clients pin. */
  signingPublicKey: Scalars['Base64']['output'];
};

/** A device session opened by this login: later token batches come from refreshSession with its secret, without a two-factor code, until it ends. */
export type SessionGrant = {
  __typename?: 'SessionGrant';
  /** The session ends then at the latest. */
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['String']['output'];
  /** The session secret ("AS" ‖ 30 bytes), boxed to your auth key like the tokens. */
  secret: SealedBox;
};

/** The daily X25519 key challenges and tokens are boxed from, signed by the long-term Ed25519 key: Ed25519 over "peerlock/server-ephemeral-key/v1" ‖ 0x00 ‖ publicKey ‖ u64be(validFrom) ‖ u64be(validUntil). */
export type SignedServerKey = {
  __typename?: 'SignedServerKey';
  /** 32 bytes */
  publicKey: Scalars['Base64']['output'];
  /** 64 bytes */
  signature: Scalars['Base64']['output'];
  /** Unix seconds, decimal */
  validFrom: Scalars['String']['output'];
  /** Unix seconds, decimal */
  validUntil: Scalars['String']['output'];
};

export type SignupChallengeInput = {
  /** 32 bytes */
  authPublicKey: Scalars['Base64']['input'];
  /** At most 64 characters. */
  displayName?: InputMaybe<Scalars['String']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  miniLockId: Scalars['String']['input'];
  /** 1–16 of [A-Za-z0-9_]; unique without regard to case. Derive your keys with its lowercase form. */
  username: Scalars['String']['input'];
};

export type SignupInput = {
  /** The 32 bytes in authChallenge. */
  authAnswer: Scalars['Base64']['input'];
  /** The 32 bytes in identityChallenge. */
  identityAnswer: Scalars['Base64']['input'];
  sealedState: Scalars['String']['input'];
};

export type SignupResult = {
  __typename?: 'SignupResult';
  /** Shown once: lets you rotate keys without the old passphrase. Store it offline. */
  recoveryCode: Scalars['String']['output'];
  username: Scalars['String']['output'];
};

/** Live notifications over graphql-ws (one token in connection_init). */
export type Subscription = {
  __typename?: 'Subscription';
  /** Requires a token. Your own notifications only. With `after`, everything after that position first (what you missed), then live. Replays are rate-limited, and reach back a bounded number of log events: an older `after` is refused (BAD_INPUT, field `after`), and the client refetches its views and subscribes live. */
  notifications: Notification;
};


/** Live notifications over graphql-ws (one token in connection_init). */
export type SubscriptionNotificationsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
};

/** Single-use tokens ("AT" ‖ 30 bytes), each boxed to your auth key. Send one per request: Authorization: Peerlock <username> <base64 token>. */
export type TokenBatch = {
  __typename?: 'TokenBatch';
  expiresAt: Scalars['DateTime']['output'];
  serverKey: SignedServerKey;
  /** Set when the login asked for a device session. */
  session?: Maybe<SessionGrant>;
  tokens: Array<SealedBox>;
};

export type TwoFactorConfirmation = {
  __typename?: 'TwoFactorConfirmation';
  /** Ten one-time codes, shown once. */
  backupCodes: Array<Scalars['String']['output']>;
};

export type TwoFactorSetup = {
  __typename?: 'TwoFactorSetup';
  expiresAt: Scalars['DateTime']['output'];
  /** Show as a QR code. */
  otpauthUri: Scalars['String']['output'];
  /** Send back with the first code to confirmTwoFactor within 5 minutes. */
  sealedSetup: Scalars['String']['output'];
  /** base32, for manual entry */
  secret: Scalars['String']['output'];
};

/** A directory entry. Deleted accounts stay listed with their keys (old messages still verify) and no personal data. */
export type User = {
  __typename?: 'User';
  /** 32 bytes */
  authPublicKey: Scalars['Base64']['output'];
  deleted: Scalars['Boolean']['output'];
  displayName?: Maybe<Scalars['String']['output']>;
  /** Oldest first; the last entry is the current key. */
  keyHistory: Array<KeyHistoryEntry>;
  miniLockId: Scalars['String']['output'];
  username: Scalars['String']['output'];
};

export type ServerKeysQueryVariables = Exact<{ [key: string]: never; }>;


export type ServerKeysQuery = { __typename?: 'Query', serverKeys: { __typename?: 'ServerKeys', signingPublicKey: string, ephemeral: { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string } } };

export type SignupChallengeMutationVariables = Exact<{
  input: SignupChallengeInput;
}>;


export type SignupChallengeMutation = { __typename?: 'Mutation', signupChallenge: { __typename?: 'KeyChallenge', sealedState: string, expiresAt: string, identityChallenge: { __typename?: 'SealedBox', nonce: string, ciphertext: string }, authChallenge: { __typename?: 'SealedBox', nonce: string, ciphertext: string }, serverKey: { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string } } };

export type SignupMutationVariables = Exact<{
  input: SignupInput;
}>;


export type SignupMutation = { __typename?: 'Mutation', signup: { __typename?: 'SignupResult', username: string, recoveryCode: string } };

export type AuthChallengeMutationVariables = Exact<{
  username: Scalars['String']['input'];
  totpCode?: InputMaybe<Scalars['String']['input']>;
  device?: InputMaybe<DeviceInput>;
}>;


export type AuthChallengeMutation = { __typename?: 'Mutation', authChallenge: { __typename?: 'TokenBatch', expiresAt: string, tokens: Array<{ __typename?: 'SealedBox', nonce: string, ciphertext: string }>, serverKey: { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string }, session?: { __typename?: 'SessionGrant', id: string, expiresAt: string, secret: { __typename?: 'SealedBox', nonce: string, ciphertext: string } } | null } };

export type RefreshSessionMutationVariables = Exact<{
  username: Scalars['String']['input'];
  sessionId: Scalars['String']['input'];
  secret: Scalars['String']['input'];
}>;


export type RefreshSessionMutation = { __typename?: 'Mutation', refreshSession: { __typename?: 'TokenBatch', expiresAt: string, tokens: Array<{ __typename?: 'SealedBox', nonce: string, ciphertext: string }>, serverKey: { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string } } };

export type SessionsQueryVariables = Exact<{ [key: string]: never; }>;


export type SessionsQuery = { __typename?: 'Query', sessions: Array<{ __typename?: 'DeviceSession', id: string, label: string, createdAt: string, lastUsedAt: string, expiresAt: string, current: boolean }> };

export type RevokeSessionMutationVariables = Exact<{
  id: Scalars['String']['input'];
}>;


export type RevokeSessionMutation = { __typename?: 'Mutation', revokeSession: boolean };

export type LogoutMutationVariables = Exact<{ [key: string]: never; }>;


export type LogoutMutation = { __typename?: 'Mutation', logout: boolean };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'Account', username: string, miniLockId: string, authPublicKey: string, displayName?: string | null, email?: string | null, twoFactorEnabled: boolean, notifications: { __typename?: 'NotificationPreferences', newMessages: boolean, contactRequests: boolean, fileShares: boolean } } };

export type UpdateProfileMutationVariables = Exact<{
  input: ProfileInput;
}>;


export type UpdateProfileMutation = { __typename?: 'Mutation', updateProfile: { __typename?: 'Account', username: string, displayName?: string | null, email?: string | null } };

export type SetupTwoFactorMutationVariables = Exact<{ [key: string]: never; }>;


export type SetupTwoFactorMutation = { __typename?: 'Mutation', setupTwoFactor: { __typename?: 'TwoFactorSetup', otpauthUri: string, secret: string, sealedSetup: string, expiresAt: string } };

export type ConfirmTwoFactorMutationVariables = Exact<{
  code: Scalars['String']['input'];
  sealedSetup: Scalars['String']['input'];
}>;


export type ConfirmTwoFactorMutation = { __typename?: 'Mutation', confirmTwoFactor: { __typename?: 'TwoFactorConfirmation', backupCodes: Array<string> } };

export type DisableTwoFactorMutationVariables = Exact<{
  code: Scalars['String']['input'];
}>;


export type DisableTwoFactorMutation = { __typename?: 'Mutation', disableTwoFactor: boolean };

export type KeyRotationChallengeMutationVariables = Exact<{
  input: KeyRotationChallengeInput;
}>;


export type KeyRotationChallengeMutation = { __typename?: 'Mutation', keyRotationChallenge: { __typename?: 'KeyChallenge', sealedState: string, expiresAt: string, identityChallenge: { __typename?: 'SealedBox', nonce: string, ciphertext: string }, authChallenge: { __typename?: 'SealedBox', nonce: string, ciphertext: string }, serverKey: { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string } } };

export type RotateKeysMutationVariables = Exact<{
  input: RotateKeysInput;
}>;


export type RotateKeysMutation = { __typename?: 'Mutation', rotateKeys: { __typename?: 'KeyRotationResult', username: string, miniLockId: string, recoveryCode?: string | null } };

export type DeleteAccountMutationVariables = Exact<{
  totpCode?: InputMaybe<Scalars['String']['input']>;
}>;


export type DeleteAccountMutation = { __typename?: 'Mutation', deleteAccount: boolean };

export type UserQueryVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type UserQuery = { __typename?: 'Query', user?: { __typename?: 'User', username: string, miniLockId: string, deleted: boolean } | null };

export type ContactsQueryVariables = Exact<{ [key: string]: never; }>;


export type ContactsQuery = { __typename?: 'Query', contacts: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type RequestContactMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type RequestContactMutation = { __typename?: 'Mutation', requestContact: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type AcceptContactMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type AcceptContactMutation = { __typename?: 'Mutation', acceptContact: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type DeclineContactMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type DeclineContactMutation = { __typename?: 'Mutation', declineContact: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type CancelContactRequestMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type CancelContactRequestMutation = { __typename?: 'Mutation', cancelContactRequest: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type RemoveContactMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type RemoveContactMutation = { __typename?: 'Mutation', removeContact: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type BlockContactMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type BlockContactMutation = { __typename?: 'Mutation', blockContact: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type UnblockContactMutationVariables = Exact<{
  username: Scalars['String']['input'];
}>;


export type UnblockContactMutation = { __typename?: 'Mutation', unblockContact: { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> } };

export type PinSetQueryVariables = Exact<{ [key: string]: never; }>;


export type PinSetQuery = { __typename?: 'Query', pinSet: { __typename?: 'PinSet', version: number, blob?: string | null } };

export type StorePinSetMutationVariables = Exact<{
  blob: Scalars['String']['input'];
  expectedVersion: Scalars['Int']['input'];
}>;


export type StorePinSetMutation = { __typename?: 'Mutation', storePinSet: { __typename?: 'PinSet', version: number, blob?: string | null } };

export type FilesQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type FilesQuery = { __typename?: 'Query', files: { __typename?: 'FileConnection', edges: Array<{ __typename?: 'FileEdge', node: { __typename?: 'File', id: string, owner: string, ready: boolean, chunkCount: number, ciphertextBytes: number, sharedWith: Array<string>, uploadedAt?: string | null } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type FileQuotaQueryVariables = Exact<{ [key: string]: never; }>;


export type FileQuotaQuery = { __typename?: 'Query', fileQuota: { __typename?: 'FileQuota', usedBytes: number, limitBytes: number } };

export type RemoveFileMutationVariables = Exact<{
  fileId: Scalars['String']['input'];
}>;


export type RemoveFileMutation = { __typename?: 'Mutation', removeFile: { __typename?: 'FileRemoval', deleted: boolean } };

export type DestroyFileMutationVariables = Exact<{
  fileId: Scalars['String']['input'];
}>;


export type DestroyFileMutation = { __typename?: 'Mutation', destroyFile: { __typename?: 'FileRemoval', deleted: boolean } };

export type FileIndexRecordsQueryVariables = Exact<{
  after: Scalars['Int']['input'];
  first: Scalars['Int']['input'];
}>;


export type FileIndexRecordsQuery = { __typename?: 'Query', fileIndexRecords: { __typename?: 'FileIndexRecords', version: number, records: Array<{ __typename?: 'FileIndexRecord', sequence: number, blob: string }> } };

export type AppendFileIndexRecordsMutationVariables = Exact<{
  expectedVersion: Scalars['Int']['input'];
  blobs: Array<Scalars['String']['input']> | Scalars['String']['input'];
}>;


export type AppendFileIndexRecordsMutation = { __typename?: 'Mutation', appendFileIndexRecords: number };

export type ServerKeyFieldsFragment = { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string };

export type KeyChallengeFieldsFragment = { __typename?: 'KeyChallenge', sealedState: string, expiresAt: string, identityChallenge: { __typename?: 'SealedBox', nonce: string, ciphertext: string }, authChallenge: { __typename?: 'SealedBox', nonce: string, ciphertext: string }, serverKey: { __typename?: 'SignedServerKey', publicKey: string, validFrom: string, validUntil: string, signature: string } };

export type ContactListFieldsFragment = { __typename?: 'ContactList', contacts: Array<string>, incoming: Array<string>, outgoing: Array<string>, blocked: Array<string> };

export type MessageFieldsFragment = { __typename?: 'Message', conversationId: string, messageId: string, index: number, sender: string, participants: Array<string>, receivedAt: string, position: string, ciphertext?: string | null, expiresAt?: string | null, gone?: MessageGone | null, action?: { __typename?: 'MessageAction', kind: MessageActionKind, targetMessageId: string } | null, receipts: Array<{ __typename?: 'ReadReceipt', reader: string, receipt: string, postedAt: string, position: string }> };

export type FileFieldsFragment = { __typename?: 'File', id: string, owner: string, ready: boolean, chunkCount: number, ciphertextBytes: number, sharedWith: Array<string>, uploadedAt?: string | null };

export type KeyLogTreeHeadFieldsFragment = { __typename?: 'KeyLogTreeHead', treeSize: number, timestamp: string, rootHash: string, signature: string, checkpoint?: string | null };

export type KeyLogTreeHeadQueryVariables = Exact<{
  minCosignatures?: InputMaybe<Scalars['Int']['input']>;
}>;


export type KeyLogTreeHeadQuery = { __typename?: 'Query', keyLogTreeHead: { __typename?: 'KeyLogTreeHead', treeSize: number, timestamp: string, rootHash: string, signature: string, checkpoint?: string | null } };

export type KeyLogKeyProofQueryVariables = Exact<{
  username: Scalars['String']['input'];
  knownTreeSize?: InputMaybe<Scalars['Int']['input']>;
  minCosignatures?: InputMaybe<Scalars['Int']['input']>;
}>;


export type KeyLogKeyProofQuery = { __typename?: 'Query', keyLogKeyProof: { __typename?: 'KeyLogKeyProof', treeHead: { __typename?: 'KeyLogTreeHead', treeSize: number, timestamp: string, rootHash: string, signature: string, checkpoint?: string | null }, inclusion: { __typename?: 'KeyLogInclusionProof', leafIndex: number, treeSize: number, leaf: string, auditPath: Array<string> }, lookup: { __typename?: 'KeyLogLookup', vrfProof: string, opening: string, timestamp: string, miniLockId: string, authPublicKey: string }, newest: { __typename?: 'KeyLogNewestProof', lastLeaf: string, lastLeafAuditPath: Array<string>, mapPath: Array<string> }, consistency?: { __typename?: 'KeyLogConsistencyProof', fromSize: number, toSize: number, path: Array<string> } | null } };

export type KeyLogInclusionProofQueryVariables = Exact<{
  leafIndex: Scalars['Int']['input'];
  treeSize: Scalars['Int']['input'];
}>;


export type KeyLogInclusionProofQuery = { __typename?: 'Query', keyLogInclusionProof: { __typename?: 'KeyLogInclusionProof', leafIndex: number, treeSize: number, leaf: string, auditPath: Array<string> } };

export type KeyLogConsistencyProofQueryVariables = Exact<{
  fromSize: Scalars['Int']['input'];
  toSize: Scalars['Int']['input'];
}>;


export type KeyLogConsistencyProofQuery = { __typename?: 'Query', keyLogConsistencyProof: { __typename?: 'KeyLogConsistencyProof', fromSize: number, toSize: number, path: Array<string> } };

export type SubmitKeyLogCosignatureMutationVariables = Exact<{
  treeSize: Scalars['Int']['input'];
  cosignature: Scalars['String']['input'];
}>;


export type SubmitKeyLogCosignatureMutation = { __typename?: 'Mutation', submitKeyLogCosignature: string };

export type KeyLogVrfKeyQueryVariables = Exact<{ [key: string]: never; }>;


export type KeyLogVrfKeyQuery = { __typename?: 'Query', serverKeys: { __typename?: 'ServerKeys', keyLogVrfKey: { __typename?: 'KeyLogVrfKey', publicKey: string, signature: string } } };

export type LinkFieldsFragment = { __typename?: 'Link', id: string, kind: LinkKind, fileId: string, createdAt: string, expiresAt: string, maxOpens?: number | null, openCount: number, passphrase: boolean, revokedAt?: string | null, status: LinkStatus, lastOpenedAt?: string | null };

export type CreateLinkMutationVariables = Exact<{
  input: CreateLinkInput;
}>;


export type CreateLinkMutation = { __typename?: 'Mutation', createLink: { __typename?: 'Link', id: string, kind: LinkKind, fileId: string, createdAt: string, expiresAt: string, maxOpens?: number | null, openCount: number, passphrase: boolean, revokedAt?: string | null, status: LinkStatus, lastOpenedAt?: string | null } };

export type RevokeLinkMutationVariables = Exact<{
  linkId: Scalars['ID']['input'];
}>;


export type RevokeLinkMutation = { __typename?: 'Mutation', revokeLink: { __typename?: 'Link', id: string, kind: LinkKind, fileId: string, createdAt: string, expiresAt: string, maxOpens?: number | null, openCount: number, passphrase: boolean, revokedAt?: string | null, status: LinkStatus, lastOpenedAt?: string | null } };

export type LinksQueryVariables = Exact<{ [key: string]: never; }>;


export type LinksQuery = { __typename?: 'Query', links: Array<{ __typename?: 'Link', id: string, kind: LinkKind, fileId: string, createdAt: string, expiresAt: string, maxOpens?: number | null, openCount: number, passphrase: boolean, revokedAt?: string | null, status: LinkStatus, lastOpenedAt?: string | null }> };

export type LinkInfoQueryVariables = Exact<{
  linkId: Scalars['ID']['input'];
}>;


export type LinkInfoQuery = { __typename?: 'Query', linkInfo: { __typename?: 'LinkInfo', kind: LinkKind, passphrase: boolean, expiresAt: string, status: LinkStatus } };

export type OpenLinkMutationVariables = Exact<{
  linkId: Scalars['ID']['input'];
  access: Scalars['Base64']['input'];
}>;


export type OpenLinkMutation = { __typename?: 'Mutation', openLink: { __typename?: 'LinkOpening', grant: string, grantExpiresAt: string, kind: LinkKind, owner: string, fileBytes: number, openCount: number, maxOpens?: number | null, expiresAt: string } };

export type ConversationsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConversationsQuery = { __typename?: 'Query', conversations: { __typename?: 'ConversationConnection', edges: Array<{ __typename?: 'ConversationEdge', node: { __typename?: 'Conversation', id: string, participants: Array<string>, lastMessageAt: string, messageCount: number, unreadCount: number } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } };

export type ConversationMessagesQueryVariables = Exact<{
  id: Scalars['String']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConversationMessagesQuery = { __typename?: 'Query', conversation: { __typename?: 'Conversation', id: string, participants: Array<string>, messages: { __typename?: 'MessageConnection', edges: Array<{ __typename?: 'MessageEdge', node: { __typename?: 'Message', conversationId: string, messageId: string, index: number, sender: string, participants: Array<string>, receivedAt: string, position: string, ciphertext?: string | null, expiresAt?: string | null, gone?: MessageGone | null, action?: { __typename?: 'MessageAction', kind: MessageActionKind, targetMessageId: string } | null, receipts: Array<{ __typename?: 'ReadReceipt', reader: string, receipt: string, postedAt: string, position: string }> } }>, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null } } } };

export type ConversationNewestMessagesQueryVariables = Exact<{
  id: Scalars['String']['input'];
  last?: InputMaybe<Scalars['Int']['input']>;
  before?: InputMaybe<Scalars['String']['input']>;
}>;


export type ConversationNewestMessagesQuery = { __typename?: 'Query', conversation: { __typename?: 'Conversation', id: string, participants: Array<string>, messages: { __typename?: 'MessageConnection', edges: Array<{ __typename?: 'MessageEdge', node: { __typename?: 'Message', conversationId: string, messageId: string, index: number, sender: string, participants: Array<string>, receivedAt: string, position: string, ciphertext?: string | null, expiresAt?: string | null, gone?: MessageGone | null, action?: { __typename?: 'MessageAction', kind: MessageActionKind, targetMessageId: string } | null, receipts: Array<{ __typename?: 'ReadReceipt', reader: string, receipt: string, postedAt: string, position: string }> } }>, pageInfo: { __typename?: 'PageInfo', hasPreviousPage: boolean, startCursor?: string | null } } } };

export type SendMessageMutationVariables = Exact<{
  input: SendMessageInput;
}>;


export type SendMessageMutation = { __typename?: 'Mutation', sendMessage: { __typename?: 'Message', conversationId: string, messageId: string, index: number, sender: string, participants: Array<string>, receivedAt: string, position: string, expiresAt?: string | null } };

export type PostReadReceiptMutationVariables = Exact<{
  input: PostReadReceiptInput;
}>;


export type PostReadReceiptMutation = { __typename?: 'Mutation', postReadReceipt: { __typename?: 'ReadReceipt', reader: string, receipt: string, postedAt: string, position: string } };

export type RemoveConversationMutationVariables = Exact<{
  id: Scalars['String']['input'];
}>;


export type RemoveConversationMutation = { __typename?: 'Mutation', removeConversation: { __typename?: 'RemoveConversationResult', purged: boolean } };

export type NotificationsSubscriptionVariables = Exact<{
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type NotificationsSubscription = { __typename?: 'Subscription', notifications: { __typename?: 'Notification', kind: NotificationKind, position: string, from: string, conversationId?: string | null, messageId?: string | null, fileId?: string | null, occurredAt: string, miniLockId?: string | null, message?: { __typename?: 'Message', conversationId: string, messageId: string, index: number, sender: string, participants: Array<string>, receivedAt: string, position: string, ciphertext?: string | null, expiresAt?: string | null, gone?: MessageGone | null, action?: { __typename?: 'MessageAction', kind: MessageActionKind, targetMessageId: string } | null, receipts: Array<{ __typename?: 'ReadReceipt', reader: string, receipt: string, postedAt: string, position: string }> } | null } };

export const ServerKeyFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}}]} as unknown as DocumentNode<ServerKeyFieldsFragment, unknown>;
export const KeyChallengeFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyChallengeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KeyChallenge"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sealedState"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"identityChallenge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"authChallenge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"serverKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServerKeyFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}}]} as unknown as DocumentNode<KeyChallengeFieldsFragment, unknown>;
export const ContactListFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<ContactListFieldsFragment, unknown>;
export const MessageFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"gone"}},{"kind":"Field","name":{"kind":"Name","value":"action"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetMessageId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"receipts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reader"}},{"kind":"Field","name":{"kind":"Name","value":"receipt"}},{"kind":"Field","name":{"kind":"Name","value":"postedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]}}]} as unknown as DocumentNode<MessageFieldsFragment, unknown>;
export const FileFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FileFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"File"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"chunkCount"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertextBytes"}},{"kind":"Field","name":{"kind":"Name","value":"sharedWith"}},{"kind":"Field","name":{"kind":"Name","value":"uploadedAt"}}]}}]} as unknown as DocumentNode<FileFieldsFragment, unknown>;
export const KeyLogTreeHeadFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLogTreeHeadFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KeyLogTreeHead"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"treeSize"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"rootHash"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}},{"kind":"Field","name":{"kind":"Name","value":"checkpoint"}}]}}]} as unknown as DocumentNode<KeyLogTreeHeadFieldsFragment, unknown>;
export const LinkFieldsFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Link"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"maxOpens"}},{"kind":"Field","name":{"kind":"Name","value":"openCount"}},{"kind":"Field","name":{"kind":"Name","value":"passphrase"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastOpenedAt"}}]}}]} as unknown as DocumentNode<LinkFieldsFragment, unknown>;
export const ServerKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServerKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serverKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signingPublicKey"}},{"kind":"Field","name":{"kind":"Name","value":"ephemeral"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServerKeyFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}}]} as unknown as DocumentNode<ServerKeysQuery, ServerKeysQueryVariables>;
export const SignupChallengeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SignupChallenge"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignupChallengeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signupChallenge"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyChallengeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyChallengeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KeyChallenge"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sealedState"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"identityChallenge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"authChallenge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"serverKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServerKeyFields"}}]}}]}}]} as unknown as DocumentNode<SignupChallengeMutation, SignupChallengeMutationVariables>;
export const SignupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Signup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SignupInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"signup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCode"}}]}}]}}]} as unknown as DocumentNode<SignupMutation, SignupMutationVariables>;
export const AuthChallengeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AuthChallenge"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"totpCode"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"device"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DeviceInput"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"authChallenge"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"totpCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"totpCode"}}},{"kind":"Argument","name":{"kind":"Name","value":"device"},"value":{"kind":"Variable","name":{"kind":"Name","value":"device"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"serverKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServerKeyFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"session"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"secret"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}}]} as unknown as DocumentNode<AuthChallengeMutation, AuthChallengeMutationVariables>;
export const RefreshSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RefreshSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sessionId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"secret"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"refreshSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"sessionId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sessionId"}}},{"kind":"Argument","name":{"kind":"Name","value":"secret"},"value":{"kind":"Variable","name":{"kind":"Name","value":"secret"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"tokens"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"serverKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServerKeyFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}}]} as unknown as DocumentNode<RefreshSessionMutation, RefreshSessionMutationVariables>;
export const SessionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sessions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastUsedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"current"}}]}}]}}]} as unknown as DocumentNode<SessionsQuery, SessionsQueryVariables>;
export const RevokeSessionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeSession"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeSession"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}]}]}}]} as unknown as DocumentNode<RevokeSessionMutation, RevokeSessionMutationVariables>;
export const LogoutDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Logout"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logout"}}]}}]} as unknown as DocumentNode<LogoutMutation, LogoutMutationVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"miniLockId"}},{"kind":"Field","name":{"kind":"Name","value":"authPublicKey"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"twoFactorEnabled"}},{"kind":"Field","name":{"kind":"Name","value":"notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"newMessages"}},{"kind":"Field","name":{"kind":"Name","value":"contactRequests"}},{"kind":"Field","name":{"kind":"Name","value":"fileShares"}}]}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const UpdateProfileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UpdateProfile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ProfileInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"updateProfile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"displayName"}},{"kind":"Field","name":{"kind":"Name","value":"email"}}]}}]}}]} as unknown as DocumentNode<UpdateProfileMutation, UpdateProfileMutationVariables>;
export const SetupTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetupTwoFactor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setupTwoFactor"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"otpauthUri"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"sealedSetup"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<SetupTwoFactorMutation, SetupTwoFactorMutationVariables>;
export const ConfirmTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ConfirmTwoFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"sealedSetup"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"confirmTwoFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}},{"kind":"Argument","name":{"kind":"Name","value":"sealedSetup"},"value":{"kind":"Variable","name":{"kind":"Name","value":"sealedSetup"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"backupCodes"}}]}}]}}]} as unknown as DocumentNode<ConfirmTwoFactorMutation, ConfirmTwoFactorMutationVariables>;
export const DisableTwoFactorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DisableTwoFactor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"code"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"disableTwoFactor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"code"},"value":{"kind":"Variable","name":{"kind":"Name","value":"code"}}}]}]}}]} as unknown as DocumentNode<DisableTwoFactorMutation, DisableTwoFactorMutationVariables>;
export const KeyRotationChallengeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"KeyRotationChallenge"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"KeyRotationChallengeInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyRotationChallenge"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyChallengeFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ServerKeyFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"SignedServerKey"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"validFrom"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyChallengeFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KeyChallenge"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sealedState"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"identityChallenge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"authChallenge"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nonce"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}}]}},{"kind":"Field","name":{"kind":"Name","value":"serverKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ServerKeyFields"}}]}}]}}]} as unknown as DocumentNode<KeyRotationChallengeMutation, KeyRotationChallengeMutationVariables>;
export const RotateKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RotateKeys"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"RotateKeysInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rotateKeys"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"miniLockId"}},{"kind":"Field","name":{"kind":"Name","value":"recoveryCode"}}]}}]}}]} as unknown as DocumentNode<RotateKeysMutation, RotateKeysMutationVariables>;
export const DeleteAccountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeleteAccount"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"totpCode"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleteAccount"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"totpCode"},"value":{"kind":"Variable","name":{"kind":"Name","value":"totpCode"}}}]}]}}]} as unknown as DocumentNode<DeleteAccountMutation, DeleteAccountMutationVariables>;
export const UserDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"User"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"user"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"username"}},{"kind":"Field","name":{"kind":"Name","value":"miniLockId"}},{"kind":"Field","name":{"kind":"Name","value":"deleted"}}]}}]}}]} as unknown as DocumentNode<UserQuery, UserQueryVariables>;
export const ContactsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Contacts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<ContactsQuery, ContactsQueryVariables>;
export const RequestContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RequestContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"requestContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<RequestContactMutation, RequestContactMutationVariables>;
export const AcceptContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AcceptContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"acceptContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<AcceptContactMutation, AcceptContactMutationVariables>;
export const DeclineContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DeclineContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"declineContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<DeclineContactMutation, DeclineContactMutationVariables>;
export const CancelContactRequestDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CancelContactRequest"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cancelContactRequest"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<CancelContactRequestMutation, CancelContactRequestMutationVariables>;
export const RemoveContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<RemoveContactMutation, RemoveContactMutationVariables>;
export const BlockContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"BlockContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"blockContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<BlockContactMutation, BlockContactMutationVariables>;
export const UnblockContactDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"UnblockContact"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unblockContact"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ContactListFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ContactListFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ContactList"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"contacts"}},{"kind":"Field","name":{"kind":"Name","value":"incoming"}},{"kind":"Field","name":{"kind":"Name","value":"outgoing"}},{"kind":"Field","name":{"kind":"Name","value":"blocked"}}]}}]} as unknown as DocumentNode<UnblockContactMutation, UnblockContactMutationVariables>;
export const PinSetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PinSet"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pinSet"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"blob"}}]}}]}}]} as unknown as DocumentNode<PinSetQuery, PinSetQueryVariables>;
export const StorePinSetDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StorePinSet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"blob"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"storePinSet"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"blob"},"value":{"kind":"Variable","name":{"kind":"Name","value":"blob"}}},{"kind":"Argument","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"version"}},{"kind":"Field","name":{"kind":"Name","value":"blob"}}]}}]}}]} as unknown as DocumentNode<StorePinSetMutation, StorePinSetMutationVariables>;
export const FilesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Files"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"files"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"FileFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"FileFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"File"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"chunkCount"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertextBytes"}},{"kind":"Field","name":{"kind":"Name","value":"sharedWith"}},{"kind":"Field","name":{"kind":"Name","value":"uploadedAt"}}]}}]} as unknown as DocumentNode<FilesQuery, FilesQueryVariables>;
export const FileQuotaDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FileQuota"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileQuota"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"usedBytes"}},{"kind":"Field","name":{"kind":"Name","value":"limitBytes"}}]}}]}}]} as unknown as DocumentNode<FileQuotaQuery, FileQuotaQueryVariables>;
export const RemoveFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeFile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fileId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleted"}}]}}]}}]} as unknown as DocumentNode<RemoveFileMutation, RemoveFileMutationVariables>;
export const DestroyFileDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DestroyFile"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"destroyFile"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fileId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fileId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleted"}}]}}]}}]} as unknown as DocumentNode<DestroyFileMutation, DestroyFileMutationVariables>;
export const FileIndexRecordsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FileIndexRecords"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fileIndexRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"records"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sequence"}},{"kind":"Field","name":{"kind":"Name","value":"blob"}}]}},{"kind":"Field","name":{"kind":"Name","value":"version"}}]}}]}}]} as unknown as DocumentNode<FileIndexRecordsQuery, FileIndexRecordsQueryVariables>;
export const AppendFileIndexRecordsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"AppendFileIndexRecords"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"blobs"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"appendFileIndexRecords"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"expectedVersion"},"value":{"kind":"Variable","name":{"kind":"Name","value":"expectedVersion"}}},{"kind":"Argument","name":{"kind":"Name","value":"blobs"},"value":{"kind":"Variable","name":{"kind":"Name","value":"blobs"}}}]}]}}]} as unknown as DocumentNode<AppendFileIndexRecordsMutation, AppendFileIndexRecordsMutationVariables>;
export const KeyLogTreeHeadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyLogTreeHead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minCosignatures"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyLogTreeHead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"minCosignatures"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minCosignatures"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLogTreeHeadFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLogTreeHeadFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KeyLogTreeHead"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"treeSize"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"rootHash"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}},{"kind":"Field","name":{"kind":"Name","value":"checkpoint"}}]}}]} as unknown as DocumentNode<KeyLogTreeHeadQuery, KeyLogTreeHeadQueryVariables>;
export const KeyLogKeyProofDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyLogKeyProof"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"username"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"knownTreeSize"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"minCosignatures"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyLogKeyProof"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"username"},"value":{"kind":"Variable","name":{"kind":"Name","value":"username"}}},{"kind":"Argument","name":{"kind":"Name","value":"knownTreeSize"},"value":{"kind":"Variable","name":{"kind":"Name","value":"knownTreeSize"}}},{"kind":"Argument","name":{"kind":"Name","value":"minCosignatures"},"value":{"kind":"Variable","name":{"kind":"Name","value":"minCosignatures"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"treeHead"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"KeyLogTreeHeadFields"}}]}},{"kind":"Field","name":{"kind":"Name","value":"inclusion"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leafIndex"}},{"kind":"Field","name":{"kind":"Name","value":"treeSize"}},{"kind":"Field","name":{"kind":"Name","value":"leaf"}},{"kind":"Field","name":{"kind":"Name","value":"auditPath"}}]}},{"kind":"Field","name":{"kind":"Name","value":"lookup"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"vrfProof"}},{"kind":"Field","name":{"kind":"Name","value":"opening"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"miniLockId"}},{"kind":"Field","name":{"kind":"Name","value":"authPublicKey"}}]}},{"kind":"Field","name":{"kind":"Name","value":"newest"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastLeaf"}},{"kind":"Field","name":{"kind":"Name","value":"lastLeafAuditPath"}},{"kind":"Field","name":{"kind":"Name","value":"mapPath"}}]}},{"kind":"Field","name":{"kind":"Name","value":"consistency"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromSize"}},{"kind":"Field","name":{"kind":"Name","value":"toSize"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"KeyLogTreeHeadFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"KeyLogTreeHead"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"treeSize"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"rootHash"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}},{"kind":"Field","name":{"kind":"Name","value":"checkpoint"}}]}}]} as unknown as DocumentNode<KeyLogKeyProofQuery, KeyLogKeyProofQueryVariables>;
export const KeyLogInclusionProofDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyLogInclusionProof"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"leafIndex"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"treeSize"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyLogInclusionProof"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"leafIndex"},"value":{"kind":"Variable","name":{"kind":"Name","value":"leafIndex"}}},{"kind":"Argument","name":{"kind":"Name","value":"treeSize"},"value":{"kind":"Variable","name":{"kind":"Name","value":"treeSize"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leafIndex"}},{"kind":"Field","name":{"kind":"Name","value":"treeSize"}},{"kind":"Field","name":{"kind":"Name","value":"leaf"}},{"kind":"Field","name":{"kind":"Name","value":"auditPath"}}]}}]}}]} as unknown as DocumentNode<KeyLogInclusionProofQuery, KeyLogInclusionProofQueryVariables>;
export const KeyLogConsistencyProofDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyLogConsistencyProof"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"fromSize"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"toSize"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyLogConsistencyProof"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"fromSize"},"value":{"kind":"Variable","name":{"kind":"Name","value":"fromSize"}}},{"kind":"Argument","name":{"kind":"Name","value":"toSize"},"value":{"kind":"Variable","name":{"kind":"Name","value":"toSize"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fromSize"}},{"kind":"Field","name":{"kind":"Name","value":"toSize"}},{"kind":"Field","name":{"kind":"Name","value":"path"}}]}}]}}]} as unknown as DocumentNode<KeyLogConsistencyProofQuery, KeyLogConsistencyProofQueryVariables>;
export const SubmitKeyLogCosignatureDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitKeyLogCosignature"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"treeSize"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"cosignature"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitKeyLogCosignature"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"treeSize"},"value":{"kind":"Variable","name":{"kind":"Name","value":"treeSize"}}},{"kind":"Argument","name":{"kind":"Name","value":"cosignature"},"value":{"kind":"Variable","name":{"kind":"Name","value":"cosignature"}}}]}]}}]} as unknown as DocumentNode<SubmitKeyLogCosignatureMutation, SubmitKeyLogCosignatureMutationVariables>;
export const KeyLogVrfKeyDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"KeyLogVrfKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"serverKeys"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"keyLogVrfKey"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"publicKey"}},{"kind":"Field","name":{"kind":"Name","value":"signature"}}]}}]}}]}}]} as unknown as DocumentNode<KeyLogVrfKeyQuery, KeyLogVrfKeyQueryVariables>;
export const CreateLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateLinkInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LinkFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Link"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"maxOpens"}},{"kind":"Field","name":{"kind":"Name","value":"openCount"}},{"kind":"Field","name":{"kind":"Name","value":"passphrase"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastOpenedAt"}}]}}]} as unknown as DocumentNode<CreateLinkMutation, CreateLinkMutationVariables>;
export const RevokeLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RevokeLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revokeLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"linkId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LinkFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Link"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"maxOpens"}},{"kind":"Field","name":{"kind":"Name","value":"openCount"}},{"kind":"Field","name":{"kind":"Name","value":"passphrase"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastOpenedAt"}}]}}]} as unknown as DocumentNode<RevokeLinkMutation, RevokeLinkMutationVariables>;
export const LinksDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Links"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"links"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"LinkFields"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"LinkFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Link"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"maxOpens"}},{"kind":"Field","name":{"kind":"Name","value":"openCount"}},{"kind":"Field","name":{"kind":"Name","value":"passphrase"}},{"kind":"Field","name":{"kind":"Name","value":"revokedAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"lastOpenedAt"}}]}}]} as unknown as DocumentNode<LinksQuery, LinksQueryVariables>;
export const LinkInfoDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"LinkInfo"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"linkInfo"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"linkId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"passphrase"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<LinkInfoQuery, LinkInfoQueryVariables>;
export const OpenLinkDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"OpenLink"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"access"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Base64"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"openLink"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"linkId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"linkId"}}},{"kind":"Argument","name":{"kind":"Name","value":"access"},"value":{"kind":"Variable","name":{"kind":"Name","value":"access"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"grant"}},{"kind":"Field","name":{"kind":"Name","value":"grantExpiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"owner"}},{"kind":"Field","name":{"kind":"Name","value":"fileBytes"}},{"kind":"Field","name":{"kind":"Name","value":"openCount"}},{"kind":"Field","name":{"kind":"Name","value":"maxOpens"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<OpenLinkMutation, OpenLinkMutationVariables>;
export const ConversationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Conversations"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversations"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"lastMessageAt"}},{"kind":"Field","name":{"kind":"Name","value":"messageCount"}},{"kind":"Field","name":{"kind":"Name","value":"unreadCount"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ConversationsQuery, ConversationsQueryVariables>;
export const ConversationMessagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConversationMessages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MessageFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"gone"}},{"kind":"Field","name":{"kind":"Name","value":"action"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetMessageId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"receipts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reader"}},{"kind":"Field","name":{"kind":"Name","value":"receipt"}},{"kind":"Field","name":{"kind":"Name","value":"postedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]}}]} as unknown as DocumentNode<ConversationMessagesQuery, ConversationMessagesQueryVariables>;
export const ConversationNewestMessagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ConversationNewestMessages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"last"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"before"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"messages"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"last"},"value":{"kind":"Variable","name":{"kind":"Name","value":"last"}}},{"kind":"Argument","name":{"kind":"Name","value":"before"},"value":{"kind":"Variable","name":{"kind":"Name","value":"before"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MessageFields"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"gone"}},{"kind":"Field","name":{"kind":"Name","value":"action"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetMessageId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"receipts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reader"}},{"kind":"Field","name":{"kind":"Name","value":"receipt"}},{"kind":"Field","name":{"kind":"Name","value":"postedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]}}]} as unknown as DocumentNode<ConversationNewestMessagesQuery, ConversationNewestMessagesQueryVariables>;
export const SendMessageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SendMessage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SendMessageInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"sendMessage"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}}]}}]}}]} as unknown as DocumentNode<SendMessageMutation, SendMessageMutationVariables>;
export const PostReadReceiptDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PostReadReceipt"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"PostReadReceiptInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"postReadReceipt"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reader"}},{"kind":"Field","name":{"kind":"Name","value":"receipt"}},{"kind":"Field","name":{"kind":"Name","value":"postedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]}}]} as unknown as DocumentNode<PostReadReceiptMutation, PostReadReceiptMutationVariables>;
export const RemoveConversationDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RemoveConversation"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"removeConversation"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"purged"}}]}}]}}]} as unknown as DocumentNode<RemoveConversationMutation, RemoveConversationMutationVariables>;
export const NotificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"Notifications"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"from"}},{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"fileId"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"miniLockId"}},{"kind":"Field","name":{"kind":"Name","value":"message"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MessageFields"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MessageFields"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Message"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"conversationId"}},{"kind":"Field","name":{"kind":"Name","value":"messageId"}},{"kind":"Field","name":{"kind":"Name","value":"index"}},{"kind":"Field","name":{"kind":"Name","value":"sender"}},{"kind":"Field","name":{"kind":"Name","value":"participants"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"ciphertext"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"gone"}},{"kind":"Field","name":{"kind":"Name","value":"action"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"targetMessageId"}}]}},{"kind":"Field","name":{"kind":"Name","value":"receipts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reader"}},{"kind":"Field","name":{"kind":"Name","value":"receipt"}},{"kind":"Field","name":{"kind":"Name","value":"postedAt"}},{"kind":"Field","name":{"kind":"Name","value":"position"}}]}}]}}]} as unknown as DocumentNode<NotificationsSubscription, NotificationsSubscriptionVariables>;