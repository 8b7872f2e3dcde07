/**
 * Key transparency (DESIGN §6; docs/key-transparency.md): the signed tree
 * head of the key log and RFC 9162 proofs. Public, like the directory: no
 * token. Hashes and signatures are Base64; sizes are leaf counts.
 */
import { builder, type GraphQLContext } from '../builder.js';
import { canonicalUsername } from '../../accounts/username.js';
import type { ConsistencyProofResult, InclusionProofResult, KeyLookupResult, KeyProofResult, NewestProofResult, SignedTreeHead } from '../../keylog/key-log-queries.js';

/** Every key-log query and hand-in counts against the caller's address (PEERLOCK_RATE_LIMIT_KEY_LOG_PER_ADDRESS). */
const limited = async <T>(ctx: GraphQLContext, work: (services: GraphQLContext['services']) => Promise<T>): Promise<T> => {
  await ctx.services.rateLimiter.check('keyLog', ctx.clientAddress, null, ctx.services.now());
  return work(ctx.services);
};

const KeyLogTreeHeadRef = builder.objectRef<SignedTreeHead>('KeyLogTreeHead').implement({
  description:
    'A signed tree head: Ed25519 by the long-term server key over "peerlock/key-log/tree-head/v3" ‖ 0x00 ‖ u64be(treeSize) ‖ u64be(timestamp) ‖ rootHash.',
  fields: (t) => ({
    treeSize: t.exposeInt('treeSize', { description: 'Number of leaves.' }),
    timestamp: t.string({ description: 'Unix milliseconds (decimal) of the newest key event in the tree; 0 when empty.', resolve: (h) => String(h.timestamp) }),
    rootHash: t.expose('rootHash', { type: 'Base64', description: '32 bytes: RFC 9162 MTH with SHA-256.' }),
    signature: t.expose('signature', { type: 'Base64', description: '64 bytes.' }),
    checkpoint: t.string({
      nullable: true,
      description:
        'The same head as a C2SP tlog checkpoint (c2sp.org/tlog-checkpoint), a signed note: origin "peerlock/key-log/" + the first 16 hex digits of SHA-256(signing key), the tree size, the base64 root; signed Ed25519 (note type 0x01) by the long-term server key under the origin as key name. What key-log witnesses co-sign.',
      resolve: (h) => h.checkpoint,
    }),
  }),
});

const KeyLogInclusionProofRef = builder.objectRef<InclusionProofResult>('KeyLogInclusionProof').implement({
  description: 'RFC 9162 §2.1.3 inclusion proof of one leaf.',
  fields: (t) => ({
    leafIndex: t.exposeInt('leafIndex'),
    treeSize: t.exposeInt('treeSize'),
    leaf: t.expose('leaf', {
      type: 'Base64',
      description: 'The canonical leaf bytes (docs/key-transparency.md): version 3, the VRF index, the key sequence, a hiding commitment and the root of the newest-key map after it; it names no one.',
    }),
    auditPath: t.field({ type: ['Base64'], description: 'Hashes, leaf side first.', resolve: (p) => [...p.auditPath] }),
  }),
});

const KeyLogConsistencyProofRef = builder.objectRef<ConsistencyProofResult>('KeyLogConsistencyProof').implement({
  description: 'RFC 9162 §2.1.4 consistency proof: the tree of fromSize leaves is a prefix of the tree of toSize leaves.',
  fields: (t) => ({
    fromSize: t.exposeInt('fromSize'),
    toSize: t.exposeInt('toSize'),
    path: t.field({ type: ['Base64'], description: 'Hashes.', resolve: (p) => [...p.path] }),
  }),
});

const KeyLogLookupRef = builder.objectRef<KeyLookupResult>('KeyLogLookup').implement({
  description:
    "What only an exact lookup by username reveals (DESIGN §6, T12): the VRF proof that the leaf's index is this username's, and the opening of the leaf's commitment with what it commits to (docs/key-transparency.md).",
  fields: (t) => ({
    vrfProof: t.expose('vrfProof', { type: 'Base64', description: '80 bytes: RFC 9381 ECVRF-EDWARDS25519-SHA512-TAI proof for utf8(username) under serverKeys.keyLogVrfKey.' }),
    opening: t.expose('opening', { type: 'Base64', description: '32 bytes.' }),
    timestamp: t.string({ description: 'Unix milliseconds (decimal) of the key event.', resolve: (l) => String(l.timestamp) }),
    miniLockId: t.exposeString('miniLockId'),
    authPublicKey: t.expose('authPublicKey', { type: 'Base64', description: '32 bytes.' }),
  }),
});

const KeyLogNewestProofRef = builder.objectRef<NewestProofResult>('KeyLogNewestProof').implement({
  description:
    "That the looked-up leaf is its name's newest under the head (docs/key-transparency.md): the head's last leaf, whose map root the head commits to, and the newest-key map's path for the leaf's index.",
  fields: (t) => ({
    lastLeaf: t.expose('lastLeaf', { type: 'Base64', description: 'Leaf treeSize − 1 of the head\'s tree.' }),
    lastLeafAuditPath: t.field({ type: ['Base64'], description: 'Hashes, leaf side first: its RFC 9162 inclusion in the head\'s tree.', resolve: (p) => [...p.lastLeafAuditPath] }),
    mapPath: t.field({ type: ['Base64'], description: 'Hashes, root side first: the sibling hashes from the map root down to the index\'s entry.', resolve: (p) => [...p.mapPath] }),
  }),
});

const KeyLogKeyProofRef = builder.objectRef<KeyProofResult>('KeyLogKeyProof').implement({
  description: "A user's current key under one signed head: its leaf's inclusion, that it is the newest for the name, and the consistency from the head the client knew.",
  fields: (t) => ({
    treeHead: t.field({ type: KeyLogTreeHeadRef, resolve: (p) => p.treeHead }),
    inclusion: t.field({ type: KeyLogInclusionProofRef, resolve: (p) => p.inclusion }),
    lookup: t.field({ type: KeyLogLookupRef, resolve: (p) => p.lookup }),
    newest: t.field({ type: KeyLogNewestProofRef, resolve: (p) => p.newest }),
    consistency: t.field({
      type: KeyLogConsistencyProofRef,
      nullable: true,
      description: 'null when knownTreeSize was not given or is larger than the head (the client then sees a rollback).',
      resolve: (p) => p.consistency,
    }),
  }),
});

const MIN_COSIGNATURES =
  'k > 0: the newest head at least k of the witnesses this server is configured with co-signed, instead of the newest head (BAD_INPUT above their number; UNAVAILABLE, retryable, while none is).';

builder.queryField('keyLogTreeHead', (t) =>
  t.field({
    type: KeyLogTreeHeadRef,
    description: 'The newest signed tree head of the key log; its checkpoint carries the witnesses\' co-signatures of that size.',
    args: { minCosignatures: t.arg.int({ required: false, description: MIN_COSIGNATURES }) },
    resolve: (_root, args, ctx) => limited(ctx, (services) => services.keyLog.treeHead(args.minCosignatures ?? 0)),
  }),
);

builder.mutationField('submitKeyLogCosignature', (t) =>
  t.string({
    description:
      "A witness's cosignature/v1 (c2sp.org/tlog-cosignature) of this log's checkpoint of treeSize leaves, as the note signature line it appends (\"— name base64\"). No token: FORBIDDEN unless the line is from a witness this server is configured with (PEERLOCK_WITNESSES), BAD_INPUT (field) unless it verifies over the server's own checkpoint of that size or when the witness co-signed a larger size before. Returns the witness's name.",
    args: { treeSize: t.arg.int(), cosignature: t.arg.string() },
    resolve: (_root, args, ctx) =>
      limited(ctx, (services) => services.witnessCosignatures.submit(args.treeSize, args.cosignature, { actor: 'witness', correlationId: ctx.requestId, now: services.now() })),
  }),
);

builder.queryField('keyLogInclusionProof', (t) =>
  t.field({
    type: KeyLogInclusionProofRef,
    description: 'Inclusion of leaf leafIndex in the tree of treeSize leaves. BAD_INPUT (field) for a size the log has not reached or an index outside it.',
    args: { leafIndex: t.arg.int(), treeSize: t.arg.int() },
    resolve: (_root, args, ctx) => limited(ctx, (services) => services.keyLog.inclusionProof(args.leafIndex, args.treeSize)),
  }),
);

builder.queryField('keyLogConsistencyProof', (t) =>
  t.field({
    type: KeyLogConsistencyProofRef,
    description: 'Consistency from fromSize to toSize leaves. BAD_INPUT (field) unless 0 ≤ fromSize ≤ toSize ≤ the current size.',
    args: { fromSize: t.arg.int(), toSize: t.arg.int() },
    resolve: (_root, args, ctx) => limited(ctx, (services) => services.keyLog.consistencyProof(args.fromSize, args.toSize)),
  }),
);

builder.queryField('keyLogKeyProof', (t) =>
  t.field({
    type: KeyLogKeyProofRef,
    description:
      "The user's current key's leaf under the newest head (with minCosignatures k > 0: the newest head k witnesses co-signed; UNAVAILABLE, retryable, while the key is newer than that), with the consistency proof from knownTreeSize. NOT_FOUND for an unknown user.",
    args: { username: t.arg.string(), knownTreeSize: t.arg.int({ required: false }), minCosignatures: t.arg.int({ required: false, description: MIN_COSIGNATURES }) },
    resolve: (_root, args, ctx) => limited(ctx, (services) => services.keyLog.keyProof(canonicalUsername(args.username), args.knownTreeSize ?? null, args.minCosignatures ?? 0)),
  }),
);
