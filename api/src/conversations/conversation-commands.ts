/**
 * Messaging use cases (DESIGN §4). The server checks only what it can see:
 * who sends to whom (contacts, participants), sizes, uniqueness of ids. What a
 * message says and whether it is genuine is the recipients' SDK's business
 * (conversation-ledger.ts): the server never holds a key that could tell.
 *
 * sendMessage claims the message id in the ciphertext store first (the
 * primary key makes ids unique across conversations and nodes), then lets the
 * conversation decide; a refusal gives the claim back. A crash in between, or
 * an append whose outcome is unknown (the database went away), leaves the row:
 * unreferenced if the append did not commit, and then no query can reach it.
 *
 * Facts about one message (a retry's earlier post, a receipt's message, an
 * action's target) come from the read models, brought up to the position the
 * conversation's state was folded from, so they are exactly as of that state;
 * a write in between is an optimistic-concurrency conflict, and the command
 * is built again.
 *
 * Expiry and deletion (issue 20): a message with a timer is stored with its
 * expiry, and the node's expiry sweep (message-expiry.ts) records it expired
 * and purges it through `expire`. A delete purges its target's row right
 * after its append; the row is made due shortly before the append, so a
 * crash in between is finished by the sweep.
 */
import { createHash } from 'node:crypto';
import { MAX_CONVERSATION_PARTICIPANTS, MAX_MESSAGE_CIPHERTEXT_BYTES, MAX_RECEIPT_BYTES, conversationEvents, conversationStreamName } from '@peerlock/schema';
import { PeerlockError, badInput } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import type { CiphertextStore } from '../storage/ciphertext-store.js';
import type { ReadYourWrites } from '../storage/read-your-writes.js';
import type { ContactCommands, RequestContext } from '../contacts/contact-commands.js';
import { canonicalUsername } from '../accounts/username.js';
import {
  conversationMessagesProjection,
  messageDocumentId,
  messageIdsProjection,
  postedMessageDocument,
  type ConversationMessage,
  type PostedMessageLocation,
  type ReadModelStore,
} from '@peerlock/projections';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import {
  conversationDecider,
  type ActionTarget,
  type ConversationCommand,
  type ConversationDomainEvent,
  type ConversationState,
  type ExpiringMessage,
  type PostedMessage,
} from './conversation-decider.js';
import { conversationIdArg, messageIdArg, base64Arg, expiresInSecondsArg, messageActionArg } from './conversation-arguments.js';

export interface SendMessageInput {
  readonly conversationId: unknown;
  readonly messageId: unknown;
  readonly participants: unknown;
  readonly ciphertext: unknown;
  /** The sender's timer in seconds (issue 20); absent or null: never. */
  readonly expiresInSeconds?: unknown;
  /** `{ kind, targetMessageId }`: a delete or an edit of an earlier message of the sender's; absent or null: none. */
  readonly action?: unknown;
}

/**
 * A delete makes its target's row due this long after now before it appends:
 * if the node stops between the append and the purge, the expiry sweep
 * settles the row then (purged, the deletion being in the log; or, if the
 * deletion never got there, given back its own expiry). Long enough that the
 * sweep never settles a row whose deletion is still being appended.
 */
const DELETION_SETTLES_AFTER_MS = 60_000;

export class ConversationCommands {
  private readonly conversations: StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>;
  private expiryListener: ((expiresAt: number) => void) | null = null;

  constructor(
    store: EventStore,
    private readonly ciphertexts: CiphertextStore,
    private readonly contacts: ContactCommands,
    private readonly sync: ReadYourWrites,
    private readonly readModels: ReadModelStore,
    snapshots?: SnapshotStore,
    warn: (line: string) => void = console.warn,
  ) {
    this.conversations = new StreamAggregate(store, conversationEvents, conversationDecider, {
      cacheSize: 5000,
      // Its no-ops (posted, receipt stored, removed) stay true: a busy conversation costs no tail read per message.
      decideOnCachedState: true,
      // The state is a few counters (conversation-decider.ts): a snapshot every 1,000 events keeps a cold load under ~2 pages.
      // @3: the state counts the messages gone (issue 20); older snapshots lack it and are not read.
      ...(snapshots ? { snapshots: { store: snapshots, key: 'conversation@3', every: 1000, onError: (error: unknown) => warn(`conversation snapshot not written: ${String(error)}`) } } : {}),
    });
  }

  /** This message id as posted in this conversation, as of `position` (the read models are brought there first). */
  private async postedAt(conversationId: string, messageId: string, position: bigint | null): Promise<PostedMessage | null> {
    if (position === null) return null;
    await this.sync.upTo(position);
    const found = await this.readModels.get<PostedMessageLocation>(messageIdsProjection.name, messageId);
    return found && found.conversationId === conversationId ? { index: found.index, sender: found.sender } : null;
  }

  /** Told of each message stored with an expiry: the node's expiry sweep wakes for it if it would sleep past it. */
  onExpiryScheduled(listener: ((expiresAt: number) => void) | null): void {
    this.expiryListener = listener;
  }

  /** What an action needs to know of its target, as of `position`; null if it was not posted in this conversation. */
  private async targetAt(conversationId: string, messageId: string, position: bigint | null): Promise<ActionTarget | null> {
    const found = await this.postedAt(conversationId, messageId, position);
    if (!found) return null;
    const doc = await this.readModels.get<ConversationMessage>(conversationMessagesProjection.name, messageDocumentId(conversationId, found.index));
    if (!doc) return null;
    return {
      ...found,
      receivedAt: Date.parse(doc.receivedAt),
      isAction: doc.action !== undefined,
      gone: doc.gone !== undefined,
      expiresAt: doc.expiresAt !== undefined ? Date.parse(doc.expiresAt) : null,
    };
  }

  /**
   * `posted` is the stored envelope, exactly as the messages read model
   * records it (what the response shows), when this call appended it; a
   * retry of a message already stored gets it from the read model instead.
   */
  async send(input: SendMessageInput, context: RequestContext): Promise<{ conversationId: string; index: number; posted: ConversationMessage | null }> {
    const conversationId = conversationIdArg(input.conversationId);
    const messageId = messageIdArg(input.messageId);
    const participants = participantsArg(input.participants);
    const ciphertext = base64Arg(input.ciphertext, MAX_MESSAGE_CIPHERTEXT_BYTES, 'ciphertext');
    const expiresInSeconds = expiresInSecondsArg(input.expiresInSeconds);
    const action = messageActionArg(input.action);
    // The decider says so too; here it costs nothing to store and give back.
    if (action?.kind === 'delete' && expiresInSeconds !== 0) throw badInput('expiresInSeconds');
    const sha256 = createHash('sha256').update(ciphertext).digest('base64');
    const { actor, now } = context;
    if (!participants.includes(actor)) throw new PeerlockError('FORBIDDEN');
    const expiresAt = expiresInSeconds > 0 ? now + expiresInSeconds * 1000 : null;

    const claim = await this.ciphertexts.put({ messageId, conversationId, sender: actor, sha256, ciphertext, expiresAt });
    if (claim === 'taken') throw new PeerlockError('CONFLICT');
    let result;
    let earlier: PostedMessage | null = null;
    let target: ActionTarget | null = null;
    // The deletion's target row made due (see DELETION_SETTLES_AFTER_MS), with the expiry to give back on a refusal.
    let marked: { readonly messageId: string; readonly expiresAt: number | null } | null = null;
    try {
      // Looked up once: a retry after another node's append decides again on the new tail, not the whole command.
      const facts = await this.contacts.relationsOf(actor, participants.filter((p) => p !== actor));
      result = await this.conversations.execute(
        conversationStreamName(conversationId),
        async (state, loaded): Promise<ConversationCommand> => {
          // A retry (the same bytes already claimed) finds itself. So may a fresh claim, once rows of this conversation
          // were purged: a message that expired or was deleted gave its id back to the ciphertext store, not to the log.
          const mayBePosted = state.status !== 'absent' && (claim === 'same' || state.goneCount > 0);
          earlier = mayBePosted ? await this.postedAt(conversationId, messageId, loaded.position) : null;
          target = action && !earlier && state.status === 'open' ? await this.targetAt(conversationId, action.targetMessageId, loaded.position) : null;
          if (action?.kind === 'delete' && target && target.sender === actor && !target.gone && marked === null) {
            // Never later than it would have been due anyway.
            const due = now + DELETION_SETTLES_AFTER_MS;
            await this.ciphertexts.expireAt([action.targetMessageId], target.expiresAt === null ? due : Math.min(due, target.expiresAt));
            marked = { messageId: action.targetMessageId, expiresAt: target.expiresAt };
          }
          return {
            type: 'PostMessage',
            actor,
            conversationId,
            messageId,
            participants,
            ciphertextBytes: ciphertext.length,
            ciphertextSha256: sha256,
            facts,
            posted: earlier,
            now,
            expiresInSeconds,
            action: action ? { ...action, target } : null,
          };
        },
        context,
        // An action's target may have been posted through another node: decide on the stream as stored, not on this node's copy.
        { readTail: action !== null },
      );
    } catch (err) {
      // Only a refusal gives the claim back (a retry of a stored message that lost the race gets CONFLICT from the
      // decider: the first attempt stands). Any other failure, such as the database going away mid-append, leaves the
      // outcome unknown: the append may have committed, and its message must keep its ciphertext (and a deletion's
      // target stays due: the sweep settles it).
      if (err instanceof PeerlockError) {
        if (claim === 'stored') await this.ciphertexts.release(messageId, actor);
        const refused = marked as { messageId: string; expiresAt: number | null } | null;
        // Should this fail too, the row is still only due: the sweep gives it its expiry back then.
        if (refused) await this.ciphertexts.expireAt([refused.messageId], refused.expiresAt).catch(() => undefined);
      }
      throw err;
    }
    if (result.position !== null) await this.sync.upTo(result.position);
    const deleted = result.events.find((e) => e.type === 'MessageDeleted');
    // After the read models hold the deletion (this node's readers see it gone before its row goes).
    if (deleted && deleted.type === 'MessageDeleted') await this.ciphertexts.purgeMessages([deleted.data.messageId]);
    const stored = earlier as PostedMessage | null;
    if (stored) await this.settleRetry(conversationId, messageId, stored, claim === 'stored');
    const event = result.events.find((e) => e.type === 'MessagePosted');
    const index = event && event.type === 'MessagePosted' ? event.data.index : (stored?.index ?? 0);
    // MessagePosted is the last event of its append, so the append's position is its own.
    const posted: ConversationMessage | null =
      event && event.type === 'MessagePosted' && result.position !== null ? postedMessageDocument(event.data, new Date(now).toISOString(), result.position) : null;
    if (posted && expiresAt !== null) this.expiryListener?.(expiresAt);
    return { conversationId, index, posted };
  }

  /**
   * A retry of a message posted before. Its fresh claim (`restored`) put back
   * the bytes of a message that expired or was deleted since: they go again.
   * A retry of a delete finishes the purge of its target, in case the first
   * attempt stopped between its append and the purge.
   */
  private async settleRetry(conversationId: string, messageId: string, stored: PostedMessage, restored: boolean): Promise<void> {
    if (restored) await this.ciphertexts.purgeMessages([messageId]);
    const doc = await this.readModels.get<ConversationMessage>(conversationMessagesProjection.name, messageDocumentId(conversationId, stored.index));
    if (doc?.action?.kind === 'delete') await this.ciphertexts.purgeMessages([doc.action.targetMessageId]);
  }

  /** What the expiry sweep needs to know of these messages, as of `position`: those posted in this conversation. */
  private async expiringAt(conversationId: string, messageIds: readonly string[], position: bigint | null): Promise<Map<string, ExpiringMessage>> {
    const found = new Map<string, ExpiringMessage>();
    if (position === null) return found;
    await this.sync.upTo(position);
    // Together: on PostgreSQL the lookups of one turn are one query.
    const locations = await Promise.all(messageIds.map((id) => this.readModels.get<PostedMessageLocation>(messageIdsProjection.name, id)));
    const here = messageIds.flatMap((messageId, i) => {
      const location = locations[i];
      return location && location.conversationId === conversationId ? [{ messageId, index: location.index }] : [];
    });
    const docs = await Promise.all(here.map((m) => this.readModels.get<ConversationMessage>(conversationMessagesProjection.name, messageDocumentId(conversationId, m.index))));
    here.forEach((m, i) => {
      const doc = docs[i];
      if (doc) found.set(m.messageId, { ...m, expiresAt: doc.expiresAt !== undefined ? Date.parse(doc.expiresAt) : null, gone: doc.gone !== undefined });
    });
    return found;
  }

  /**
   * The expiry sweep's step for one conversation (message-expiry.ts):
   * `messageIds` are rows the ciphertext store found due at `now`. Records
   * those whose message expired and is not gone yet (MessagesExpired), then
   * settles every row: purged if its message is gone now or was never posted
   * here (a claim whose append never happened); given back its message's own
   * expiry otherwise (a deletion's target whose deletion was refused or never
   * recorded). Idempotent, also across nodes. Returns the rows purged, and
   * the rows settled (purged or given back; any other stays due).
   */
  async expire(conversationIdInput: string, messageIds: readonly string[], now: number): Promise<{ purged: number; settled: number }> {
    const conversationId = conversationIdArg(conversationIdInput);
    let found = new Map<string, ExpiringMessage>();
    const result = await this.conversations.execute(
      conversationStreamName(conversationId),
      async (state, loaded): Promise<ConversationCommand> => {
        found = state.status === 'open' ? await this.expiringAt(conversationId, messageIds, loaded.position) : new Map();
        return { type: 'ExpireMessages', now, messages: [...found.values()] };
      },
      { actor: null, correlationId: 'message-expiry', now },
      // A no-op on a copy another node has moved past would purge nothing that expired there, or miss a message posted there.
      { readTail: true },
    );
    if (result.position !== null) await this.sync.upTo(result.position);
    const expired = new Set(result.events.flatMap((e) => (e.type === 'MessagesExpired' ? e.data.messages.map((m) => m.messageId) : [])));
    const purge: string[] = [];
    const giveBack = new Map<number | null, string[]>();
    for (const id of messageIds) {
      const m = found.get(id);
      if (!m || m.gone || expired.has(id)) purge.push(id);
      else if (m.expiresAt === null || m.expiresAt > now) giveBack.set(m.expiresAt, [...(giveBack.get(m.expiresAt) ?? []), id]);
      // Anything else (still due, not recorded) stays due: the next sweep tries again.
    }
    for (const [expiresAt, ids] of giveBack) await this.ciphertexts.expireAt(ids, expiresAt);
    const purged = purge.length > 0 ? await this.ciphertexts.purgeMessages(purge) : 0;
    return { purged, settled: purge.length + [...giveBack.values()].reduce((n, ids) => n + ids.length, 0) };
  }

  async postReceipt(input: { conversationId: unknown; messageId: unknown; receipt: unknown }, context: RequestContext): Promise<{ conversationId: string; messageIndex: number | null }> {
    const conversationId = conversationIdArg(input.conversationId);
    const messageId = messageIdArg(input.messageId);
    base64Arg(input.receipt, MAX_RECEIPT_BYTES, 'receipt');
    let message: PostedMessage | null = null;
    const result = await this.conversations.execute(
      conversationStreamName(conversationId),
      async (state, loaded): Promise<ConversationCommand> => {
        message = state.status === 'open' ? await this.postedAt(conversationId, messageId, loaded.position) : null;
        const stored = message ? await this.readModels.get<ConversationMessage>(conversationMessagesProjection.name, messageDocumentId(conversationId, message.index)) : undefined;
        return { type: 'PostReceipt', actor: context.actor, messageId, receipt: input.receipt as string, message, receiptStored: stored?.receipts[context.actor] !== undefined };
      },
      context,
    );
    if (result.position !== null) await this.sync.upTo(result.position);
    return { conversationId, messageIndex: (message as PostedMessage | null)?.index ?? null };
  }

  async remove(conversationIdInput: unknown, context: RequestContext): Promise<{ purged: boolean }> {
    const conversationId = conversationIdArg(conversationIdInput);
    const result = await this.conversations.execute(conversationStreamName(conversationId), () => ({ type: 'RemoveConversation', actor: context.actor }), context);
    const purged = result.after.status === 'purged';
    // Also on a no-op repeat: it finishes a purge an earlier crash interrupted.
    if (purged) await this.ciphertexts.purgeConversation(conversationId);
    if (result.position !== null) await this.sync.upTo(result.position);
    return { purged };
  }
}

function participantsArg(value: unknown): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_CONVERSATION_PARTICIPANTS) throw badInput('participants');
  const list = value.map((v) => canonicalUsername(v, 'participants')).sort();
  if (list.some((u, i) => i > 0 && list[i - 1] === u)) throw badInput('participants');
  return list;
}
