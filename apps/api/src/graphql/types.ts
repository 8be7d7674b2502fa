// Object types: clusters, pools, hosts, assignments, claims and audit events.
import type { ClusterChainResult, BrokenLink, ChainVerification } from '@stableip/audit-store';
import { ApiError } from '../errors';
import type { AssignmentRow, ClusterRow, EventRow, HostRow, PoolRangeRow, PoolRow } from '../read-model/rows';
import { builder } from './builder';
import type { ApiContext } from './context';
import type { PreAllocationStatus } from './loaders';
import { idKey, keysetConnection, validFromKey } from './pagination';

export const ClusterRef = builder.objectRef<ClusterRow>('Cluster');
export const PoolRef = builder.objectRef<PoolRow>('Pool');
export const HostRef = builder.objectRef<HostRow>('Host');
export const AssignmentRef = builder.objectRef<AssignmentRow>('Assignment');
export const ClaimRef = builder.objectRef<AssignmentRow>('Claim');
export const AuditEventRef = builder.objectRef<EventRow>('AuditEvent');

export const FamilyEnum = builder.enumType('IPFamily', {
  values: { IPV4: { value: 4 }, IPV6: { value: 6 } } as const,
});

export const AssignmentSourceEnum = builder.enumType('AssignmentSource', {
  description: 'How the address was chosen.',
  values: {
    PREALLOCATED: {
      value: 'preallocated',
      description: 'A preAllocations entry of the pool for this claim.',
    },
    REQUESTED: { value: 'requested', description: 'The address the claim asked for.' },
    DYNAMIC: { value: 'dynamic', description: "The allocator's pick." },
  } as const,
});

export const ClaimKindEnum = builder.enumType('ClaimKind', {
  values: ['IPClaim', 'IPAddressClaim'] as const,
});

export const LabelInput = builder.inputType('LabelInput', {
  description: 'One label that must match exactly.',
  fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }),
});

/** Hosts loaded by a page are reused when nested fields ask for them by id. */
export function primeHosts(ctx: ApiContext, hosts: HostRow[]): HostRow[] {
  for (const host of hosts) ctx.loaders.hostById.prime(host.id, host);
  return hosts;
}

export function labelsFromInput(labels: readonly { key: string; value: string }[] | null | undefined) {
  if (!labels || labels.length === 0) return null;
  return Object.fromEntries(labels.map((label) => [label.key, label.value]));
}

const PoolRangeType = builder.objectRef<PoolRangeRow>('PoolRange').implement({
  fields: (t) => ({
    start: t.exposeString('start'),
    end: t.exposeString('end'),
    family: t.field({ type: FamilyEnum, resolve: (range) => range.family }),
    prefix: t.exposeInt('prefix', { nullable: true }),
    gateway: t.exposeString('gateway', { nullable: true }),
    size: t.exposeString('size', {
      description: 'Addresses in the range (decimal: IPv6 ranges exceed 2^53).',
    }),
  }),
});

const PreAllocationRef = builder.objectRef<PreAllocationStatus>('PreAllocation').implement({
  description: 'One `spec.preAllocations` entry of a pool and whether it is in effect.',
  fields: (t) => ({
    claimName: t.exposeString('claimName'),
    address: t.exposeString('address'),
    heldByClaim: t.exposeBoolean('heldByClaim', { description: 'The claim holds exactly this address now.' }),
    holder: t.field({
      type: AssignmentRef,
      nullable: true,
      description: 'The open assignment of the address (by this claim or another), if any.',
      resolve: (entry) => entry.holder,
    }),
    claimAssignment: t.field({
      type: AssignmentRef,
      nullable: true,
      description: 'What the claim holds now in this pool, if anything.',
      resolve: (entry) => entry.claimAssignment,
    }),
  }),
});

const CoverageRef = builder
  .objectRef<{
    entries: number;
    inEffect: number;
    used: number;
    preallocatedAssignments: number;
  }>('PreAllocationCoverage')
  .implement({
    fields: (t) => ({
      entries: t.exposeInt('entries', { description: 'preAllocations entries in the spec.' }),
      inEffect: t.exposeInt('inEffect', {
        description: 'Entries whose claim holds the preallocated address now.',
      }),
      used: t.exposeInt('used', { description: 'Open assignments of the pool.' }),
      ratio: t.float({
        description:
          'inEffect / used: the share of current holders pinned by a preAllocation (1 when unused).',
        resolve: (coverage) => (coverage.used === 0 ? 1 : coverage.inEffect / coverage.used),
      }),
    }),
  });

ClusterRef.implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    headSeq: t.exposeInt('headSeq', { description: 'Sequence number of the newest audit event.' }),
    headHash: t.exposeString('headHash', {
      description: 'Hash of the newest audit event (anchor it elsewhere).',
    }),
    pools: t.connection({
      type: PoolRef,
      resolve: (cluster, args, ctx) =>
        keysetConnection(args, ctx.limits, idKey, (page) =>
          ctx.readModel.pools({ cluster: cluster.name }, page),
        ),
    }),
    hosts: t.connection({
      type: HostRef,
      args: { namespace: t.arg.string(), labels: t.arg({ type: [LabelInput] }) },
      resolve: (cluster, args, ctx) =>
        keysetConnection(args, ctx.limits, idKey, async (page) =>
          primeHosts(
            ctx,
            await ctx.readModel.hosts(
              { cluster: cluster.name, namespace: args.namespace, labels: labelsFromInput(args.labels) },
              page,
            ),
          ),
        ),
    }),
  }),
});

PoolRef.implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    cluster: t.exposeString('cluster'),
    namespace: t.exposeString('namespace'),
    name: t.exposeString('name'),
    kind: t.exposeString('kind'),
    apiGroup: t.exposeString('apiGroup'),
    ranges: t.field({ type: [PoolRangeType], resolve: (pool) => pool.ranges }),
    capacity: t.exposeString('capacityTotal', { description: 'Addresses in all ranges (decimal).' }),
    used: t.int({
      description: 'Addresses held now (open assignments).',
      resolve: (pool, _args, ctx) => ctx.loaders.usedByPoolId.load(pool.id),
    }),
    usage: t.float({
      description: 'used / capacity (0 when the capacity is unknown).',
      resolve: async (pool, _args, ctx) => {
        const used = await ctx.loaders.usedByPoolId.load(pool.id);
        const capacity = Number(pool.capacityTotal);
        return capacity > 0 ? used / capacity : 0;
      },
    }),
    preAllocations: t.field({
      type: [PreAllocationRef],
      resolve: (pool, _args, ctx) => ctx.loaders.preAllocationsByPoolId.load(pool.id),
    }),
    preAllocationCoverage: t.field({
      type: CoverageRef,
      resolve: async (pool, _args, ctx) => {
        const [entries, used] = await Promise.all([
          ctx.loaders.preAllocationsByPoolId.load(pool.id),
          ctx.loaders.usedByPoolId.load(pool.id),
        ]);
        const inEffect = entries.filter((entry) => entry.heldByClaim).length;
        return { entries: entries.length, inEffect, used, preallocatedAssignments: inEffect };
      },
    }),
    spec: t.field({ type: 'JSON', resolve: (pool, _args, ctx) => ctx.loaders.poolSpecById.load(pool.id) }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
    assignments: t.connection({
      type: AssignmentRef,
      description: 'Open assignments of the pool (its claims and their addresses).',
      resolve: (pool, args, ctx) =>
        keysetConnection(args, ctx.limits, idKey, (page) =>
          ctx.readModel.assignmentsAt(null, { cluster: pool.cluster, pool: pool.name }, page),
        ),
    }),
  }),
});

HostRef.implement({
  description: 'A Metal3 BareMetalHost.',
  fields: (t) => ({
    id: t.exposeID('id'),
    cluster: t.exposeString('cluster'),
    namespace: t.exposeString('namespace'),
    name: t.exposeString('name'),
    uid: t.exposeString('uid', { nullable: true }),
    labels: t.field({ type: 'JSON', resolve: (host) => host.labels }),
    firstSeenAt: t.expose('firstSeenAt', { type: 'DateTime' }),
    lastSeenAt: t.expose('lastSeenAt', { type: 'DateTime' }),
    deletedAt: t.expose('deletedAt', { type: 'DateTime', nullable: true }),
    addresses: t.field({
      type: [AssignmentRef],
      description: 'The address the host holds now in each pool.',
      resolve: (host, _args, ctx) => ctx.loaders.currentAssignmentsByHostId.load(host.id),
    }),
    history: t.connection({
      type: AssignmentRef,
      description:
        'Every address the host held, oldest first; optionally only intervals overlapping [from, to).',
      args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
      resolve: (host, args, ctx) =>
        keysetConnection(args, ctx.limits, validFromKey, (page) =>
          ctx.readModel.hostHistory(host.id, { from: args.from, to: args.to }, page),
        ),
    }),
  }),
});

async function loadPool(id: number, loader: { load(id: number): Promise<PoolRow | null> }): Promise<PoolRow> {
  const pool = await loader.load(id);
  if (pool === null) throw new ApiError('NOT_FOUND', `pool ${id} is gone`);
  return pool;
}

AssignmentRef.implement({
  description: 'The interval [validFrom, validTo) during which a claim held an address of a pool.',
  fields: (t) => ({
    id: t.exposeID('id'),
    address: t.exposeString('address'),
    prefix: t.exposeInt('prefix'),
    gateway: t.exposeString('gateway', { nullable: true }),
    family: t.field({ type: FamilyEnum, resolve: (row) => row.family }),
    source: t.field({ type: AssignmentSourceEnum, resolve: (row) => row.source }),
    preallocated: t.boolean({ resolve: (row) => row.source === 'preallocated' }),
    validFrom: t.expose('validFrom', { type: 'DateTime' }),
    validTo: t.expose('validTo', { type: 'DateTime', nullable: true, description: 'Null while held.' }),
    current: t.boolean({ resolve: (row) => row.validTo === null }),
    addressName: t.exposeString('addressName', { nullable: true, description: 'The IPAddress object.' }),
    claim: t.field({ type: ClaimRef, resolve: (row) => row }),
    pool: t.field({
      type: PoolRef,
      resolve: (row, _args, ctx) => loadPool(row.poolId, ctx.loaders.poolById),
    }),
    host: t.field({
      type: HostRef,
      nullable: true,
      description: 'Null until the claim is resolved to a BareMetalHost.',
      resolve: (row, _args, ctx) => (row.hostId === null ? null : ctx.loaders.hostById.load(row.hostId)),
    }),
    openedByEventId: t.exposeID('openedByEventId', { nullable: true }),
    closedByEventId: t.exposeID('closedByEventId', { nullable: true }),
  }),
});

ClaimRef.implement({
  description: 'An IPClaim or IPAddressClaim and the address it holds.',
  fields: (t) => ({
    kind: t.field({ type: ClaimKindEnum, resolve: (row) => row.claimKind }),
    namespace: t.exposeString('namespace'),
    name: t.exposeString('claimName'),
    assignment: t.field({ type: AssignmentRef, resolve: (row) => row }),
  }),
});

export const EventActionEnum = builder.enumType('EventAction', {
  values: { CREATE: { value: 'create' }, UPDATE: { value: 'update' }, DELETE: { value: 'delete' } } as const,
});
export const EventSourceEnum = builder.enumType('EventSource', {
  values: { WATCH: { value: 'watch' }, RELIST: { value: 'relist' } } as const,
});

AuditEventRef.implement({
  description: 'One observed change of one Kubernetes object (the append-only, hash-chained log).',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Also the cursor of changesSince.' }),
    cluster: t.exposeString('cluster'),
    seq: t.exposeInt('seq'),
    namespace: t.exposeString('namespace'),
    kind: t.exposeString('kind'),
    apiGroup: t.exposeString('apiGroup'),
    name: t.exposeString('name'),
    uid: t.exposeString('uid'),
    resourceVersion: t.exposeString('resourceVersion'),
    action: t.field({ type: EventActionEnum, resolve: (row) => row.action }),
    source: t.field({ type: EventSourceEnum, resolve: (row) => row.source }),
    deletionObservedOnRelist: t.exposeBoolean('deletionObservedOnRelist'),
    observedAt: t.expose('observedAt', { type: 'DateTime' }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
    correlationId: t.exposeString('correlationId', { nullable: true }),
    before: t.field({ type: 'JSON', nullable: true, resolve: (row) => row.before }),
    after: t.field({ type: 'JSON', nullable: true, resolve: (row) => row.after }),
    hash: t.exposeString('hash'),
  }),
});

const BrokenLinkRef = builder.objectRef<BrokenLink>('BrokenLink').implement({
  fields: (t) => ({
    cluster: t.exposeString('cluster'),
    eventId: t.exposeID('eventId', { nullable: true }),
    seq: t.exposeInt('seq'),
    check: t.exposeString('check', { description: 'hash | prevHash | seq | head' }),
    expected: t.exposeString('expected'),
    actual: t.exposeString('actual'),
  }),
});

const ClusterChainRef = builder.objectRef<ClusterChainResult>('ClusterChainVerification').implement({
  fields: (t) => ({
    cluster: t.exposeString('cluster'),
    ok: t.exposeBoolean('ok'),
    eventsChecked: t.exposeInt('eventsChecked'),
    headSeq: t.exposeInt('headSeq'),
    headHash: t.exposeString('headHash'),
    brokenLink: t.field({ type: BrokenLinkRef, nullable: true, resolve: (row) => row.brokenLink }),
  }),
});

export const ChainVerificationRef = builder.objectRef<ChainVerification>('ChainVerification').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    eventsChecked: t.exposeInt('eventsChecked'),
    clusters: t.field({ type: [ClusterChainRef], resolve: (row) => row.clusters }),
    firstBrokenLink: t.field({ type: BrokenLinkRef, nullable: true, resolve: (row) => row.firstBrokenLink }),
  }),
});
