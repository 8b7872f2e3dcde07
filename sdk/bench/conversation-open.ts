/**
 * Opening a conversation (T14's cost): a 1 000-message, 3-participant
 * conversation, composed up front with random key pairs, read by one
 * participant through a fresh ConversationLedger (decrypt, the §4 checks,
 * the causal links) and put in causal order, as Messaging.read does after
 * fetching. Version 1 (no links) against version 2 (links), interleaved,
 * each repeated; plus the bytes the links add per message.
 *
 * Alone: `npm run build -w @peerlock/sdk && node --expose-gc sdk/dist/bench/conversation-open.js`
 * (PEERLOCK_BENCH_MESSAGES, PEERLOCK_BENCH_ROUNDS override 1000 and 7).
 */
import { fileURLToPath } from 'node:url';
import {
  bytesToBase64,
  causalOrder,
  ConversationLedger,
  composeMessage,
  conversationIdOf,
  encodeMiniLockId,
  encodePlaintext,
  encryptFile,
  keyPairFromSecretKey,
  randomBytes,
  type MessageEnvelope,
  type MessagePlaintext,
  type ReceiverContext,
  type VerifiedMessage,
} from '@peerlock/sdk';
import { collectGarbage, median } from './measure.js';

const PARTICIPANTS = ['alice', 'bob', 'carol'];
const BODY = 'See you at eight; I booked the table by the window. '.repeat(2);
const NOW = Date.now();

interface User {
  readonly username: string;
  readonly secretKey: Uint8Array;
  readonly id: string;
}

const user = (username: string): User => {
  const k = keyPairFromSecretKey(randomBytes(32));
  return { username, secretKey: k.secretKey, id: encodeMiniLockId(k.publicKey) };
};

interface Conversation {
  readonly envelopes: MessageEnvelope[];
  readonly plaintextBytes: number;
  readonly ciphertextBytes: number;
}

/**
 * n messages, the three participants writing in turn, each having read
 * everything before (one view that saw it all composes for each sender:
 * its chains and links are what each sender's own would be).
 */
function compose(version: 1 | 2, n: number, users: readonly User[], keys: Record<string, string>): Conversation {
  const composer: ReceiverContext = { me: users[0]!, pinnedKey: (u) => keys[u] };
  let ledger: ConversationLedger | null = null;
  const envelopes: MessageEnvelope[] = [];
  let plaintextBytes = 0;
  let ciphertextBytes = 0;
  const secret = bytesToBase64(randomBytes(32));
  for (let i = 0; i < n; i++) {
    const sender = users[i % users.length]!;
    let plaintext: MessagePlaintext;
    let ciphertext: Uint8Array;
    if (version === 2) {
      const m = ledger
        ? composeMessage({ sender, conversation: ledger, keys, body: BODY, now: NOW })
        : composeMessage({ sender, conversation: null, participants: PARTICIPANTS, keys, subject: 'Dinner', body: BODY, now: NOW });
      plaintext = m.plaintext;
      ciphertext = m.ciphertext;
    } else {
      // What composeMessage wrote before causal links.
      const chain = ledger?.chainOf(sender.username);
      plaintext = {
        v: 1,
        conversationSecret: secret,
        messageId: bytesToBase64(randomBytes(16)),
        sender: sender.username,
        participants: PARTICIPANTS,
        sequence: chain?.next ?? 1,
        previousHash: chain && chain.next > 1 ? chain.lastHash : null,
        links: [],
        subject: ledger ? '' : 'Dinner',
        body: BODY,
        files: [],
        sentAt: NOW,
        expiresIn: 0,
        action: null,
      };
      ciphertext = encryptFile(encodePlaintext(plaintext), { senderSecretKey: sender.secretKey, recipients: PARTICIPANTS.map((p) => keys[p]!) });
    }
    const envelope: MessageEnvelope = {
      conversationId: conversationIdOf(plaintext.conversationSecret),
      messageId: plaintext.messageId,
      sender: sender.username,
      participants: PARTICIPANTS,
      ciphertext,
      receivedAt: NOW,
    };
    if (ledger) ledger.accept(envelope, composer);
    else ledger = ConversationLedger.found(envelope, composer).ledger;
    envelopes.push(envelope);
    plaintextBytes += encodePlaintext(plaintext).length;
    ciphertextBytes += ciphertext.length;
  }
  return { envelopes, plaintextBytes: plaintextBytes / n, ciphertextBytes: ciphertextBytes / n };
}

/** One reader opening the whole conversation: verify in the server's order, then the causal order. Returns seconds. */
function open(conversation: Conversation, reader: ReceiverContext): { total: number; order: number } {
  collectGarbage();
  const start = process.hrtime.bigint();
  let ledger: ConversationLedger | null = null;
  const verified: (VerifiedMessage | null)[] = [];
  for (const envelope of conversation.envelopes) {
    let verification;
    if (ledger) verification = ledger.accept(envelope, reader);
    else ({ ledger, verification } = ConversationLedger.found(envelope, reader));
    if (!verification.ok) throw new Error(`bench conversation did not verify: ${verification.reason}`);
    verified.push(verification.message);
  }
  const ordering = process.hrtime.bigint();
  causalOrder(verified);
  ledger!.withheld();
  ledger!.anomalies();
  const end = process.hrtime.bigint();
  return { total: Number(end - start) / 1e9, order: Number(end - ordering) / 1e9 };
}

export interface Distribution {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export interface ConversationOpenResult {
  readonly messages: number;
  readonly rounds: number;
  readonly v1: { readonly seconds: Distribution; readonly orderSeconds: Distribution; readonly plaintextBytes: number; readonly ciphertextBytes: number };
  readonly v2: { readonly seconds: Distribution; readonly orderSeconds: Distribution; readonly plaintextBytes: number; readonly ciphertextBytes: number };
}

const distribution = (values: number[]): Distribution => ({ median: median(values), min: Math.min(...values), max: Math.max(...values) });

export function conversationOpenBenchmark(messages = 1000, rounds = 7): ConversationOpenResult {
  const users = PARTICIPANTS.map(user);
  const keys = Object.fromEntries(users.map((u) => [u.username, u.id]));
  const reader: ReceiverContext = { me: users[2]!, pinnedKey: (u) => keys[u] };
  const v1 = compose(1, messages, users, keys);
  const v2 = compose(2, messages, users, keys);
  open(v1, reader); // warm up both paths
  open(v2, reader);
  const runs = { v1: [] as { total: number; order: number }[], v2: [] as { total: number; order: number }[] };
  // Interleaved, so drift in machine load hits both alike.
  for (let i = 0; i < rounds; i++) {
    runs.v1.push(open(v1, reader));
    runs.v2.push(open(v2, reader));
  }
  const summary = (c: Conversation, r: { total: number; order: number }[]) => ({
    seconds: distribution(r.map((x) => x.total)),
    orderSeconds: distribution(r.map((x) => x.order)),
    plaintextBytes: c.plaintextBytes,
    ciphertextBytes: c.ciphertextBytes,
  });
  return { messages, rounds, v1: summary(v1, runs.v1), v2: summary(v2, runs.v2) };
}

export const CONVERSATION_HEADING = '## SDK: opening a conversation (causal links)';

export function renderConversationReport(r: ConversationOpenResult): string {
  const ms = (d: Distribution) => `${(d.median * 1000).toFixed(1)} (${(d.min * 1000).toFixed(1)}–${(d.max * 1000).toFixed(1)})`;
  const perMessage = (d: Distribution) => `${((d.median / r.messages) * 1e6).toFixed(0)}`;
  const row = (name: string, x: ConversationOpenResult['v1']) =>
    `| ${name} | ${ms(x.seconds)} | ${perMessage(x.seconds)} | ${ms(x.orderSeconds)} | ${x.plaintextBytes.toFixed(0)} | ${x.ciphertextBytes.toFixed(0)} |`;
  return [
    CONVERSATION_HEADING,
    '',
    `Run by \`node --expose-gc sdk/dist/bench/conversation-open.js\` (also part of \`npm run bench -w @peerlock/sdk\`) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}.`,
    `One reader opens a ${r.messages}-message conversation of 3 participants writing in turn (random key pairs, every message composed up front, ${BODY.length}-character bodies): a fresh ConversationLedger verifies each message in the server's order (miniLock decryption, the §4 checks, the causal links), then causalOrder, withheld() and anomalies(), as Messaging.read does after fetching. Version 1 (no links) and version 2 (a link to each other participant's latest message) alternate, ${r.rounds} rounds each; median (min–max).`,
    '',
    '| plaintext | open, ms | µs per message | causal order + withheld, ms | plaintext bytes per message | ciphertext bytes per message |',
    '|---|---:|---:|---:|---:|---:|',
    row('v1, no links', r.v1),
    row('v2, causal links', r.v2),
    '',
    `The links add ${(r.v2.plaintextBytes - r.v1.plaintextBytes).toFixed(0)} bytes of plaintext and ${(r.v2.ciphertextBytes - r.v1.ciphertextBytes).toFixed(0)} bytes of ciphertext per message here (two links; about ${((r.v2.plaintextBytes - r.v1.plaintextBytes) / 2).toFixed(0)} per other participant), ${(((r.v2.ciphertextBytes - r.v1.ciphertextBytes) * 4) / 3).toFixed(0)} bytes more in the base64 the API carries; opening takes ${(r.v2.seconds.median / r.v1.seconds.median).toFixed(2)} × the time without links.`,
    '',
  ].join('\n');
}

// Run alone: print, write nothing.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const messages = Number(process.env.PEERLOCK_BENCH_MESSAGES ?? 1000);
  const rounds = Number(process.env.PEERLOCK_BENCH_ROUNDS ?? 7);
  if (!Number.isInteger(messages) || messages < 1 || !Number.isInteger(rounds) || rounds < 5) throw new RangeError('PEERLOCK_BENCH_MESSAGES ≥ 1, PEERLOCK_BENCH_ROUNDS ≥ 5');
  console.log(renderConversationReport(conversationOpenBenchmark(messages, rounds)));
}
