/**
 * One conversation, every message verified in the page (DESIGN §4); a long
 * one opens at its newest NEWEST messages, and "Load older messages" reads
 * further back (a gap is reported among the messages loaded). A
 * message that failed a check is shown as REJECTED with its reason and
 * never with its content; a sequence gap is shown as withheld messages.
 * Our own messages show per-recipient read state from verified receipts.
 * The reply box is blocked while a participant's key change is pending.
 *
 * Disappearing messages, unsend and edit (issue 20; words and the timer in
 * disappearing.ts): the header shows the conversation's timer as the latest
 * verified timer message set it, and changes it (a signed timer message);
 * our own messages can be unsent (within 3 h) or edited (within 24 h).
 * A timer message is a line of its own; a verified delete turns its target
 * into "This message was deleted" (no content kept), a verified edit
 * replaces its target's text and marks it edited, in place, as they arrive.
 * A delete or edit the ledger refused changes nothing and shows a warning.
 *
 * What is on screen is held in one place, `rows` (one entry per message:
 * its element, and the message it shows): the screen keeps no view, no
 * array of messages and no copy of any text besides. A message whose own
 * verified expiry passes, or that its sender unsends, leaves the page and
 * that map (and the attachments' cache), so nothing of what it said stays
 * reachable. One timer per screen (Deadlines) waits for the next expiry.
 */
import { deletedPlaceholder, type ConversationView, type PeerlockClient, type ReadMessage, type TimerSetting } from '@peerlock/sdk';
import { attachmentItem, forgetAttachments, uploadAndShare } from '../attachments.js';
import { describeError } from '../describe-error.js';
import { DELETE_WINDOW_MS, Deadlines, EDIT_WINDOW_MS, TIMER_CHOICES, timeLeft, timerChange, timerName, type Timed } from '../disappearing.js';
import { field, formatTime, h, replaceChildren, statusLine } from '../dom.js';
import { changedKeys, keyChangeBanner } from '../key-change-banner.js';
import type { ViewContext } from '../view-context.js';
import { forgetSubject, shownSubject } from './inbox-view.js';

const REASONS: Readonly<Record<string, string>> = {
  Undecryptable: 'it does not decrypt or was altered',
  SenderKeyMismatch: "it was not made with the sender's pinned key",
  ParticipantsMismatch: 'its participants were changed',
  WrongConversation: 'it belongs to another conversation',
  Replay: 'it is a replay of an earlier message',
  ClockSkew: 'its time is far from the server’s',
  SealedToFormerKey: 'it was sealed to your former key: readable only with your old passphrase',
};

/** Why a delete or an edit does nothing (the ledger's ActionRefused). */
const REFUSALS: Readonly<Record<string, string>> = {
  NotOwnMessage: 'the message it names is not theirs',
  WrongHash: 'it names a message that does not exist in that form',
  NotEditable: 'the message it names can no longer be changed (it was deleted, or it is not an ordinary message)',
  OutsideWindow: 'it came after the time allowed (3 hours to unsend, 24 hours to edit)',
};

/** How many of the newest messages the page opens with, and how many more each "Load older messages" reads. */
const NEWEST = 50;

/** The view as far as the screen keeps it: everything but its messages (those live in `rows`). */
type ViewShell = Omit<ConversationView, 'messages'>;

/** One message on screen: its element and the message it shows (null once it is gone from the page). */
interface Row extends Timed {
  readonly id: string;
  readonly el: HTMLElement;
  message: ReadMessage | null;
  changesAt: readonly number[];
  refresh: (now: number) => void;
  /** Our own message: what its actions show (being edited, with the text typed so far; asking to unsend) and where the focus is, to carry over a re-render. */
  uiState?: () => OwnUiState | null;
  restoreUi?: (state: OwnUiState) => void;
}

/** See Row.uiState. */
interface OwnUiState {
  readonly mode: 'editing' | 'confirming' | null;
  readonly draft: string;
  readonly focused: string | null;
}

/** What a row does when one of our own messages is unsent or edited. */
interface OwnActions {
  unsend(m: ReadMessage): Promise<boolean>;
  edit(m: ReadMessage, body: string): Promise<boolean>;
}

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
  /** The view on screen, without its messages: pushed messages join `rows` without a reload. */
  let shell: ViewShell | null = null;
  /** The conversation's timer as the latest verified timer message set it. */
  let timer: TimerSetting | null = null;

  /** Every message on screen, by id, in the order shown (see the module comment). */
  const rows = new Map<string, Row>();
  /** The message on screen that carried the conversation's subject (the title), if loaded. */
  let subjectFrom: string | null = null;
  /** Lets go of a message's content: its attachments' names, and the row. */
  const forget = (row: Row) => {
    if (row.message) forgetAttachments(client, row.message.files);
    row.message = null;
  };
  /** A message went for good (expired, unsent): its content, and the subject if it carried it, leave the page and memory. */
  const gone = (row: Row) => {
    forget(row);
    if (row.id !== subjectFrom) return;
    subjectFrom = null;
    title.textContent = '(no subject)';
    if (shell) shell = { ...shell, subject: '' };
    forgetSubject(id!);
  };
  const deadlines = new Deadlines<Row>((row) => {
    // Its own verified expiry passed: off the page, out of memory.
    row.el.remove();
    if (rows.get(row.id) === row) rows.delete(row.id);
    gone(row);
  });
  ctx.onLeave(() => {
    deadlines.clear();
    // The attachments' cache outlives the screen, except for what is due to disappear.
    for (const row of rows.values()) {
      if (row.message?.expiresAt !== undefined) forget(row);
      row.message = null;
    }
    rows.clear();
  });

  const actions: OwnActions = {
    unsend: async (m) => {
      status.clear();
      try {
        const sent = await client.messaging.unsend(id!, m.messageId);
        // Our own delete does not come back to this device: shown from what we sent.
        await append([sent]);
        afterOwn(m.messageId);
        status.info('Unsent: it is deleted for everyone.');
        return true;
      } catch (error) {
        status.error(describeError(error, 'unsend'));
        return false;
      }
    },
    edit: async (m, body) => {
      status.clear();
      try {
        const sent = await client.messaging.edit(id!, m.messageId, body);
        await append([sent]);
        afterOwn(m.messageId);
        status.info('Edited for everyone.');
        return true;
      } catch (error) {
        status.error(describeError(error, 'edit'));
        return false;
      }
    },
  };

  /** The keyboard stays with a message that changed under it: on an edited message's Edit button, or on the placeholder. */
  const focusRow = (row: Row | undefined) => {
    if (!row?.el.isConnected) return;
    if (row.restoreUi) return row.restoreUi({ mode: null, draft: '', focused: 'edit' });
    row.el.tabIndex = -1;
    row.el.focus();
  };
  /** After our own unsend or edit: where the focus was (its buttons, disabled meanwhile, may have let it go) goes back to the message. */
  const afterOwn = (messageId: string) => {
    const active = document.activeElement;
    if (!active || active === document.body) focusRow(rows.get(messageId));
  };

  /** A row for `m`, counted by the screen's timer if it has times that matter. */
  const makeRow = (m: ReadMessage): Row => {
    const row = messageRow(client, participants, m, report, actions);
    if (row.expiresAt !== undefined || row.changesAt.length > 0) deadlines.add(row);
    return row;
  };
  /** Shows `m` in place of what `old` showed; the old content is let go (see forget). */
  const replaceRow = (old: Row, m: ReadMessage): Row => {
    const row = makeRow(m);
    const hadFocus = old.el.contains(document.activeElement);
    old.el.replaceWith(row.el);
    if (hadFocus) focusRow(row);
    deadlines.delete(old);
    rows.set(old.id, row);
    // An edit keeps the attachments (same message): only a delete lets go of them.
    if (m.deleted) gone(old);
    else old.message = null;
    return row;
  };

  // The header: the timer, and the control that changes it (a signed timer message; everyone's later messages follow it).
  const timerLine = h('p', { class: 'timer-state', 'data-testid': 'timer', 'aria-live': 'polite' });
  const timerSelect = h('select', { name: 'timer', id: 'conversation-timer' }, TIMER_CHOICES.map((c) => h('option', { value: c.seconds }, c.label)));
  const timerButton = h('button', { type: 'submit', class: 'small' }, 'Set timer');
  const timerFieldset = h(
    'fieldset',
    { class: 'timer-control' },
    h('legend', { class: 'sr-only' }, 'Disappearing messages'),
    timerLine,
    h('span', { class: 'timer-change' }, h('label', { for: timerSelect.id }, 'Timer'), ' ', timerSelect, ' ', timerButton),
  );
  const timerForm = h('form', { class: 'timer-form', 'aria-label': 'Disappearing messages' }, timerFieldset);
  const replyHint = h('p', { class: 'hint reply-timer', hidden: true });
  /** The timer message the select was last set from: a re-render leaves a choice being made alone unless the timer itself changed. */
  let selectFrom: string | null | undefined;
  const showTimer = (resetChoice = false) => {
    const on = timer !== null && timer.seconds > 0;
    timerLine.textContent = !timer
      ? 'Disappearing messages: off'
      : on
        ? `Disappearing messages: ${timerName(timer.seconds)} · set by ${timer.setBy}`
        : `Disappearing messages: off · turned off by ${timer.setBy}`;
    timerLine.dataset.seconds = String(timer?.seconds ?? 0);
    if (resetChoice || selectFrom !== (timer?.messageId ?? null)) timerSelect.value = String(timer?.seconds ?? 0);
    selectFrom = timer?.messageId ?? null;
    replyHint.hidden = !on;
    replyHint.textContent = on ? `Disappearing messages are on: your reply disappears ${timerName(timer!.seconds)} after it is sent.` : '';
  };
  showTimer();
  timerForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      status.clear();
      const seconds = Number(timerSelect.value);
      if (seconds === (timer?.seconds ?? 0)) return status.info(`Disappearing messages are already ${timerName(seconds)}.`);
      timerButton.disabled = true;
      try {
        for (const p of participants) await client.sendableKey(p);
        const sent = await client.messaging.setTimer(id!, seconds);
        await append([sent]);
        status.info(seconds === 0 ? 'Disappearing messages turned off.' : `Disappearing messages set to ${timerName(seconds)}.`);
      } catch (error) {
        status.error(describeError(error, 'timer'));
        showTimer(true);
      } finally {
        timerButton.disabled = false;
      }
    })();
  });

  /**
   * Verified messages (pushed, or our own just sent) as they arrive: a
   * delete or an edit is applied to its target in place, a timer updates the
   * header, anything else joins the list; then the others' ones are
   * acknowledged.
   */
  const append = async (messages: readonly ReadMessage[]) => {
    if (messages.length === 0) return;
    // A read under way may have been answered before these: it gives way to a new one (see load).
    taken++;
    if (!shell) return;
    const view = shell;
    /** What gets our read receipt: the messages shown, and the deletes and edits applied (seen, in their targets). */
    const seen: ReadMessage[] = [];
    for (const m of messages) {
      if (rows.has(m.messageId)) continue;
      // Verified (a SequenceGap is authentic too: only something before it is missing); the ledger applied its action.
      const authentic = m.rejected === null || m.rejected === 'SequenceGap';
      const action = m.action;
      if (action && action.kind !== 'timer' && authentic) {
        const target = rows.get(action.messageId);
        const content = target?.message;
        const applies = target && content && content.sender === m.sender && (content.rejected === null || content.rejected === 'SequenceGap') && !content.action && !content.deleted;
        if (applies) {
          replaceRow(
            target,
            action.kind === 'delete'
              ? deletedPlaceholder(content, { at: m.receivedAt, by: m.messageId })
              : { ...content, body: m.body ?? '', edited: { at: m.receivedAt, by: m.messageId } },
          );
        }
        // A verified delete is never a row of its own; an edit is, when its target is not on screen (as a read shows it); a SequenceGap still shows what is withheld.
        if (m.rejected === null && (applies || action.kind === 'delete')) {
          if (applies) seen.push(m);
          continue;
        }
      }
      if (action?.kind === 'timer' && authentic) {
        timer = { seconds: action.seconds, setBy: m.sender, at: m.receivedAt, messageId: m.messageId };
        showTimer();
      }
      const row = makeRow(m);
      rows.set(m.messageId, row);
      list.append(row.el);
      seen.push(m);
    }
    deadlines.check();
    if (seen.length === 0) return;
    if ((await client.messaging.markRead({ ...view, messages: seen })) > 0) ctx.refreshBadges();
  };

  const body = h('textarea', { name: 'body', rows: 3, required: true });
  const files = h('input', { type: 'file', name: 'files', multiple: true });
  const progressArea = h('div', { class: 'progress-area' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send reply');
  const fieldset = h('fieldset', {}, h('legend', {}, 'Reply to everyone'), field('Message', body), field('Attach files', files), progressArea, replyHint, send);
  const form = h('form', { class: 'composer', 'aria-label': 'Reply' }, fieldset);

  /**
   * Reads started, and messages taken live (append): a read that a newer one
   * overtook is dropped, and one during which a message came live (a delete,
   * say) may have been answered before it, so it is read again rather than
   * shown (it would bring back what the delete took away).
   */
  let reads = 0;
  let taken = 0;
  const load = async (): Promise<void> => {
    const read = ++reads;
    const takenBefore = taken;
    try {
      const view = await client.messaging.read(id!, { last: shown });
      if (ctx.left() || read !== reads) return;
      if (taken !== takenBefore) return await load();
      const { messages, ...rest } = view;
      const subject = shownSubject(view);
      shell = { ...rest, subject };
      replaceChildren(
        olderArea,
        view.complete
          ? null
          : [h('p', { class: 'not-loaded', role: 'note' }, 'Older messages are not loaded yet: a withheld message is reported only among the messages shown.'), older],
      );
      participants = view.participants;
      title.textContent = subject || '(no subject)';
      subjectFrom = subject ? (messages.find((m) => m.subject === subject)?.messageId ?? null) : null;
      people.textContent = view.participants.length ? `With ${view.participants.filter((p) => p !== client.username).join(', ')}` : 'No verified message yet: participants unknown.';
      replaceChildren(listing, view.listingMismatch ? listingWarning(view.listingMismatch) : null);
      timer = view.timer;
      showTimer();
      // An edit being typed (or an unsend being confirmed) and the focus carry over the re-render (a receipt arriving, say);
      // everything else shown before is let go (and all of a message no longer shown with its content).
      const states = new Map<string, OwnUiState>();
      const focused = [...rows.values()].find((r) => r.el.contains(document.activeElement))?.id;
      const kept = new Set(messages.filter((m) => !m.deleted).map((m) => m.messageId));
      for (const row of rows.values()) {
        const state = row.uiState?.();
        if (state && kept.has(row.id)) states.set(row.id, state);
        if (kept.has(row.id)) row.message = null;
        else forget(row);
      }
      rows.clear();
      deadlines.clear();
      for (const m of messages) {
        const row = makeRow(m);
        rows.set(m.messageId, row);
      }
      replaceChildren(list, [...rows.values()].map((r) => r.el));
      for (const [messageId, state] of states) rows.get(messageId)?.restoreUi?.(state);
      if (focused !== undefined && !states.get(focused)?.focused) {
        const row = rows.get(focused);
        if (row) {
          row.el.tabIndex = -1;
          row.el.focus();
        }
      }
      deadlines.check();
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
      timerFieldset.disabled = changed.length > 0;
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
          timerFieldset.disabled = true;
        }
      } finally {
        send.disabled = false;
      }
    })();
  });

  ctx.onNotification((n, pushed) => {
    if (n.conversationId !== id && n.kind !== 'CONTACT_KEY_CHANGED') return;
    // A new message here, verified from the push: shown at once, no reload (a message the SDK had to fetch to catch up comes the same way).
    if (n.kind === 'MESSAGE_RECEIVED' && pushed.length > 0 && pushed.every((m) => m.conversationId === id)) void append(pushed);
    // The server's word that a message is gone: a hint. The message leaves only once its own verified expiry has (about) passed;
    // an unsend shows when its signed delete arrives (a MESSAGE_RECEIVED of its own).
    else if (n.kind === 'MESSAGE_EXPIRED' || n.kind === 'MESSAGE_DELETED') deadlines.recheck((row) => row.id === n.messageId);
    else void load();
  });
  // A page in the background may have its timer held back: catch up when it is shown again.
  const visible = () => {
    if (document.visibilityState === 'visible') deadlines.check();
  };
  document.addEventListener('visibilitychange', visible);
  ctx.onLeave(() => document.removeEventListener('visibilitychange', visible));
  void load();
  return h(
    'section',
    { 'aria-labelledby': 'conversation-title' },
    h('p', {}, h('a', { href: '#/inbox' }, '← Inbox')),
    title,
    people,
    timerForm,
    listing,
    banner,
    olderArea,
    list,
    withheld,
    status.el,
    form,
  );
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

const timeEl = (ms: number) => h('time', { datetime: new Date(ms).toISOString() }, formatTime(ms));

/** A row with nothing timed but its own expiry, if any. */
function plainRow(m: ReadMessage, el: HTMLElement): Row {
  return { id: m.messageId, el, message: m, changesAt: [], refresh: () => undefined, ...(m.expiresAt !== undefined ? { expiresAt: m.expiresAt } : {}) };
}

function withheldNote(m: ReadMessage): HTMLElement | null {
  return m.withheld
    ? h('p', { class: 'withheld', role: 'note' }, `⋯ ${m.withheld.to - m.withheld.from + 1} message(s) from ${m.sender} (#${m.withheld.from}–${m.withheld.to}) were withheld by the server.`)
    : null;
}

function messageRow(client: PeerlockClient, participants: readonly string[], m: ReadMessage, report: (message: string, error?: boolean) => void, actions: OwnActions): Row {
  const withheld = withheldNote(m);
  if (m.rejected === 'SealedToFormerKey') {
    // Not an attack: the message was sealed to the key this account had before its latest key change.
    return plainRow(
      m,
      h(
        'li',
        { class: 'message former-key', 'data-state': 'former-key', 'data-reason': m.rejected, 'data-message': m.messageId },
        withheld,
        h('p', {}, h('strong', {}, `🔒 Message from ${m.sender}`), ' — sealed to your former key: readable only with your old passphrase. Its content is not shown here.'),
      ),
    );
  }
  if (m.rejected === 'ActionRefused') {
    // A signed delete or edit that does not hold (not the sender's own message, a wrong hash, too late): it changes nothing.
    const what = m.action?.kind === 'edit' ? 'edit' : m.action?.kind === 'delete' ? 'delete' : 'change';
    return plainRow(
      m,
      h(
        'li',
        { class: 'system refused-action', role: 'note', 'data-state': 'refused', 'data-reason': m.refused ?? m.rejected, 'data-message': m.messageId },
        withheld,
        h('p', {}, `⚠ ${m.sender} sent a${what === 'edit' ? 'n' : ''} ${what} that was refused: ${REFUSALS[m.refused ?? ''] ?? 'it does not hold'}. Nothing was changed.`),
      ),
    );
  }
  if (m.rejected !== null && m.rejected !== 'SequenceGap') {
    return plainRow(
      m,
      h(
        'li',
        { class: 'message rejected', 'data-state': 'rejected', 'data-reason': m.rejected, 'data-message': m.messageId },
        withheld,
        h('p', {}, h('strong', {}, `✘ REJECTED message from ${m.sender}`), ` — it failed its checks: ${REASONS[m.rejected] ?? m.rejected} (${m.rejected}). Its content is not shown.`),
      ),
    );
  }
  if (m.action) {
    // A timer is a line of its own; a delete or an edit is one only when its target is not on screen (or something before it is withheld).
    const text =
      m.action.kind === 'timer'
        ? `${m.sender} ${timerChange(m.action.seconds)}`
        : m.action.kind === 'delete'
          ? `${m.sender} deleted an earlier message (not loaded here).`
          : `${m.sender} edited an earlier message (not loaded here).`;
    return plainRow(
      m,
      h('li', { class: 'system', 'data-state': m.action.kind, 'data-message': m.messageId }, withheld, h('p', {}, text, ' ', h('span', { class: 'system-time' }, '· ', timeEl(m.receivedAt)))),
    );
  }
  if (m.deleted) {
    return plainRow(
      m,
      h(
        'li',
        { class: 'message deleted', 'data-state': 'deleted', 'data-message': m.messageId },
        withheld,
        h('p', { class: 'from' }, h('strong', {}, m.sender), ' ', timeEl(m.receivedAt)),
        h('p', { class: 'placeholder' }, 'This message was deleted', h('span', { class: 'deleted-at' }, ' · ', timeEl(m.deleted.at))),
      ),
    );
  }
  return ordinaryRow(client, participants, m, withheld, report, actions);
}

/** A verified message with its content: the one kind that can carry a countdown, and (ours) Unsend and Edit. */
function ordinaryRow(client: PeerlockClient, participants: readonly string[], m: ReadMessage, withheld: HTMLElement | null, report: (message: string, error?: boolean) => void, actions: OwnActions): Row {
  const mine = m.sender === client.username;
  const others = participants.filter((p) => p !== m.sender);
  const sentAt = m.sentAt ?? m.receivedAt;
  const expires = m.expiresAt !== undefined ? h('span', { class: 'expires', 'data-testid': 'expires', title: `Disappears at ${formatTime(m.expiresAt)}` }) : null;
  const bodyEl = h('p', { class: 'body' }, m.body ?? '');
  const li = h(
    'li',
    { class: mine ? 'message mine' : 'message', 'data-state': 'genuine', 'data-message': m.messageId, ...(m.edited ? { 'data-edited': 'yes' } : {}) },
    withheld,
    h(
      'p',
      { class: 'from' },
      h('strong', {}, m.sender),
      ' ',
      timeEl(sentAt),
      m.late ? ' (arrived late)' : '',
      m.reordered ? ' (delivered out of order; shown where it belongs)' : '',
      ' ',
      h('span', { class: 'verified', title: 'Decrypted and verified in this page' }, '✔ verified'),
      m.edited ? [' · ', h('span', { class: 'edited', 'data-testid': 'edited' }, 'edited ', timeEl(m.edited.at))] : null,
      expires ? [' · ', expires] : null,
    ),
    m.subject ? h('p', { class: 'subject' }, m.subject) : null,
    bodyEl,
    m.files?.length ? h('ul', { class: 'attachments', 'aria-label': 'Attachments' }, m.files.map((ref, i) => attachmentItem(client, ref, m, i, report))) : null,
  );
  const row: Row = {
    id: m.messageId,
    el: li,
    message: m,
    changesAt: [],
    refresh: (now) => {
      if (expires && m.expiresAt !== undefined) expires.textContent = `disappears in ${timeLeft(m.expiresAt - now)}`;
    },
    ...(m.expiresAt !== undefined ? { expiresAt: m.expiresAt } : {}),
  };
  if (mine && m.rejected === null) ownActions(row, m, li, bodyEl, actions);
  if (mine) {
    li.append(
      h(
        'ul',
        { class: 'receipts', 'aria-label': 'Read state' },
        others.map((p) => {
          const receipt = m.receipts.find((r) => r.reader === p);
          return h('li', { 'data-reader': p, 'data-read': receipt ? 'yes' : 'no' }, receipt ? `✔✔ read by ${p} at ${formatTime(receipt.readAt)}` : `✔ sent to ${p}, not read yet`);
        }),
        m.rejectedReceipts.map((p) => h('li', { class: 'forged' }, `⚠ a forged read receipt for ${p} was ignored`)),
      ),
    );
  }
  row.refresh(Date.now());
  return row;
}

/**
 * "Unsend" (within 3 h of the message's server time) and "Edit" (within 24 h)
 * under one of our own messages; each button leaves once its window closes
 * (the screen's timer says when). Unsend asks first, inline; Edit opens a
 * textarea with Save and Cancel (Escape cancels).
 */
function ownActions(row: Row, m: ReadMessage, li: HTMLElement, bodyEl: HTMLElement, actions: OwnActions): void {
  const unsendUntil = m.receivedAt + DELETE_WINDOW_MS;
  const editUntil = m.receivedAt + EDIT_WINDOW_MS;
  const when = formatTime(m.sentAt ?? m.receivedAt);
  const unsendButton = h('button', { type: 'button', class: 'small', 'aria-label': `Unsend your message of ${when}` }, 'Unsend');
  const editButton = h('button', { type: 'button', class: 'small', 'aria-label': `Edit your message of ${when}` }, 'Edit');
  const bar = h('div', { class: 'message-actions' }, unsendButton, editButton);

  // Unsend, asked once more inline.
  const confirmButton = h('button', { type: 'button', class: 'small danger' }, 'Unsend for everyone');
  const keepButton = h('button', { type: 'button', class: 'small' }, 'Keep it');
  const confirm = h('div', { class: 'message-confirm', role: 'group', 'aria-label': 'Unsend this message?', hidden: true }, h('span', {}, 'Unsend for everyone? They will see “This message was deleted”.'), ' ', confirmButton, ' ', keepButton);
  unsendButton.addEventListener('click', () => {
    bar.hidden = true;
    confirm.hidden = false;
    confirmButton.focus();
  });
  const closeConfirm = () => {
    confirm.hidden = true;
    bar.hidden = false;
    unsendButton.focus();
  };
  keepButton.addEventListener('click', closeConfirm);
  confirm.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') closeConfirm();
  });
  confirmButton.addEventListener('click', () => {
    confirmButton.disabled = keepButton.disabled = true;
    void actions.unsend(m).then((done) => {
      // Done: this row is replaced by the placeholder. Refused: the buttons are back (the status line says why).
      if (!done && li.isConnected) {
        confirmButton.disabled = keepButton.disabled = false;
        closeConfirm();
      }
    });
  });

  // Edit, inline.
  const textarea = h('textarea', { name: 'edit', rows: 3, required: true });
  const save = h('button', { type: 'submit', class: 'small primary' }, 'Save');
  const cancel = h('button', { type: 'button', class: 'small' }, 'Cancel');
  const editor = h('form', { class: 'message-editor', hidden: true }, field('Edit your message', textarea), h('div', { class: 'actions' }, save, cancel));
  const openEditor = (text: string) => {
    textarea.value = text;
    bodyEl.hidden = true;
    bar.hidden = true;
    confirm.hidden = true;
    editor.hidden = false;
  };
  const closeEditor = () => {
    textarea.value = '';
    editor.hidden = true;
    bodyEl.hidden = false;
    bar.hidden = false;
    editButton.focus();
  };
  editButton.addEventListener('click', () => {
    openEditor(m.body ?? '');
    textarea.focus();
  });
  cancel.addEventListener('click', closeEditor);
  editor.addEventListener('keydown', (event) => {
    if ((event as KeyboardEvent).key === 'Escape') closeEditor();
  });
  editor.addEventListener('submit', (event) => {
    event.preventDefault();
    if (textarea.value === (m.body ?? '')) return closeEditor();
    save.disabled = cancel.disabled = true;
    void actions.edit(m, textarea.value).then((done) => {
      if (!done && li.isConnected) {
        save.disabled = cancel.disabled = false;
        textarea.focus();
      }
    });
  });
  const focusable: Readonly<Record<string, HTMLElement>> = { unsend: unsendButton, edit: editButton, confirm: confirmButton, keep: keepButton, text: textarea, save, cancel };
  row.uiState = () => {
    const focused = Object.keys(focusable).find((k) => focusable[k] === document.activeElement) ?? null;
    const mode = !editor.hidden ? 'editing' : !confirm.hidden ? 'confirming' : null;
    return mode || focused ? { mode, draft: mode === 'editing' ? textarea.value : '', focused } : null;
  };
  row.restoreUi = (state) => {
    if (state.mode === 'editing') openEditor(state.draft);
    if (state.mode === 'confirming') {
      bar.hidden = true;
      confirm.hidden = false;
    }
    if (state.focused) focusable[state.focused]?.focus();
  };

  li.append(bar, confirm, editor);
  const base = row.refresh;
  row.changesAt = [unsendUntil, editUntil];
  row.refresh = (now) => {
    base(now);
    unsendButton.hidden = now >= unsendUntil;
    editButton.hidden = now >= editUntil;
    if (unsendButton.hidden && editButton.hidden) bar.hidden = true;
  };
  row.refresh(Date.now());
}
