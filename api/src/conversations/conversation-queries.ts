/**
 * Reads of the messaging read models, always for the viewer: a conversation
 * that is not in the viewer's inbox answers FORBIDDEN whether or not it
 * exists (ids are unguessable, but the answer must not confirm one either).
 *
 * Cursors are opaque to clients and stable: conversations are ordered by the
 * global position of their newest message (then id), messages by their index
 * in the conversation, so a page boundary never shifts under concurrent writes
 * except to let newer items appear before the first page.
 */
import {
  conversationInboxProjection,
  conversationMessagesProjection,
  inboxPrefix,
  inboxRowId,
  messageDocumentId,
  type ConversationMessage,
  type InboxConversation,
  type ReadModelStore,
} from '@peerlock/projections';
import { PeerlockError, badInput } from '../errors.js';
import { conversationIdArg } from './conversation-arguments.js';

export const MAX_PAGE = 100;
const INBOX_PAGE = 1000;

export interface Page<T> {
  readonly edges: readonly { readonly cursor: string; readonly node: T }[];
  readonly hasNextPage: boolean;
  readonly hasPreviousPage?: boolean;
}

export function pageSize(first: unknown, field = 'first'): number {
  if (first === null || first === undefined) return 20;
  if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput(field);
  return first;
}

const encodeCursor = (parts: readonly (string | number)[]) => Buffer.from(parts.join('|')).toString('base64url');
function decodeCursor(cursor: unknown, count: number, field = 'after'): string[] | null {
  if (cursor === null || cursor === undefined) return null;
  if (typeof cursor !== 'string' || cursor.length > 200) throw badInput(field);
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (parts.length !== count) throw badInput(field);
  return parts;
}

export class ConversationQueries {
  constructor(private readonly readModels: ReadModelStore) {}

  /** Every conversation the viewer sees (one row each, read in pages). */
  async inbox(viewer: string): Promise<InboxConversation[]> {
    const prefix = inboxPrefix(viewer);
    const all: InboxConversation[] = [];
    for (let after: string | undefined; ; ) {
      const rows = await this.readModels.range<InboxConversation>(conversationInboxProjection.name, { prefix, ...(after ? { after } : {}), limit: INBOX_PAGE });
      for (const row of rows) if (!row.doc.removed) all.push(row.doc);
      if (rows.length < INBOX_PAGE) return all;
      after = rows[rows.length - 1]!.id;
    }
  }

  async conversations(viewer: string, first: unknown, after: unknown): Promise<Page<InboxConversation>> {
    const size = pageSize(first);
    const cursor = decodeCursor(after, 2);
    const position = cursor ? bigintPart(cursor[0]!) : null;
    const sorted = (await this.inbox(viewer)).sort(mostRecentFirst);
    const rest = cursor ? sorted.filter((c) => mostRecentFirst(c, { lastPosition: String(position), conversationId: cursor[1]! }) > 0) : sorted;
    const page = rest.slice(0, size);
    return { edges: page.map((node) => ({ cursor: encodeCursor([node.lastPosition, node.conversationId]), node })), hasNextPage: rest.length > size };
  }

  async conversation(viewer: string, conversationIdInput: unknown): Promise<InboxConversation> {
    const conversationId = conversationIdArg(conversationIdInput);
    const entry = await this.readModels.get<InboxConversation>(conversationInboxProjection.name, inboxRowId(viewer, conversationId));
    if (!entry || entry.removed) throw new PeerlockError('FORBIDDEN');
    return entry;
  }

  /**
   * `conversation` comes from `conversation()`, which already checked the viewer.
   * Forwards (`first`, `after`) or backwards (`last`, `before`): messages are
   * numbered densely from 0, so the page before an index is a range too.
   */
  async messages(conversation: InboxConversation, args: { first?: unknown; after?: unknown; last?: unknown; before?: unknown }): Promise<Page<ConversationMessage>> {
    const backwards = (args.last !== null && args.last !== undefined) || (args.before !== null && args.before !== undefined);
    if (backwards) {
      if ((args.first !== null && args.first !== undefined) || (args.after !== null && args.after !== undefined)) throw badInput('last');
      return this.messagesBefore(conversation, args.last, args.before);
    }
    const size = pageSize(args.first);
    const cursor = decodeCursor(args.after, 1);
    const afterIndex = cursor ? indexPart(cursor[0]!) : -1;
    const from = Math.max(afterIndex, conversation.visibleFrom - 1);
    const rows = await this.readModels.range<ConversationMessage>(conversationMessagesProjection.name, {
      prefix: `${conversation.conversationId}/`,
      ...(from >= 0 ? { after: messageDocumentId(conversation.conversationId, from) } : {}),
      limit: size + 1,
    });
    const page = rows.slice(0, size).map((r) => r.doc);
    return { edges: page.map((node) => ({ cursor: encodeCursor([node.index]), node })), hasNextPage: rows.length > size };
  }

  private async messagesBefore(conversation: InboxConversation, last: unknown, before: unknown): Promise<Page<ConversationMessage>> {
    const size = pageSize(last, 'last');
    const cursor = decodeCursor(before, 1, 'before');
    const end = Math.min(cursor ? indexPart(cursor[0]!, 'before') : conversation.messageCount, conversation.messageCount);
    const from = Math.max(conversation.visibleFrom, end - size);
    if (end <= from) return { edges: [], hasNextPage: cursor !== null, hasPreviousPage: false };
    const rows = await this.readModels.range<ConversationMessage>(conversationMessagesProjection.name, {
      prefix: `${conversation.conversationId}/`,
      ...(from > 0 ? { after: messageDocumentId(conversation.conversationId, from - 1) } : {}),
      limit: end - from,
    });
    return { edges: rows.map((r) => ({ cursor: encodeCursor([r.doc.index]), node: r.doc })), hasNextPage: end < conversation.messageCount, hasPreviousPage: from > conversation.visibleFrom };
  }

  async message(viewer: string, conversationId: unknown, index: number): Promise<ConversationMessage> {
    const entry = await this.conversation(viewer, conversationId);
    if (index < entry.visibleFrom) throw new PeerlockError('FORBIDDEN');
    const doc = await this.readModels.get<ConversationMessage>(conversationMessagesProjection.name, messageDocumentId(entry.conversationId, index));
    if (!doc) throw new PeerlockError('NOT_FOUND');
    return doc;
  }
}

function mostRecentFirst(a: Pick<InboxConversation, 'lastPosition' | 'conversationId'>, b: Pick<InboxConversation, 'lastPosition' | 'conversationId'>): number {
  const pa = BigInt(a.lastPosition);
  const pb = BigInt(b.lastPosition);
  if (pa !== pb) return pa > pb ? -1 : 1;
  return a.conversationId < b.conversationId ? -1 : a.conversationId > b.conversationId ? 1 : 0;
}

function bigintPart(s: string): bigint {
  if (!/^\d{1,40}$/.test(s)) throw badInput('after');
  return BigInt(s);
}

function indexPart(s: string, field = 'after'): number {
  if (!/^\d{1,10}$/.test(s)) throw badInput(field);
  return Number(s);
}
