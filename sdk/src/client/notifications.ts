/**
 * Live notifications with automatic reconnect and catch-up, on a connection
 * that also carries the client's own operations while it is up (DESIGN §4:
 * a message is one frame in, one push out; `onConnection`). graphql-ws
 * would resubscribe with the original variables after a reconnect, which
 * replays from the first position again; instead every attempt subscribes
 * with `after` = the last position delivered, so nothing is missed and
 * nothing is delivered twice. Each connection spends one fresh token in
 * connection_init.
 */
// graphql-ws's client entry: its index also loads its server, and with it all of graphql.
import { createClient, type Client } from 'graphql-ws/client';
import { print } from 'graphql/language/printer.js';
import { NotificationsDocument, type NotificationsSubscription } from './generated/graphql.js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { apiErrorOf, operationText } from './graphql-transport.js';
import { PeerlockApiError, PeerlockNetworkError } from './errors.js';

/** Runs one query or mutation over the stream's authenticated connection, as its user, with no token. */
export type ConnectionExecute = <R, V>(document: TypedDocumentNode<R, V>, variables: V) => Promise<R>;

export type PeerlockNotification = NotificationsSubscription['notifications'];

export interface NotificationStreamOptions {
  readonly url: string;
  readonly authorization: () => Promise<string>;
  /** A WebSocket constructor: the global one in browsers, `ws` in Node 20. */
  readonly webSocketImpl?: unknown;
  /** Start after this position (what the caller saw last); default: live only. */
  readonly after?: string | null;
  readonly onNotification: (notification: PeerlockNotification) => void | Promise<void>;
  /** @internal Whether the client holds a newer device session than the one the last connection was opened with. */
  readonly renewedSession?: () => boolean;
  /** Called for every failed attempt; the stream keeps retrying unless it returns false. */
  readonly onError?: (error: unknown, attempt: number) => boolean | void;
  readonly onConnected?: () => void;
  /** @internal The connection's operation runner once it is up, null when it went down (PeerlockClient routes its calls through it). */
  readonly onConnection?: (execute: ConnectionExecute | null) => void;
  /**
   * The server no longer replays from the last position (it was too far
   * behind the log): the stream goes on live, and what happened meanwhile
   * must be refetched (conversations, contacts, files).
   */
  readonly onResync?: () => void | Promise<void>;
}

export interface NotificationStream {
  /** The last position delivered, to resume from in a later session. */
  readonly lastPosition: () => string | null;
  readonly close: () => Promise<void>;
  /** Settles when the stream stops (closed, or onError returned false). */
  readonly done: Promise<void>;
}

const QUERY = print(NotificationsDocument);

export function openNotificationStream(options: NotificationStreamOptions): NotificationStream {
  let last = options.after ?? null;
  let closed = false;
  let client: Client | null = null;
  let wake: (() => void) | null = null;
  let stop: (() => void) | null = null;

  /**
   * The last connection's deliveries, settled. A handler may take a while (a
   * message that needs a fetch to catch up): the next connection subscribes
   * only once the previous one's deliveries are done, from the position they
   * reached, and a failed connection delivers nothing more, so a slow handler
   * during a reconnect neither repeats nor skips a notification.
   */
  let delivered: Promise<void> = Promise.resolve();

  const once = (): Promise<void> =>
    new Promise<void>((resolveOnce, rejectOnce) => {
      let ended = false;
      const resolve = () => {
        ended = true;
        resolveOnce();
      };
      const reject = (error: unknown) => {
        ended = true;
        rejectOnce(error);
      };
      stop = resolve;
      client = createClient({
        url: options.url.replace(/^http/, 'ws'),
        ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
        connectionParams: async () => ({ authorization: await options.authorization() }),
        lazy: true,
        retryAttempts: 0,
        on: {
          connected: () => {
            const c = client!;
            if (!closed) options.onConnection?.((document, variables) => executeOver(c, document, variables));
            options.onConnected?.();
          },
          closed: () => options.onConnection?.(null),
        },
      });
      let chain = Promise.resolve();
      client.subscribe<NotificationsSubscription>(
        { query: QUERY, variables: { after: last } },
        {
          next: (result) => {
            if (result.errors?.length) return reject(apiErrorOf(result.errors[0] as never, 200));
            const n = result.data?.notifications;
            if (!n) return;
            // Deliver in order, one at a time, and advance only once the handler is done with it.
            chain = chain.then(async () => {
              if (ended) return;
              await options.onNotification(n);
              last = n.position;
            });
            chain.catch(reject);
            delivered = chain.catch(() => undefined);
          },
          // The server ending the subscription (SESSION_ENDED, UNAVAILABLE…) sends GraphQL errors: one typed error, as for next().
          error: (error: unknown) => reject(Array.isArray(error) ? apiErrorOf(error[0] as never, 200) : error),
          complete: () => void chain.then(() => resolve(), reject),
        },
      );
    });

  let retryAfterMs = 0;
  const done = (async () => {
    for (let attempt = 1; !closed; attempt++) {
      try {
        await once();
        attempt = 0;
      } catch (error) {
        if (closed) break;
        if (error instanceof PeerlockApiError && error.code === 'BAD_INPUT' && error.details.field === 'after' && last !== null) {
          // Out of the replay window: continue live at once, and say so, rather than retry what cannot succeed.
          last = null;
          await options.onResync?.();
          attempt = 0;
          continue;
        }
        // Refused for now (too many replays, the server's database restarting): not before the server says.
        if (error instanceof PeerlockApiError && (error.code === 'RATE_LIMITED' || error.code === 'UNAVAILABLE')) retryAfterMs = (error.details.retryAfterSeconds ?? 1) * 1000;
        // The session this connection was opened with ended, but the client has logged in again since (its own key change): go on with the new one.
        if (error instanceof PeerlockApiError && error.code === 'SESSION_ENDED' && options.renewedSession?.() === true) {
          attempt = 0;
          continue;
        }
        if (options.onError?.(error, attempt) === false) break;
        // This device's session ended (logged out, revoked, a key change): no retry can mend that.
        if (error instanceof PeerlockApiError && error.code === 'SESSION_ENDED') break;
      } finally {
        const c: Client | null = client;
        client = null;
        await (c as Client | null)?.dispose();
        await delivered;
      }
      if (closed) break;
      const backoff = Math.max(retryAfterMs, Math.min(10_000, 250 * 2 ** Math.min(attempt, 6)));
      retryAfterMs = 0;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, backoff);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  })();

  return {
    lastPosition: () => last,
    done,
    close: async () => {
      closed = true;
      // From now on nothing new goes over this connection (calls made after close() go over HTTP).
      options.onConnection?.(null);
      wake?.();
      stop?.();
      await (client as Client | null)?.dispose();
      await done;
    },
  };
}

/**
 * One operation over an open graphql-ws connection: its single result, or the
 * typed error its GraphQL errors carry; the connection going down before the
 * answer is a network error (the caller may not know whether it ran, as over
 * HTTP).
 */
function executeOver<R, V>(client: Client, document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    let result: { data?: unknown; errors?: readonly unknown[] } | undefined;
    client.subscribe(
      { query: operationText(document), variables: variables as Record<string, unknown> },
      {
        next: (value) => void (result = value as typeof result),
        error: (error: unknown) =>
          reject(Array.isArray(error) ? apiErrorOf(error[0] as never, 200) : new PeerlockNetworkError('the connection closed before the answer', { cause: error })),
        complete: () => {
          if (!result) return reject(new PeerlockNetworkError('the connection gave no answer'));
          if (result.errors?.length || result.data == null) return reject(apiErrorOf(result.errors?.[0] as never, 200));
          resolve(result.data as R);
        },
      },
    );
  });
}
