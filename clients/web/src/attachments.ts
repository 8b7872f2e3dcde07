/**
 * Attaching: each file is encrypted in the page, uploaded with a progress
 * bar, then shared with the conversation's participants (only the header is
 * re-wrapped). Downloading: decrypted with the header the message carried,
 * checked against its sender, and saved under the name inside the file.
 */
import type { FileReference, PeerlockClient, ReadMessage } from '@peerlock/sdk';
import { describeError } from './describe-error.js';
import { h } from './dom.js';
import { progressBar } from './progress-bar.js';
import { memorySink, saveBlob } from './save-file.js';

export async function uploadAndShare(client: PeerlockClient, files: readonly File[], participants: readonly string[], progressArea: HTMLElement): Promise<FileReference[]> {
  const refs: FileReference[] = [];
  for (const file of files) {
    const bar = progressBar(`Uploading ${file.name}`);
    progressArea.append(bar.el);
    bar.set(0);
    const uploaded = await client.files.upload({
      source: file.stream() as ReadableStream<Uint8Array>,
      size: file.size,
      name: file.name,
      onProgress: (p) => bar.set(p.ciphertextBytes ? p.bytesSent / p.ciphertextBytes : 1, `Uploading ${file.name}`),
    });
    bar.set(1, `Uploaded ${file.name}`);
    refs.push(await client.files.share(uploaded.fileId, uploaded.fileInfo, participants));
  }
  return refs;
}

export function attachmentButton(client: PeerlockClient, ref: FileReference, message: ReadMessage, index: number, report: (message: string, error?: boolean) => void): HTMLElement {
  const bar = progressBar('Downloading');
  const button = h('button', { type: 'button', class: 'attachment', 'data-file': ref.fileId }, `Download attachment ${index + 1}`);
  button.addEventListener('click', () => {
    void (async () => {
      button.disabled = true;
      const sink = memorySink();
      try {
        bar.set(0, 'Downloading and decrypting');
        const { fileName } = await client.files.downloadAttachment(ref, message, sink, (p) => bar.set(p.totalBytes ? p.bytesReceived / p.totalBytes : 0, 'Downloading and decrypting'));
        bar.set(1, 'Verified');
        saveBlob(sink.blob(), fileName);
        button.textContent = `Download ${fileName} again`;
        report(`Saved ${fileName} (decrypted and verified in this page).`);
      } catch (error) {
        bar.hide();
        report(describeError(error), true);
      } finally {
        button.disabled = false;
      }
    })();
  });
  return h('span', { class: 'attachment-item' }, button, bar.el);
}
