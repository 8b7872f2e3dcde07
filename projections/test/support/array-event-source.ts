import { EventEmitter, on } from 'node:events';
import type { EventMetadata, RecordedEvent } from '@peerlock/schema';
import type { EventSource } from '../../src/index.js';

/**
 * A log in an array, for exercising the runner against real read-model
 * databases without an event store (which lives in the api package, downstream).
 * The real stores run the same runner in api/test.
 */
export class ArrayEventSource implements EventSource {
  readonly events: RecordedEvent[] = [];
  private readonly appended = new EventEmitter();
  private readonly revisions = new Map<string, bigint>();

  append(streamName: string, type: string, data: unknown, metadata: Partial<EventMetadata> = {}): RecordedEvent {
    const streamRevision = this.revisions.get(streamName) ?? 0n;
    this.revisions.set(streamName, streamRevision + 1n);
    const position = this.events.length + 1;
    const event: RecordedEvent = {
      id: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
      type,
      schemaVersion: 1,
      data,
      metadata: { actor: null, correlationId: 'test', causationId: null, occurredAt: new Date(Date.UTC(2026, 0, 1) + position).toISOString(), ...metadata },
      streamName,
      streamRevision,
      globalPosition: BigInt(position),
    };
    this.events.push(event);
    this.appended.emit('append');
    return event;
  }

  async readAll({ after, maxCount }: { after: bigint; maxCount: number }): Promise<readonly RecordedEvent[]> {
    return this.events.slice(Number(after), Number(after) + maxCount);
  }

  async headPosition(): Promise<bigint> {
    return BigInt(this.events.length);
  }

  async *subscribe({ after, signal }: { after: bigint; signal?: AbortSignal }): AsyncIterable<readonly RecordedEvent[]> {
    let cursor = after;
    const wakeups = on(this.appended, 'append', signal ? { signal } : {});
    try {
      while (!signal?.aborted) {
        const batch = await this.readAll({ after: cursor, maxCount: 100 });
        if (batch.length > 0) {
          cursor = batch[batch.length - 1]!.globalPosition;
          yield batch;
          continue;
        }
        await wakeups.next();
      }
    } catch (error) {
      if (!signal?.aborted) throw error;
    } finally {
      await wakeups.return?.();
    }
  }
}
