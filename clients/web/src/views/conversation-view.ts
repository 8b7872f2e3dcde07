/**
 * One conversation, every message verified in the page (DESIGN §4); a long
 * one opens at its newest NEWEST messages, and "Load older messages" reads
 * further back (a gap is reported among the messages loaded). A
 * message that failed a check is shown as REJECTED with its reason and
 * never with its content; a sequence gap is shown as withheld messages.
 * Our own messages show per-recipient read state from verified receipts.
 * The reply box is blocked while a participant's key change is pending.
 */
import type { ConversationView, PeerlockClient, ReadMessage } from '@peerlock/sdk';
import { attachmentItem, uploadAndShare } from '../attachments.js';
import { describeError } from '../describe-error.js';
import { field, formatTime, h, replaceChildren, statusLine } from '../dom.js';
import { changedKeys, keyChangeBanner } from '../key-change-banner.js';
import type { ViewContext } from '../view-context.js';

const REASONS: Readonly<Record<string, string>> = {
  Undecryptable: 'it does not decrypt or was altered',
  SenderKeyMismatch: "it was not made with the sender's pinned key",
  ParticipantsMismatch: 'its participants were changed',
  WrongConversation: 'it belongs to another conversation',
  Replay: 'it is a replay of an earlier message',
  ClockSkew: 'its time is far from the server’s',
  SealedToFormerKey: 'it was sealed to your former key: readable only with your old passphrase',
};

/** How many of the newest messages the page opens with, and how many more each "Load older messages" reads. */
const NEWEST = 50;

export function conversationScreen(ctx: ViewContext, [id]: readonly string[]): HTMLElement {
  const { client } = ctx.session;
  const title = h('h1', { id: 'conversation-title', tabindex: -1 }, 'Conversation');
  const people = h('p', { class: 'participants' });
  const listing = h('div');
  const banner = h('div');
  const list = h('ol', { class: 'messages', 'aria-label': 'Messages' });
  let shown = NEWEST;
  const older = h('button', { type: 'button', class: 'load-older' }, 'Load older messages');
  const olderArea = h('div', { class: 'older' });
  older.addEventListener('click', () => {
    shown += NEWEST;
    older.disabled = true;
    void load().finally(() => (older.disabled = false));
  });
  const withheld = h('div');
  const status = statusLine();
  const report = (message: string, error = false) => (error ? status.error(message) : status.info(message));
  let participants: readonly string[] = [];
  /** The view on screen: pushed messages join it without a reload. */
  let current: ConversationView | null = null;
  /** Adds verified messages (pushed, or our own just sent) below the others, and acknowledges the others' ones. */
  const append = async (messages: readonly ReadMessage[]) => {
    if (!current || messages.length === 0) return;
    const view = current;
    list.append(...messages.map((m) => messageItem(client, view, m, report)));
    if ((await client.messaging.markRead({ ...view, messages })) > 0) ctx.refreshBadges();
  };

  const body = h('textarea', { name: 'body', rows: 3, required: true });
  const files = h('input', { type: 'file', name: 'files', multiple: true });
  const progressArea = h('div', { class: 'progress-area' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send reply');
  const fieldset = h('fieldset', {}, h('legend', {}, 'Reply to everyone'), field('Message', body), field('Attach files', files), progressArea, send);
  const form = h('form', { class: 'composer', 'aria-label': 'Reply' }, fieldset);

  const load = async () => {
    try {
      const view = await client.messaging.read(id!, { last: shown });
      if (ctx.left()) return;
      current = view;
      replaceChildren(
        olderArea,
        view.complete
          ? null
          : [h('p', { class: 'not-loaded', role: 'note' }, 'Older messages are not loaded yet: a withheld message is reported only among the messages shown.'), older],
      );
      participants = view.participants;
      title.textContent = view.subject || '(no subject)';
      people.textContent = view.participants.length ? `With ${view.participants.filter((p) => p !== client.username).join(', ')}` : 'No verified message yet: participants unknown.';
      replaceChildren(listing, view.listingMismatch ? listingWarning(view.listingMismatch) : null);
      replaceChildren(list, view.messages.map((m) => messageItem(client, view, m, report)));
      // Still missing among the messages read, whoever revealed them (T14).
      replaceChildren(
        withheld,
        view.withheld.map((w) => h('p', { class: 'withheld', role: 'note', 'data-sender': w.sender }, `⋯ ${w.count} message(s) from ${w.sender} were withheld by the server.`)),
        view.anomalies.map((a) => h('p', { class: 'withheld', role: 'alert', 'data-anomaly': a.kind }, `⚠ ${a.sender} showed different people different versions of their message #${a.sequence}.`)),
      );
      const changed = await changedKeys(client, view.participants);
      if (ctx.left()) return;
      replaceChildren(banner, changed.length ? keyChangeBanner(changed) : null);
      fieldset.disabled = changed.length > 0;
      const receipts = await client.messaging.markRead(view);
      if (receipts > 0) ctx.refreshBadges();
    } catch (error) {
      if (!ctx.left()) status.error(describeError(error));
    }
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.clear();
      send.disabled = true;
      try {
        // Every key first: a changed key stops the reply before anything is uploaded.
        for (const p of participants) await client.sendableKey(p);
        const refs = await uploadAndShare(client, [...(files.files ?? [])], participants, progressArea);
        const sent = await client.messaging.reply(id!, { body: body.value, files: refs });
        body.value = '';
        files.value = '';
        progressArea.replaceChildren();
        status.info('Sent.');
        await append([sent]);
      } catch (error) {
        status.error(describeError(error));
        const changed = await changedKeys(client, participants).catch(() => []);
        if (changed.length) {
          replaceChildren(banner, keyChangeBanner(changed));
          fieldset.disabled = true;
        }
      } finally {
        send.disabled = false;
      }
    })();
  });

  ctx.onNotification((n, pushed) => {
    // A new message here, verified from the push: shown at once, no reload (a message the SDK had to fetch to catch up comes the same way).
    if (n.kind === 'MESSAGE_RECEIVED' && n.conversationId === id && pushed.length > 0 && pushed.every((m) => m.conversationId === id)) void append(pushed);
    else if (n.conversationId === id || n.kind === 'CONTACT_KEY_CHANGED') void load();
  });
  void load();
  return h('section', { 'aria-labelledby': 'conversation-title' }, h('p', {}, h('a', { href: '#/inbox' }, '← Inbox')), title, people, listing, banner, olderArea, list, withheld, status.el, form);
}

/** The server listed other participants than the verified messages carry: say so; replies still go to the verified ones only. */
function listingWarning(mismatch: NonNullable<ConversationView['listingMismatch']>): HTMLElement {
  const parts = [
    mismatch.added.length ? `it added ${mismatch.added.join(', ')}` : '',
    mismatch.missing.length ? `it left out ${mismatch.missing.join(', ')}` : '',
  ].filter(Boolean);
  return h(
    'p',
    { class: 'listing-mismatch', role: 'alert', 'data-code': mismatch.code },
    h('strong', {}, '⚠ The server’s participant list for this conversation is wrong'),
    ` (${parts.join('; ')}). Peerlock uses only the participants inside the verified messages: replies and attachments go to them alone.`,
  );
}

function messageItem(client: PeerlockClient, view: ConversationView, m: ReadMessage, report: (message: string, error?: boolean) => void): HTMLElement {
  const withheld = m.withheld
    ? h('p', { class: 'withheld', role: 'note' }, `⋯ ${m.withheld.to - m.withheld.from + 1} message(s) from ${m.sender} (#${m.withheld.from}–${m.withheld.to}) were withheld by the server.`)
    : null;
  if (m.rejected === 'SealedToFormerKey') {
    // Not an attack: the message was sealed to the key this account had before its latest key change.
    return h(
      'li',
      { class: 'message former-key', 'data-state': 'former-key', 'data-reason': m.rejected },
      withheld,
      h('p', {}, h('strong', {}, `🔒 Message from ${m.sender}`), ' — sealed to your former key: readable only with your old passphrase. Its content is not shown here.'),
    );
  }
  if (m.rejected !== null && m.rejected !== 'SequenceGap') {
    return h(
      'li',
      { class: 'message rejected', 'data-state': 'rejected', 'data-reason': m.rejected },
      withheld,
      h('p', {}, h('strong', {}, `✘ REJECTED message from ${m.sender}`), ` — it failed its checks: ${REASONS[m.rejected] ?? m.rejected} (${m.rejected}). Its content is not shown.`),
    );
  }
  const mine = m.sender === client.username;
  const others = view.participants.filter((p) => p !== m.sender);
  return h(
    'li',
    { class: mine ? 'message mine' : 'message', 'data-state': 'genuine', 'data-message': m.messageId },
    withheld,
    h('p', { class: 'from' }, h('strong', {}, m.sender), ' ', h('time', { datetime: new Date(m.sentAt ?? m.receivedAt).toISOString() }, formatTime(m.sentAt ?? m.receivedAt)), m.late ? ' (arrived late)' : '', m.reordered ? ' (delivered out of order; shown where it belongs)' : '', ' ', h('span', { class: 'verified', title: 'Decrypted and verified in this page' }, '✔ verified')),
    m.subject ? h('p', { class: 'subject' }, m.subject) : null,
    h('p', { class: 'body' }, m.body ?? ''),
    m.files?.length ? h('ul', { class: 'attachments', 'aria-label': 'Attachments' }, m.files.map((ref, i) => attachmentItem(client, ref, m, i, report))) : null,
    mine
      ? h(
          'ul',
          { class: 'receipts', 'aria-label': 'Read state' },
          others.map((p) => {
            const receipt = m.receipts.find((r) => r.reader === p);
            return h('li', { 'data-reader': p, 'data-read': receipt ? 'yes' : 'no' }, receipt ? `✔✔ read by ${p} at ${formatTime(receipt.readAt)}` : `✔ sent to ${p}, not read yet`);
          }),
          m.rejectedReceipts.map((p) => h('li', { class: 'forged' }, `⚠ a forged read receipt for ${p} was ignored`)),
        )
      : null,
  );
}
