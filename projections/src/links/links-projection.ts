import { LinkCreated, LinkFileDestroyed, LinkOpened, LinkRevoked, linkFileDueAt, type LinkState } from '@peerlock/schema';
import { defineProjection, type ReadModelChange } from '../projection.js';

/**
 * Secure links as their owners see them (docs/links.md). Every link event
 * carries the link's whole state, so each document is that state as of the
 * link's last event:
 *
 *   link/<linkId>                          the link
 *   owned/<owner>/<created↓>/<linkId>      the same, per owner, newest first by range order
 *                                          (created↓ counts down from 10^15 ms so newer sorts first):
 *                                          the `links` query and the per-owner cap read one range
 *   file-due/<ISO time>/<linkId>           while a destroyFileWithLink link's file has not been
 *                                          destroyed: when it is due (linkFileDueAt), what the sweep scans
 *
 * No key material: the access value's SHA-256 only (and the header lives in the blob store).
 */
export type LinkRecord = LinkState;
export interface LinkFileDue {
  readonly linkId: string;
  readonly at: string;
}
export type LinksDocument = LinkRecord | LinkFileDue;

export const linkDocumentId = (linkId: string): string => `link/${linkId}`;
export const ownedLinksPrefix = (owner: string): string => `owned/${owner}/`;
export const LINK_FILE_DUE_PREFIX = 'file-due/';
// Below 2^53, so that every millisecond is exact (10^16 is not: odd differences round away).
const REVERSE_MS = 10 ** 15;
export const ownedLinkId = (link: LinkState): string => `${ownedLinksPrefix(link.owner)}${String(REVERSE_MS - Date.parse(link.createdAt)).padStart(16, '0')}/${link.linkId}`;
const dueId = (link: LinkState): string | null =>
  link.destroyFileWithLink && link.fileDestroyedAt === null ? `${LINK_FILE_DUE_PREFIX}${new Date(linkFileDueAt(link)).toISOString()}/${link.linkId}` : null;

const handled = [LinkCreated, LinkOpened, LinkRevoked, LinkFileDestroyed] as const;

export const linksProjection = defineProjection<LinksDocument, typeof handled>({
  name: 'links',
  version: 1,
  handles: handled,
  documentIds: (event) => [linkDocumentId(event.data.linkId)],
  apply(view, event) {
    const link = event.data;
    const before = view.get(linkDocumentId(link.linkId)) as LinkRecord | undefined;
    const changes: ReadModelChange<LinksDocument>[] = [
      { op: 'put', id: linkDocumentId(link.linkId), doc: link },
      { op: 'put', id: ownedLinkId(link), doc: link },
    ];
    const oldDue = before ? dueId(before) : null;
    const newDue = dueId(link);
    if (oldDue !== null && oldDue !== newDue) changes.push({ op: 'delete', id: oldDue });
    if (newDue !== null) changes.push({ op: 'put', id: newDue, doc: { linkId: link.linkId, at: new Date(linkFileDueAt(link)).toISOString() } });
    return changes;
  },
});
