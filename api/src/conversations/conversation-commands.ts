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
 * Facts about one message (a retry's earlier post, a receipt's message) come
 * from the read models, brought up to the position the conversation's state
 * was folded from, so they are exactly as of that state; a write in between
 * is an optimistic-concurrency conflict, and the command is built again.
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
import { conversationMessagesProjection, messageDocumentId, messageIdsProjection, type ConversationMessage, type PostedMessageLocation, type ReadModelStore } from '@peerlock/projections';
import type { SnapshotStore } from '../storage/snapshot-store.js';
import { conversationDecider, type ConversationCommand, type ConversationDomainEvent, type ConversationState, type PostedMessage } from './conversation-decider.js';
import { conversationIdArg, messageIdArg, base64Arg } from './conversation-arguments.js';

export interface SendMessageInput {
  readonly conversationId: unknown;
  readonly messageId: unknown;
  readonly participants: unknown;
  readonly ciphertext: unknown;
}

export class ConversationCommands {
  private readonly conversations: StreamAggregate<ConversationCommand, ConversationDomainEvent, ConversationState>;

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
      ...(snapshots ? { snapshots: { store: snapshots, key: 'conversation@2', every: 1000, onError: (error: unknown) => warn(`conversation snapshot not written: ${String(error)}`) } } : {}),
    });
  }

  /** This message id as posted in this conversation, as of `position` (the read models are brought there first). */
  private async postedAt(conversationId: string, messageId: string, position: bigint | null): Promise<PostedMessage | null> {
    if (position === null) return null;
    await this.sync.upTo(position);
    const found = await this.readModels.get<PostedMessageLocation>(messageIdsProjection.name, messageId);
    return found && found.conversationId === conversationId ? { index: found.index, sender: found.sender } : null;
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
    const sha256 = createHash('sha256').update(ciphertext).digest('base64');
    const actor = context.actor;
    if (!participants.includes(actor)) throw new PeerlockError('FORBIDDEN');

    const claim = await this.ciphertexts.put({ messageId, conversationId, sender: actor, sha256, ciphertext, expiresAt: null });
    if (claim === 'taken') throw new PeerlockError('CONFLICT');
    let result;
    let earlier: PostedMessage | null = null;
    try {
      // Looked up once: a retry after another node's append decides again on the new tail, not the whole command.
      const facts = await this.contacts.relationsOf(actor, participants.filter((p) => p !== actor));
      result = await this.conversations.execute(
        conversationStreamName(conversationId),
        async (state, loaded): Promise<ConversationCommand> => {
          // Only a retry (the same bytes already claimed) may have been posted before; a fresh claim cannot have been.
          earlier = claim === 'same' && state.status !== 'absent' ? await this.postedAt(conversationId, messageId, loaded.position) : null;
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
          };
        },
        context,
      );
    } catch (err) {
      // Only a refusal gives the claim back (a retry of a stored message that lost the race gets CONFLICT from the
      // decider: the first attempt stands). Any other failure, such as the database going away mid-append, leaves the
      // outcome unknown: the append may have committed, and its message must keep its ciphertext.
      if (claim === 'stored' && err instanceof PeerlockError) await this.ciphertexts.release(messageId, actor);
      throw err;
    }
    if (result.position !== null) await this.sync.upTo(result.position);
    const event = result.events.find((e) => e.type === 'MessagePosted');
    const index = event && event.type === 'MessagePosted' ? event.data.index : ((earlier as PostedMessage | null)?.index ?? 0);
    // MessagePosted is the last event of its append, so the append's position is its own.
    const posted: ConversationMessage | null =
      event && event.type === 'MessagePosted' && result.position !== null
        ? {
            conversationId,
            messageId,
            index: event.data.index,
            sender: event.data.sender,
            participants: event.data.participants,
            receivedAt: new Date(context.now).toISOString(),
            position: result.position.toString(),
            ciphertextBytes: event.data.ciphertextBytes,
            receipts: {},
          }
        : null;
    return { conversationId, index, posted };
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
