/**
 * DESIGN §6 (monitored): the login found that the key log does not show the
 * user's own key as theirs. Shown on every screen of the session, because it
 * means the server may be handing others a key for this user that is not
 * theirs: messages sent to "them" would go to someone else.
 */
import type { OwnKeyNotInLogError } from '@peerlock/sdk';
import { h } from './dom.js';

export function ownKeyBanner(alarm: OwnKeyNotInLogError): HTMLElement {
  return h(
    'div',
    { class: 'banner danger', role: 'alert', 'data-testid': 'own-key-alarm' },
    h('strong', {}, `⚠ The server's key log does not show your own key for ${alarm.username} (${alarm.reason}). `),
    'The server may be giving your contacts a key that is not yours, so what they send you could be read by someone else. ',
    'Tell your contacts to compare safety numbers with you before sending anything sensitive, and report this to whoever runs the server.',
  );
}
