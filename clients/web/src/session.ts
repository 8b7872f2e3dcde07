/**
 * What a logged-in page holds, in memory: the SDK client (keys, tokens,
 * pins) and the live subscription. Nothing secret is written anywhere unless
 * the user ticked "Keep me signed in on this device" (kept-session.ts, a
 * trusted device session); otherwise reloading the page logs out. Also kept:
 * this browser's rollback marks (device-marks-storage.ts).
 */
import { OwnKeyNotInLogError, PeerlockApiError, PeerlockClient } from '@peerlock/sdk';
import { askForCode } from './code-prompt.js';
import { LiveUpdates } from './live-updates.js';
import { loadWitnessSettings } from './witness-settings.js';
import { browserMarkStore } from './device-marks-storage.js';
import { forgetSession, keptSession } from './kept-session.js';

const marks = browserMarkStore();

export interface Session {
  readonly client: PeerlockClient;
  readonly live: LiveUpdates;
  /** Whether refilling the token pool needs a code (the SDK asks on every refill). */
  readonly twoFactor: { enabled: boolean };
  /** Set when the login's own-key check failed (DESIGN §6, monitored): shown as a banner on every screen. */
  readonly ownKeyAlarm?: OwnKeyNotInLogError;
}

/** A client for the server this page came from (the API serves the page). */
export function newClient(trusted = false): { client: PeerlockClient; twoFactor: { enabled: boolean } } {
  const twoFactor = { enabled: false };
  const client = new PeerlockClient({
    url: new URL('/graphql', window.location.origin).href,
    deviceMarks: marks,
    // Kept across reloads only when the user asked: then a trusted session (30 days), else an untrusted one (12 hours).
    device: { label: browserLabel(), trusted },
    totp: async () => (twoFactor.enabled ? askForCode('Your session needs fresh login tokens; with two-factor on that takes a code.') : undefined),
    // The key-log witnesses this browser requires (Settings), from the next login on.
    ...loadWitnessSettings(),
  });
  return { client, twoFactor };
}

export function openSession(client: PeerlockClient, twoFactor: { enabled: boolean }, ownKeyAlarm?: OwnKeyNotInLogError): Session {
  const live = new LiveUpdates();
  live.start(client);
  return { client, live, twoFactor, ...(ownKeyAlarm ? { ownKeyAlarm } : {}) };
}

/**
 * A login whose own-key check failed still opens the session (the
 * SDK keeps it): the alarm rides along and the app shows it on every screen.
 */
export async function checkingOwnKey(login: () => Promise<unknown>): Promise<OwnKeyNotInLogError | undefined> {
  try {
    await login();
    return undefined;
  } catch (error) {
    if (error instanceof OwnKeyNotInLogError) return error;
    throw error;
  }
}

/** Logs out here and on the server (the session's tokens and live subscriptions end everywhere); the local part never waits for the server. */
export function closeSession(session: Session): void {
  session.live.stop();
  void forgetSession();
  void session.client.endSession().catch(() => undefined);
}

/** The session kept on this device ("Keep me signed in"), opened without the passphrase; null when there is none. */
export async function resumeKeptSession(): Promise<Session | null> {
  const kept = await keptSession();
  if (!kept) return null;
  const { client, twoFactor } = newClient(true);
  client.resume(kept);
  try {
    twoFactor.enabled = (await client.account()).twoFactorEnabled;
  } catch (error) {
    // Ended elsewhere (SESSION_ENDED), or the key changed: log in again. The server out of reach: keep it, try later.
    if (error instanceof PeerlockApiError && ['SESSION_ENDED', 'TOKEN_INVALID', 'UNAUTHENTICATED', 'TWO_FACTOR_REQUIRED', 'NOT_FOUND'].includes(error.code)) {
      await forgetSession();
      client.logout();
      return null;
    }
  }
  return openSession(client, twoFactor);
}

/** How this browser shows in the user's session list ("Web: Firefox on Linux"). */
export function browserLabel(ua: string = navigator.userAgent): string {
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chromium' : /Safari\//.test(ua) ? 'Safari' : 'a browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux|X11/.test(ua) ? 'Linux' : 'an unknown system';
  return `Web: ${browser} on ${os}`;
}
