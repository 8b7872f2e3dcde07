/**
 * The subscription fanned out to whichever screen is open. A new message
 * comes verified by the SDK from the push itself (`shown`); for anything
 * else, screens re-fetch and re-verify what a notification points at.
 */
import type { NotificationStream, PeerlockClient, PeerlockNotification, ReadMessage } from '@peerlock/sdk';

/** `shown`: for MESSAGE_RECEIVED, the messages the SDK verified from it (usually one); empty otherwise. */
export type NotificationListener = (n: PeerlockNotification, shown: readonly ReadMessage[]) => void;

export class LiveUpdates {
  private stream: NotificationStream | null = null;
  private readonly listeners = new Set<NotificationListener>();
  private readonly stateListeners = new Set<(connected: boolean) => void>();
  /** Called once when the server ended this device's session (revoked elsewhere, a key change). */
  onSessionEnded: (() => void) | null = null;
  connected = false;

  start(client: PeerlockClient): void {
    this.stop();
    let shown: readonly ReadMessage[] = [];
    this.stream = client.notifications({
      onConnected: () => this.setConnected(true),
      onMessages: (messages) => void (shown = messages),
      onNotification: (n) => {
        const verified = shown;
        shown = [];
        for (const l of [...this.listeners]) l(n, verified);
      },
      onError: (error) => {
        this.setConnected(false);
        if ((error as { code?: unknown } | null)?.code !== 'SESSION_ENDED') return true;
        this.onSessionEnded?.();
        return false;
      },
    });
  }

  stop(): void {
    void this.stream?.close();
    this.stream = null;
    this.setConnected(false);
  }

  /** Returns the unsubscribe function; screens call it when they are left. */
  listen(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (connected: boolean) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private setConnected(connected: boolean): void {
    this.connected = connected;
    for (const l of this.stateListeners) l(connected);
  }
}
