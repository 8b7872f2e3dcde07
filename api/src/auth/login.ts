/**
 * Login (DESIGN.md §3): authChallenge(username, code?, device?) → a batch of
 * tokens boxed to the account's auth key. With 2FA on, the code is checked
 * (and a wrong one recorded) before any token exists. With `device`, the
 * login also opens a device session, and later batches come from
 * refreshSession with the session's secret and no code, until the session
 * ends: logout, revocation, key change, account deletion, or its lifetime.
 */
import { canonicalUsername } from '../accounts/username.js';
import type { RequestInfo, Services } from '../services.js';
import { secondFactorProof } from '../twofactor/second-factor-proof.js';
import { badInput, PeerlockError } from '../errors.js';
import { codeArg } from '../validation.js';
import type { DeviceSession } from '../storage/auth-store.js';
import type { SessionGrant, TokenBatch } from './token-issuer.js';
import { parseSessionSecret } from './tokens.js';
import { viewerOf } from './viewer.js';

export interface DeviceInput {
  /** What the user will see in their session list ("peerlock CLI on laptop", "Chromium on Linux"). */
  readonly label: string;
  /** "Trust this device": the long lifetime; otherwise a short one. */
  readonly trusted?: boolean | null;
}

export interface LoginResult extends TokenBatch {
  readonly session: SessionGrant | null;
}

const LABEL_MAX = 80;
const SESSION_ID = /^[A-Za-z0-9_-]{22}$/;

export async function authChallenge(
  services: Services,
  request: RequestInfo,
  input: { username: string; totpCode?: string | null; device?: DeviceInput | null },
): Promise<LoginResult> {
  const username = canonicalUsername(input.username);
  const code = codeArg(input.totpCode, 'totpCode');
  const device = input.device ? { label: labelArg(input.device.label), trusted: input.device.trusted === true } : null;
  const now = services.now();
  await services.rateLimiter.check('challenge', request.clientAddress, username, now);
  if (code !== null) await services.rateLimiter.check('twoFactor', request.clientAddress, username, now);
  const { after } = await services.accounts.execute(
    username,
    async (state) => {
      if (state.status !== 'active') throw new PeerlockError('NOT_FOUND');
      return { type: 'ProveSecondFactor', proof: await secondFactorProof(services, state, code, now), now };
    },
    { actor: username, correlationId: request.requestId, now: services.now },
  );
  if (after.status !== 'active') throw new PeerlockError('NOT_FOUND');
  const session = device ? await services.tokens.openSession(username, after.authPublicKey, device, now) : null;
  return { ...(await services.tokens.issue(username, after.authPublicKey, now, session?.id ?? null)), session };
}

/**
 * A new batch for a live device session, proved by its secret: no second
 * factor. The secret alone is worth nothing to a thief without the
 * account's auth key (the tokens are boxed to it). Anything else — an
 * ended, expired or unknown session, another secret, a deleted account —
 * is SESSION_ENDED: log in again.
 */
export async function refreshSession(services: Services, request: RequestInfo, input: { username: string; sessionId: string; secret: string }): Promise<TokenBatch> {
  const username = canonicalUsername(input.username);
  if (!SESSION_ID.test(input.sessionId)) throw badInput('sessionId');
  const secret = parseSessionSecret(input.secret);
  if (secret === null) throw badInput('secret');
  const now = services.now();
  await services.rateLimiter.check('challenge', request.clientAddress, username, now);
  const session = await services.tokens.useSession(username, input.sessionId, secret, now);
  secret.fill(0);
  if (session === null) throw new PeerlockError('SESSION_ENDED');
  // The directory read model, not the account stream: a refresh costs the same however long the account's history.
  // A key change or deletion ends the session (useSession above fails), so a key it has not caught up with buys nothing.
  const account = await services.directory.user(username);
  if (account?.entry.status !== 'active') throw new PeerlockError('SESSION_ENDED');
  return services.tokens.issue(username, account.entry.authPublicKey, now, session.sessionId);
}

/** The viewer's live sessions, the one this request came through marked. */
export async function listSessions(services: Services, request: RequestInfo): Promise<(DeviceSession & { current: boolean })[]> {
  const username = viewerOf(request);
  const sessions = await services.tokens.listSessions(username, services.now());
  return sessions.map((s) => ({ ...s, current: s.sessionId === request.viewer?.sessionId }));
}

/**
 * Ends one of the viewer's sessions (another device's, or this one's: that
 * is logging out): its secret and unspent tokens go at once, and the
 * recorded SessionEnded makes every node end its live subscriptions.
 */
export async function endSession(services: Services, request: RequestInfo, sessionId: string, reason: 'logout' | 'revoked'): Promise<boolean> {
  const username = viewerOf(request);
  if (!SESSION_ID.test(sessionId)) throw badInput('id');
  if (!(await services.tokens.endSession(username, sessionId))) return false;
  await services.accounts.execute(username, () => ({ type: 'EndSession', sessionId, reason, now: services.now() }), {
    actor: username,
    correlationId: request.requestId,
    now: services.now,
  });
  return true;
}

function labelArg(value: unknown): string {
  if (typeof value !== 'string') throw badInput('device.label');
  // Shown in lists: printable, one line, bounded.
  const label = value.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
  if (label.length === 0 || label.length > LABEL_MAX) throw badInput('device.label');
  return label;
}
