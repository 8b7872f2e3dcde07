/**
 * Whether an account exists, asked before the login derives any key: the
 * directory's exact lookup `user(username)` is public (no token is spent,
 * no rate-limit counter moves, nothing is listed), and is what the SDK
 * itself asks before pinning a key (PeerlockClient.observe). The login's
 * own call, authChallenge, would also say NOT_FOUND, but for an account
 * that exists it issues a batch of tokens (useless before the key is
 * derived) and counts against the login rate limit.
 *
 * Trusts: nothing; the answer is the server's word, used only to save the
 * user a key derivation. A server that says "unknown" could refuse the
 * login anyway; one that says "exists" when there is no such account gets
 * a login that fails as before.
 */
import type { PeerlockClient } from '@peerlock/sdk';
// The SDK's generated document for sdk/src/client/operations/accounts.graphql's `User` query (checked
// against the schema by its codegen).
import { UserDocument } from '@peerlock/sdk/operations';

export type AccountStatus = 'active' | 'deleted' | 'unknown';

export async function accountStatus(client: PeerlockClient, username: string): Promise<AccountStatus> {
  const { user } = await client.call(UserDocument, { username });
  if (!user) return 'unknown';
  return user.deleted ? 'deleted' : 'active';
}
