/**
 * The safety number of you and a contact (DESIGN §6): 60 digits and a QR
 * code, to compare out of band before marking the contact verified. When
 * the contact's key changed, the new number is shown and the change must be
 * accepted here before anything can be sent to them again.
 */
import { decodeMiniLockId, safetyNumber } from '@peerlock/sdk';
import { describeError } from '../describe-error.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { qrCanvas } from '../qr-code.js';
import type { ViewContext } from '../view-context.js';

/**
 * The QR code carries the same number (the SDK's qrPayload, as the CLI
 * shows it) for an app that scans and compares; no Peerlock client does
 * yet (and the page may not use the camera: Permissions-Policy camera=()),
 * so the caption says what to do instead.
 */
function qrFigure(payload: string, label: string): HTMLElement {
  return h('figure', { class: 'qr-figure' }, qrCanvas(payload, label), h('figcaption', { class: 'hint' }, 'The same number as a QR code, for an app that scans safety numbers. Peerlock does not scan them yet: compare the digits.'));
}

export function safetyNumberScreen(ctx: ViewContext, [username]: readonly string[]): HTMLElement {
  const { client } = ctx.session;
  const user = username!.toLowerCase();
  const content = h('div', {}, h('p', {}, 'Loading…'));
  const status = statusLine();

  const digitsBlock = (digits: string) => h('p', { class: 'digits', 'data-testid': 'safety-digits', 'aria-label': `Safety number ${digits}` }, digits.split(' ').map((g) => h('span', {}, g)));

  const render = async () => {
    try {
      await client.observe(user);
      const pin = await client.pin(user);
      const number = await client.safetyNumber(user);
      if (ctx.left() || !pin) return;
      if (pin.pendingMiniLockId !== undefined) {
        const fresh = safetyNumber({ username: client.username, publicKey: decodeMiniLockId(client.miniLockId) }, { username: user, publicKey: decodeMiniLockId(pin.pendingMiniLockId) });
        const accept = h('button', { type: 'button', class: 'danger' }, `I compared the new number with ${user}: accept the new key`);
        accept.addEventListener('click', () => {
          void (async () => {
            try {
              await client.acceptKey(user, { verifiedNewKey: pin.verified });
              status.info(`${user}'s new key is accepted${pin.verified ? ' and verified' : ''}.`);
              await render();
            } catch (error) {
              status.error(describeError(error));
            }
          })();
        });
        replaceChildren(
          content,
          h('div', { class: 'banner danger', role: 'alert', 'data-testid': 'key-changed' }, h('strong', {}, `⚠ ${user}'s key has CHANGED.`), ' Sending to them is blocked. Compare this NEW safety number with them in person or on a call before you accept it.'),
          digitsBlock(fresh.digits),
          qrFigure(fresh.qrPayload, `QR code of the new safety number with ${user}`),
          h('div', { class: 'actions' }, accept),
        );
        return;
      }
      const toggle = h('button', { type: 'button', class: pin.verified ? '' : 'primary' }, pin.verified ? 'Remove verification' : `Mark ${user} as verified`);
      toggle.addEventListener('click', () => {
        void (async () => {
          try {
            await client.markVerified(user, !pin.verified);
            status.info(pin.verified ? `${user} is no longer marked verified.` : `${user} is verified.`);
            await render();
          } catch (error) {
            status.error(describeError(error));
          }
        })();
      });
      replaceChildren(
        content,
        h('p', {}, `Compare these 60 digits with ${user}, in person or on a call: one of you reads them out, the other checks them on their own screen. If every group matches, nobody is between you.`),
        digitsBlock(number.digits),
        qrFigure(number.qrPayload, `QR code of your safety number with ${user}`),
        h('p', { class: pin.verified ? 'tag ok' : 'tag', 'data-testid': 'verified-state' }, pin.verified ? `✔ ${user} is verified` : `${user} is not verified yet`),
        h('div', { class: 'actions' }, toggle),
      );
    } catch (error) {
      status.error(describeError(error));
    }
  };
  ctx.onNotification((n) => {
    if (n.kind === 'CONTACT_KEY_CHANGED' && n.from === user) void render();
  });
  void render();
  return h('section', { 'aria-labelledby': 'safety-title' }, h('p', {}, h('a', { href: '#/contacts' }, '← Contacts')), h('h1', { id: 'safety-title', tabindex: -1 }, `Safety number with ${user}`), status.el, content);
}
