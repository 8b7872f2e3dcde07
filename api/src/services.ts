/**
 * Everything a resolver may use, built once by buildApp. Resolvers stay thin:
 * they check arguments and call a use case with these services.
 */
import type { AppConfig } from './config.js';
import type { AccountCommands } from './accounts/account-commands.js';
import type { PersonalDataVault } from './accounts/personal-data.js';
import type { ServerKeys } from './auth/server-keys.js';
import type { StateSealer } from './auth/sealed-state.js';
import type { TokenIssuer } from './auth/token-issuer.js';
import type { RateLimiter } from './ratelimit/rate-limiter.js';
import type { OneTimeCodes } from './twofactor/one-time-codes.js';
import type { AuthStore } from './storage/auth-store.js';
import type { DirectoryQueries } from './accounts/directory-queries.js';
import type { KeyLogQueries } from './keylog/key-log-queries.js';
import type { WitnessCosignatures } from './keylog/witness-cosignatures.js';
import type { EventStore } from './eventstore/event-store.js';
import type { CiphertextStore } from './storage/ciphertext-store.js';
import type { ContactCommands } from './contacts/contact-commands.js';
import type { ConversationCommands } from './conversations/conversation-commands.js';
import type { ConversationQueries } from './conversations/conversation-queries.js';
import type { PinSets } from './pins/pin-sets.js';
import type { FileIndexes } from './files/file-indexes.js';
import type { NotificationHub } from './notifications/notification-hub.js';
import type { FileCommands } from './files/file-commands.js';
import type { BlobStore } from './blobstore/blob-store.js';
import type { LinkCommands } from './links/link-commands.js';

export interface Services {
  readonly config: AppConfig;
  readonly now: () => number;
  readonly keys: ServerKeys;
  readonly sealer: StateSealer;
  readonly eventStore: EventStore;
  readonly authStore: AuthStore;
  readonly tokens: TokenIssuer;
  readonly rateLimiter: RateLimiter;
  readonly codes: OneTimeCodes;
  readonly vault: PersonalDataVault;
  readonly accounts: AccountCommands;
  readonly directory: DirectoryQueries;
  readonly keyLog: KeyLogQueries;
  readonly witnessCosignatures: WitnessCosignatures;
  readonly ciphertexts: CiphertextStore;
  readonly contacts: ContactCommands;
  readonly conversations: ConversationCommands;
  readonly conversationQueries: ConversationQueries;
  readonly pinSets: PinSets;
  readonly fileIndexes: FileIndexes;
  readonly notifications: NotificationHub;
  readonly blobs: BlobStore;
  readonly files: FileCommands;
  readonly links: LinkCommands;
}

/** Who is asking, as established by the plugins before any resolver runs. */
export interface RequestInfo {
  readonly requestId: string;
  readonly clientAddress: string;
  /** Set only when this request spent a valid token. */
  /** Who the request's token belongs to, and the device session it was issued for (null: a login without a session). */
  readonly viewer: { readonly username: string; readonly sessionId: string | null } | null;
  /** A WebSocket operation: its connection (a stream is not told of the messages its own connection sent). */
  readonly connectionId?: string;
}
