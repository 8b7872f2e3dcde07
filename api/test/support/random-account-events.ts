import { accountStreamName, type EventMetadata } from '@peerlock/schema';
import type { EventStore, NewEvent } from '../../src/eventstore/index.js';

/** xorshift128+: a seeded generator, so a failing run can be replayed exactly. */
export function seededRandom(seed: number): { int(below: number): number; bytes(length: number): Uint8Array } {
  let s0 = BigInt(seed) | 1n;
  let s1 = BigInt(seed * 7919 + 17);
  const mask = (1n << 64n) - 1n;
  const next = (): bigint => {
    let x = s0;
    const y = s1;
    s0 = y;
    x = (x ^ (x << 23n)) & mask;
    s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return (s1 + y) & mask;
  };
  return {
    int: (below) => Number(next() % BigInt(below)),
    bytes: (length) => Uint8Array.from({ length }, () => Number(next() & 0xffn)),
  };
}

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

interface Account {
  miniLockId: string;
  revision: bigint;
  deleted: boolean;
  twoFactor: boolean;
}

export interface GeneratedAppend {
  readonly streamName: string;
  readonly expectedRevision: bigint | 'noStream';
  readonly events: NewEvent[];
}

/**
 * Plausible account histories: signups, key rotations, 2FA on and off, deletions,
 * and a share of requests a decider would refuse but a fold must shrug off
 * (rotation from a stale key, 2FA after deletion, a second signup of a retired name).
 * Payloads pass the schema validators; miniLock IDs are well-formed, not real keys.
 */
export function accountEventGenerator(seed: number, { usernames = 200, prefix = 'user' }: { usernames?: number; prefix?: string } = {}) {
  const random = seededRandom(seed);
  const accounts = new Map<string, Account>();
  let clock = Date.parse('2026-02-01T00:00:00.000Z');
  let sequence = 0;

  const uuid = (): string => {
    const b = random.bytes(16);
    b[6] = (b[6]! & 0x0f) | 0x40;
    b[8] = (b[8]! & 0x3f) | 0x80;
    const hex = Buffer.from(b).toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
  const miniLockId = (): string => Array.from({ length: 45 }, () => BASE58[random.int(58)]).join('');
  const key = (): string => Buffer.from(random.bytes(32)).toString('base64');
  const sealed = () => ({
    alg: 'xsalsa20poly1305' as const,
    keyId: uuid(),
    nonce: Buffer.from(random.bytes(24)).toString('base64'),
    ciphertext: Buffer.from(random.bytes(48)).toString('base64'),
  });
  const metadata = (actor: string | null): EventMetadata => {
    clock += 1 + random.int(5000);
    return { actor, correlationId: `req-${(sequence += 1)}`, causationId: null, occurredAt: new Date(clock).toISOString() };
  };
  const event = (type: string, data: Record<string, unknown>, actor: string | null): NewEvent => ({ id: uuid(), type, schemaVersion: 1, data, metadata: metadata(actor) });

  function nextEvent(username: string, account: Account | undefined): NewEvent {
    if (!account || (account.deleted && random.int(10) === 0)) {
      return event('AccountRegistered', { username, miniLockId: miniLockId(), authPublicKey: key(), encryptedProfile: sealed() }, null);
    }
    const roll = random.int(100);
    if (roll < 35) {
      const previous = random.int(8) === 0 ? miniLockId() : account.miniLockId;
      return event('KeyRotated', { username, previousMiniLockId: previous, miniLockId: miniLockId(), authPublicKey: key(), authorizedBy: random.int(2) ? 'token' : 'recoveryCode' }, username);
    }
    if (roll < 55) return event('TwoFactorEnabled', { username, encryptedSecret: sealed(), backupCodeHashes: [`scrypt$${Buffer.from(random.bytes(16)).toString('hex')}`] }, username);
    if (roll < 75) return event('TwoFactorDisabled', { username, authorizedBy: random.int(2) ? 'totp' : 'backupCode' }, username);
    if (roll < 80) return event('AccountDeleted', { username }, username);
    // Events of other modules interleave with account events in the global log.
    return event('ContactRequested', { from: username, to: `${prefix}${random.int(usernames)}` }, username);
  }

  function track(username: string, newEvent: NewEvent): void {
    const account = accounts.get(username);
    const data = newEvent.data as { miniLockId?: string; previousMiniLockId?: string };
    if (newEvent.type === 'AccountRegistered' && !account) accounts.set(username, { miniLockId: data.miniLockId!, revision: -1n, deleted: false, twoFactor: false });
    const current = accounts.get(username)!;
    current.revision += 1n;
    if (current.deleted) return;
    if (newEvent.type === 'KeyRotated' && data.previousMiniLockId === current.miniLockId) current.miniLockId = data.miniLockId!;
    if (newEvent.type === 'AccountDeleted') current.deleted = true;
  }

  return {
    /** The next append: one to three events for one account, with the expected revision a decider would use. */
    next(): GeneratedAppend {
      const username = `${prefix}${random.int(usernames)}`;
      const account = accounts.get(username);
      const expectedRevision = account ? account.revision : 'noStream';
      const events: NewEvent[] = [];
      const count = 1 + random.int(3);
      for (let i = 0; i < count; i++) {
        const newEvent = nextEvent(username, accounts.get(username));
        events.push(newEvent);
        track(username, newEvent);
      }
      return { streamName: accountStreamName(username), expectedRevision, events };
    },
  };
}

/** Appends `count` generated appends one after another; returns how many events that was. */
export async function appendGenerated(store: EventStore, generator: ReturnType<typeof accountEventGenerator>, count: number): Promise<number> {
  let events = 0;
  for (let i = 0; i < count; i++) {
    const append = generator.next();
    await store.append(append.streamName, append.events, { expectedRevision: append.expectedRevision });
    events += append.events.length;
  }
  return events;
}
