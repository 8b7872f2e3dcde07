/**
 * Settings → Export and import (issue 21a, docs/archive.md): the SDK's
 * client.archive in the page.
 *
 * Export: everything the user can read, verified in this page, sealed to the
 * user's own key in this page, and offered as a download; the server sees
 * only the usual reads. The archive is built in memory (MemoryArchiveTarget:
 * its pieces become one Blob), so an export interrupted here starts again;
 * the CLI's resumes. Import: a file the user picks, streamed from disk
 * (File.stream()) into the SDK, which refuses any archive not made by this
 * user's key. Imported conversations are listed here, read-only, each
 * message shown as it was verified on the server it came from.
 */
import { MemoryArchiveTarget, type CatalogConversation, type ImportedConversation } from '@peerlock/sdk';
import { describeError } from './describe-error.js';
import { formatTime, h, replaceChildren, statusLine } from './dom.js';
import { progressBar } from './progress-bar.js';
import { saveBlob } from './save-file.js';
import type { ViewContext } from './view-context.js';

const MIB = 1024 * 1024;

export function archiveSection(ctx: ViewContext): HTMLElement {
  const { client } = ctx.session;
  const status = statusLine();

  // ---- export ----
  const withFiles = h('input', { type: 'checkbox', name: 'includeFiles' });
  const exportButton = h('button', { type: 'button' }, 'Export everything');
  const exportProgress = progressBar('Exporting…');
  exportButton.addEventListener('click', () => {
    exportButton.disabled = true;
    status.clear();
    const target = new MemoryArchiveTarget();
    void client.archive
      .export(target, {
        includeFiles: withFiles.checked,
        onProgress: (p) => {
          const fraction = p.fileBytesTotal ? p.fileBytesDone / p.fileBytesTotal : p.conversationsTotal ? p.conversationsDone / p.conversationsTotal : 0;
          const what = p.stage === 'files' ? `Exporting files (${(p.fileBytesDone / MIB).toFixed(1)} of ${(p.fileBytesTotal / MIB).toFixed(1)} MiB)…` : `Exporting conversations (${p.conversationsDone} of ${p.conversationsTotal})…`;
          exportProgress.set(fraction, what);
        },
      })
      .then(
        (summary) => {
          exportProgress.set(1, 'Exported');
          const date = new Date().toISOString().slice(0, 10);
          saveBlob(new Blob(target.parts() as BlobPart[], { type: 'application/octet-stream' }), `peerlock-${client.username}-${date}.minilock`);
          status.info(
            `Exported ${summary.conversations} conversations (${summary.messages} messages), ${summary.contacts} contacts and ${summary.files} files${withFiles.checked ? ` (${(summary.fileBytes / MIB).toFixed(1)} MiB)` : ''}. The archive is sealed to your own key: it opens with your passphrase alone.${summary.refusedFiles.length ? ` ${summary.refusedFiles.length} file(s) were left out: gone from the server, or what it served did not verify.` : ''}`,
          );
        },
        (error: unknown) => {
          exportProgress.hide();
          status.error(describeError(error));
        },
      )
      .finally(() => (exportButton.disabled = false));
  });

  // ---- import ----
  const picker = h('input', { type: 'file', name: 'archive', 'aria-label': 'Archive to import' });
  const importButton = h('button', { type: 'button' }, 'Import');
  const importProgress = progressBar('Importing…');
  const imported = h('div', { class: 'imported' });
  importButton.addEventListener('click', () => {
    const file = picker.files?.[0];
    if (!file) {
      status.error('Choose an archive to import first.');
      return;
    }
    importButton.disabled = true;
    status.clear();
    void client.archive
      .import(file.stream(), { onProgress: (p) => importProgress.set(file.size ? p.archiveBytes / file.size : 0, `Importing (${p.conversations} conversations, ${p.files} files)…`) })
      .then(
        (summary) => {
          importProgress.set(1, 'Imported');
          const conflicts = summary.pinConflicts.map((c) => ` ${c.username}: the archive had another key than this account has pinned; yours was kept.`).join('');
          status.info(
            `Imported from ${summary.server}: ${summary.conversationsAdded} conversations added, ${summary.conversationsUpdated} updated, ${summary.conversationsUnchanged} already here; ${summary.filesUploaded} files uploaded, ${summary.filesSkipped} already here; ${summary.pinsAdded} contact keys added.${conflicts}`,
          );
          return listImported();
        },
        (error: unknown) => {
          importProgress.hide();
          status.error(describeError(error));
        },
      )
      .finally(() => (importButton.disabled = false));
  });

  const listImported = async () => {
    try {
      const list = await client.archive.importedConversations();
      if (ctx.left()) return;
      replaceChildren(
        imported,
        list.length === 0
          ? h('p', { class: 'hint' }, 'No imported conversations.')
          : h('ul', { class: 'imported-list', 'aria-label': 'Imported conversations' }, list.map((c) => importedRow(ctx, c))),
      );
    } catch (error) {
      replaceChildren(imported, h('p', { class: 'status error', role: 'alert' }, describeError(error)));
    }
  };
  void listImported();

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'archive-title' },
    h('h2', { id: 'archive-title' }, 'Export and import'),
    h(
      'p',
      {},
      'Export writes your conversations (as verified here), contacts and their keys, your file list and, if you like, your files into one archive sealed to your own key. Import restores it on this or another server: conversations come back read-only, files are uploaded again.',
    ),
    h('label', { class: 'checkbox' }, withFiles, ' Include the files themselves'),
    exportButton,
    exportProgress.el,
    h('hr'),
    h('label', {}, 'Archive to import ', picker),
    importButton,
    importProgress.el,
    status.el,
    h('h3', {}, 'Imported conversations'),
    imported,
  );
}

function importedRow(ctx: ViewContext, c: CatalogConversation): HTMLElement {
  const show = h('button', { type: 'button' }, 'Show');
  const body = h('div', { class: 'imported-conversation' });
  show.addEventListener('click', () => {
    show.disabled = true;
    void ctx.session.client.archive.readImported(c.id).then(
      (conversation) => {
        if (!ctx.left()) replaceChildren(body, importedMessages(conversation));
      },
      (error: unknown) => {
        show.disabled = false;
        replaceChildren(body, h('p', { class: 'status error', role: 'alert' }, describeError(error)));
      },
    );
  });
  return h(
    'li',
    { 'data-imported': c.id },
    h('strong', {}, c.subject || '(no subject)'),
    ` with ${c.participants.join(', ')}: ${c.messageCount} messages, imported from ${c.server} `,
    show,
    body,
  );
}

function importedMessages(conversation: ImportedConversation): HTMLElement {
  return h(
    'div',
    {},
    h('p', { class: 'hint' }, `Imported from ${conversation.imported.server}, exported ${formatTime(conversation.imported.exportedAt)}. Read-only; each message as it was verified then.`),
    h(
      'ol',
      { class: 'messages' },
      conversation.messages.map((m) =>
        m.verification.state === 'refused'
          ? h('li', { class: 'message', 'data-state': 'refused' }, `${m.sender}: not verified then (${m.verification.reason}); no content kept`)
          : h(
              'li',
              { class: 'message', 'data-state': 'verified-then', 'data-message': m.id },
              h('strong', {}, m.sender),
              ` ${formatTime(m.sentAt ?? m.serverTime)} ✓ verified then${m.edited ? ' (edited)' : ''}: `,
              h('span', { class: 'body' }, m.deleted ? '(deleted)' : (m.body ?? '')),
            ),
      ),
    ),
  );
}
