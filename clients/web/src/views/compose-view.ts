/** A new conversation with contacts: recipients, subject, body, attachments and, optionally, a disappearing-messages timer. */
import { isTimerSeconds } from '@peerlock/sdk';
import { describeError } from '../describe-error.js';
import { TIMER_CHOICES } from '../disappearing.js';
import { field, h, replaceChildren, statusLine } from '../dom.js';
import { uploadAndShare } from '../attachments.js';
import { changedKeys, keyChangeBanner } from '../key-change-banner.js';
import type { ViewContext } from '../view-context.js';

export function composeScreen(ctx: ViewContext, [preselected]: readonly string[]): HTMLElement {
  const { client } = ctx.session;
  const recipients = h('fieldset', { class: 'recipients' }, h('legend', {}, 'To'), h('p', {}, 'Loading contacts…'));
  const subject = h('input', { name: 'subject', maxlength: 200 });
  const body = h('textarea', { name: 'body', rows: 6, required: true });
  const files = h('input', { type: 'file', name: 'files', multiple: true });
  const timer = h('select', { name: 'timer' }, TIMER_CHOICES.map((c) => h('option', { value: c.seconds }, c.label)));
  const progressArea = h('div', { class: 'progress-area' });
  const banner = h('div');
  const status = statusLine();
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const form = h('form', { class: 'card composer' }, recipients, field('Subject', subject), field('Message', body), field('Attach files', files), field('Disappearing messages', timer, 'Off, or how long after sending each message disappears (everyone can change it later).'), progressArea, banner, status.el, send);

  void (async () => {
    try {
      const { contacts } = await client.contacts();
      if (ctx.left()) return;
      if (contacts.length === 0) {
        replaceChildren(recipients, h('legend', {}, 'To'), h('p', {}, 'You have no contacts yet. ', h('a', { href: '#/contacts' }, 'Add one'), ' first: messages go only between contacts.'));
        send.disabled = true;
        return;
      }
      replaceChildren(
        recipients,
        h('legend', {}, 'To'),
        contacts.map((u) => h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'to', value: u, checked: u === preselected }), ` ${u}`)),
      );
    } catch (error) {
      status.error(describeError(error));
    }
  })();

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.clear();
      const to = [...recipients.querySelectorAll<HTMLInputElement>('input[name=to]:checked')].map((i) => i.value);
      if (to.length === 0) return status.error('Choose at least one contact.');
      send.disabled = true;
      try {
        const changed = await changedKeys(client, to);
        if (changed.length) {
          replaceChildren(banner, keyChangeBanner(changed));
          return status.error('Nothing was sent.');
        }
        replaceChildren(banner);
        for (const u of to) await client.sendableKey(u);
        const participants = [...new Set([...to, client.username])];
        const refs = await uploadAndShare(client, [...(files.files ?? [])], participants, progressArea);
        const expiresIn = Number(timer.value);
        const sent = await client.messaging.send(to, { subject: subject.value.trim(), body: body.value, files: refs, ...(isTimerSeconds(expiresIn) && expiresIn > 0 ? { expiresIn } : {}) });
        ctx.navigate(`#/c/${sent.conversationId}`);
      } catch (error) {
        status.error(describeError(error));
      } finally {
        send.disabled = false;
      }
    })();
  });

  return h('section', { 'aria-labelledby': 'compose-title' }, h('h1', { id: 'compose-title', tabindex: -1 }, 'New message'), form);
}
