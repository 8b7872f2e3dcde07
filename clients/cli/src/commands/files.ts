/** files upload | download | list | share | rm. */
import { basename, dirname, join, resolve } from 'node:path';
import { AttachmentRejectedError, isMiniLockId, type FileReference, type ReadMessage } from '@peerlock/sdk';
import { MissingArgumentError, UsageError } from '../cli-error.js';
import { flag, str, type Command } from '../command.js';
import { downloadTarget, readSource, statOrNull } from '../file-io.js';
import { printable } from '../output.js';
import { findMessage } from './messages.js';

const need = (v: string | undefined, what: string) => {
  if (!v) throw new MissingArgumentError(what);
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
    usage: 'peerlock files download <fileId> [-o PATH] [--conversation ID | --accept-sender MINILOCK_ID] [--force]',
    summary: 'Download, verify and decrypt a file you uploaded, accepted or were sent (written only once it verified, never over an existing file)',
    options: { output: { type: 'string', short: 'o' }, conversation: { type: 'string' }, 'accept-sender': { type: 'string' }, force: { type: 'boolean' } },
    optionHelp: {
      output: 'where to save it (a directory: under the name inside the file); default: the name inside the file, here',
      conversation: 'a file attached to a message: checked against the header that message carried, made by its sender',
      'accept-sender': 'a file from no message and not yet in your file index: accept it from this sender (the miniLock ID a refusal showed you)',
      force: 'replace an existing file of that name (otherwise the first free name, "name (1).ext", … is used, and said)',
    },
    async run(ctx, args) {
      const client = await ctx.client();
      const fileId = need(args.positionals[0], 'fileId');
      const conversation = str(args, 'conversation');
      const acceptSender = str(args, 'accept-sender');
      if (conversation && acceptSender) throw new UsageError('--accept-sender is for a file that came in no message: leave out --conversation or --accept-sender');
      if (acceptSender !== undefined && !isMiniLockId(acceptSender)) throw new UsageError('--accept-sender: expected a miniLock ID');
      const chosen = str(args, 'output') === undefined ? undefined : resolve(str(args, 'output')!);
      const intoDirectory = chosen !== undefined && statOrNull(chosen)?.isDirectory() === true;
      const directory = chosen === undefined ? resolve('.') : intoDirectory ? chosen : dirname(chosen);
      const bar = ctx.out.progress('downloading');
      const onProgress = (p: { bytesReceived: number; totalBytes: number | null }) => bar.update(p.bytesReceived, p.totalBytes);
      // Written under a temporary name in the target's directory; it gets its name only once it verified.
      const target = downloadTarget(directory);
      try {
        let result: { fileName: string; senderID: string };
        if (conversation) {
          const message = await findMessage(client, conversation, (m) => m.files?.some((f) => f.fileId === fileId) === true);
          if (!message) throw new AttachmentRejectedError(fileId, 'not-in-message');
          const ref = message.files!.find((f) => f.fileId === fileId)!;
          result = await client.files.downloadAttachment(ref, message, target, onProgress);
        } else {
          result = await client.files.download(fileId, target, { onProgress, ...(acceptSender ? { acceptSender } : {}) });
        }
        bar.finish();
        const wanted = chosen !== undefined && !intoDirectory ? chosen : join(directory, safeName(result.fileName, fileId));
        const path = target.place(wanted, { force: flag(args, 'force') });
        ctx.out.result({ fileId, path, senderID: result.senderID, ...(path !== wanted ? { requested: wanted } : {}) }, () =>
          ctx.out.line(`${ctx.out.paint.green('✔')} saved ${printable(path)}${path !== wanted ? ctx.out.paint.yellow(` (${printable(basename(wanted))} exists; not replaced, use --force to replace it)`) : ''}`),
        );
      } finally {
        target.discard();
      }
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
    usage: 'peerlock files share <fileId> <user...> [--conversation ID]',
    summary: 'Give contacts access to a file you uploaded or accepted (re-wraps the header only; no re-upload)',
    options: { conversation: { type: 'string' } },
    optionHelp: {
      conversation: 'a file attached to a message: re-share it with the header that message carried (no download needed)',
    },
    async run(ctx, args) {
      const client = await ctx.client();
      const [fileId, ...users] = args.positionals;
      if (!fileId) throw new MissingArgumentError('fileId');
      if (users.length === 0) throw new MissingArgumentError('users to share with');
      const conversation = str(args, 'conversation');
      let attachment: { ref: FileReference; message: ReadMessage } | undefined;
      if (conversation) {
        const message = await findMessage(client, conversation, (m) => m.files?.some((f) => f.fileId === fileId) === true);
        if (!message) throw new AttachmentRejectedError(fileId, 'not-in-message');
        attachment = { ref: message.files!.find((f) => f.fileId === fileId)!, message };
      }
      // Only a header that matches the file index (or the message) is re-wrapped: never whatever the server serves.
      const ref = await client.files.shareById(fileId, users, attachment ? { attachment } : {});
      ctx.out.result({ fileId: ref.fileId, sharedWith: users }, () => ctx.out.line(`${ctx.out.paint.green('✔')} shared ${fileId} with ${users.join(', ')}`));
    },
  },
  {
    name: 'files rm',
    usage: 'peerlock files rm <fileId> [--destroy]',
    summary: 'Drop your access; --destroy (owner) deletes it for everyone',
    options: { destroy: { type: 'boolean' } },
    optionHelp: { destroy: 'a file you own: delete it for everyone it was shared with, not just drop your own access' },
    async run(ctx, args) {
      const client = await ctx.client();
      const fileId = need(args.positionals[0], 'fileId');
      const result = await client.files.remove(fileId, { destroy: flag(args, 'destroy') });
      ctx.out.result({ fileId, ...result }, () => ctx.out.line(`${ctx.out.paint.green('✔')} removed ${fileId}${result.deleted ? ' (deleted)' : ''}`));
    },
  },
];

/** A name from inside the file, never a path: anything odd falls back to the id. */
export function safeName(name: string | null | undefined, fileId: string): string {
  return name && !/[/\\\0]/.test(name) && name !== '.' && name !== '..' ? name : `${fileId}.bin`;
}
