/**
 * An honest messaging client: the SDK composes and verifies, keys are pinned
 * on first sight from the directory, and every request spends one token
 * (the pool is refilled by logging in again). Tests that play the malicious
 * server take the envelopes this client fetched and tamper with them.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  ConversationLedger,
  base64ToBytes,
  bytesToBase64,
  composeMessage,
  createReadReceipt,
  decodeMiniLockId,
  verifyReadReceipt,
  type MessageEnvelope,
  type ReceiverContext,
  type Verification,
} from '@peerlock/sdk';
import { expectOk, type GraphQLResponse } from './graphql-client.js';
import { HonestClient } from './honest-client.js';

export const MESSAGE_FIELDS = 'conversationId messageId index sender participants receivedAt position ciphertextBytes ciphertext receipts { reader receipt postedAt position }';

export interface WireMessage {
  conversationId: string;
  messageId: string;
  index: number;
  sender: string;
  participants: string[];
  receivedAt: string;
  position: string;
  ciphertextBytes: number;
  ciphertext: string;
  receipts: { reader: string; receipt: string; postedAt: string; position: string }[];
}

export interface WireNotification {
  kind: string;
  position: string;
  from: string;
  conversationId: string | null;
  messageId: string | null;
}

export const toEnvelope = (m: WireMessage): MessageEnvelope => ({
  conversationId: m.conversationId,
  messageId: m.messageId,
  sender: m.sender,
  participants: m.participants,
  ciphertext: base64ToBytes(m.ciphertext),
  receivedAt: Date.parse(m.receivedAt),
});

export class MessagingClient extends HonestClient {
  readonly pins = new Map<string, string>();
  readonly ledgers = new Map<string, ConversationLedger>();
  private sockets: Client[] = [];

  override async request<T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResponse<T>> {
    if (this.tokens.length < 2) await this.login();
    return super.request<T>(query, variables);
  }

  async ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return expectOk(await this.request<T>(query, variables));
  }

  /** Trust on first use, as the SDK's pins do; tests that change keys re-pin explicitly. */
  async pin(username: string): Promise<string> {
    const known = this.pins.get(username);
    if (known) return known;
    const { user } = await this.ok<{ user: { miniLockId: string } | null }>('query($u: String!) { user(username: $u) { miniLockId } }', { u: username });
    if (!user) throw new Error(`no user ${username}`);
    this.pins.set(username, user.miniLockId);
    return user.miniLockId;
  }

  contact(field: string, username: string) {
    return this.request<Record<string, { contacts: string[] }>>(`mutation($u: String!) { ${field}(username: $u) { contacts incoming outgoing blocked } }`, { u: username });
  }

  get receiver(): ReceiverContext {
    return { me: { username: this.username, secretKey: this.identity.secretKey }, pinnedKey: (u) => this.pins.get(u) };
  }

  /** Composes with the SDK against our ledger of the conversation (null: a new one) and sends. */
  async compose(participants: readonly string[], body: string, conversationId: string | null = null) {
    const keys: Record<string, string> = { [this.username]: this.miniLockId };
    for (const p of participants) if (p !== this.username) keys[p] = await this.pin(p);
    // A reply needs the conversation's ledger (its secret and our chain): read and verify it first.
    if (conversationId && !this.ledgers.has(conversationId)) for (const m of await this.messages(conversationId)) this.verify(m);
    const ledger = conversationId ? (this.ledgers.get(conversationId) ?? null) : null;
    return composeMessage({
      sender: { username: this.username, secretKey: this.identity.secretKey },
      conversation: ledger,
      participants,
      keys,
      subject: 'subject',
      body,
      now: this.clock.now(),
    });
  }

  sendRaw(input: { conversationId: string; messageId: string; participants: readonly string[]; ciphertext: string }) {
    return this.request<{ sendMessage: WireMessage }>(`mutation($input: SendMessageInput!) { sendMessage(input: $input) { ${MESSAGE_FIELDS} } }`, { input });
  }

  async send(participants: readonly string[], body: string, conversationId: string | null = null): Promise<WireMessage> {
    const composed = await this.compose(participants, body, conversationId);
    const sent = expectOk(
      await this.sendRaw({ conversationId: composed.conversationId, messageId: composed.messageId, participants: composed.participants, ciphertext: bytesToBase64(composed.ciphertext) }),
    ).sendMessage;
    // Our own copy verifies like anyone else's: it founds or extends our ledger.
    this.verify(sent);
    return sent;
  }

  messagesRaw(conversationId: string, first = 100, after: string | null = null) {
    return this.request<{ conversation: { messages: { edges: { cursor: string; node: WireMessage }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } } }>(
      `query($id: String!, $first: Int, $after: String) { conversation(id: $id) { messages(first: $first, after: $after) { edges { cursor node { ${MESSAGE_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`,
      { id: conversationId, first, after },
    );
  }

  /** Pins every sender on first sight, as the SDK does, before anything is verified. */
  async messages(conversationId: string): Promise<WireMessage[]> {
    const messages = expectOk(await this.messagesRaw(conversationId)).conversation.messages.edges.map((e) => e.node);
    for (const m of messages) await this.pin(m.sender);
    return messages;
  }

  /** Runs the SDK's checks on one fetched message, against a ledger kept per conversation. */
  verify(message: WireMessage, ledgers: Map<string, ConversationLedger> = this.ledgers): Verification {
    return verifyEnvelope(toEnvelope(message), this.receiver, ledgers);
  }

  async receipt(message: WireMessage): Promise<string> {
    const senderKey = decodeMiniLockId(await this.pin(message.sender));
    const box = createReadReceipt({ messageId: message.messageId, conversationId: message.conversationId, sender: message.sender, reader: this.username, readAt: this.clock.now() }, this.identity.secretKey, senderKey);
    return bytesToBase64(box);
  }

  postReceipt(conversationId: string, messageId: string, receipt: string) {
    return this.request<{ postReadReceipt: { reader: string; receipt: string } }>(
      'mutation($input: PostReadReceiptInput!) { postReadReceipt(input: $input) { reader receipt postedAt position } }',
      { input: { conversationId, messageId, receipt } },
    );
  }

  /** The sender's check of a stored receipt (T5): returns readAt or throws ReceiptRejectedError. */
  async verifyReceipt(message: WireMessage, reader: string, receipt: string): Promise<number> {
    const readerKey = decodeMiniLockId(await this.pin(reader));
    return verifyReadReceipt(base64ToBytes(receipt), { messageId: message.messageId, conversationId: message.conversationId, sender: this.username, reader }, this.identity.secretKey, readerKey);
  }

  /** A graphql-ws connection that spends one token in connection_init; `headers` go on the upgrade request (as a proxy would add them). */
  async socket(authorization?: string, headers?: Record<string, string>): Promise<Client> {
    if (authorization === undefined && this.tokens.length < 2) await this.login();
    const client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: headers ? withHeaders(headers) : WebSocket,
      connectionParams: { authorization: authorization ?? this.takeHeader() },
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => undefined,
    });
    this.sockets.push(client);
    return client;
  }

  async closeSockets(): Promise<void> {
    await Promise.all(this.sockets.splice(0).map((s) => s.dispose()));
  }
}

function withHeaders(headers: Record<string, string>): typeof WebSocket {
  return class extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers });
    }
  } as typeof WebSocket;
}

/** A bare graphql-ws handshake with this Authorization value; resolves with the close code. */
export function handshakeCloseCode(url: string, authorization: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization } })));
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') ws.close(1000);
    });
    ws.on('close', (code) => resolve(code));
  });
}

export function verifyEnvelope(envelope: MessageEnvelope, receiver: ReceiverContext, ledgers: Map<string, ConversationLedger>): Verification {
  const ledger = ledgers.get(envelope.conversationId);
  if (ledger) return ledger.accept(envelope, receiver);
  const founded = ConversationLedger.found(envelope, receiver);
  if (founded.ledger) ledgers.set(envelope.conversationId, founded.ledger);
  return founded.verification;
}

/** Collects notifications of one subscription until `count` arrived (or the socket failed). */
export function collect(client: Client, after: string | null = null) {
  const received: WireNotification[] = [];
  const errors: unknown[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) if (received.length >= w.count || errors.length > 0) w.resolve();
  };
  const dispose = client.subscribe<{ notifications: WireNotification }>(
    { query: 'subscription($after: String) { notifications(after: $after) { kind position from conversationId messageId } }', variables: { after } },
    {
      next: (r) => {
        if (r.errors) errors.push(r.errors);
        if (r.data) received.push(r.data.notifications);
        check();
      },
      error: (e) => {
        errors.push(e);
        check();
      },
      complete: () => undefined,
    },
  );
  return {
    received,
    errors,
    dispose,
    until: (count: number) =>
      new Promise<void>((resolve) => {
        waiters.push({ count, resolve });
        check();
      }),
  };
}
