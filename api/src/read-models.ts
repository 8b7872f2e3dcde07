/**
 * Every read model the server keeps, in one list: the server runs a runner
 * for each (app.ts), and `npm run rebuild` rebuilds them (rebuild.ts).
 * Adding a projection means adding it here.
 */
import {
  accountProfileProjection,
  contactsProjection,
  conversationInboxProjection,
  conversationMessagesProjection,
  filesProjection,
  keyLogCosignaturesProjection,
  keyLogProjection,
  messageIdsProjection,
  userDirectoryProjection,
  type Projection,
} from '@peerlock/projections';
import type { RecordedEvent } from '@peerlock/schema';

/** Read by messaging commands after their writes (read-your-writes). */
export const MESSAGING_READ_MODELS = [contactsProjection, conversationInboxProjection, conversationMessagesProjection, messageIdsProjection] as const;

export const READ_MODELS: readonly Projection<unknown, RecordedEvent>[] = [
  userDirectoryProjection,
  accountProfileProjection,
  ...MESSAGING_READ_MODELS,
  filesProjection,
  // Key transparency (DESIGN §6) and its witnesses' co-signatures (T13).
  keyLogProjection,
  keyLogCosignaturesProjection,
] as unknown as readonly Projection<unknown, RecordedEvent>[];
