import { z } from 'zod';
import { defineEvent, type EventOf } from '../infrastructure/event-definition.js';
import { createEventRegistry } from '../infrastructure/event-registry.js';
import { usernameSchema } from '../accounts/account-fields.js';
import { fileIdSchema } from '../files/file-events.js';

/**
 * Links for people without an account (issue 21; docs/links.md). One stream
 * per link (`link-<id>`), and every event carries the link's whole state,
 * so a link loads from its last event alone however often it was opened.
 *
 * The log knows the owner, the file, the settings, the times and the count
 * of opens, and the SHA-256 of the access value the opener must show: never
 * the link's key, its seed or its passphrase (those exist only in the URL's
 * fragment and the opener's head). The link's header (re-wrapped to the
 * link's key) lives in the blob store beside the file's.
 */
export const linkStreamName = (linkId: string): string => `link-${linkId}`;

/** base64url of 16 random bytes, chosen by the owner's client. */
export const linkIdSchema = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'expected a link id');
/** How long an open's download grant lasts; an exhausted link's file is kept that long after its last open. */
export const LINK_GRANT_SECONDS = 15 * 60;

const time = z.string().datetime();

export const linkStateSchema = z.strictObject({
  linkId: linkIdSchema,
  /** Who created the link (the file's owner or one of its recipients). */
  owner: usernameSchema,
  fileId: fileIdSchema,
  kind: z.enum(['FILE', 'MESSAGE']),
  /** base64 of SHA-256(access value): 32 bytes. */
  accessHash: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'expected 32 bytes of base64'),
  passphrase: z.boolean(),
  headerBytes: z.number().int().min(1),
  createdAt: time,
  expiresAt: time,
  // Its bound (and the lifetime's) is the SDK's MAX_LINK_OPENS, checked where a link is created: one home for what client and server offer.
  maxOpens: z.number().int().min(1).nullable(),
  openCount: z.number().int().min(0),
  lastOpenedAt: time.nullable(),
  revokedAt: time.nullable(),
  /** The owner's file is destroyed when the link ends (a message link's). */
  destroyFileWithLink: z.boolean(),
  /** When that happened (only with destroyFileWithLink). */
  fileDestroyedAt: time.nullable(),
});
export type LinkState = z.infer<typeof linkStateSchema>;

export const LinkCreated = defineEvent('LinkCreated', linkStateSchema);
/** One open counted (the access value matched and the link was live). */
export const LinkOpened = defineEvent('LinkOpened', linkStateSchema);
export const LinkRevoked = defineEvent('LinkRevoked', linkStateSchema);
/** The file of a destroyFileWithLink link was destroyed because the link ended. */
export const LinkFileDestroyed = defineEvent('LinkFileDestroyed', linkStateSchema);

export const linkEventDefinitions = [LinkCreated, LinkOpened, LinkRevoked, LinkFileDestroyed] as const;
export const linkEvents = createEventRegistry(linkEventDefinitions);
export type LinkEvent = EventOf<(typeof linkEventDefinitions)[number]>;

/**
 * When a destroyFileWithLink link's file is due to go (ms since the epoch):
 * at once on a revoke; otherwise once no grant can still be used, since a
 * grant handed out before the end downloads for LINK_GRANT_SECONDS more:
 * after the last open's grant for an exhausted link, after the later of the
 * expiry and the last grant for one that expires. Here because the decider
 * (api/src/links) and the read model (projections/src/links) both need it.
 */
export function linkFileDueAt(link: LinkState): number {
  if (link.revokedAt !== null) return Date.parse(link.revokedAt);
  const lastGrantEnds = link.lastOpenedAt === null ? 0 : Date.parse(link.lastOpenedAt) + LINK_GRANT_SECONDS * 1000;
  if (link.maxOpens !== null && link.openCount >= link.maxOpens) return lastGrantEnds;
  return Math.max(Date.parse(link.expiresAt), lastGrantEnds);
}
