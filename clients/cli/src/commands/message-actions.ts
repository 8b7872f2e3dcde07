/**
 * conversation timer, unsend, edit (issue 20): disappearing messages, and
 * taking back or correcting one's own message, each a signed message of its
 * sender's chain that every participant's client verifies (the SDK's
 * Messaging.setTimer, unsend, edit). What the SDK or the server refuses is
 * said as a sentence with the rule (3 hours to unsend, 24 to edit) and a
 * typed reason (cli-error.ts, `message-action`).
 */
import { MessageActionError, PeerlockApiError, type PeerlockClient, type ReadMessage } from '@peerlock/sdk';
import { CliRefusal, MissingArgumentError, UsageError, type MessageActionReason, type MessageVerb } from '../cli-error.js';
import { str, type Command } from '../command.js';
import { parseTimer, timerName, TIMER_SYNTAX } from '../disappearing.js';
import { MESSAGE_SHORT, messageJson, NEWEST, openConversation, SHORT, withConversation } from './messages.js';

/** A message id as `read` shows it, or a prefix of one: standard base64. */
const MESSAGE_ID_PREFIX = /^[A-Za-z0-9+/]+={0,2}$/;

interface Target {
  readonly conversationId: string;
  readonly messageId: string;
}

/**
 * Our own message whose id starts with `typed`, among the conversation's
 * newest messages (read back, NEWEST first, then four times as many each
 * time, until one matches or the whole conversation was read, as
 * findMessage does). Someone else's message is refused here (`not-yours`),
 * as is one already deleted; the rest (the windows, what the ledger holds)
 * the SDK checks.
 */
async function ownMessage(client: PeerlockClient, conversationPrefix: string, typed: string, action: MessageVerb): Promise<Target> {
  if (!MESSAGE_ID_PREFIX.test(typed)) throw new UsageError(`${typed}: expected a message id, or the start of one, as \`peerlock read\` shows it ("id …")`);
  const matches = (m: ReadMessage) => m.messageId.startsWith(typed);
  const view = await withConversation(client, conversationPrefix, (id) => client.messaging.readBackUntil(id, (v) => v.messages.some(matches), NEWEST));
  const found = view.messages.filter(matches);
  const own = found.filter((m) => m.sender === client.username);
  const refuse = (reason: MessageActionReason) => new CliRefusal({ kind: 'message-action', action, reason, conversation: view.id.slice(0, SHORT), message: typed });
  if (own.length > 1) throw new UsageError(`${typed} matches ${own.length} of your messages (${own.slice(0, 3).map((m) => `${m.messageId.slice(0, MESSAGE_SHORT + 2)}…`).join(', ')}): type more of the id`);
  const mine = own[0];
  if (!mine) throw refuse(found.length ? 'not-yours' : 'not-found');
  if (mine.deleted) throw refuse('deleted');
  if (mine.action) throw refuse('not-editable');
  return { conversationId: view.id, messageId: mine.messageId };
}

/** Runs the SDK's unsend or edit, its refusals (and the server's, should it disagree) as the CLI's. */
async function acting(work: () => Promise<ReadMessage>, refuse: (reason: MessageActionReason) => CliRefusal): Promise<ReadMessage> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof MessageActionError) throw refuse(error.reason);
    if (error instanceof PeerlockApiError) {
      // The server's clock or records disagree with what this client verified: its word decides what it stores.
      if (error.code === 'WINDOW_CLOSED') throw refuse('window-closed');
      if (error.code === 'NOT_FOUND') throw refuse('not-found');
      if (error.code === 'BAD_INPUT' && error.details.field === 'action') throw refuse('not-editable');
    }
    throw error;
  }
}

function positionals(args: { positionals: readonly string[] }, names: readonly string[], usage: string): string[] {
  const given = args.positionals;
  for (let i = 0; i < names.length; i++) if (given[i] === undefined) throw new MissingArgumentError(names[i]!);
  if (given.length > names.length) throw new UsageError(`too many arguments: ${given.slice(names.length).join(' ')} (usage: ${usage})`);
  return [...given];
}

const TIMER_USAGE = `peerlock conversation timer <conversation> <${TIMER_SYNTAX}>`;
const UNSEND_USAGE = 'peerlock unsend <conversation> <message>';
const EDIT_USAGE = 'peerlock edit <conversation> <message> -m TEXT';

export const messageActionCommands: Command[] = [
  {
    name: 'conversation timer',
    usage: TIMER_USAGE,
    summary: 'Disappearing messages: every message sent after this disappears that long after it was sent (5 minutes … 4 weeks; off turns it off), signed: everyone sees who set it',
    async run(ctx, args) {
      const [prefix, value] = positionals(args, ['conversation', `timer (${TIMER_SYNTAX})`], TIMER_USAGE) as [string, string];
      const seconds = parseTimer(value);
      if (seconds === null) throw new UsageError(`${value} is not a timer: use off, 5m, 1h, 1d, 1w or 4w (off, 5 minutes, 1 hour, 1 day, 1 week, 4 weeks)`);
      const client = await ctx.client();
      // The conversation as verified first (its participants, not the server's listing, receive the timer).
      const view = await openConversation(client, prefix, { last: 1 });
      for (const u of view.participants) await client.sendableKey(u);
      const sent = await client.messaging.setTimer(view.id, seconds);
      const timer = { seconds, setBy: client.username, at: sent.receivedAt, messageId: sent.messageId };
      ctx.out.result({ conversationId: view.id, timer }, () =>
        ctx.out.line(seconds === 0 ? 'Disappearing messages: off (turned off by you)' : `Disappearing messages: ${timerName(seconds)} (set by you)`),
      );
    },
  },
  {
    name: 'unsend',
    usage: UNSEND_USAGE,
    summary: 'Delete one of your messages for everyone, within 3 hours of sending it (<message>: its id as `read` shows it, or a unique prefix); the others see that you deleted it',
    async run(ctx, args) {
      const [prefix, typed] = positionals(args, ['conversation', 'message'], UNSEND_USAGE) as [string, string];
      const client = await ctx.client();
      const target = await ownMessage(client, prefix, typed, 'unsend');
      const conversation = target.conversationId.slice(0, SHORT);
      const done = await acting(
        () => client.messaging.unsend(target.conversationId, target.messageId),
        (reason) => new CliRefusal({ kind: 'message-action', action: 'unsend', reason, conversation, message: typed }),
      );
      // Our opening message taken back: its subject is gone too.
      if (ctx.subjects.get(target.conversationId)?.messageId === target.messageId) ctx.subjects.delete(target.conversationId);
      ctx.out.result(messageJson(done), () => ctx.out.line(`${ctx.out.paint.green('✔')} unsent: message ${target.messageId.slice(0, MESSAGE_SHORT)} is deleted for everyone in ${conversation}`));
    },
  },
  {
    name: 'edit',
    usage: EDIT_USAGE,
    summary: 'Replace the text of one of your messages for everyone, within 24 hours of sending it (<message>: its id as `read` shows it, or a unique prefix); shown as edited',
    options: { message: { type: 'string', short: 'm' } },
    optionHelp: { message: 'the new text (required; everyone sees it, marked edited, and no longer the old one)' },
    async run(ctx, args) {
      const [prefix, typed] = positionals(args, ['conversation', 'message'], EDIT_USAGE) as [string, string];
      const body = str(args, 'message');
      if (body === undefined) throw new MissingArgumentError('-m TEXT');
      if (body.trim() === '') throw new UsageError('the new text is empty: to take a message back, use `peerlock unsend`');
      const client = await ctx.client();
      const target = await ownMessage(client, prefix, typed, 'edit');
      const conversation = target.conversationId.slice(0, SHORT);
      const done = await acting(
        () => client.messaging.edit(target.conversationId, target.messageId, body),
        (reason) => new CliRefusal({ kind: 'message-action', action: 'edit', reason, conversation, message: typed }),
      );
      ctx.out.result(messageJson(done), () => ctx.out.line(`${ctx.out.paint.green('✔')} edited: message ${target.messageId.slice(0, MESSAGE_SHORT)} in ${conversation}`));
    },
  },
];
