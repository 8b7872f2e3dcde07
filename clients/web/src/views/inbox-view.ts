/**
 * Conversations, most recent first, with unread counts that follow the live
 * subscription. Subjects are inside the ciphertext: each is read (and
 * verified) once and remembered for this page's life.
 */
import type { ConversationSummary, ConversationView } from '@peerlock/sdk';
import { describeError } from '../describe-error.js';
import { formatTime, h, replaceChildren, statusLine } from '../dom.js';
import type { ViewContext } from '../view-context.js';

const subjects = new Map<string, string>();

/** The message that carried a conversation's subject expired or was unsent: its subject is not kept either (read again when next shown). */
export function forgetSubject(conversationId: string): void {
  subjects.delete(conversationId);
}

export function inboxScreen(ctx: ViewContext): HTMLElement {
  const { client } = ctx.session;
  const list = h('ul', { class: 'inbox', 'aria-label': 'Conversations' });
  const empty = h('div', { hidden: true });
  const status = statusLine();
  const refresh = async () => {
    try {
      const conversations = await client.messaging.conversations();
      // Messages go only between contacts: a first step that leads anywhere needs to know whether there are any.
      const { contacts } = conversations.length === 0 ? await client.contacts() : { contacts: [] };
      if (ctx.left()) return;
      replaceChildren(list, conversations.map((c) => row(c, client.username)));
      empty.hidden = conversations.length > 0;
      replaceChildren(empty, conversations.length === 0 ? emptyInbox(contacts.length > 0) : null);
      status.clear();
      for (const c of conversations) if (!subjects.has(c.id)) void loadSubject(c.id);
    } catch (error) {
      status.error(describeError(error));
    }
  };
  const loadSubject = async (id: string) => {
    try {
      const view = await client.messaging.read(id);
      subjects.set(id, shownSubject(view) || '(no subject)');
    } catch {
      subjects.set(id, '(could not be read)');
    }
    const el = list.querySelector(`[data-conversation="${CSS.escape(id)}"] .subject`);
    if (el) el.textContent = subjects.get(id)!;
  };
  ctx.onNotification((n) => {
    if (n.kind === 'MESSAGE_RECEIVED' || n.kind === 'RECEIPT_RECEIVED') void refresh();
    // A hint that a message went: the subject is read again (the SDK shows what still verifies), nothing is removed on the hint's word.
    else if ((n.kind === 'MESSAGE_EXPIRED' || n.kind === 'MESSAGE_DELETED') && n.conversationId) {
      subjects.delete(n.conversationId);
      void refresh();
    }
    // A first contact changes what the empty inbox suggests.
    else if (!empty.hidden && n.kind.startsWith('CONTACT_')) void refresh();
  });
  void refresh();
  return h(
    'section',
    { 'aria-labelledby': 'inbox-title' },
    h('div', { class: 'title-row' }, h('h1', { id: 'inbox-title', tabindex: -1 }, 'Inbox'), h('a', { href: '#/compose', class: 'button primary' }, 'New message')),
    status.el,
    empty,
    list,
  );
}

/**
 * The subject, only while the message that carried it is shown: the whole
 * conversation was read, so an opening message that verified but is not
 * among the messages shown has expired or was unsent, and its subject goes
 * with it. (A window without the opening message cannot tell: its subject
 * stays.)
 */
export function shownSubject(view: ConversationView): string {
  return view.subject && (!view.complete || view.messages.some((m) => m.subject === view.subject)) ? view.subject : '';
}

/** The first thing to do: add a contact (messages go only between contacts), or write to one. */
function emptyInbox(hasContacts: boolean): HTMLElement {
  return hasContacts
    ? h(
        'div',
        { class: 'card empty-state', 'data-testid': 'empty-inbox' },
        h('p', {}, 'No conversations yet.'),
        h('a', { href: '#/compose', class: 'button primary' }, 'Write the first message'),
      )
    : h(
        'div',
        { class: 'card empty-state', 'data-testid': 'empty-inbox' },
        h('p', {}, 'No conversations yet. Messages go only between contacts: add someone by their username, and once they accept you can write to each other.'),
        h('a', { href: '#/contacts', class: 'button primary' }, 'Add a contact'),
      );
}

function row(c: ConversationSummary, me: string): HTMLElement {
  const others = c.participants.filter((p) => p !== me);
  const unread = c.unreadCount > 0;
  return h(
    'li',
    { class: unread ? 'conversation unread' : 'conversation', 'data-conversation': c.id, 'data-unread': c.unreadCount },
    h(
      'a',
      { href: `#/c/${c.id}` },
      h('span', { class: 'who' }, others.join(', ') || me),
      h('span', { class: 'subject' }, subjects.get(c.id) ?? '…'),
      h('span', { class: 'meta' }, `${c.messageCount} message${c.messageCount === 1 ? '' : 's'} · ${formatTime(Date.parse(c.lastMessageAt))}`),
      unread ? h('span', { class: 'badge', 'data-testid': 'unread-count', 'aria-label': `${c.unreadCount} unread` }, String(c.unreadCount)) : null,
    ),
  );
}
