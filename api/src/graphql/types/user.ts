import type { KeyHistoryEntry } from '@peerlock/projections';
import { builder } from '../builder.js';
import { canonicalUsername } from '../../accounts/username.js';
import type { DirectoryUser } from '../../accounts/directory-queries.js';

const KeyHistoryEntryRef = builder.objectRef<KeyHistoryEntry>('KeyHistoryEntry').implement({
  fields: (t) => ({
    miniLockId: t.exposeString('miniLockId'),
    authPublicKey: t.expose('authPublicKey', { type: 'Base64' }),
    validFrom: t.expose('validFrom', { type: 'DateTime' }),
    validUntil: t.expose('validUntil', { type: 'DateTime', nullable: true }),
  }),
});

export const UserRef = builder.objectRef<DirectoryUser>('User').implement({
  description: 'A directory entry. Deleted accounts stay listed with their keys (old messages still verify) and no personal data.',
  fields: (t) => ({
    username: t.string({ resolve: (u) => u.entry.username }),
    miniLockId: t.string({ resolve: (u) => u.entry.miniLockId }),
    authPublicKey: t.field({ type: 'Base64', description: '32 bytes', resolve: (u) => u.entry.authPublicKey }),
    displayName: t.string({ nullable: true, resolve: (u) => u.profile?.displayName ?? null }),
    deleted: t.boolean({ resolve: (u) => u.entry.status === 'deleted' }),
    keyHistory: t.field({ type: [KeyHistoryEntryRef], description: 'Oldest first; the last entry is the current key.', resolve: (u) => [...u.entry.keyHistory] }),
  }),
});

builder.queryField('user', (t) =>
  t.field({
    type: UserRef,
    nullable: true,
    description: 'Exact lookup by username (case-insensitive). There is deliberately no listing or search.',
    args: { username: t.arg.string() },
    resolve: (_root, args, { services }) => services.directory.user(canonicalUsername(args.username)),
  }),
);
