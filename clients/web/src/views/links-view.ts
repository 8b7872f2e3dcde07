/**
 * Links (issue 21): share one of your files, or a message, with someone who
 * has no account. The link's key is made in this page and goes only into
 * the part of the URL after '#', which browsers never send to a server; the
 * server gets what it needs to hand out the encrypted content and count the
 * opens, nothing that opens it. So the URL is shown once, here, and cannot
 * be shown again: the server does not have it.
 *
 * The list of links (opens, status) is the server's word: it could lie about
 * how often a link was opened, not open it. Revoking takes effect at once.
 */
import { MESSAGE_FILE_NAME, type CreatedLink, type FileIndexEntry, type LinkRecord } from '@peerlock/sdk';
import { formatSize } from '../attachments.js';
import { describeError } from '../describe-error.js';
import { field, formatTime, h, replaceChildren, statusLine } from '../dom.js';
import type { ViewContext } from '../view-context.js';

const EXPIRY_CHOICES: readonly { readonly seconds: number; readonly label: string }[] = [
  { seconds: 3600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
  { seconds: 30 * 86_400, label: '30 days' },
];
const DEFAULT_EXPIRY = 7 * 86_400;

const STATUS_WORDS: Readonly<Record<LinkRecord['status'], string>> = { active: 'active', expired: 'expired', revoked: 'revoked', exhausted: 'used up' };

export function linksScreen(ctx: ViewContext, [prefilledFile]: readonly string[]): HTMLElement {
  const { client } = ctx.session;
  /** Names of my files, from my sealed file index (the server never sees them). */
  let names = new Map<string, FileIndexEntry>();

  // ---- the form ------------------------------------------------------------
  const kindFile = h('input', { type: 'radio', name: 'link-kind', value: 'file', checked: true });
  const kindMessage = h('input', { type: 'radio', name: 'link-kind', value: 'message' });
  const fileChoice = h('select', { name: 'link-file' }, h('option', { value: '' }, 'Loading your files…'));
  const subject = h('input', { name: 'link-subject', maxlength: 256 });
  const text = h('textarea', { name: 'link-text', rows: 5 });
  const expiry = h(
    'select',
    { name: 'link-expiry' },
    EXPIRY_CHOICES.map((c) => h('option', { value: c.seconds, selected: c.seconds === DEFAULT_EXPIRY }, c.label)),
  );
  const limit = h('input', { type: 'number', name: 'link-limit', min: 1, max: 100_000, step: 1, inputmode: 'numeric', placeholder: 'no limit' });
  const passphrase = h('input', { type: 'text', name: 'link-passphrase', autocomplete: 'off', spellcheck: 'false' });
  const fileFields = h('div', {}, field('File', fileChoice, 'Files you uploaded or accepted, by the names kept in your sealed file list.'));
  const messageFields = h('div', { hidden: true }, field('Subject (optional)', subject), field('Message text', text));
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create link');
  const status = statusLine();
  const result = h('div', { class: 'link-result' });
  const form = h(
    'form',
    { class: 'card link-form', 'aria-labelledby': 'link-form-title' },
    h('h2', { id: 'link-form-title' }, 'New link'),
    h(
      'fieldset',
      { class: 'link-kind' },
      h('legend', {}, 'Share'),
      h('label', { class: 'check' }, kindFile, ' A file'),
      h('label', { class: 'check' }, kindMessage, ' A message'),
    ),
    fileFields,
    messageFields,
    field('Expires after', expiry),
    field('Open limit', limit, 'How many times it can be opened; leave empty for no limit.'),
    field('Passphrase (optional)', passphrase, 'Asked of whoever opens the link. Send it through another channel than the link (a call, another app).'),
    status.el,
    h('div', { class: 'actions' }, create),
  );
  const showKind = () => {
    const message = kindMessage.checked;
    fileFields.hidden = message;
    messageFields.hidden = !message;
  };
  kindFile.addEventListener('change', showKind);
  kindMessage.addEventListener('change', showKind);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    status.clear();
    const rawLimit = limit.value.trim();
    const maxOpens = rawLimit === '' ? null : Number(rawLimit);
    if (maxOpens !== null && (!Number.isInteger(maxOpens) || maxOpens < 1 || maxOpens > 100_000)) return status.error('The open limit is a whole number from 1 to 100000, or empty for no limit.');
    const options = { expiresInSeconds: Number(expiry.value), maxOpens, ...(passphrase.value !== '' ? { passphrase: passphrase.value } : {}) };
    let making: Promise<CreatedLink>;
    if (kindMessage.checked) {
      if (text.value.trim() === '') return status.error('Write the message to share.');
      making = client.links.shareMessage({ text: text.value, ...(subject.value.trim() ? { subject: subject.value.trim() } : {}) }, options);
    } else {
      if (!fileChoice.value) return status.error('Choose a file to share.');
      making = client.links.shareFile(fileChoice.value, options);
    }
    create.disabled = true;
    status.info('Creating the link…');
    void making.then(
      (created) => {
        if (ctx.left()) return;
        create.disabled = false;
        status.clear();
        const hadPassphrase = passphrase.value !== '';
        passphrase.value = '';
        text.value = '';
        subject.value = '';
        replaceChildren(result, createdCard(created, hadPassphrase));
        result.querySelector<HTMLElement>('h2')?.focus();
        void refresh();
      },
      (error: unknown) => {
        if (ctx.left()) return;
        create.disabled = false;
        status.error(describeError(error));
      },
    );
  });

  // ---- my links ------------------------------------------------------------
  const list = h('tbody', {});
  const listStatus = statusLine();
  const table = h(
    'table',
    { class: 'links', 'aria-labelledby': 'links-list-title' },
    h('thead', {}, h('tr', {}, ['What', 'Created', 'Expires', 'Opens', 'Status', 'Passphrase', ''].map((c) => h('th', { scope: 'col' }, c)))),
    list,
  );
  const empty = h('p', { class: 'empty', hidden: true }, 'No links yet.');

  const refresh = async () => {
    try {
      const links = await client.links.list();
      if (ctx.left()) return;
      empty.hidden = links.length > 0;
      table.hidden = links.length === 0;
      replaceChildren(list, links.map((l) => linkRow(l)));
    } catch (error) {
      if (!ctx.left()) listStatus.error(describeError(error));
    }
  };

  const linkRow = (link: LinkRecord): HTMLElement => {
    const entry = names.get(link.fileId);
    const what = link.kind === 'message' ? 'Message' : `File${entry ? `: ${entry.name}` : ''}`;
    const opens = link.maxOpens === null ? `${link.openCount}` : `${link.openCount} of ${link.maxOpens}`;
    const revoke = h('button', { type: 'button', class: 'small danger', 'aria-label': `Revoke link ${link.id}` }, 'Revoke');
    revoke.addEventListener('click', () => {
      revoke.disabled = true;
      listStatus.clear();
      void client.links.revoke(link.id).then(
        () => {
          if (ctx.left()) return;
          listStatus.info('Revoked: the link no longer opens.');
          void refresh();
        },
        (error: unknown) => {
          if (ctx.left()) return;
          revoke.disabled = false;
          listStatus.error(describeError(error));
        },
      );
    });
    return h(
      'tr',
      { 'data-link': link.id, 'data-status': link.status },
      h('td', { 'data-col': 'kind' }, what),
      h('td', { 'data-col': 'created' }, formatTime(link.createdAt.getTime())),
      h('td', { 'data-col': 'expires' }, formatTime(link.expiresAt.getTime())),
      h('td', { 'data-col': 'opens' }, opens),
      h('td', { 'data-col': 'status' }, STATUS_WORDS[link.status]),
      h('td', { 'data-col': 'passphrase' }, link.passphrase ? 'yes' : 'no'),
      h('td', {}, link.status === 'active' ? revoke : null),
    );
  };

  // ---- loading -------------------------------------------------------------
  void (async () => {
    try {
      const [index, held] = await Promise.all([client.fileIndex().current(), client.files.list()]);
      if (ctx.left()) return;
      names = new Map(Object.values(index.entries).map((e) => [e.fileId, e]));
      // Files the server still holds for me and my index names; a link's own message files are not offered.
      const choices = held.filter((f) => f.ready && names.has(f.id) && names.get(f.id)!.name !== MESSAGE_FILE_NAME).map((f) => names.get(f.id)!);
      replaceChildren(
        fileChoice,
        h('option', { value: '' }, choices.length ? 'Choose a file…' : 'No files yet: upload one with a message first'),
        choices.map((e) => h('option', { value: e.fileId, selected: e.fileId === prefilledFile }, `${e.name} (${formatSize(e.size)})`)),
      );
      if (prefilledFile && !choices.some((e) => e.fileId === prefilledFile)) status.error('That file is not one you can share from here (not in your file list).');
    } catch (error) {
      if (!ctx.left()) status.error(describeError(error));
    }
    await refresh();
  })();

  return h(
    'section',
    { 'aria-labelledby': 'links-title' },
    h('h1', { id: 'links-title', tabindex: -1 }, 'Links'),
    h('p', { class: 'hint' }, 'Share a file or a message with someone who has no account. They open the link in a browser; it is decrypted in their page.'),
    form,
    result,
    h('h2', { id: 'links-list-title' }, 'Your links'),
    listStatus.el,
    empty,
    table,
  );
}

/** The new link, shown once: the server does not have its key, so it cannot be shown again. */
function createdCard(created: CreatedLink, hadPassphrase: boolean): HTMLElement {
  const url = h('input', { type: 'text', readonly: true, class: 'link-url', 'data-testid': 'link-url', value: created.url, 'aria-label': 'Link' });
  const copied = statusLine();
  const copy = h('button', { type: 'button' }, 'Copy');
  copy.addEventListener('click', () => {
    url.select();
    const fallback = () => (document.execCommand('copy') ? copied.info('Copied.') : copied.error('Could not copy: select the link and copy it yourself.'));
    if (navigator.clipboard) navigator.clipboard.writeText(created.url).then(() => copied.info('Copied.'), fallback);
    else fallback();
  });
  return h(
    'div',
    { class: 'card link-created', 'data-link': created.link.id },
    h('h2', { tabindex: -1 }, 'Your link'),
    h('div', { class: 'inline-copy' }, url, copy),
    copied.el,
    h('p', {}, "The key is in the part after '#': browsers never send it to the server, and the server never had it. Copy the link now: it cannot be shown again."),
    h('p', { class: 'hint' }, 'Anyone with the whole link', hadPassphrase ? ' and the passphrase' : '', ` can open it until ${formatTime(created.link.expiresAt.getTime())}${created.link.maxOpens === null ? '' : `, ${created.link.maxOpens} ${created.link.maxOpens === 1 ? 'time' : 'times'}`}.`),
    hadPassphrase ? h('p', { class: 'hint' }, 'Send the passphrase through another channel than the link.') : null,
  );
}
