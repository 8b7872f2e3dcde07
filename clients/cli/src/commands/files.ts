/** files upload | download | list | share | rm. */
import { renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { AttachmentRejectedError } from '@peerlock/sdk';
import { UsageError } from '../cli-error.js';
import { flag, str, type Command } from '../command.js';
import { fileSink, readSource } from '../file-io.js';
import { resolveConversation } from './messages.js';

const need = (v: string | undefined, what: string) => {
  if (!v) throw new UsageError(`missing ${what}`);
  return v;
};

export const fileCommands: Command[] = [
  {
    name: 'files upload',
    usage: 'peerlock files upload <path>',
    summary: 'Encrypt and upload a file (only you can open it until you share it)',
    async run(ctx, args) {
      const client = await ctx.client();
      const { source, size, name } = readSource(need(args.positionals[0], 'path'));
      const bar = ctx.out.progress(`uploading ${name}`);
      const uploaded = await client.files.upload({ source, size, name, onProgress: (p) => bar.update(p.bytesSent, p.ciphertextBytes) });
      bar.finish();
      ctx.out.result({ fileId: uploaded.fileId, name, size, ciphertextBytes: uploaded.ciphertextBytes }, () => ctx.out.line(`${ctx.out.paint.green('✔')} uploaded ${name}: ${uploaded.fileId}`));
    },
  },
  {
    name: 'files download',
    usage: 'peerlock files download <fileId> [-o PATH] [--conversation ID]',
    summary: 'Download, verify and decrypt (written only once it verified); --conversation checks it against the message that attached it',
    options: { output: { type: 'string', short: 'o' }, conversation: { type: 'string' } },
    async run(ctx, args) {
      const client = await ctx.client();
      const fileId = need(args.positionals[0], 'fileId');
      const bar = ctx.out.progress('downloading');
      const onProgress = (p: { bytesReceived: number; totalBytes: number | null }) => bar.update(p.bytesReceived, p.totalBytes);
      const chosen = str(args, 'output');
      // Without -o the name comes from inside the file: write under a temporary name, rename once it verified.
      const writeTo = resolve(chosen ?? `.${fileId}.download`);
      const conversation = str(args, 'conversation');
      let result: { fileName: string; senderID: string };
      if (conversation) {
        const view = await client.messaging.read(await resolveConversation(client, conversation));
        const message = view.messages.find((m) => m.rejected === null && m.files?.some((f) => f.fileId === fileId));
        if (!message) throw new AttachmentRejectedError(fileId, 'not-in-message');
        const ref = message.files!.find((f) => f.fileId === fileId)!;
        result = await client.files.downloadAttachment(ref, message.sender, fileSink(writeTo), onProgress);
      } else {
        result = await client.files.download(fileId, fileSink(writeTo), onProgress);
      }
      const target = chosen ? writeTo : resolve(safeName(result.fileName, fileId));
      if (target !== writeTo) renameSync(writeTo, target);
      bar.finish();
      ctx.out.result({ fileId, path: target, senderID: result.senderID }, () => ctx.out.line(`${ctx.out.paint.green('✔')} saved ${target}`));
    },
  },
  {
    name: 'files list',
    usage: 'peerlock files list',
    summary: 'Files you hold (yours and shared with you)',
    async run(ctx) {
      const client = await ctx.client();
      const files = await client.files.list();
      ctx.out.result(files, () => {
        if (files.length === 0) ctx.out.line(ctx.out.paint.dim('no files'));
        for (const f of files) ctx.out.line(`${f.id}  ${f.owner}  ${(f.ciphertextBytes / 1024).toFixed(1)} KiB${f.ready ? '' : ' (uploading)'}${f.sharedWith.length ? `  shared with ${f.sharedWith.join(', ')}` : ''}`);
      });
    },
  },
  {
    name: 'files share',
    usage: 'peerlock files share <fileId> <user...>',
    summary: 'Give contacts access (re-wraps the header only; no re-upload)',
    async run(ctx, args) {
      const client = await ctx.client();
      const [fileId, ...users] = args.positionals;
      if (!fileId || users.length === 0) throw new UsageError('usage: peerlock files share <fileId> <user...>');
      // Our own header (the start of the download) opens to the file's keys, which we re-wrap.
      const stream = await client.files.stream(fileId);
      const { fileInfo } = stream;
      await stream.plaintext[Symbol.asyncIterator]().return?.();
      const ref = await client.files.share(fileId, fileInfo, users);
      ctx.out.result({ fileId: ref.fileId, sharedWith: users }, () => ctx.out.line(`${ctx.out.paint.green('✔')} shared ${fileId} with ${users.join(', ')}`));
    },
  },
  {
    name: 'files rm',
    usage: 'peerlock files rm <fileId> [--destroy]',
    summary: 'Drop your access; --destroy (owner) deletes it for everyone',
    options: { destroy: { type: 'boolean' } },
    async run(ctx, args) {
      const client = await ctx.client();
      const fileId = need(args.positionals[0], 'fileId');
      const result = await client.files.remove(fileId, { destroy: flag(args, 'destroy') });
      ctx.out.result({ fileId, ...result }, () => ctx.out.line(`${ctx.out.paint.green('✔')} removed ${fileId}${result.deleted ? ' (deleted)' : ''}`));
    },
  },
];

/** A name from inside the file, never a path: anything odd falls back to the id. */
function safeName(name: string | null | undefined, fileId: string): string {
  return name && !/[/\\\0]/.test(name) && name !== '.' && name !== '..' ? name : `${fileId}.bin`;
}
