/**
 * Notifications come from the event log after commit, never from resolvers
 * (DESIGN §7): each node follows the shared log with one subscription and
 * fans the derived notifications out to the sockets of their addressees. A
 * message sent through node A is therefore heard on node B as soon as B's
 * subscription reads it (PostgreSQL wakes it with LISTEN/NOTIFY).
 *
 * A client that reconnects with the position of the last notification it
 * saw gets everything after it: first from the log (catch-up, read directly),
 * then live, with live notifications held back until the catch-up is done so
 * the order is the log's and nothing is delivered twice.
 */
import { conversationEvents, type RecordedEvent } from '@peerlock/schema';
import { contactsProjection, conversationMessagesProjection, messageDocumentId, type ContactListEntry, type ConversationMessage, type ReadModelStore } from '@peerlock/projections';
import type { EventStore } from '../eventstore/event-store.js';
import { PeerlockError, refusalOf } from '../errors.js';
import { NotificationChannel } from './notification-channel.js';
import { notificationsOf, NOTIFYING_TYPES, type Addressed, type Notification, type NotifiedMessage } from './notification.js';

const MAX_QUEUED = 10_000;
const CATCH_UP_PAGE = 1000;

type Listener = (notification: Notification) => void;

export class NotificationHub {
  private readonly listeners = new Map<string, Set<Listener>>();
  /**
   * Per user, what lives as one of their device sessions (a notification
   * stream, an authenticated WebSocket connection), with the session and
   * what to do when it ends.
   */
  private readonly sessionBound = new Map<string, Map<() => void, string | null>>();
  /** The last log position this node has dispatched. */
  private position = 0n;
  private follower: { controller: AbortController; done: Promise<void> } | null = null;

  constructor(
    private readonly store: Pick<EventStore, 'readAll' | 'subscribe' | 'headPosition'>,
    private readonly readModels: ReadModelStore,
    /** Resolves once this node's read models include `position`, so a client fetching what it was told about finds it here. */
    private readonly readModelsAt: (position: bigint) => Promise<void> = async () => undefined,
    private readonly onError: (error: unknown) => void = (e) => console.error('notification hub', e),
  ) {}

  async start(): Promise<void> {
    if (this.follower) return;
    this.position = await this.store.headPosition();
    const controller = new AbortController();
    this.follower = { controller, done: this.follow(controller.signal) };
  }

  async stop(): Promise<void> {
    const f = this.follower;
    this.follower = null;
    if (!f) return;
    f.controller.abort();
    await f.done;
  }

  /**
   * What a subscription from `after` costs: nothing to replay, a replay of at
   * most `window` events, or more than that (the client must resync instead:
   * a replay reads every event since `after`, not only the viewer's).
   */
  replayFrom(after: bigint | null, window: number): 'live' | 'replay' | 'too-old' {
    if (after === null || after >= this.position) return 'live';
    return this.position - after > BigInt(window) ? 'too-old' : 'replay';
  }

  /**
   * The viewer's notifications after `after` (null: from now on), in log
   * order, until the stream is closed or its device session (`sessionId`)
   * ends: then it fails with SESSION_ENDED (a key change or the account's
   * deletion ends every stream of the user).
   */
  stream(username: string, after: bigint | null, sessionId: string | null = null, connectionId: string | null = null): AsyncIterableIterator<Notification> {
    let last = after ?? this.position;
    // One event may notify a user several times (an expiry of several messages), all at its position: `seq` orders them.
    let lastSeq = Number.POSITIVE_INFINITY;
    const isNew = (n: Notification) => n.position > last || (n.position === last && n.seq > lastSeq);
    const delivered = (n: Notification) => {
      last = n.position;
      lastSeq = n.seq;
      channel.push(n);
    };
    let live = false;
    const held: Notification[] = [];
    // What this stream's own connection did (a message it sent) it knows already.
    const fromItsConnection = (n: Notification) => connectionId !== null && n.origin === connectionId;
    const listener: Listener = (n) => {
      if (fromItsConnection(n)) return;
      if (!live) held.push(n);
      else if (isNew(n)) delivered(n);
    };
    const channel: NotificationChannel<Notification> = new NotificationChannel<Notification>(MAX_QUEUED, () => {
      this.removeListener(username, listener);
      unbind();
    });
    let set = this.listeners.get(username);
    if (!set) this.listeners.set(username, (set = new Set()));
    set.add(listener);
    const unbind = this.bindToSession(username, sessionId, () => channel.fail(new PeerlockError('SESSION_ENDED')));
    // Everything above `upTo` reaches the listener; everything up to it is read from the log.
    const upTo = this.position;
    void (async () => {
      try {
        let cursor = last;
        while (cursor < upTo && !channel.isClosed) {
          const events = await this.store.readAll({ after: cursor, maxCount: CATCH_UP_PAGE });
          if (events.length === 0) break;
          for (const event of events) {
            if (event.globalPosition > upTo) break;
            cursor = event.globalPosition;
            for (const a of await this.addressed(event)) {
              if (a.to === username && isNew(a.notification) && !fromItsConnection(a.notification)) delivered(a.notification);
            }
          }
          await channel.below(MAX_QUEUED / 2);
        }
        live = true;
        for (const n of held.splice(0)) listener(n);
      } catch (error) {
        // The database went away during the catch-up: the client is told UNAVAILABLE and resubscribes from its position.
        channel.fail(refusalOf(error) ?? error);
      }
    })();
    return channel;
  }

  /**
   * Calls `onEnd` once when `username`'s device session `sessionId` ends
   * (or every session of theirs, on a key change or the account's deletion),
   * on whichever node it was ended. Returns the function that unbinds it.
   */
  bindToSession(username: string, sessionId: string | null, onEnd: () => void): () => void {
    let bound = this.sessionBound.get(username);
    if (!bound) this.sessionBound.set(username, (bound = new Map()));
    bound.set(onEnd, sessionId);
    return () => {
      const mine = this.sessionBound.get(username);
      mine?.delete(onEnd);
      if (mine?.size === 0) this.sessionBound.delete(username);
    };
  }

  private removeListener(username: string, listener: Listener): void {
    const set = this.listeners.get(username);
    set?.delete(listener);
    if (set?.size === 0) this.listeners.delete(username);
  }

  private async follow(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        for await (const batch of this.store.subscribe({ after: this.position, signal })) {
          if (batch.some((e) => NOTIFYING_TYPES.has(e.type))) await this.readModelsAt(batch[batch.length - 1]!.globalPosition);
          for (const event of batch) {
            for (const a of await this.addressed(event)) this.listeners.get(a.to)?.forEach((l) => l(a.notification));
            this.endStreams(event);
            this.position = event.globalPosition;
          }
        }
      } catch (error) {
        if (signal.aborted) return;
        this.onError(error);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** A device session ended (every one of the user's, on a key change or deletion): what is bound to it ends (streams with SESSION_ENDED), on every node. */
  private endStreams(event: RecordedEvent): void {
    if (event.type !== 'SessionEnded' && event.type !== 'KeyRotated' && event.type !== 'AccountDeleted') return;
    const { username, sessionId } = event.data as { username?: unknown; sessionId?: unknown };
    const bound = typeof username === 'string' ? this.sessionBound.get(username) : undefined;
    if (!bound) return;
    for (const [onEnd, session] of [...bound]) {
      if (event.type === 'SessionEnded' && session !== sessionId) continue;
      onEnd();
    }
  }

  private async addressed(event: RecordedEvent): Promise<Addressed[]> {
    if (!NOTIFYING_TYPES.has(event.type)) return [];
    if (event.type === 'KeyRotated') {
      const username = (event.data as { username?: unknown }).username;
      const entry = typeof username === 'string' ? await this.readModels.get<ContactListEntry>(contactsProjection.name, username) : undefined;
      return notificationsOf(event, { contacts: entry?.contacts ?? [] });
    }
    if (event.type === 'MessageDeleted' || event.type === 'MessagesExpired') return notificationsOf(event, { messages: await this.messagesNamed(event) });
    return notificationsOf(event);
  }

  /** The sender and participants of each message an expiry or a deletion names (they never change; a purge deletes them). */
  private async messagesNamed(event: RecordedEvent): Promise<Map<number, NotifiedMessage>> {
    const e = conversationEvents.decode(event);
    if (e.type !== 'MessageDeleted' && e.type !== 'MessagesExpired') return new Map();
    const { conversationId } = e.data;
    const indexes = e.type === 'MessageDeleted' ? [e.data.index] : e.data.messages.map((m) => m.index);
    // Together: on PostgreSQL the lookups of one turn are one query.
    const docs = await Promise.all(indexes.map((index) => this.readModels.get<ConversationMessage>(conversationMessagesProjection.name, messageDocumentId(conversationId, index))));
    const found = new Map<number, NotifiedMessage>();
    indexes.forEach((index, i) => {
      const doc = docs[i];
      if (doc) found.set(index, { sender: doc.sender, participants: doc.participants });
    });
    return found;
  }
}
