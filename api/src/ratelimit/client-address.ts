/**
 * The one answer to "who is asking?", for rate limits, on every path (GraphQL
 * over HTTP, GraphQL over WebSocket): the socket's peer, or, behind a trusted
 * proxy (`PEERLOCK_TRUST_PROXY`), the address that proxy saw. A WebSocket
 * upgrade carries `X-Forwarded-For` like any request; reading the socket there
 * would put every client behind the proxy in one budget.
 */
import type { IncomingMessage } from 'node:http';

export function clientAddressOf(trustProxy: boolean, forwardedFor: string | null | undefined, socketAddress: string | undefined): string {
  if (trustProxy && forwardedFor) {
    // The proxy appends the address it saw: the last entry is the only one we can trust.
    const entries = forwardedFor.split(',').map((s) => s.trim()).filter(Boolean);
    const last = entries[entries.length - 1];
    if (last) return last;
  }
  return socketAddress ?? 'unknown';
}

/** For Node's request (the WebSocket upgrade, or HTTP before Fetch wraps it). */
export function clientAddressOfRequest(trustProxy: boolean, req: IncomingMessage): string {
  const header = req.headers['x-forwarded-for'];
  // Repeated headers arrive as an array: their entries join in order, as one list.
  return clientAddressOf(trustProxy, Array.isArray(header) ? header.join(',') : header, req.socket.remoteAddress);
}
