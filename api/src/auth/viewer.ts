import { PeerlockError } from '../errors.js';
import type { RequestInfo } from '../services.js';

/** The username whose token this request spent; UNAUTHENTICATED when it spent none. */
export function viewerOf(request: RequestInfo): string {
  if (!request.viewer) throw new PeerlockError('UNAUTHENTICATED');
  return request.viewer.username;
}
