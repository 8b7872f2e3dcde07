/**
 * link file | message | open | revoke, and `links`: sharing with people who
 * have no account (issue 21; docs/links.md). The URL printed holds the
 * link's key after '#'; the server never sees that part.
 */
import { dirname, join, resolve } from 'node:path';
import { linkStatus, openLink, openLinkToSink, parseLinkUrl, type LinkRecord } from '@peerlock/sdk';
import { MissingArgumentError, UsageError } from '../cli-error.js';
import { flag, str, type Command } from '../command.js';
import { downloadTarget, statOrNull } from '../file-io.js';
import { safeName } from './files.js';
import { printable } from '../output.js';
import { readPassphrase, hiddenPrompt } from '../secret-input.js';
import { serverUrl } from '../context.js';
import { formatLocalTime } from '../local-time.js';

const DURATIONS: Readonly<Record<string, number>> = { m: 60, h: 3600, d: 86_400, w: 7 * 86_400 };

/** "90m", "12h", "7d", "2w" → seconds. */
export function parseDuration(text: string): number {
  const match = /^([1-9][0-9]{0,4})([mhdw])$/.exec(text.trim());
  if (!match) throw new UsageError(`--expires ${JSON.stringify(text)}: expected a number and m, h, d or w (e.g. 7d)`);
  return Number(match[1]) * DURATIONS[match[2]!]!;
}

function parseOpens(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (!/^[1-9][0-9]{0,5}$/.test(text)) throw new UsageError(`--max-opens ${JSON.stringify(text)}: expected a whole number from 1`);
  return Number(text);
}

const CREATE_OPTIONS = {
  expires: { type: 'string' },
  'max-opens': { type: 'string' },
  passphrase: { type: 'boolean' },
  'link-passphrase-file': { type: 'string' },
  web: { type: 'string' },
} as const;

const CREATE_HELP = {
  expires: 'how long it opens: 5m to 30d (m, h, d, w); default 7d',
  'max-opens': 'how many times it may be opened; default: no limit',
  passphrase: 'ask whoever opens it for a passphrase too (you are asked for it, twice; send it through another channel)',
  'link-passphrase-file': 'read that passphrase from a file instead of asking (implies --passphrase)',
  web: 'where the web client is served, for the URL (default: the server\'s address)',
};

async function linkPassphrase(args: Parameters<Command['run']>[1]): Promise<string | undefined> {
  const file = str(args, 'link-passphrase-file');
  if (file !== undefined) {
    const passphrase = await readPassphrase({ file, prompt: '' });
    if (!passphrase) throw new UsageError('--link-passphrase-file: the file is empty');
    return passphrase;
  }
  if (!flag(args, 'passphrase')) return undefined;
  const first = await hiddenPrompt('Passphrase for the link: ');
  if (!first) throw new UsageError('the link passphrase must not be empty');
  if ((await hiddenPrompt('Again: ')) !== first) throw new UsageError('the two passphrases differ; nothing was created');
  return first;
}

async function createOptions(args: Parameters<Command['run']>[1]) {
  const expires = str(args, 'expires');
  const passphrase = await linkPassphrase(args);
  const web = str(args, 'web');
  return {
    ...(expires !== undefined ? { expiresInSeconds: parseDuration(expires) } : {}),
    maxOpens: parseOpens(str(args, 'max-opens')),
    ...(passphrase !== undefined ? { passphrase } : {}),
    ...(web !== undefined ? { webBase: web } : {}),
  };
}

function opensText(link: Pick<LinkRecord, 'openCount' | 'maxOpens'>): string {
  return link.maxOpens === null ? `opened ${link.openCount}×` : `opened ${link.openCount} of ${link.maxOpens}`;
}

function printCreated(ctx: Parameters<Command['run']>[0], url: string, link: LinkRecord): void {
  ctx.out.result({ url, link }, () => {
    ctx.out.line(`${ctx.out.paint.green('✔')} ${link.kind} link ${link.id}, until ${formatLocalTime(link.expiresAt.getTime())}${link.maxOpens !== null ? `, ${link.maxOpens} open${link.maxOpens === 1 ? '' : 's'}` : ''}${link.passphrase ? ', with a passphrase' : ''}`);
    ctx.out.line(url);
    ctx.out.line(ctx.out.paint.dim('Whoever has this whole URL can open it (the key is after #; the server never sees it).' + (link.passphrase ? ' Send the passphrase another way.' : '')));
  });
}

export const linkCommands: Command[] = [
  {
    name: 'link file',
    usage: 'peerlock link file <fileId> [--expires 7d] [--max-opens N] [--passphrase]',
    summary: 'A link to one of your files for someone without an account',
    options: CREATE_OPTIONS,
    optionHelp: CREATE_HELP,
    async run(ctx, args) {
      const client = await ctx.client();
      const fileId = args.positionals[0];
      if (!fileId) throw new MissingArgumentError('fileId');
      const { url, link } = await client.links.shareFile(fileId, await createOptions(args));
      printCreated(ctx, url, link);
    },
  },
  {
    name: 'link message',
    usage: 'peerlock link message -m TEXT [--subject S] [--expires 7d] [--max-opens N] [--passphrase]',
    summary: 'A link to a message for someone without an account (its text is destroyed when the link ends)',
    options: { message: { type: 'string', short: 'm' }, subject: { type: 'string' }, ...CREATE_OPTIONS },
    optionHelp: { message: 'the message text (at most 64 KiB)', subject: 'a subject line shown above the text', ...CREATE_HELP },
    async run(ctx, args) {
      const client = await ctx.client();
      const text = str(args, 'message');
      if (!text) throw new MissingArgumentError('-m TEXT');
      const subject = str(args, 'subject');
      const { url, link } = await client.links.shareMessage({ text, ...(subject !== undefined ? { subject } : {}) }, await createOptions(args));
      printCreated(ctx, url, link);
    },
  },
  {
    name: 'links',
    usage: 'peerlock links',
    summary: 'Your links: how often each was opened, until when, whether it still opens',
    async run(ctx) {
      const client = await ctx.client();
      const links = await client.links.list();
      ctx.out.result(links, () => {
        if (links.length === 0) ctx.out.line(ctx.out.paint.dim('no links'));
        for (const l of links) {
          const status = l.status === 'active' ? ctx.out.paint.green('active') : ctx.out.paint.yellow(l.status);
          ctx.out.line(`${l.id}  ${l.kind.padEnd(7)}  ${status}  ${opensText(l)}  until ${formatLocalTime(l.expiresAt.getTime())}${l.passphrase ? '  passphrase' : ''}  file ${l.fileId}`);
        }
      });
    },
  },
  {
    name: 'link revoke',
    usage: 'peerlock link revoke <linkId>',
    summary: 'End a link at once (the next open, and any download under way, is refused)',
    async run(ctx, args) {
      const client = await ctx.client();
      const linkId = args.positionals[0];
      if (!linkId) throw new MissingArgumentError('linkId');
      const link = await client.links.revoke(linkId);
      ctx.out.result(link, () => ctx.out.line(`${ctx.out.paint.green('✔')} revoked ${link.id} (${opensText(link)})`));
    },
  },
  {
    name: 'link open',
    usage: 'peerlock link open <url> [-o PATH] [--link-passphrase-file F] [--force]',
    summary: 'Open a link (no account needed): show its message, or save its file once verified',
    options: { output: { type: 'string', short: 'o' }, 'link-passphrase-file': { type: 'string' }, force: { type: 'boolean' } },
    optionHelp: {
      output: 'where to save a file (a directory: under its own name); default: its own name, here',
      'link-passphrase-file': 'the link\'s passphrase from a file, instead of asking',
      force: 'replace an existing file of that name',
    },
    async run(ctx, args) {
      const url = args.positionals[0];
      if (!url) throw new MissingArgumentError('url');
      const parsed = parseLinkUrl(url);
      let passphrase: string | undefined;
      if (parsed.needsPassphrase) {
        const file = str(args, 'link-passphrase-file');
        passphrase = file !== undefined ? await readPassphrase({ file, prompt: '' }) : await hiddenPrompt('This link needs a passphrase: ');
      }
      // The link names its server; --server / PEERLOCK_SERVER override it (e.g. behind another address).
      const server = ctx.flags.server !== undefined || process.env.PEERLOCK_SERVER ? serverUrl(ctx.flags) : `${parsed.origin}/graphql`;
      const options = { serverUrl: server, ...(passphrase !== undefined ? { passphrase } : {}) };
      const chosen = str(args, 'output') === undefined ? undefined : resolve(str(args, 'output')!);
      const intoDirectory = chosen !== undefined && statOrNull(chosen)?.isDirectory() === true;
      const directory = chosen === undefined ? resolve('.') : intoDirectory ? chosen : dirname(chosen);
      const linkState = await linkStatus(url, { serverUrl: server });
      if (linkState.kind === 'message' && chosen === undefined) {
        // A message is read whole and shown (a hint from the server; the content decides below).
        const opened = await openLink(url, options);
        if (opened.kind === 'message') {
          ctx.out.result(opened, () => {
            ctx.out.line(`From ${printable(opened.from.username)} ${opened.from.keyChecked ? ctx.out.paint.green('(key checked in the server\'s key log)') : ctx.out.paint.yellow('(key NOT checked: the name is only the sender\'s word)')}, ${formatLocalTime(opened.sentAt.getTime())}`);
            ctx.out.line(ctx.out.paint.dim(`key ${opened.from.miniLockId}; ${opensText(opened.link)}`));
            if (opened.subject) ctx.out.line(`Subject: ${printable(opened.subject)}`);
            ctx.out.line('');
            ctx.out.line(printable(opened.text));
          });
          return;
        }
        throw new UsageError('the link holds a file, not a message: run again with -o PATH to save it');
      }
      const bar = ctx.out.progress('downloading');
      const target = downloadTarget(directory);
      try {
        const result = await openLinkToSink(url, target, { ...options, onProgress: (done, total) => bar.update(done, total) });
        bar.finish();
        const wanted = chosen !== undefined && !intoDirectory ? chosen : join(directory, safeName(result.name, parsed.linkId));
        const path = target.place(wanted, { force: flag(args, 'force') });
        ctx.out.result({ path, name: result.name, size: result.size, from: result.from, link: result.link }, () => {
          ctx.out.line(`${ctx.out.paint.green('✔')} saved ${printable(path)} (${result.size} bytes, verified)`);
          ctx.out.line(`From ${printable(result.from.username)} ${result.from.keyChecked ? ctx.out.paint.green('(key checked in the server\'s key log)') : ctx.out.paint.yellow('(key NOT checked: the name is only the server\'s word)')}; key ${result.from.miniLockId}`);
        });
      } finally {
        target.discard();
      }
    },
  },
];
