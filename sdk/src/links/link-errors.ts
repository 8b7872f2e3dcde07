/**
 * Why a link did not open, in words its holder (who has no account and may
 * never have heard of Peerlock) can act on. One closed list, so the CLI and
 * the web each say one sentence per code.
 */
export type LinkRefusal =
  /** Not a Peerlock link, or cut short (the part after '#' is missing or damaged). */
  | 'malformed'
  /** The link needs a passphrase and none was given. */
  | 'passphrase-required'
  /** The server did not recognise the access value: the passphrase (or the link) is wrong. No open was spent. */
  | 'wrong-passphrase'
  | 'expired'
  | 'revoked'
  /** Opened as many times as its owner allowed. */
  | 'exhausted'
  /** No such link on this server, or its file is gone. */
  | 'not-found'
  /** What the server served does not open with the link's key: not this link's content. */
  | 'not-for-this-link'
  /** The content opened but failed verification (altered, truncated, or not what a link holds). */
  | 'tampered'
  | 'rate-limited'
  /** No answer from the server. */
  | 'network';

export class LinkError extends Error {
  override readonly name = 'LinkError';
  constructor(
    readonly code: LinkRefusal,
    detail?: string,
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(detail ? `link ${code}: ${detail}` : `link ${code}`, options?.cause !== undefined ? { cause: options.cause } : undefined);
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
  readonly retryAfterSeconds?: number;
}
