/**
 * Contacts and requests. Adding or accepting pins the other's key on first
 * sight; a key the server now shows differently is flagged loudly here and
 * blocks sending until accepted on the safety-number screen.
 */
import type { ContactList } from '@peerlock/sdk';
import { describeError } from '../describe-error.js';
import { field, h, replaceChildren, statusLine } from '../dom.js';
import { changedKeys, keyChangeBanner } from '../key-change-banner.js';
import type { ViewContext } from '../view-context.js';

export function contactsScreen(ctx: ViewContext): HTMLElement {
  const { client } = ctx.session;
  const status = statusLine();
  const banner = h('div');
  const requests = h('section', { 'aria-labelledby': 'requests-title' });
  const list = h('ul', { class: 'contacts', 'aria-label': 'Your contacts' });
  const username = h('input', { name: 'username', required: true, pattern: '\\w{1,16}', autocapitalize: 'off', spellcheck: 'false' });
  const add = h('form', { class: 'inline-form' }, field('Username', username), h('button', { type: 'submit', class: 'primary' }, 'Send contact request'));

  /** Runs an action and says what it did: `done`, or what the action itself returns. */
  const act = (work: () => Promise<unknown>, done?: string) => async () => {
    status.clear();
    try {
      const said = await work();
      status.info(done ?? String(said));
      await refresh();
      ctx.refreshBadges();
    } catch (error) {
      status.error(describeError(error));
    }
  };

  // The requests this screen last showed as waiting: one that became a contact was accepted meanwhile.
  let waitingFor: ReadonlySet<string> | null = null;
  const refresh = async () => {
    try {
      const contacts: ContactList = await client.contacts();
      if (ctx.left()) return;
      const accepted = waitingFor ? contacts.contacts.filter((u) => waitingFor!.has(u)) : [];
      waitingFor = new Set(contacts.outgoing);
      // Replaces a "Request sent to …" that is no longer true.
      if (accepted.length) status.info(`${accepted.join(', ')} accepted your request: you are now contacts.`);
      renderRequests(contacts);
      const changed = await changedKeys(client, contacts.contacts);
      const fresh = await client.pins();
      if (ctx.left()) return;
      replaceChildren(banner, changed.length ? keyChangeBanner(changed) : null);
      replaceChildren(
        list,
        contacts.contacts.length === 0
          ? h('li', { class: 'empty' }, 'No contacts yet.')
          : contacts.contacts.map((u) => {
              const pin = fresh.pins[u];
              const keyChanged = pin?.pendingMiniLockId !== undefined;
              return h(
                'li',
                { class: keyChanged ? 'contact key-changed' : 'contact', 'data-contact': u },
                h('strong', {}, u),
                ' ',
                keyChanged ? h('span', { class: 'tag danger' }, 'key changed') : pin?.verified ? h('span', { class: 'tag ok' }, '✔ verified') : h('span', { class: 'tag' }, 'not verified'),
                h(
                  'span',
                  { class: 'actions' },
                  h('a', { href: `#/contacts/${u}`, class: 'button' }, keyChanged ? 'Compare new safety number' : 'Safety number'),
                  h('a', { href: `#/compose?to=${u}`, class: 'button' }, 'Message'),
                  h('button', { type: 'button', onclick: act(() => client.removeContact(u), `Removed ${u}.`) }, 'Remove'),
                ),
              );
            }),
      );
    } catch (error) {
      if (!ctx.left()) status.error(describeError(error));
    }
  };

  const renderRequests = (c: ContactList) => {
    replaceChildren(
      requests,
      h('h2', { id: 'requests-title' }, 'Requests'),
      c.incoming.length === 0 && c.outgoing.length === 0 ? h('p', { class: 'empty' }, 'No pending requests.') : null,
      h(
        'ul',
        { class: 'requests' },
        c.incoming.map((u) =>
          h(
            'li',
            { 'data-incoming': u },
            h('span', {}, h('strong', {}, u), ' wants to be your contact'),
            h('button', { type: 'button', class: 'primary', onclick: act(() => client.acceptContact(u), `Accepted ${u}'s request: you are now contacts.`) }, `Accept ${u}`),
            h('button', { type: 'button', onclick: act(() => client.declineContact(u), `Declined ${u}'s request.`) }, 'Decline'),
          ),
        ),
        c.outgoing.map((u) =>
          h('li', { 'data-outgoing': u }, h('span', {}, 'Waiting for ', h('strong', {}, u), ' to accept'), h('button', { type: 'button', onclick: act(() => client.cancelContactRequest(u), `Cancelled your request to ${u}.`) }, 'Cancel')),
        ),
      ),
    );
  };

  add.addEventListener('submit', (event) => {
    event.preventDefault();
    const user = username.value.trim();
    void act(async () => {
      const list = await client.requestContact(user);
      username.value = '';
      // When they had already asked us, asking back makes us contacts at once.
      return list.contacts.includes(user.toLowerCase()) ? `${user} had asked you too: you are now contacts.` : `Request sent to ${user}.`;
    })();
  });
  ctx.onNotification((n) => {
    if (n.kind.startsWith('CONTACT_')) void refresh();
  });
  void refresh();
  return h(
    'section',
    { 'aria-labelledby': 'contacts-title' },
    h('h1', { id: 'contacts-title', tabindex: -1 }, 'Contacts'),
    banner,
    h('section', { 'aria-labelledby': 'add-title' }, h('h2', { id: 'add-title' }, 'Add a contact'), add),
    status.el,
    requests,
    h('h2', {}, 'Your contacts'),
    list,
  );
}
