/**
 * What a logged-in page holds, in memory only: the SDK client (keys, tokens,
 * pins) and the live subscription. Nothing secret is written to localStorage,
 * sessionStorage or IndexedDB; reloading the page logs out. The one thing
 * kept is this browser's rollback marks (device-marks-storage.ts).
 */
import { PeerlockClient } from '@peerlock/sdk';
import { askForCode } from './code-prompt.js';
import { LiveUpdates } from './live-updates.js';
import { browserMarkStore } from './device-marks-storage.js';

const marks = browserMarkStore();

export interface Session {
  readonly client: PeerlockClient;
  readonly live: LiveUpdates;
  /** Whether refilling the token pool needs a code (the SDK asks on every refill). */
  readonly twoFactor: { enabled: boolean };
}

/** A client for the server this page came from (the API serves the page). */
export function newClient(): { client: PeerlockClient; twoFactor: { enabled: boolean } } {
  const twoFactor = { enabled: false };
  const client = new PeerlockClient({
    url: new URL('/graphql', window.location.origin).href,
    deviceMarks: marks,
    // Nothing is kept across a reload yet, so this browser's session is an untrusted one (12 hours).
    device: { label: browserLabel(), trusted: false },
    totp: async () => (twoFactor.enabled ? askForCode('Your session needs fresh login tokens; with two-factor on that takes a code.') : undefined),
  });
  return { client, twoFactor };
}

export function openSession(client: PeerlockClient, twoFactor: { enabled: boolean }): Session {
  const live = new LiveUpdates();
  live.start(client);
  return { client, live, twoFactor };
}

/** Logs out here and on the server (the session's tokens and live subscriptions end everywhere); the local part never waits for the server. */
export function closeSession(session: Session): void {
  session.live.stop();
  void session.client.endSession().catch(() => undefined);
}

/** How this browser shows in the user's session list ("Web: Firefox on Linux"). */
export function browserLabel(ua: string = navigator.userAgent): string {
  const browser = /Firefox\//.test(ua) ? 'Firefox' : /Edg\//.test(ua) ? 'Edge' : /Chrom(e|ium)\//.test(ua) ? 'Chromium' : /Safari\//.test(ua) ? 'Safari' : 'a browser';
  const os = /Windows/.test(ua) ? 'Windows' : /Android/.test(ua) ? 'Android' : /iPhone|iPad/.test(ua) ? 'iOS' : /Mac OS X/.test(ua) ? 'macOS' : /Linux|X11/.test(ua) ? 'Linux' : 'an unknown system';
  return `Web: ${browser} on ${os}`;
}
