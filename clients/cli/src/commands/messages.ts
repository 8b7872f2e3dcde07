/** send, reply, inbox, read, watch. */
import type { PeerlockClient, ReadMessage, FileReference, ParticipantsListingMismatch } from '@peerlock/sdk';
import { UsageError } from '../cli-error.js';
import { flag, str, strs, type Command } from '../command.js';
import type { Context } from '../context.js';
import { readSource } from '../file-io.js';

const SHORT = 10;

/** Conversation ids are long; people type a unique prefix, as with git commits. */
export async function resolveConversation(client: PeerlockClient, id: string): Promise<string> {
  const all = await client.messaging.conversations(100);
  const matches = all.filter((c) => c.id.startsWith(id));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length === 0) return id;
  throw new UsageError(`ambiguous conversation id ${id}`);
}

async function attach(ctx: Context, client: PeerlockClient, paths: readonly string[], participants: readonly string[]): Promise<FileReference[]> {
  const refs: FileReference[] = [];
  for (const path of paths) {
    const { source, size, name } = readSource(path);
    const bar = ctx.out.progress(`uploading ${name}`);
    const uploaded = await client.files.upload({ source, size, name, onProgress: (p) => bar.update(p.bytesSent, p.ciphertextBytes) });
    bar.finish();
    refs.push(await client.files.share(uploaded.fileId, uploaded.fileInfo, participants));
  }
  return refs;
}

function printMessage(ctx: Context, m: ReadMessage, me: string): void {
  const { paint } = ctx.out;
  const when = new Date(m.sentAt ?? m.receivedAt).toISOString().replace('T', ' ').slice(0, 19);
  if (m.withheld) ctx.out.line(paint.yellow(`⋯ messages ${m.withheld.from}–${m.withheld.to} from ${m.sender} were withheld by the server`));
  if (m.rejected === 'SealedToFormerKey') {
    // Not an attack: it was sealed to the key this account had before its last key change.
    ctx.out.line(paint.dim(`✘ #${m.index} from ${m.sender}: sealed to your former key: readable only with your old passphrase`));
    return;
  }
  if (m.rejected !== null && m.rejected !== 'SequenceGap') {
    ctx.out.line(paint.red(`✘ #${m.index} from ${m.sender}: REJECTED (${m.rejected}) — not shown`));
    return;
  }
  ctx.out.line(`${paint.bold(m.sender)} ${paint.dim(when)}${m.late ? paint.yellow(' (late)') : ''}${m.reordered ? paint.yellow(' (the server delivered it before what it answers; shown in order)') : ''}`);
  if (m.subject) ctx.out.line(`  ${paint.bold(m.subject)}`);
  for (const line of (m.body ?? '').split('\n')) ctx.out.line(`  ${line}`);
  for (const f of m.files ?? []) ctx.out.line(`  📎 file ${f.fileId}  (peerlock files download ${f.fileId} --conversation ${m.conversationId.slice(0, SHORT)})`);
  if (m.sender === me && m.receipts.length) ctx.out.line(paint.green(`  ✔✔ read by ${m.receipts.map((r) => r.reader).join(', ')}`));
  if (m.rejectedReceipts.length) ctx.out.line(paint.red(`  forged receipts ignored: ${m.rejectedReceipts.join(', ')}`));
}

function printListingMismatch(ctx: Context, mismatch: ParticipantsListingMismatch, toStderr = false): void {
  const what = [mismatch.added.length ? `added ${mismatch.added.join(', ')}` : '', mismatch.missing.length ? `left out ${mismatch.missing.join(', ')}` : ''].filter(Boolean).join('; ');
  const text = ctx.out.paint.yellow(`⚠ the server's participant list is wrong (${what}) [${mismatch.code}]; using the participants of the verified messages`);
  if (toStderr || ctx.out.json) process.stderr.write(`${text}\n`);
  else ctx.out.line(text);
}

const messageJson = (m: ReadMessage) => ({ ...m, receipts: m.receipts.map((r) => ({ reader: r.reader, readAt: new Date(r.readAt).toISOString() })) });

export const messageCommands: Command[] = [
  {
    name: 'send',
    usage: 'peerlock send <user...> -s SUBJECT -m BODY [--attach FILE...]',
    summary: 'Start a conversation with contacts (refused while a contact key change is not accepted)',
    options: { subject: { type: 'string', short: 's' }, message: { type: 'string', short: 'm' }, attach: { type: 'string', multiple: true } },
    async run(ctx, args) {
      const client = await ctx.client();
      const to = args.positionals.map((u) => u.toLowerCase());
      if (to.length === 0) throw new UsageError('missing recipients');
      const body = str(args, 'message');
      if (body === undefined) throw new UsageError('missing -m BODY');
      // Check every key before anything is uploaded: a changed key stops the whole send.
      for (const u of to) await client.sendableKey(u);
      const files = await attach(ctx, client, strs(args, 'attach'), to);
      const sent = await client.messaging.send(to, { subject: str(args, 'subject') ?? '', body, files });
      ctx.out.result(messageJson(sent), () => ctx.out.line(`${ctx.out.paint.green('✔')} sent; conversation ${sent.conversationId.slice(0, SHORT)}`));
    },
  },
  {
    name: 'reply',
    usage: 'peerlock reply <conversation> -m BODY [--attach FILE...]',
    summary: 'Reply to everyone in a conversation',
    options: { message: { type: 'string', short: 'm' }, attach: { type: 'string', multiple: true } },
    async run(ctx, args) {
      const client = await ctx.client();
      const prefix = args.positionals[0];
      if (!prefix) throw new UsageError('missing conversation');
      const body = str(args, 'message');
      if (body === undefined) throw new UsageError('missing -m BODY');
      const id = await resolveConversation(client, prefix);
      // The verified participants only: the server's listing is a hint (T11).
      const view = await client.messaging.read(id);
      if (view.listingMismatch) printListingMismatch(ctx, view.listingMismatch, true);
      for (const u of view.participants) await client.sendableKey(u);
      const files = await attach(ctx, client, strs(args, 'attach'), view.participants);
      const sent = await client.messaging.reply(id, { body, files });
      ctx.out.result(messageJson(sent), () => ctx.out.line(`${ctx.out.paint.green('✔')} replied in ${id.slice(0, SHORT)}`));
    },
  },
  {
    name: 'inbox',
    usage: 'peerlock inbox',
    summary: 'Your conversations, most recent first',
    async run(ctx) {
      const client = await ctx.client();
      const list = await client.messaging.conversations();
      ctx.out.result(list, () => {
        if (list.length === 0) ctx.out.line(ctx.out.paint.dim('no conversations'));
        for (const c of list) {
          const unread = c.unreadCount ? ctx.out.paint.bold(` ${c.unreadCount} unread`) : '';
          ctx.out.line(`${c.id.slice(0, SHORT)}  ${c.participants.filter((p) => p !== client.username).join(', ')}  ${c.messageCount} messages${unread}  ${ctx.out.paint.dim(c.lastMessageAt)}`);
        }
      });
    },
  },
  {
    name: 'read',
    usage: 'peerlock read <conversation> [--no-receipts]',
    summary: 'Show a conversation (every message verified) and send read receipts',
    options: { 'no-receipts': { type: 'boolean' } },
    async run(ctx, args) {
      const client = await ctx.client();
      const prefix = args.positionals[0];
      if (!prefix) throw new UsageError('missing conversation');
      const view = await client.messaging.read(await resolveConversation(client, prefix));
      const receiptsSent = flag(args, 'no-receipts') ? 0 : await client.messaging.markRead(view);
      ctx.out.result({ ...view, messages: view.messages.map(messageJson), receiptsSent }, () => {
        ctx.out.line(`${ctx.out.paint.bold(view.subject || '(no subject)')}  ${ctx.out.paint.dim(view.participants.join(', '))}`);
        if (view.listingMismatch) printListingMismatch(ctx, view.listingMismatch);
        for (const m of view.messages) printMessage(ctx, m, client.username);
        // Still missing after the whole conversation was read, whoever revealed them (T14).
        for (const w of view.withheld) ctx.out.line(ctx.out.paint.yellow(`⋯ ${w.count} message(s) from ${w.sender} were withheld by the server (#${w.sequences.join(', #')}${w.count > w.sequences.length ? ', …' : ''})`));
        for (const a of view.anomalies) ctx.out.line(ctx.out.paint.red(`⚠ ${a.sender} showed different people different versions of their message #${a.sequence} (${a.kind})`));
      });
    },
  },
  {
    name: 'watch',
    usage: 'peerlock watch [--missed | --after POSITION] [--count N]',
    summary: 'Print notifications live (reconnects and catches up); --missed first shows what came since the last watch, --count stops after N',
    options: { count: { type: 'string' }, after: { type: 'string' }, missed: { type: 'boolean' } },
    async run(ctx, args) {
      const client = await ctx.client();
      const limit = str(args, 'count') ? Number(str(args, 'count')) : Infinity;
      let seen = 0;
      let stream: ReturnType<PeerlockClient['notifications']> | null = null;
      await new Promise<void>((resolve) => {
        const stop = () => void stream?.close().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        stream = client.notifications({
          // Live from now unless asked to replay; reconnects within this watch always catch up.
          after: str(args, 'after') ?? (flag(args, 'missed') ? ctx.lastPosition : null),
          onConnected: () => process.stderr.write(ctx.out.paint.dim('watching… (Ctrl-C to stop)\n')),
          onError: (error, attempt) => {
            if (!ctx.out.json) process.stderr.write(ctx.out.paint.dim(`connection lost (${(error as { code?: string })?.code ?? 'network'}); reconnecting (${attempt})\n`));
          },
          onNotification: async (n) => {
            let message: ReadMessage | undefined;
            if (n.kind === 'MESSAGE_RECEIVED' && n.conversationId) {
              const view = await client.messaging.read(n.conversationId);
              message = view.messages.find((m) => m.messageId === n.messageId);
            }
            ctx.lastPosition = n.position;
            ctx.out.result({ ...n, ...(message ? { message: messageJson(message) } : {}) }, () => {
              const label = ctx.out.paint.bold(n.kind.toLowerCase().replace(/_/g, ' '));
              ctx.out.line(`${ctx.out.paint.dim(n.occurredAt)} ${label} from ${n.from}${n.conversationId ? ` in ${n.conversationId.slice(0, SHORT)}` : ''}`);
              if (message) printMessage(ctx, message, client.username);
              if (n.kind === 'CONTACT_KEY_CHANGED') process.stderr.write(ctx.out.paint.red(ctx.out.paint.bold(`!!! ${n.from}'s KEY HAS CHANGED: sending to them is blocked until you accept it\n`)));
            });
            if (++seen >= limit) stop();
          },
        });
      });
    },
  },
];
