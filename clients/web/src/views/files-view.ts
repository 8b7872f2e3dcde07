/**
 * Files you hold, as the server lists them, with a download for each. The
 * listing is the server's (a hint: ids, owners, sizes); what a download
 * acts on is checked in the page (DESIGN §5, T11): a file you uploaded or
 * accepted must match its entry in your sealed file index, and a file
 * nobody vouched for is refused and shown with the miniLock ID that made it
 * (and the contact pinned with that key, if any). Only when you accept that
 * sender here is it downloaded, verified and remembered.
 */
import { FileRejectedError, type PeerlockClient, type StoredFile } from '@peerlock/sdk';
import { describeError } from '../describe-error.js';
import { h, replaceChildren, statusLine } from '../dom.js';
import { progressBar } from '../progress-bar.js';
import { memorySink, saveBlob } from '../save-file.js';
import type { ViewContext } from '../view-context.js';

export function filesScreen(ctx: ViewContext): HTMLElement {
  const { client } = ctx.session;
  const list = h('ul', { class: 'files', 'aria-label': 'Files' });
  const status = statusLine();
  const refresh = async () => {
    try {
      const files = await client.files.list();
      if (ctx.left()) return;
      replaceChildren(list, files.length ? files.map((f) => fileRow(client, f, status, ctx.navigate)) : h('li', { class: 'empty' }, 'No files yet. Attach one to a message to send it.'));
    } catch (error) {
      if (!ctx.left()) status.error(describeError(error));
    }
  };
  ctx.onNotification((n) => {
    if (n.kind === 'FILE_SHARED') void refresh();
  });
  void refresh();
  return h(
    'section',
    { 'aria-labelledby': 'files-title' },
    h('h1', { id: 'files-title', tabindex: -1 }, 'Files'),
    h('p', { class: 'hint' }, 'Files are decrypted and checked in this page. Names appear once a file is opened: the server never sees them.'),
    status.el,
    list,
  );
}

function fileRow(client: PeerlockClient, file: StoredFile, status: ReturnType<typeof statusLine>, navigate: (hash: string) => void): HTMLElement {
  const bar = progressBar('Downloading');
  const prompt = h('div', { class: 'sender-prompt' });
  const button = h('button', { type: 'button', 'data-file': file.id }, 'Download');
  const download = async (acceptSender?: string) => {
    button.disabled = true;
    status.clear();
    replaceChildren(prompt);
    const sink = memorySink();
    try {
      bar.set(0, 'Downloading and decrypting');
      const info = await client.files.download(file.id, sink, {
        onProgress: (p) => bar.set(p.totalBytes ? p.bytesReceived / p.totalBytes : 0, 'Downloading and decrypting'),
        ...(acceptSender ? { acceptSender } : {}),
      });
      bar.set(1, 'Verified');
      saveBlob(sink.blob(), info.fileName);
      button.textContent = `Download ${info.fileName} again`;
      status.info(`Saved ${info.fileName} (decrypted and verified in this page).`);
    } catch (error) {
      bar.hide();
      if (error instanceof FileRejectedError && error.reason === 'unvouched' && error.senderID) replaceChildren(prompt, senderPrompt(error, (id) => void download(id)));
      else status.error(describeError(error));
    } finally {
      button.disabled = false;
    }
  };
  button.addEventListener('click', () => void download());
  const size = `${(file.ciphertextBytes / 1024).toFixed(1)} KiB`;
  const owner = file.owner === client.username ? 'yours' : `listed as from ${file.owner}`;
  return h(
    'li',
    { class: 'file', 'data-file': file.id },
    h('code', {}, file.id),
    ` · ${size} · ${owner}${file.ready ? '' : ' (still uploading)'}`,
    ' ',
    button,
    ' ',
    // A link for someone without an account (issue 21): the Links screen's form, with this file chosen.
    file.ready ? h('button', { type: 'button', 'data-share-link': file.id, onclick: () => navigate(`#/links?file=${file.id}`) }, 'Share link') : null,
    bar.el,
    prompt,
  );
}

/** Nobody vouched for this file: show who made it and let the user decide. */
function senderPrompt(error: FileRejectedError, accept: (miniLockId: string) => void): HTMLElement {
  const who = error.senderUsername ? `${error.senderUsername} (one of your contacts' keys)` : 'nobody you have a key pinned for';
  return h(
    'div',
    { class: 'unvouched', role: 'alert', 'data-code': error.code, 'data-reason': error.reason },
    h('p', {}, h('strong', {}, '⚠ Nobody you trust vouched for this file.'), ' You did not upload it, and no verified message carried it. Anyone can encrypt a file to your key, so its contents may be made up.'),
    h('p', {}, 'It was made with the miniLock ID ', h('code', { 'data-testid': 'unvouched-sender' }, error.senderID!), `: ${who}.`),
    h('button', { type: 'button', class: 'danger', onclick: () => accept(error.senderID!) }, 'Trust this sender and download'),
  );
}
