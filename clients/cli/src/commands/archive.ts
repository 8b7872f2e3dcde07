/**
 * export | import | imported [read]: encrypted export and import (issue 21a, docs/archive.md).
 *
 * The archive is written as `<file>.partial`, with a checkpoint sealed to
 * the user's own key beside it (`<file>.resume`); both are mode 0600. An
 * interrupted export (Ctrl-C, a crash, a lost network) goes on from the last
 * checkpoint the next time the same command runs; the archive gets its name
 * only once it is complete, and opens anywhere with the passphrase alone
 * (`peerlock-minilock decrypt`).
 */
import { createReadStream, existsSync, renameSync, rmSync, statSync, writeFileSync, openSync, fsyncSync, closeSync, chmodSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ArchiveResumeError, type ArchiveTarget, type ExportProgress, type ImportProgress } from '@peerlock/sdk';
import { MissingArgumentError, UsageError } from '../cli-error.js';
import { flag, type Command } from '../command.js';
import { formatLocalTime } from '../local-time.js';
import { printable, type Output } from '../output.js';
import { SHORT } from './messages.js';

const MIB = 1024 * 1024;

/** `<file>.partial` and `<file>.resume`, written so that what a checkpoint covers is on disk before the checkpoint is. */
export class FileArchiveTarget implements ArchiveTarget {
  readonly partial: string;
  readonly resume: string;
  private handle: FileHandle | null = null;
  private length = 0;

  constructor(readonly path: string) {
    this.partial = `${path}.partial`;
    this.resume = `${path}.resume`;
  }

  async loadCheckpoint(): Promise<Uint8Array | null> {
    if (!existsSync(this.resume) || !existsSync(this.partial)) return null;
    return new Uint8Array(await readFile(this.resume));
  }

  async saveCheckpoint(sealed: Uint8Array): Promise<void> {
    // Written aside and renamed over: a crash leaves the old checkpoint or the new one, never half of one.
    const aside = `${this.resume}.tmp`;
    const fd = openSync(aside, 'w', 0o600);
    try {
      writeFileSync(fd, sealed);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, this.resume);
  }

  async partialLength(): Promise<number> {
    return existsSync(this.partial) ? statSync(this.partial).size : 0;
  }

  async truncate(length: number): Promise<void> {
    const handle = await this.file();
    await handle.truncate(length);
    this.length = length;
  }

  async append(bytes: Uint8Array): Promise<void> {
    const handle = await this.file();
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, this.length + done);
      done += bytesWritten;
    }
    this.length += bytes.length;
  }

  async sync(): Promise<void> {
    await this.handle?.sync();
  }

  async complete(header: Uint8Array): Promise<void> {
    const handle = await this.file();
    await handle.write(header, 0, header.length, 0);
    await handle.sync();
    await handle.close();
    this.handle = null;
    chmodSync(this.partial, 0o600);
    renameSync(this.partial, this.path);
    rmSync(this.resume, { force: true });
  }

  async close(): Promise<void> {
    await this.handle?.close();
    this.handle = null;
  }

  private async file(): Promise<FileHandle> {
    if (!this.handle) {
      this.handle = await open(this.partial, existsSync(this.partial) ? 'r+' : 'w+', 0o600);
      this.length = (await this.handle.stat()).size;
    }
    return this.handle;
  }
}

/** A progress line on stderr: a bar on a terminal, else a line at most every 2 s (and never with --json). */
function reporter(out: Output, label: string) {
  const bar = out.progress(label);
  const plain = !process.stderr.isTTY && !out.json;
  let last = 0;
  return {
    update(done: number, total: number, text: () => string) {
      bar.update(done, total);
      if (plain && performance.now() - last > 2000) {
        last = performance.now();
        process.stderr.write(`${label}: ${text()}\n`);
      }
    },
    finish: () => bar.finish(),
  };
}

const exportLine = (p: ExportProgress) =>
  `${p.conversationsDone}/${p.conversationsTotal} conversations, ${p.messages} messages, ${p.filesDone}/${p.filesTotal} files, ${(p.fileBytesDone / MIB).toFixed(1)}/${(p.fileBytesTotal / MIB).toFixed(1)} MiB${p.resumed ? ' (resumed)' : ''}`;
const importLine = (p: ImportProgress) => `${p.conversations} conversations, ${p.messages} messages, ${p.files} files, ${(p.archiveBytes / MIB).toFixed(1)} MiB read`;

export const archiveCommands: Command[] = [
  {
    name: 'export',
    usage: 'peerlock export <file> [--files] [--resume | --restart] [--force]',
    summary: 'Write everything you can read (verified conversations, contacts and pins, the file index, with --files the files) into one archive sealed to your own key; resumes where it stopped',
    options: { files: { type: 'boolean' }, resume: { type: 'boolean' }, restart: { type: 'boolean' }, force: { type: 'boolean' } },
    optionHelp: {
      files: "put the files' bytes in the archive too (default: only the file index)",
      resume: 'only continue an interrupted export of <file> (an error if there is none); without it, one is continued when found',
      restart: 'throw away an interrupted export of <file> and start again',
      force: 'replace <file> if it exists',
    },
    async run(ctx, args) {
      const given = args.positionals[0];
      if (!given) throw new MissingArgumentError('file');
      if (flag(args, 'resume') && flag(args, 'restart')) throw new UsageError('--resume continues an interrupted export, --restart throws it away: use one of them');
      const path = resolve(given);
      const target = new FileArchiveTarget(path);
      const interrupted = existsSync(target.partial) && existsSync(target.resume);
      if (flag(args, 'resume') && !interrupted) throw new UsageError(`nothing to resume: no ${printable(target.partial)} with its checkpoint`);
      if (existsSync(path) && !flag(args, 'force')) throw new UsageError(`${printable(path)} exists: choose another name, or --force to replace it`);
      const client = await ctx.client();
      const bar = reporter(ctx.out, 'exporting');
      let summary;
      try {
        summary = await client.archive
          .export(target, {
          includeFiles: flag(args, 'files'),
          resume: !flag(args, 'restart'),
          onProgress: (p) => bar.update(p.fileBytesTotal ? p.fileBytesDone : p.conversationsDone, p.fileBytesTotal || p.conversationsTotal, () => exportLine(p)),
          })
          .catch((error: unknown) => {
            if (error instanceof ArchiveResumeError && error.reason === 'options-changed') {
              throw new UsageError(`the interrupted export of ${printable(path)} was started ${flag(args, 'files') ? 'without' : 'with'} --files: run it again as it was, or add --restart to start over`);
            }
            if (error instanceof ArchiveResumeError) throw new UsageError(`the interrupted export of ${printable(path)} cannot be continued (${error.reason}): add --restart to start over`);
            throw error;
          });
      } finally {
        bar.finish();
        await target.close();
      }
      ctx.out.result({ path, ...summary }, () => {
        ctx.out.line(
          `${ctx.out.paint.green('✔')} exported to ${printable(path)}${summary.resumed ? ' (resumed)' : ''}: ${summary.conversations} conversations, ${summary.messages} messages, ${summary.contacts} contacts, ${summary.files} files (${(summary.fileBytes / MIB).toFixed(1)} MiB)`,
        );
        ctx.out.line(ctx.out.paint.dim('sealed to your own key: it opens with your passphrase alone (peerlock import, or peerlock-minilock decrypt)'));
        for (const id of summary.refusedFiles) ctx.out.line(ctx.out.paint.yellow(`⚠ file ${id}: not in the archive (gone from the server, or what it served did not verify)`));
      });
    },
  },
  {
    name: 'import',
    usage: 'peerlock import <file>',
    summary: 'Restore an archive you exported (from any server) into this account: conversations (read-only, as verified then), files re-uploaded, pins and verifications; again changes nothing',
    async run(ctx, args) {
      const given = args.positionals[0];
      if (!given) throw new MissingArgumentError('file');
      const path = resolve(given);
      if (!existsSync(path)) throw new UsageError(`${printable(path)}: no such file`);
      const total = statSync(path).size;
      const client = await ctx.client();
      const bar = reporter(ctx.out, 'importing');
      let summary;
      try {
        summary = await client.archive.import(createReadStream(path, { highWaterMark: MIB }), { onProgress: (p) => bar.update(p.archiveBytes, total, () => importLine(p)) });
      } finally {
        bar.finish();
      }
      ctx.out.result(summary, () => {
        const { paint } = ctx.out;
        ctx.out.line(`${paint.green('✔')} imported from ${printable(summary.server)} (exported ${formatLocalTime(summary.exportedAt)})`);
        ctx.out.line(
          `  conversations: ${summary.conversationsAdded} added, ${summary.conversationsUpdated} updated, ${summary.conversationsUnchanged} already here; files: ${summary.filesUploaded} uploaded, ${summary.filesSkipped} already here; pins: ${summary.pinsAdded} added, ${summary.pinsMarkedVerified} marked verified`,
        );
        for (const c of summary.pinConflicts) ctx.out.line(paint.yellow(`⚠ ${c.username}: the archive pinned another key (${c.archived}) than this account has (${c.current}); yours is kept — compare safety numbers before trusting either`));
        ctx.out.line(paint.dim('`peerlock imported` lists the imported conversations'));
      });
    },
  },
  {
    name: 'imported',
    usage: 'peerlock imported',
    summary: 'Conversations you imported from an archive (read-only)',
    async run(ctx) {
      const client = await ctx.client();
      const list = await client.archive.importedConversations();
      ctx.out.result(list, () => {
        if (list.length === 0) ctx.out.line(ctx.out.paint.dim('no imported conversations'));
        for (const c of list) {
          ctx.out.line(
            `${c.id.slice(0, SHORT)}  ${ctx.out.paint.bold(c.subject ? printable(c.subject) : '(no subject)')}  ${c.participants.join(', ')}  ${c.messageCount} messages  ${ctx.out.paint.dim(`imported from ${printable(c.server)}`)}`,
          );
        }
      });
    },
  },
  {
    name: 'imported read',
    usage: 'peerlock imported read <id>',
    summary: 'Show an imported conversation: each message as it was verified on the server it came from',
    async run(ctx, args) {
      const id = args.positionals[0];
      if (!id) throw new MissingArgumentError('id');
      const client = await ctx.client();
      const conversation = await client.archive.readImported(id).catch((error: unknown) => {
        if (error instanceof RangeError) throw new UsageError(`${error.message} (\`peerlock imported\` lists them)`);
        throw error;
      });
      ctx.out.result(conversation, () => {
        const { paint } = ctx.out;
        ctx.out.line(`${paint.bold(conversation.subject ? printable(conversation.subject) : '(no subject)')}  ${paint.dim(conversation.participants.join(', '))}`);
        ctx.out.line(paint.dim(`imported from ${printable(conversation.imported.server)}, exported ${formatLocalTime(conversation.imported.exportedAt)}; verified then, read-only here`));
        for (const m of conversation.messages) {
          const when = formatLocalTime(m.sentAt ?? m.serverTime);
          if (m.verification.state === 'refused') {
            ctx.out.line(paint.yellow(`${when}  ${m.sender}: ⚠ not verified then (${m.verification.reason}); no content kept`));
          } else if (m.deleted) {
            ctx.out.line(paint.dim(`${when}  ${m.sender}: (deleted by ${m.deleted.by})`));
          } else if (m.action) {
            ctx.out.line(paint.dim(`${when}  ${m.sender}: ${m.action.kind === 'timer' ? `set the timer to ${m.action.seconds ?? 0} s` : m.action.kind}`));
          } else {
            ctx.out.line(`${paint.dim(when)}  ${paint.bold(m.sender)} ${paint.green('✓')}${m.edited ? paint.dim(' (edited)') : ''}: ${printable(m.body ?? '')}`);
            for (const a of m.attachments ?? []) ctx.out.line(paint.dim(`    📎 ${a.importedFileId ? `file ${a.importedFileId} (re-uploaded here)` : `file ${a.fileId} (not in the archive)`}`));
          }
        }
      });
    },
  },
];
