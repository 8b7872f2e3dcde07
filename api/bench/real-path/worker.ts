/**
 * One client process of the real-path bench (real-path-bench.ts forks
 * several, so the clients' CPU stays off the server's figures). It holds a
 * share of the sender→receiver pairs, for Peerlock or for Prosody, and runs
 * the phases it is told to over IPC:
 *
 *   closed  every pair sends its next 1 KiB message once the partner has the
 *           previous one (for Peerlock: PeerlockClient `messaging.reply`, the
 *           receiver's notification stream verifying the pushed envelope,
 *           i.e. encrypt, send, receive, verify);
 *   open    every pair sends at a fixed rate whatever happens (its sends
 *           queue in the SDK, one at a time per conversation), latency from
 *           the scheduled time.
 *
 * A message counts as delivered when the receiver has its content (and, for
 * Peerlock, it verified). After an open phase the worker waits for what was
 * acknowledged and reports what never arrived (lost).
 */
import WebSocket from 'ws';
import { PeerlockApiError, PeerlockClient, PeerlockNetworkError, base64ToBytes, keyPairFromSecretKey, type NotificationStream } from '@peerlock/sdk';
import { PROSODY_DOMAIN } from './prosody.js';
import { XmppClient } from './xmpp-client.js';

export interface Account {
  readonly username: string;
  /** Peerlock: the identity secret key, base64. Prosody: unused (password = username). */
  readonly secretKey: string;
}

export type Command =
  | { readonly type: 'init'; readonly target: 'peerlock'; readonly url: string; readonly pairs: readonly { sender: Account; receiver: Account }[] }
  | { readonly type: 'init'; readonly target: 'prosody'; readonly port: number; readonly pairs: readonly { sender: Account; receiver: Account }[] }
  | { readonly type: 'run'; readonly mode: 'closed'; readonly seconds: number }
  | { readonly type: 'run'; readonly mode: 'open'; readonly ratePerPair: number; readonly seconds: number }
  | { readonly type: 'stop' };

export interface PhaseResult {
  readonly sent: number;
  readonly acknowledged: number;
  /** Delivered (content at the receiver, verified) within the phase. */
  readonly delivered: number;
  readonly latenciesMs: number[];
  /** Refused or failed sends, by typed code. */
  readonly errors: Record<string, number>;
  /** Acknowledged, and still not at the receiver after the drain. */
  readonly lost: number;
  /** Delivered messages whose verification failed (Peerlock: anything but null). */
  readonly rejected: number;
}

/** The same bytes on both sides: a sequence tag, padded to 1 KiB. */
const bodyOf = (seq: number) => `${seq}:`.padEnd(1024, 'x');
const seqOf = (body: string) => Number(body.slice(0, body.indexOf(':')));

interface Pair {
  /** Sends message `seq`; resolves once the server (Peerlock) or the socket (XMPP, no acknowledgement) took it. */
  send(seq: number): Promise<void>;
  /** Called with a delivered message's sequence and whether it verified. */
  onDelivered: (seq: number, verified: boolean) => void;
  close(): Promise<void>;
}

async function peerlockPair(url: string, sender: Account, receiver: Account): Promise<Pair> {
  const client = () => new PeerlockClient({ url, webSocketImpl: WebSocket });
  const [s, r] = [client(), client()];
  await s.login({ username: sender.username, identity: keyPairFromSecretKey(base64ToBytes(sender.secretKey)) });
  await r.login({ username: receiver.username, identity: keyPairFromSecretKey(base64ToBytes(receiver.secretKey)) });
  const pair: Pair = { send: async () => undefined, onDelivered: () => undefined, close: async () => undefined };
  const connected = (c: PeerlockClient, onMessages?: Parameters<PeerlockClient['notifications']>[0]['onMessages']) =>
    new Promise<NotificationStream>((resolve) => {
      const stream: NotificationStream = c.notifications({ onNotification: () => undefined, ...(onMessages ? { onMessages } : {}), onConnected: () => resolve(stream), onError: () => true });
    });
  const receiving = await connected(r, (messages) => {
    for (const m of messages) if (m.body !== undefined) pair.onDelivered(seqOf(m.body), m.rejected === null);
  });
  // The sender listens too: its stream's connection carries its sends (one frame in, no token).
  const sending = await connected(s);
  const opened = new Promise<void>((resolve) => (pair.onDelivered = () => resolve()));
  const first = await s.messaging.send([receiver.username], { subject: 'bench', body: bodyOf(-1) });
  await opened;
  pair.send = async (seq) => void (await s.messaging.reply(first.conversationId, { body: bodyOf(seq) }));
  pair.close = async () => {
    await sending.close();
    await receiving.close();
  };
  return pair;
}

async function xmppPair(port: number, sender: Account, receiver: Account): Promise<Pair> {
  const s = new XmppClient(port, PROSODY_DOMAIN, sender.username, sender.username);
  const r = new XmppClient(port, PROSODY_DOMAIN, receiver.username, receiver.username);
  await s.connect();
  await r.connect();
  const pair: Pair = {
    send: async (seq) => s.send(r.jid, `m${seq}`, bodyOf(seq)),
    onDelivered: () => undefined,
    close: async () => {
      await s.close();
      await r.close();
    },
  };
  r.onMessage = (_id, body) => pair.onDelivered(seqOf(body), true);
  return pair;
}

const codeOf = (error: unknown): string =>
  error instanceof PeerlockApiError ? error.code : error instanceof PeerlockNetworkError ? 'NETWORK' : error instanceof Error ? `untyped: ${error.message.slice(0, 80)}` : 'untyped';

let pairs: Pair[] = [];
/** Per pair, the next sequence to send (never reused across phases). */
let nextSeq: number[] = [];

async function run(command: Extract<Command, { type: 'run' }>): Promise<PhaseResult> {
  const result = { sent: 0, acknowledged: 0, delivered: 0, latenciesMs: [] as number[], errors: {} as Record<string, number>, lost: 0, rejected: 0 };
  const error = (e: unknown) => void (result.errors[codeOf(e)] = (result.errors[codeOf(e)] ?? 0) + 1);
  const ends = performance.now() + command.seconds * 1000;
  let open = true;
  // Per pair: when each sequence was due (open) or sent (closed), and who waits for it.
  const started = pairs.map(() => new Map<number, number>());
  const waiting = pairs.map(() => new Map<number, () => void>());
  const acknowledged = pairs.map(() => new Set<number>());
  pairs.forEach((pair, p) => {
    pair.onDelivered = (seq, verified) => {
      const at = started[p]!.get(seq);
      if (at === undefined) return;
      started[p]!.delete(seq);
      acknowledged[p]!.delete(seq);
      if (!verified) result.rejected++;
      if (open) {
        result.delivered++;
        result.latenciesMs.push(performance.now() - at);
      }
      waiting[p]!.get(seq)?.();
      waiting[p]!.delete(seq);
    };
  });
  const sendOne = async (p: number, seq: number, at: number): Promise<boolean> => {
    started[p]!.set(seq, at);
    result.sent++;
    try {
      await pairs[p]!.send(seq);
      result.acknowledged++;
      if (started[p]!.has(seq)) acknowledged[p]!.add(seq);
      return true;
    } catch (e) {
      started[p]!.delete(seq);
      error(e);
      return false;
    }
  };
  if (command.mode === 'closed') {
    await Promise.all(
      pairs.map(async (_, p) => {
        while (performance.now() < ends) {
          const seq = nextSeq[p]!++;
          const arrived = new Promise<void>((resolve) => waiting[p]!.set(seq, resolve));
          if (!(await sendOne(p, seq, performance.now()))) continue;
          await Promise.race([arrived, new Promise((resolve) => setTimeout(resolve, 30_000))]);
        }
      }),
    );
  } else {
    const interval = 1000 / command.ratePerPair;
    const sends: Promise<boolean>[] = [];
    await Promise.all(
      pairs.map(async (_, p) => {
        // Spread the pairs' schedules over one interval.
        let due = performance.now() + Math.random() * interval;
        while (due < ends) {
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          sends.push(sendOne(p, nextSeq[p]!++, due));
          due += interval;
        }
      }),
    );
    await Promise.all(sends);
  }
  open = false;
  // What was acknowledged must still arrive (counted as lost if not within the drain).
  const drainEnds = performance.now() + 20_000;
  while (acknowledged.some((a) => a.size > 0) && performance.now() < drainEnds) await new Promise((resolve) => setTimeout(resolve, 50));
  result.lost = acknowledged.reduce((n, a) => n + a.size, 0);
  return result;
}

process.on('message', (command: Command) => {
  void (async () => {
    try {
      if (command.type === 'init') {
        pairs = await Promise.all(command.pairs.map(({ sender, receiver }) => (command.target === 'peerlock' ? peerlockPair(command.url, sender, receiver) : xmppPair(command.port, sender, receiver))));
        nextSeq = pairs.map(() => 0);
        process.send!({ type: 'ready' });
      } else if (command.type === 'run') {
        process.send!({ type: 'result', result: await run(command) });
      } else {
        await Promise.all(pairs.map((p) => p.close().catch(() => undefined)));
        process.send!({ type: 'stopped' }, () => process.exit(0));
      }
    } catch (e) {
      process.send!({ type: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
    }
  })();
});
