/** send, reply, inbox, read, watch. */
import { PeerlockApiError, type ConversationSummary, type ConversationView, type PeerlockClient, type ReadMessage, type ReadOptions, type FileReference, type ParticipantsListingMismatch, type TimerSeconds } from '@peerlock/sdk';
import { CliRefusal, keyChangeAdvice, MissingArgumentError, UsageError } from '../cli-error.js';
import { flag, str, strs, type Command } from '../command.js';
import type { Context } from '../context.js';
import { parseTimer, timeLeft, timerChange, timerName, TIMER_SYNTAX } from '../disappearing.js';
import { readSource } from '../file-io.js';
import { formatLocalTime } from '../local-time.js';
import { printable, writeStderr } from '../output.js';
import type { CachedSubject } from '../session-cache.js';

export const SHORT = 10;
/** How much of a message id `read` shows: what `unsend` and `edit` take (any unique prefix does). */
export const MESSAGE_SHORT = 8;
/** The most conversations one request lists (the server's page limit). */
const LISTED = 100;
/** `read` shows this many of the newest messages unless told --last N or --all: a long conversation opens at its end. */
export const NEWEST = 50;

/**
 * Conversation ids are long; people type a unique prefix, as with git
 * commits. Only the most recent LISTED conversations are searched; beyond
 * them, the id is used as typed (a whole id), and a server refusal of it is
 * the same "no conversation matches" (see openConversation).
 */
export async function resolveConversation(client: PeerlockClient, prefix: string): Promise<string> {
  const all = await client.messaging.conversations(LISTED);
  const matches = all.filter((c) => c.id.startsWith(prefix));
  if (matches.length === 1) return matches[0]!.id;
  if (matches.length > 1) throw new UsageError(`${prefix} matches ${matches.length} conversations (${matches.slice(0, 3).map((c) => `${c.id.slice(0, SHORT)}…`).join(', ')}${matches.length > 3 ? ', …' : ''}): type more of the id`);
  if (all.length < LISTED) throw new CliRefusal({ kind: 'no-conversation', prefix });
  return prefix;
}

/**
 * A conversation by id or unique prefix, read and verified. The server
 * answers the same for a conversation that does not exist and one that is
 * not the viewer's (FORBIDDEN), and BAD_INPUT for what cannot be an id: to
 * the user all three are "no conversation matches".
 */
export async function openConversation(client: PeerlockClient, prefix: string, options: ReadOptions = {}): Promise<ConversationView> {
  return withConversation(client, prefix, (id) => client.messaging.read(id, options));
}

export async function withConversation(client: PeerlockClient, prefix: string, read: (id: string) => Promise<ConversationView>): Promise<ConversationView> {
  const id = await resolveConversation(client, prefix);
  try {
    return await read(id);
  } catch (error) {
    if (error instanceof PeerlockApiError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND' || (error.code === 'BAD_INPUT' && error.details.field === 'conversationId'))) {
      throw new CliRefusal({ kind: 'no-conversation', prefix });
    }
    throw error;
  }
}

/**
 * The verified message of a conversation that `wanted` picks (one that
 * carries a file, say): the newest NEWEST messages first, then four times
 * as many each time, until it is found or the whole conversation was read,
 * so a recent attachment costs what lies after it, not the whole history.
 */
export async function findMessage(client: PeerlockClient, prefix: string, wanted: (m: ReadMessage) => boolean): Promise<ReadMessage | undefined> {
  const match = (m: ReadMessage) => m.rejected === null && wanted(m);
  const view = await withConversation(client, prefix, (id) => client.messaging.readBackUntil(id, (v) => v.messages.some(match), NEWEST));
  return view.messages.find(match);
}

/**
 * Uploads and shares each file for one message. Under a disappearing-messages
 * timer (`expiresIn` > 0) the share ends with the message, and the file, made
 * for this message alone, goes too unless someone saves it (docs/files.md).
 */
async function attach(ctx: Context, client: PeerlockClient, paths: readonly string[], participants: readonly string[], expiresIn: TimerSeconds): Promise<FileReference[]> {
  const refs: FileReference[] = [];
  for (const path of paths) {
    const { source, size, name } = readSource(path);
    const bar = ctx.out.progress(`uploading ${name}`);
    const uploaded = await client.files.upload({ source, size, name, onProgress: (p) => bar.update(p.bytesSent, p.ciphertextBytes) });
    bar.finish();
    refs.push(await client.files.share(uploaded.fileId, uploaded.fileInfo, participants, expiresIn > 0 ? { expiresIn, destroyWithShare: true } : {}));
  }
  return refs;
}

/** Why an authentic delete or edit does nothing (ActionRefused), in words. */
const REFUSED_WORDS: Readonly<Record<string, string>> = {
  NotOwnMessage: 'that message is not theirs',
  WrongHash: 'it does not name that message exactly (another sequence or hash)',
  NotEditable: 'that message cannot be changed (a timer change, an unsend or an edit, or already deleted)',
  OutsideWindow: 'too late (a message can be unsent within 3 hours, edited within 24)',
};

const shortId = (id: string) => id.slice(0, MESSAGE_SHORT);

function printMessage(ctx: Context, m: ReadMessage, me: string): void {
  const { paint } = ctx.out;
  const when = formatLocalTime(m.sentAt ?? m.receivedAt);
  if (m.withheld) ctx.out.line(paint.yellow(`⋯ messages ${m.withheld.from}–${m.withheld.to} from ${m.sender} were withheld by the server`));
  if (m.rejected === 'SealedToFormerKey') {
    // Not an attack: it was sealed to the key this account had before its last key change.
    ctx.out.line(paint.dim(`✘ #${m.index} from ${m.sender}: sealed to your former key: readable only with your old passphrase`));
    return;
  }
  if (m.rejected === 'ActionRefused') {
    // Authentic, from its sender: it just does nothing.
    const what = m.action?.kind === 'delete' ? `unsend message ${shortId(m.action.messageId)}` : m.action?.kind === 'edit' ? `edit message ${shortId(m.action.messageId)}` : 'change the timer';
    ctx.out.line(paint.yellow(`⚠ ${m.sender} tried to ${what} (${when}), which does nothing: ${REFUSED_WORDS[m.refused ?? ''] ?? 'refused'}${m.refused ? ` [${m.refused}]` : ''}`));
    return;
  }
  if (m.rejected !== null && m.rejected !== 'SequenceGap') {
    ctx.out.line(paint.red(`✘ #${m.index} from ${m.sender}: REJECTED (${m.rejected}) — not shown`));
    return;
  }
  if (m.action?.kind === 'timer') {
    ctx.out.line(paint.dim(`⏲ ${m.sender} ${timerChange(m.action.seconds)}  ${when}`));
    return;
  }
  const expires = m.expiresAt !== undefined ? paint.dim(` · disappears in ${timeLeft(m.expiresAt - ctx.now())}`) : '';
  ctx.out.line(
    `${paint.bold(m.sender)} ${paint.dim(when)}  ${paint.dim(`id ${shortId(m.messageId)}`)}${expires}${m.late ? paint.yellow(' (late)') : ''}${m.reordered ? paint.yellow(' (the server delivered it before what it answers; shown in order)') : ''}`,
  );
  if (m.deleted) {
    ctx.out.line(paint.dim(`  This message was deleted by ${m.sender} at ${formatLocalTime(m.deleted.at)}`));
  } else {
    // A delete or an edit of a message this read does not load (an older one; see shownMessages): what it is, not the
    // text, which was that message's and may have gone with it.
    const action = m.action;
    if (action) ctx.out.line(paint.dim(`  ${action.kind === 'delete' ? 'unsent' : 'edited'} message ${shortId(action.messageId)}, older than those shown (--all shows it)`));
    if (m.subject) ctx.out.line(`  ${paint.bold(printable(m.subject))}`);
    const lines = action ? [] : (m.body ?? '').split('\n');
    lines.forEach((line, i) => ctx.out.line(`  ${printable(line)}${m.edited && i === lines.length - 1 ? paint.dim(` (edited ${formatLocalTime(m.edited.at)})`) : ''}`));
    for (const f of m.files ?? []) ctx.out.line(`  📎 file ${f.fileId}  (peerlock files download ${f.fileId} --conversation ${m.conversationId.slice(0, SHORT)})`);
  }
  if (m.sender === me && m.receipts.length) ctx.out.line(paint.green(`  ✔✔ read by ${m.receipts.map((r) => r.reader).join(', ')}`));
  if (m.rejectedReceipts.length) ctx.out.line(paint.red(`  forged receipts ignored: ${m.rejectedReceipts.join(', ')}`));
}

/** A watched timer, delete or edit, as one line ("alice deleted a message in 7Kq2mWabcd"); false for anything else. */
function printAction(ctx: Context, m: ReadMessage, time: string, own: boolean, where: string): boolean {
  const action = m.action;
  if (!action || m.rejected !== null) return false;
  const who = own ? 'you' : m.sender;
  const from = own ? ' (from another device)' : '';
  if (action.kind === 'timer') ctx.out.line(`${time} ${who} ${timerChange(action.seconds)}${where}${from}`);
  else if (action.kind === 'delete') ctx.out.line(`${time} ${who} deleted a message${where}${from} (id ${shortId(action.messageId)})`);
  else {
    const [first = '', ...rest] = (m.body ?? '').split('\n');
    ctx.out.line(`${time} ${who} edited a message${where}${from} (id ${shortId(action.messageId)}): ${printable(first)}`);
    for (const line of rest) ctx.out.line(`  ${printable(line)}`);
  }
  return true;
}

function printListingMismatch(ctx: Context, mismatch: ParticipantsListingMismatch, toStderr = false): void {
  const what = [mismatch.added.length ? `added ${mismatch.added.join(', ')}` : '', mismatch.missing.length ? `left out ${mismatch.missing.join(', ')}` : ''].filter(Boolean).join('; ');
  const text = ctx.out.paint.yellow(`⚠ the server's participant list is wrong (${what}) [${mismatch.code}]; using the participants of the verified messages`);
  if (toStderr || ctx.out.json) writeStderr(`${text}\n`);
  else ctx.out.line(text);
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** At most this many conversations are read for their subjects in one `inbox` (the most recent; "…" for the others until a later one). */
const SUBJECT_READS = 10;

/**
 * Each conversation's subject as `read` shows it: the subject the verified
 * opening message carries; no read receipts. Verifying costs a page of
 * messages (a long conversation: its newest message and its opening one)
 * and a directory look-up per sender, each a single-use token (precious
 * with two-factor on, where a new batch needs a code), so: a verified
 * non-empty subject is kept in the sealed session and never read again (it
 * cannot change), and at most SUBJECT_READS conversations are read per
 * inbox. What was not read, or could not be verified, is undefined ("…").
 */
async function verifiedSubjects(ctx: Context, client: PeerlockClient, list: readonly ConversationSummary[]): Promise<(string | undefined)[]> {
  let reads = 0;
  const subjects: (string | undefined)[] = [];
  for (const c of list) {
    const known = ctx.subject(c.id);
    if (known !== undefined || reads >= SUBJECT_READS) {
      subjects.push(known);
      continue;
    }
    reads++;
    try {
      // A long conversation: its newest message and its opening one (two requests), not its whole history.
      const view = await client.messaging.read(c.id, c.messageCount > LISTED ? { last: 1 } : {});
      subjects.push(view.participants.length ? subjectOf(view).subject : undefined);
      rememberSubject(ctx, view);
    } catch (error) {
      // A conversation that cannot be read now still belongs in the list; `read` says why.
      if (error instanceof PeerlockApiError) subjects.push(undefined);
      else throw error;
    }
  }
  // Only the conversations listed now are kept: the cache stays as small as the inbox.
  const listed = new Set(list.map((c) => c.id));
  for (const id of ctx.subjects.keys()) if (!listed.has(id)) ctx.subjects.delete(id);
  return subjects;
}

/**
 * The subject to show, and what the cache may keep of it. The subject is
 * the opening message's, so it goes with that message: when a read of the
 * whole conversation does not show the message that carries it (it
 * disappeared or was deleted), there is no subject any more. The cache
 * keeps a subject only with its opening message's expiry, so only when that
 * message is among those read (a window of a long conversation that does
 * not hold it says the subject, not when it disappears: not kept).
 */
function subjectOf(view: ConversationView): { subject: string; cache: CachedSubject | null } {
  if (!view.participants.length || !view.subject) return { subject: view.subject, cache: null };
  const carriers = view.messages.filter((m) => m.rejected === null && !m.action && !m.deleted && m.subject === view.subject);
  if (carriers.length === 0) return { subject: view.complete ? '' : view.subject, cache: null };
  // The soonest expiry of any message that carries it: never kept longer than the opening message lives.
  const expiries = carriers.map((m) => m.expiresAt).filter((t): t is number => t !== undefined);
  return { subject: view.subject, cache: { subject: view.subject, ...(expiries.length ? { expiresAt: Math.min(...expiries) } : {}), messageId: carriers[0]!.messageId } };
}

/**
 * A non-empty verified subject is final while its opening message lives (an
 * empty one may still be filled by an opening message delivered later): kept
 * with that message's expiry. A verified read that shows the subject gone
 * drops what was kept.
 */
function rememberSubject(ctx: Context, view: ConversationView): void {
  if (!view.participants.length) return;
  const { cache } = subjectOf(view);
  if (cache && (cache.expiresAt === undefined || cache.expiresAt > ctx.now())) ctx.subjects.set(view.id, cache);
  else if (view.complete || !view.subject) ctx.subjects.delete(view.id);
}

/** A message is gone (deleted, expired): the cached subject goes too if that was the opening message. */
function forgetSubjectOf(ctx: Context, conversationId: string | null | undefined, messageId: string | null | undefined): void {
  if (conversationId && messageId && ctx.subjects.get(conversationId)?.messageId === messageId) ctx.subjects.delete(conversationId);
}

/**
 * The messages a read shows: the SDK's, less a delete or an edit of a
 * message that is gone, which the SDK keeps as a row of its own when its
 * target is not shown: a deleted target (a placeholder), or, when the whole
 * conversation was read, one not there any more (expired). An edit's text
 * was that message's, and goes with it.
 */
function shownMessages(view: ConversationView): ReadMessage[] {
  const targets = new Map(view.messages.filter((m) => !m.action).map((m) => [m.messageId, m]));
  return view.messages.filter((m) => {
    if (m.rejected !== null || !m.action || m.action.kind === 'timer') return true;
    const target = targets.get(m.action.messageId);
    return target ? !target.deleted : !view.complete;
  });
}

export const messageJson = (m: ReadMessage) => ({ ...m, receipts: m.receipts.map((r) => ({ reader: r.reader, readAt: new Date(r.readAt).toISOString() })) });

/** Errors a reconnect cannot mend: the session needs a login (or a two-factor code) first. */
function endsWatch(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'TWO_FACTOR_REQUIRED' || code === 'SESSION_ENDED' || code === 'NOT_LOGGED_IN' || code === 'UNAUTHENTICATED';
}

export const messageCommands: Command[] = [
  {
    name: 'send',
    usage: `peerlock send <user...> -s SUBJECT -m BODY [--attach FILE...] [--timer ${TIMER_SYNTAX}]`,
    summary: 'Start a conversation with contacts (refused while a contact key change is not accepted)',
    options: { subject: { type: 'string', short: 's' }, message: { type: 'string', short: 'm' }, attach: { type: 'string', multiple: true }, timer: { type: 'string' } },
    optionHelp: {
      subject: 'the conversation\'s subject (encrypted like the message; default: none)',
      message: 'the message text (required)',
      attach: 'a file to encrypt, upload and attach (repeat for several)',
      timer: `disappearing messages from the start: ${TIMER_SYNTAX} (5 minutes … 4 weeks); this message and every later one disappear that long after sending (default: off)`,
    },
    async run(ctx, args) {
      const client = await ctx.client();
      const to = args.positionals.map((u) => u.toLowerCase());
      if (to.length === 0) throw new MissingArgumentError('recipients');
      const body = str(args, 'message');
      if (body === undefined) throw new MissingArgumentError('-m BODY');
      const typedTimer = str(args, 'timer');
      const timer = typedTimer === undefined ? 0 : parseTimer(typedTimer);
      if (timer === null) throw new UsageError(`--timer ${typedTimer}: expected one of ${TIMER_SYNTAX} (off, 5 minutes, 1 hour, 1 day, 1 week, 4 weeks)`);
      // Check every key before anything is uploaded: a changed key stops the whole send.
      for (const u of to) await client.sendableKey(u);
      const files = await attach(ctx, client, strs(args, 'attach'), to, timer);
      const subject = str(args, 'subject') ?? '';
      const sent = await client.messaging.send(to, { subject, body, files, ...(timer ? { expiresIn: timer } : {}) });
      // We wrote the opening message: its subject is the conversation's, for as long as that message lives.
      if (subject) ctx.subjects.set(sent.conversationId, { subject, ...(sent.expiresAt !== undefined ? { expiresAt: sent.expiresAt } : {}), messageId: sent.messageId });
      ctx.out.result(messageJson(sent), () =>
        ctx.out.line(`${ctx.out.paint.green('✔')} sent; conversation ${sent.conversationId.slice(0, SHORT)}${timer ? `; disappearing messages: ${timerName(timer)}` : ''}`),
      );
    },
  },
  {
    name: 'reply',
    usage: 'peerlock reply <conversation> -m BODY [--attach FILE...]',
    summary: 'Reply to everyone in a conversation',
    options: { message: { type: 'string', short: 'm' }, attach: { type: 'string', multiple: true } },
    optionHelp: {
      message: 'the message text (required)',
      attach: 'a file to encrypt, upload and attach (repeat for several)',
    },
    async run(ctx, args) {
      const client = await ctx.client();
      const prefix = args.positionals[0];
      if (!prefix) throw new MissingArgumentError('conversation');
      const body = str(args, 'message');
      if (body === undefined) throw new MissingArgumentError('-m BODY');
      // The verified participants only: the server's listing is a hint (T11).
      const view = await openConversation(client, prefix, { last: NEWEST });
      const id = view.id;
      if (view.listingMismatch) printListingMismatch(ctx, view.listingMismatch, true);
      for (const u of view.participants) await client.sendableKey(u);
      const files = await attach(ctx, client, strs(args, 'attach'), view.participants, view.timerInEffect);
      const sent = await client.messaging.reply(id, { body, files });
      ctx.out.result(messageJson(sent), () => ctx.out.line(`${ctx.out.paint.green('✔')} replied in ${id.slice(0, SHORT)}`));
    },
  },
  {
    name: 'inbox',
    usage: 'peerlock inbox',
    summary: 'Your conversations, most recent first, with their subjects (verified; … where they could not be)',
    async run(ctx) {
      const client = await ctx.client();
      const list = await client.messaging.conversations();
      const subjects = await verifiedSubjects(ctx, client, list);
      ctx.out.result(
        list.map((c, i) => ({ ...c, subject: subjects[i] ?? null })),
        () => {
          const { paint } = ctx.out;
          if (list.length === 0) ctx.out.line(paint.dim('no conversations'));
          // Columns padded on the plain text, painted after.
          const rows = list.map((c, i) => ({
            id: c.id.slice(0, SHORT),
            subject: subjects[i] === undefined ? { text: '…', paint: paint.dim } : subjects[i] === '' ? { text: '(no subject)', paint: paint.dim } : { text: clip(printable(subjects[i]!), 40), paint: paint.bold },
            others: c.participants.filter((p) => p !== client.username).join(', '),
            count: `${plural(c.messageCount, 'message')}${c.unreadCount ? `, ${c.unreadCount} unread` : ''}`,
            unread: c.unreadCount > 0,
            when: formatLocalTime(c.lastMessageAt),
          }));
          const width = (pick: (r: (typeof rows)[number]) => string) => Math.max(...rows.map((r) => pick(r).length));
          const [subjectWidth, othersWidth, countWidth] = [width((r) => r.subject.text), width((r) => r.others), width((r) => r.count)];
          for (const r of rows) {
            const count = r.count.padEnd(countWidth);
            ctx.out.line(`${r.id}  ${r.subject.paint(r.subject.text.padEnd(subjectWidth))}  ${r.others.padEnd(othersWidth)}  ${r.unread ? paint.bold(count) : count}  ${paint.dim(r.when)}`);
          }
        },
      );
    },
  },
  {
    name: 'read',
    usage: 'peerlock read <conversation> [--last N | --all] [--no-receipts]',
    summary: `Show a conversation's newest ${NEWEST} messages (each with its id, for unsend and edit), or --last N, or --all (every message verified), and send read receipts`,
    options: { 'no-receipts': { type: 'boolean' }, last: { type: 'string' }, all: { type: 'boolean' } },
    optionHelp: {
      'no-receipts': 'do not tell the senders you read their messages',
      last: `show the newest N messages (default ${NEWEST}); a gap among them is reported, what is older is not loaded`,
      all: 'read the whole conversation from its first message: a gap anywhere in it is reported',
    },
    async run(ctx, args) {
      const prefix = args.positionals[0];
      if (!prefix) throw new MissingArgumentError('conversation');
      const last = str(args, 'last');
      if (last !== undefined && !/^[1-9]\d*$/.test(last)) throw new UsageError(`--last ${last}: expected a positive whole number`);
      if (last !== undefined && flag(args, 'all')) throw new UsageError('--last N shows the newest N messages, --all every message: use one of them');
      const client = await ctx.client();
      const view = await openConversation(client, prefix, flag(args, 'all') ? {} : { last: last !== undefined ? Number(last) : NEWEST });
      rememberSubject(ctx, view);
      const { subject } = subjectOf(view);
      const receiptsSent = flag(args, 'no-receipts') ? 0 : await client.messaging.markRead(view);
      const messages = shownMessages(view);
      ctx.out.result({ ...view, subject, messages: messages.map(messageJson), receiptsSent }, () => {
        ctx.out.line(`${ctx.out.paint.bold(subject ? printable(subject) : '(no subject)')}  ${ctx.out.paint.dim(view.participants.join(', '))}`);
        const timer = view.timer;
        if (timer && timer.seconds > 0) ctx.out.line(ctx.out.paint.dim(`Disappearing messages: ${timerName(timer.seconds)}, set by ${timer.setBy} on ${formatLocalTime(timer.at)}`));
        if (view.listingMismatch) printListingMismatch(ctx, view.listingMismatch);
        if (!view.complete) {
          const more = `peerlock read ${view.id.slice(0, SHORT)} --last ${view.messages.length * 2}`;
          ctx.out.line(ctx.out.paint.dim(`⋯ older messages not loaded: \`${more}\` or --all shows them (a gap is reported only among the messages shown)`));
        }
        for (const m of messages) printMessage(ctx, m, client.username);
        // Still missing among what was read, whoever revealed them (T14).
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
    optionHelp: {
      count: 'stop after N notifications',
      after: 'replay from this position (a notification\'s "position" in --json output)',
      missed: 'first replay what arrived since the last watch on this machine ended',
    },
    async run(ctx, args) {
      const count = str(args, 'count');
      if (count !== undefined && !/^[1-9]\d*$/.test(count)) throw new UsageError(`--count ${count}: expected a positive whole number`);
      if (flag(args, 'missed') && str(args, 'after') !== undefined) throw new UsageError('--missed replays from where the last watch ended, --after from a position you give: use one of them');
      const client = await ctx.client();
      const limit = count !== undefined ? Number(count) : Infinity;
      let seen = 0;
      let stream: ReturnType<PeerlockClient['notifications']> | null = null;
      let ended: unknown = null;
      /** What the SDK verified from the notification being handled (the pushed envelope, or what it fetched to catch up). */
      let shown: readonly ReadMessage[] = [];
      await new Promise<void>((resolve) => {
        const stop = () => void (stream ? stream.close().then(resolve, resolve) : resolve());
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        // Nobody reads any more (| head): stop as Ctrl-C would.
        ctx.out.closed.addEventListener('abort', stop, { once: true });
        stream = client.notifications({
          // Live from now unless asked to replay; reconnects within this watch always catch up.
          after: str(args, 'after') ?? (flag(args, 'missed') ? ctx.lastPosition : null),
          onConnected: () => writeStderr(ctx.out.paint.dim('watching… (Ctrl-C to stop)\n')),
          onError: (error, attempt) => {
            // Retrying cannot mend what only a login can (no tokens left, a code needed): stop and say so.
            if (endsWatch(error)) {
              ended = error;
              return false;
            }
            if (!ctx.out.json) writeStderr(ctx.out.paint.dim(`connection lost (${(error as { code?: string })?.code ?? 'network'}); reconnecting (${attempt})\n`));
            return true;
          },
          onMessages: (messages) => void (shown = messages),
          onNotification: async ({ message: _envelope, ...n }) => {
            // Delivered after --count was reached, while the stream closes: not this watch's any more.
            if (seen >= limit) return;
            // Verified by the SDK from the push itself: no fetch (the envelope is not printed, its verified content is).
            const message = n.kind === 'MESSAGE_RECEIVED' ? shown.find((m) => m.messageId === n.messageId) : undefined;
            shown = [];
            // Issue 20's kinds (a string: the SDK's generated list may not name them yet). The server's word that a message's
            // ciphertext is gone; a verified delete says the same. Either way an opening message's cached subject goes with it.
            const kind: string = n.kind;
            const gone = kind === 'MESSAGE_EXPIRED' || kind === 'MESSAGE_DELETED';
            if (gone) forgetSubjectOf(ctx, n.conversationId, n.messageId);
            if (message?.action?.kind === 'delete' && message.rejected === null) forgetSubjectOf(ctx, message.conversationId, message.action.messageId);
            // What to do about a changed key depends on whether the contact was verified.
            const wasVerified = n.kind === 'CONTACT_KEY_CHANGED' ? ((await client.pin(n.from))?.verified ?? false) : false;
            ctx.lastPosition = n.position;
            ctx.out.result({ ...n, ...(message ? { message: messageJson(message) } : {}) }, () => {
              // Our own message, sent from another device (or another command): the server tells every device but the sending one.
              const own = n.kind === 'MESSAGE_RECEIVED' && n.from === client.username;
              const time = ctx.out.paint.dim(formatLocalTime(n.occurredAt));
              const where = n.conversationId ? ` in ${n.conversationId.slice(0, SHORT)}` : '';
              if (kind === 'MESSAGE_EXPIRED') return ctx.out.line(`${time} a message${where} disappeared`);
              if (kind === 'MESSAGE_DELETED') return ctx.out.line(`${time} a message from ${n.from}${where} was deleted`);
              if (message && printAction(ctx, message, time, own, where)) return;
              const label = ctx.out.paint.bold(own ? 'message sent' : n.kind.toLowerCase().replace(/_/g, ' '));
              ctx.out.line(`${time} ${label} ${own ? 'from another device' : `from ${n.from}`}${where}`);
              if (message) printMessage(ctx, message, client.username);
              if (n.kind === 'CONTACT_KEY_CHANGED') writeStderr(ctx.out.paint.red(ctx.out.paint.bold(`!!! ${n.from}'s KEY HAS CHANGED: sending to them is blocked. ${keyChangeAdvice(n.from, wasVerified)}\n`)));
            });
            if (++seen >= limit) stop();
          },
        });
        void stream.done.then(resolve, resolve);
      });
      if (ended !== null) throw ended;
    },
  },
];
