import { MAX_PIN_SET_BYTES, pinSetEvents, pinSetStreamName } from '@peerlock/schema';
import { badInput } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { StreamAggregate } from '../aggregates/stream-aggregate.js';
import { base64Arg } from '../conversations/conversation-arguments.js';
import type { RequestContext } from '../contacts/contact-commands.js';
import { pinSetDecider, type PinSetDomainEvent, type PinSetState, type StorePinSet } from './pin-set-decider.js';

export class PinSets {
  private readonly sets: StreamAggregate<StorePinSet, PinSetDomainEvent, PinSetState>;

  constructor(store: EventStore) {
    this.sets = new StreamAggregate(store, pinSetEvents, pinSetDecider, { cacheSize: 1000 });
  }

  async get(username: string): Promise<PinSetState> {
    return (await this.sets.load(pinSetStreamName(username))).state;
  }

  async store(expectedVersion: unknown, blob: unknown, context: RequestContext): Promise<PinSetState> {
    if (typeof expectedVersion !== 'number' || !Number.isSafeInteger(expectedVersion) || expectedVersion < 0) throw badInput('expectedVersion');
    base64Arg(blob, MAX_PIN_SET_BYTES, 'blob');
    const result = await this.sets.execute(
      pinSetStreamName(context.actor),
      () => ({ type: 'StorePinSet', username: context.actor, expectedVersion, blob: blob as string }),
      context,
    );
    return result.after;
  }
}
