/**
 * The smallest XMPP client the Prosody side of the real-path bench needs
 * (RFC 6120/6121 over plain TCP on loopback): SASL PLAIN, resource binding,
 * initial presence, chat messages out, chat messages in. No TLS (loopback,
 * both servers run without it), no stream management, no reconnects: a
 * benchmark peer, not a product client. Stanzas are found with a scan that
 * is enough for what Prosody sends here (attribute values and bodies
 * without '<').
 */
import { connect, type Socket } from 'node:net';

const STREAM_HEADER = (domain: string) =>
  `<?xml version='1.0'?><stream:stream to='${domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;

export class XmppClient {
  private socket: Socket | null = null;
  private buffer = '';
  private waiter: { pattern: RegExp; resolve: (m: RegExpExecArray) => void; reject: (e: Error) => void } | null = null;
  private online = false;
  /** Called with each chat message's id and body as it arrives. */
  onMessage: (id: string, body: string) => void = () => undefined;

  constructor(
    private readonly port: number,
    private readonly domain: string,
    readonly user: string,
    private readonly password: string,
  ) {}

  get jid(): string {
    return `${this.user}@${this.domain}`;
  }

  async connect(): Promise<void> {
    const socket = connect({ host: '127.0.0.1', port: this.port });
    socket.setNoDelay(true);
    socket.setEncoding('utf8');
    this.socket = socket;
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (error) => this.waiter?.reject(error));
    socket.on('close', () => this.waiter?.reject(new Error(`${this.user}: stream closed`)));
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    socket.write(STREAM_HEADER(this.domain));
    await this.expect(/<stream:features>[\s\S]*?<\/stream:features>/);
    socket.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from(`\0${this.user}\0${this.password}`).toString('base64')}</auth>`);
    const outcome = await this.expect(/<(success|failure)\b[\s\S]*?(?:\/>|<\/\1>)/);
    if (outcome[1] !== 'success') throw new Error(`${this.user}: authentication failed: ${outcome[0]}`);
    this.buffer = '';
    socket.write(STREAM_HEADER(this.domain));
    await this.expect(/<stream:features>[\s\S]*?<\/stream:features>/);
    socket.write(`<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>bench</resource></bind></iq>`);
    await this.expect(/<iq\b[^>]*id=['"]bind1['"][\s\S]*?<\/iq>/);
    // Available: chat messages to the bare JID reach this resource.
    socket.write('<presence/>');
    this.online = true;
  }

  send(to: string, id: string, body: string): void {
    this.socket!.write(`<message to='${to}' type='chat' id='${id}'><body>${body}</body></message>`);
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.online = false;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.end('</stream:stream>');
      setTimeout(() => socket.destroy(), 2000).unref();
    });
  }

  private expect(pattern: RegExp): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      this.waiter = { pattern, resolve, reject };
      this.receive('');
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    if (this.waiter) {
      const m = this.waiter.pattern.exec(this.buffer);
      if (m) {
        const w = this.waiter;
        this.waiter = null;
        this.buffer = this.buffer.slice(m.index + m[0].length);
        w.resolve(m);
      }
      return;
    }
    if (!this.online) return;
    const stanza = /<message\b([^>]*)>([\s\S]*?)<\/message>/g;
    let end = 0;
    for (let m = stanza.exec(this.buffer); m; m = stanza.exec(this.buffer)) {
      end = m.index + m[0].length;
      const id = /\bid=['"]([^'"]+)['"]/.exec(m[1]!)?.[1];
      const body = /<body>([\s\S]*?)<\/body>/.exec(m[2]!)?.[1];
      if (id && body !== undefined) this.onMessage(id, body);
    }
    // Keep only what may still become a message (an unfinished stanza); presence and the like are dropped.
    const rest = this.buffer.slice(end);
    const open = rest.lastIndexOf('<message');
    const lt = rest.lastIndexOf('<');
    this.buffer = open >= 0 ? rest.slice(open) : lt >= 0 ? rest.slice(lt) : '';
  }
}
