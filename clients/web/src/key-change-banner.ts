/**
 * The loud part of key pinning (DESIGN §6): when the server shows a
 * different key for a contact, sending to them is blocked and this banner
 * says so until the user compares the new safety number and accepts it.
 */
import type { PeerlockClient } from '@peerlock/sdk';
import { h } from './dom.js';

/** Looks the users up (recording any change in the pins) and returns those whose key changed. */
export async function changedKeys(client: PeerlockClient, usernames: readonly string[]): Promise<string[]> {
  const others = usernames.filter((u) => u !== client.username);
  for (const u of others) await client.observe(u).catch(() => undefined);
  const { pins } = await client.pins();
  return others.filter((u) => pins[u]?.pendingMiniLockId !== undefined);
}

export function keyChangeBanner(users: readonly string[]): HTMLElement {
  return h(
    'div',
    { class: 'banner danger', role: 'alert', 'data-testid': 'key-changed' },
    h('strong', {}, `⚠ ${users.join(', ')}: key CHANGED. `),
    'Someone may be intercepting, or they changed their passphrase. Sending is blocked until you compare the new safety number with them. ',
    ...users.map((u) => h('a', { href: `#/contacts/${u}` }, `Compare with ${u}`)),
  );
}
