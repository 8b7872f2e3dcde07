/**
 * The page a link opens for someone WITHOUT an account (issue 21;
 * docs/web.md, "Links"): `/l/<linkId>#<fragment>`.
 *
 * The fragment is the link's secret. It is read once, as the page starts,
 * and taken out of the address bar at once (history.replaceState), so it is
 * not kept in the history, a bookmark or a screenshot; from then on it lives
 * only in this page's memory, and only until the link opened. Browsers never
 * send a fragment to a server, and the page sends it nowhere either: the SDK
 * derives from it (and the passphrase) the value that proves the link to the
 * server and the key that decrypts what the server serves.
 *
 * What the page shows, and whose word it is:
 * - whether a passphrase is needed: the fragment's flag (never the server's);
 * - whether the link still opens (expired, revoked, exhausted): the server's;
 * - the content and who made it: verified in this page (the SDK refuses
 *   content that does not open with the link's key or fails its hash), and
 *   whether it is a message or a file is decided by that content;
 * - the sender's username: a claim, checked against the server's key log
 *   when possible, and the page says plainly when it was not.
 * Nothing the server or the sender wrote is ever parsed as HTML (dom.ts).
 *
 * Opening takes a click (or the passphrase): opening spends one of the
 * link's opens, and a link preview or a page merely loaded in a background
 * tab should not spend it for its holder.
 */
import { LinkError, linkStatus, openLink, parseLinkUrl, type LinkState, type OpenedLink } from '@peerlock/sdk';
import { formatSize } from '../attachments.js';
import { describeError, describeLinkError } from '../describe-error.js';
import { field, formatTime, h, replaceChildren, statusLine } from '../dom.js';
import { progressBar } from '../progress-bar.js';
import { safeFileName, saveBlob } from '../save-file.js';

/** A link's path: `/l/<anything>` (the SDK checks the id itself and calls a bad one malformed). */
const LINK_PATH = /^\/l\/[^/]*\/?$/;

/**
 * When the page was loaded at a link's address: the whole URL (with its
 * secret), after taking the fragment out of the address bar. Called once,
 * first thing, before anything else runs.
 */
export function takeLinkFromAddress(location: Location = window.location, history: History = window.history): string | null {
  if (!LINK_PATH.test(location.pathname)) return null;
  const url = location.href;
  // Replaces the current history entry: the fragment is in no entry from now on.
  if (location.hash !== '' || url.endsWith('#')) history.replaceState(null, '', location.pathname + location.search);
  return url;
}

/** The outcomes after which nothing more can be done on this page. */
type Ended = 'malformed' | 'expired' | 'revoked' | 'exhausted' | 'not-found' | 'not-for-this-link' | 'tampered';

const ENDED_TITLES: Readonly<Record<Ended, string>> = {
  malformed: 'This link is incomplete or damaged',
  expired: 'This link has expired',
  revoked: 'This link was revoked',
  exhausted: 'This link was opened as many times as its owner allowed',
  'not-found': 'This link was not found',
  'not-for-this-link': "This link's content failed verification",
  tampered: "This link's content failed verification",
};

const isEnded = (code: LinkError['code']): code is Ended => code in ENDED_TITLES;

/** The whole page for a link: it never shows login or signup. */
export function linkOpenPage(url: string): HTMLElement[] {
  const main = h('main', { id: 'main', tabindex: -1, class: 'link-page' });
  document.title = 'Peerlock: a shared link';
  // The link's secret, held only until the link opened (or can no longer open).
  let secretUrl: string | null = url;

  const show = (state: string, ...children: (Node | null)[]) => {
    replaceChildren(main, h('section', { class: 'card link-state', 'data-testid': 'link-state', 'data-state': state, 'aria-labelledby': 'link-title' }, ...children));
    main.querySelector<HTMLElement>('h1')?.focus();
  };
  const title = (text: string) => h('h1', { id: 'link-title', tabindex: -1 }, text);

  const ended = (code: Ended, expiresAt?: Date) => {
    secretUrl = null;
    const error = new LinkError(code);
    show(
      code,
      title(ENDED_TITLES[code]),
      h('p', { 'data-testid': 'link-explanation' }, describeLinkError(error)),
      code === 'expired' && expiresAt ? h('p', { class: 'hint' }, `It stopped opening on ${formatTime(expiresAt.getTime())}.`) : null,
      code === 'tampered' || code === 'not-for-this-link'
        ? h('p', { class: 'hint' }, 'The link itself may still be good: the problem is what the server sent. Tell the person who sent you the link.')
        : null,
    );
  };

  const ready = (state: LinkState) => {
    const needsPassphrase = parseLinkUrl(secretUrl!).needsPassphrase;
    const passphrase = h('input', { type: 'password', name: 'link-passphrase', autocomplete: 'off', spellcheck: 'false', required: true });
    const open = h('button', { type: 'submit', class: 'primary' }, 'Open');
    const bar = progressBar('Downloading and decrypting');
    const status = statusLine();
    const form = h(
      'form',
      { class: 'link-open' },
      needsPassphrase ? field('Passphrase', passphrase, 'This link needs a passphrase as well. Its owner should have sent it to you separately from the link.') : null,
      h('div', { class: 'actions' }, open),
      bar.el,
      status.el,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!secretUrl) return;
      if (needsPassphrase && passphrase.value === '') return status.error(describeLinkError(new LinkError('passphrase-required')));
      open.disabled = true;
      passphrase.disabled = true;
      status.info(needsPassphrase ? 'Checking the passphrase (this takes a few seconds)…' : 'Opening…');
      void openLink(secretUrl, {
        ...(needsPassphrase ? { passphrase: passphrase.value } : {}),
        onProgress: (done, total) => bar.set(total > 0 ? done / total : 0, 'Downloading and decrypting'),
      }).then(
        (opened) => {
          secretUrl = null;
          passphrase.value = '';
          showOpened(opened);
        },
        (error: unknown) => {
          bar.hide();
          open.disabled = false;
          passphrase.disabled = false;
          if (error instanceof LinkError && isEnded(error.code)) return ended(error.code);
          status.error(error instanceof LinkError ? describeLinkError(error) : describeError(error));
          if (error instanceof LinkError && error.code === 'wrong-passphrase') {
            passphrase.select();
            passphrase.focus();
          }
        },
      );
    });
    show(
      'ready',
      title('Someone shared something with you'),
      h('p', {}, 'It opens in this page: it is decrypted and checked here, and the server that passes it on cannot read it.'),
      h('p', { class: 'hint' }, `The link opens until ${formatTime(state.expiresAt.getTime())}. Opening it may count toward a limit its owner set on how often it can be opened.`),
      form,
    );
    if (needsPassphrase) passphrase.focus();
  };

  const showOpened = (opened: OpenedLink) => {
    const from = h(
      'div',
      { class: 'link-from', 'data-testid': 'link-from' },
      h('p', {}, 'Sent by ', h('strong', { 'data-testid': 'link-sender' }, opened.from.username), opened.kind === 'message' ? ` on ${formatTime(opened.sentAt.getTime())}` : null),
      h('p', {}, 'Made with the miniLock ID ', h('code', { 'data-testid': 'link-minilock-id' }, opened.from.miniLockId), '.'),
      opened.from.keyChecked
        ? h('p', { class: 'key-check ok', 'data-testid': 'link-key-check', 'data-checked': 'yes' }, `✓ Checked: the server's key log lists this miniLock ID as ${opened.from.username}'s key.`)
        : h(
            'p',
            { class: 'key-check warn', 'data-testid': 'link-key-check', 'data-checked': 'no' },
            `⚠ Not checked: this miniLock ID could not be checked against the server's key log, so the name "${opened.from.username}" is only a claim. If it matters, compare the miniLock ID with the sender through another channel.`,
          ),
    );
    const { openCount, maxOpens, expiresAt } = opened.link;
    const info = h(
      'p',
      { class: 'hint', 'data-testid': 'link-opens' },
      maxOpens === null ? `This link has been opened ${openCount} ${openCount === 1 ? 'time' : 'times'}` : `This link has been opened ${openCount} of ${maxOpens} times`,
      `; it opens until ${formatTime(expiresAt.getTime())} (the server's word).`,
    );
    if (opened.kind === 'message') {
      show(
        'message',
        title(opened.subject ?? 'A message for you'),
        h('div', { class: 'body link-text', 'data-testid': 'link-text' }, opened.text),
        from,
        info,
      );
      return;
    }
    const name = safeFileName(opened.name);
    let blob: Blob | null = new Blob([opened.bytes as BlobPart], { type: 'application/octet-stream' });
    const save = h('button', { type: 'button', class: 'primary', 'data-testid': 'link-save' }, `Save ${name}`);
    save.addEventListener('click', () => {
      if (blob) saveBlob(blob, name);
    });
    show(
      'file',
      title('A file for you'),
      h('p', {}, h('strong', { class: 'attachment-name', 'data-testid': 'link-file-name' }, name), ' · ', h('span', { 'data-testid': 'link-file-size' }, formatSize(opened.size))),
      h('p', { class: 'hint' }, 'Decrypted and verified in this page.'),
      h('div', { class: 'actions' }, save),
      from,
      info,
    );
    // Let go of the bytes with the page (the blob holds the only copy).
    window.addEventListener('pagehide', () => (blob = null), { once: true });
  };

  let parsedOk = true;
  try {
    parseLinkUrl(url);
  } catch {
    parsedOk = false;
  }
  if (!parsedOk) ended('malformed');
  else {
    show('checking', title('Opening a shared link'), h('p', { role: 'status' }, 'Checking the link…'));
    const check = () =>
      linkStatus(secretUrl!).then(
        (state) => (state.status === 'active' ? ready(state) : ended(state.status, state.expiresAt)),
        (error: unknown) => {
          if (error instanceof LinkError && isEnded(error.code)) return ended(error.code);
          const retry = h('button', { type: 'button', onclick: () => void check() }, 'Try again');
          show('error', title('Opening a shared link'), h('p', { class: 'status error', role: 'alert' }, error instanceof LinkError ? describeLinkError(error) : describeError(error)), retry);
        },
      );
    void check();
  }

  return [h('header', { class: 'top' }, h('span', { class: 'brand' }, 'Peerlock')), main];
}
