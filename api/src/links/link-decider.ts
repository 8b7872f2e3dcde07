/**
 * One secure link (issue 21; docs/links.md) as a Decider. The stream
 * `link-<id>` holds the link's whole life; every event carries the whole
 * state (schema/src/links/link-events.ts), so a load is the last event alone
 * and the open count is one compare-and-set per open: exact under any number
 * of concurrent opens, on one node (one writer per stream) or several
 * (optimistic concurrency, decided again on the new tail).
 *
 * What the decider cannot know (whether the link's creator still holds the
 * file, how many links they made lately, the SHA-256 of what an opener
 * presented) arrives in the command; it knows no clock but the command's `now`.
 */
import { timingSafeEqual } from 'node:crypto';
import { linkEventDefinitions, linkFileDueAt as fileDueAt, type LinkState } from '@peerlock/schema';
import { PeerlockError } from '../errors.js';
import { assertNever, type DomainEventOf } from '../aggregates/domain-event.js';

export type LinkDomainEvent = DomainEventOf<typeof linkEventDefinitions>;
export type LinkKindName = LinkState['kind'];
export type LinkStatusName = 'ACTIVE' | 'EXPIRED' | 'REVOKED' | 'EXHAUSTED';

/** Links one user may create in any MAX_LINK_SECONDS (30 days, a link's longest life): so at most that many are live at once. */
export const MAX_LINKS_PER_WINDOW = 1000;

export interface LinkSettings {
  readonly linkId: string;
  readonly fileId: string;
  readonly kind: LinkKindName;
  readonly headerBytes: number;
  /** base64 of 32 bytes. */
  readonly accessHash: string;
  readonly expiresInSeconds: number;
  readonly maxOpens: number | null;
  readonly passphrase: boolean;
  readonly destroyFileWithLink: boolean;
}

export type LinkCommand =
  | {
      readonly type: 'CreateLink';
      readonly actor: string;
      readonly settings: LinkSettings;
      /** Whether the actor holds the file now (owner or recipient, share timers applied). */
      readonly actorHoldsFile: boolean;
      readonly actorOwnsFile: boolean;
      /** For a retry: whether the header presented is byte for byte the one stored; null when it is no longer stored (revoked), then its size decides. */
      readonly sameHeader?: boolean | null;
      /** Links the actor created in the last 30 days (the read model's count). */
      readonly recentLinks: number;
      readonly now: number;
    }
  | {
      readonly type: 'OpenLink';
      /** SHA-256 of the access value presented (32 bytes). */
      readonly presentedHash: Uint8Array;
      /** Whether the link's creator still holds its file now. */
      readonly creatorHoldsFile: boolean;
      readonly now: number;
    }
  | { readonly type: 'RevokeLink'; readonly actor: string; readonly now: number }
  | { readonly type: 'RecordFileDestroyed'; readonly now: number };

export type LinkAggregateState = LinkState | null;

const iso = (ms: number): string => new Date(ms).toISOString();

/** The link's status at `now`, in the order openLink checks them: revoked, expired, exhausted. */
export function linkStatusAt(link: LinkState, now: number): LinkStatusName {
  if (link.revokedAt !== null) return 'REVOKED';
  if (now >= Date.parse(link.expiresAt)) return 'EXPIRED';
  if (link.maxOpens !== null && link.openCount >= link.maxOpens) return 'EXHAUSTED';
  return 'ACTIVE';
}

/** Whether a retry carries what the link was created with (the header's bytes are compared by the shell: sameHeader). */
function sameSettings(link: LinkState, actor: string, s: LinkSettings): boolean {
  return (
    link.owner === actor &&
    link.fileId === s.fileId &&
    link.kind === s.kind &&
    link.headerBytes === s.headerBytes &&
    link.accessHash === s.accessHash &&
    link.maxOpens === s.maxOpens &&
    link.passphrase === s.passphrase &&
    link.destroyFileWithLink === s.destroyFileWithLink &&
    Date.parse(link.expiresAt) - Date.parse(link.createdAt) === s.expiresInSeconds * 1000
  );
}

export function decide(command: LinkCommand, state: LinkAggregateState): LinkDomainEvent[] {
  switch (command.type) {
    case 'CreateLink': {
      const { actor, settings: s, now } = command;
      if (state !== null) {
        // A retry after a lost answer is the same link; the same id for something else is a conflict (ids are random: a bug or a replay).
        if (sameSettings(state, actor, s) && command.sameHeader !== false) return [];
        throw new PeerlockError('CONFLICT');
      }
      // Not holding it and not knowing it look the same.
      if (!command.actorHoldsFile) throw new PeerlockError('NOT_FOUND', { field: 'fileId' });
      if (s.destroyFileWithLink && !command.actorOwnsFile) throw new PeerlockError('FORBIDDEN');
      if (command.recentLinks >= MAX_LINKS_PER_WINDOW) throw new PeerlockError('QUOTA_EXCEEDED');
      const link: LinkState = {
        linkId: s.linkId,
        owner: actor,
        fileId: s.fileId,
        kind: s.kind,
        accessHash: s.accessHash,
        passphrase: s.passphrase,
        headerBytes: s.headerBytes,
        createdAt: iso(now),
        expiresAt: iso(now + s.expiresInSeconds * 1000),
        maxOpens: s.maxOpens,
        openCount: 0,
        lastOpenedAt: null,
        revokedAt: null,
        destroyFileWithLink: s.destroyFileWithLink,
        fileDestroyedAt: null,
      };
      return [{ type: 'LinkCreated', data: link }];
    }
    case 'OpenLink': {
      if (state === null) throw new PeerlockError('NOT_FOUND');
      // The access value first: without it, nobody learns whether the link is live, revoked or used up.
      const stored = Buffer.from(state.accessHash, 'base64');
      const presented = command.presentedHash;
      if (presented.length !== stored.length || !timingSafeEqual(presented, stored)) throw new PeerlockError('FORBIDDEN');
      const status = linkStatusAt(state, command.now);
      if (status === 'REVOKED') throw new PeerlockError('LINK_REVOKED');
      if (status === 'EXPIRED') throw new PeerlockError('LINK_EXPIRED');
      if (status === 'EXHAUSTED') throw new PeerlockError('LINK_EXHAUSTED');
      if (!command.creatorHoldsFile) throw new PeerlockError('NOT_FOUND', { field: 'file' });
      return [{ type: 'LinkOpened', data: { ...state, openCount: state.openCount + 1, lastOpenedAt: iso(command.now) } }];
    }
    case 'RevokeLink': {
      // Someone else's link is nobody's business: the same answer as none.
      if (state === null || state.owner !== command.actor) throw new PeerlockError('NOT_FOUND');
      if (state.revokedAt !== null) return [];
      return [{ type: 'LinkRevoked', data: { ...state, revokedAt: iso(command.now) } }];
    }
    case 'RecordFileDestroyed': {
      if (state === null || !state.destroyFileWithLink || state.fileDestroyedAt !== null) return [];
      if (command.now < fileDueAt(state)) return [];
      return [{ type: 'LinkFileDestroyed', data: { ...state, fileDestroyedAt: iso(command.now) } }];
    }
    default:
      return assertNever(command);
  }
}

/** Every event is the whole state after it. */
export function evolve(_state: LinkAggregateState, event: LinkDomainEvent): LinkAggregateState {
  return event.data;
}

export const linkDecider = { decide, evolve, initialState: (): LinkAggregateState => null };
