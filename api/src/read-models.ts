/**
 * Every read model the server keeps, in one list: the server runs a runner
 * for each (app.ts), and `npm run rebuild` rebuilds them (rebuild.ts).
 * Adding a projection means adding it here. The key log's leaves are made
 * with the server's secrets (ServerKeys: VRF indexes, commitment openings),
 * so the list is made from them.
 */
import {
  accountProfileProjection,
  contactsProjection,
  conversationInboxProjection,
  conversationMessagesProjection,
  filesProjection,
  linksProjection,
  createKeyLogProjection,
  keyLogCosignaturesProjection,
  type KeyLogSecrets,
  messageIdsProjection,
  userDirectoryProjection,
  type Projection,
} from '@peerlock/projections';
import type { RecordedEvent } from '@peerlock/schema';

/** Read by messaging commands after their writes (read-your-writes). */
export const MESSAGING_READ_MODELS = [contactsProjection, conversationInboxProjection, conversationMessagesProjection, messageIdsProjection] as const;

export const readModels = (keyLog: KeyLogSecrets): readonly Projection<unknown, RecordedEvent>[] =>
  [
    userDirectoryProjection,
    accountProfileProjection,
    ...MESSAGING_READ_MODELS,
    filesProjection,
    // Secure links (issue 21): the owners' lists and the files due to go with their links.
    linksProjection,
    // Key transparency (DESIGN §6) and its witnesses' co-signatures (T13).
    createKeyLogProjection(keyLog),
    keyLogCosignaturesProjection,
  ] as unknown as readonly Projection<unknown, RecordedEvent>[];

/** The secrets the key log is made with, from the server's keys. */
export const keyLogSecretsOf = (keys: { keyLogIndex(username: string): Uint8Array; keyLogOpening(username: string, keySequence: number): Uint8Array }): KeyLogSecrets => ({
  index: (username) => keys.keyLogIndex(username),
  opening: (username, keySequence) => keys.keyLogOpening(username, keySequence),
});

/** Their names (the key log's does not depend on the secrets). */
export const READ_MODEL_NAMES: readonly string[] = readModels({
  index: () => new Uint8Array(32),
  opening: () => new Uint8Array(32),
}).map((p) => p.name);
