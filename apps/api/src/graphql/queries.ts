// Query fields: current state, history, the stability report and audit chain status.
import { ApiError } from '../errors';
import { stabilityReport, type StabilityEntry, type StabilityReport } from '../read-model/stability';
import { requireRole } from './auth';
import { builder } from './builder';
import { idKey, keysetConnection, validFromKey } from './pagination';
import { primeHosts } from './types';
import {
  AssignmentRef,
  AuditEventRef,
  ChainVerificationRef,
  ClaimRef,
  ClusterRef,
  HostRef,
  LabelInput,
  labelsFromInput,
  PoolRef,
} from './types';

builder.queryFields((t) => ({
  clusters: t.field({
    type: [ClusterRef],
    resolve: (_root, _args, ctx) => ctx.readModel.clusters(),
  }),
  cluster: t.field({
    type: ClusterRef,
    nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.clusterByName.load(args.name),
  }),
  pools: t.connection({
    type: PoolRef,
    args: { cluster: t.arg.string(), namespace: t.arg.string(), name: t.arg.string() },
    resolve: (_root, args, ctx) =>
      keysetConnection(args, ctx.limits, idKey, (page) => ctx.readModel.pools(args, page)),
  }),
  hosts: t.connection({
    type: HostRef,
    args: { cluster: t.arg.string(), namespace: t.arg.string(), labels: t.arg({ type: [LabelInput] }) },
    resolve: (_root, args, ctx) =>
      keysetConnection(args, ctx.limits, idKey, async (page) =>
        primeHosts(
          ctx,
          await ctx.readModel.hosts(
            { cluster: args.cluster, namespace: args.namespace, labels: labelsFromInput(args.labels) },
            page,
          ),
        ),
      ),
  }),
  host: t.field({
    type: HostRef,
    nullable: true,
    description:
      'A BareMetalHost by name; `namespace` may be omitted when the name is unique in the cluster.',
    args: {
      cluster: t.arg.string({ required: true }),
      name: t.arg.string({ required: true }),
      namespace: t.arg.string(),
    },
    resolve: async (_root, args, ctx) => {
      const hosts = await ctx.readModel.hostsByName(args.cluster, args.name, args.namespace ?? null);
      if (hosts.length > 1) {
        throw new ApiError(
          'BAD_USER_INPUT',
          `host "${args.name}" exists in several namespaces: give "namespace"`,
        );
      }
      const host = hosts[0] ?? null;
      if (host) ctx.loaders.hostById.prime(host.id, host);
      return host;
    },
  }),
  claims: t.connection({
    type: ClaimRef,
    description: 'Claims that hold an address now.',
    args: { cluster: t.arg.string(), pool: t.arg.string() },
    resolve: (_root, args, ctx) =>
      keysetConnection(args, ctx.limits, idKey, (page) => ctx.readModel.assignmentsAt(null, args, page)),
  }),
  addressHistory: t.connection({
    type: AssignmentRef,
    description: 'Who held the address, oldest first; optionally only intervals overlapping [from, to).',
    args: {
      address: t.arg.string({ required: true }),
      cluster: t.arg.string(),
      pool: t.arg.string(),
      from: t.arg({ type: 'DateTime' }),
      to: t.arg({ type: 'DateTime' }),
    },
    resolve: (_root, args, ctx) =>
      keysetConnection(args, ctx.limits, validFromKey, (page) =>
        ctx.readModel.addressHistory(args.address, args, page),
      ),
  }),
  stateAsOf: t.connection({
    type: AssignmentRef,
    description: 'The assignments in force at instant `at` (validFrom <= at < validTo).',
    args: { at: t.arg({ type: 'DateTime', required: true }), cluster: t.arg.string(), pool: t.arg.string() },
    resolve: (_root, args, ctx) =>
      keysetConnection(args, ctx.limits, idKey, (page) => ctx.readModel.assignmentsAt(args.at, args, page)),
  }),
  changesSince: t.field({
    type: ChangePageRef,
    description: 'Audit events committed after `cursor` (poll-friendly; pass nextCursor back).',
    args: {
      cursor: t.arg.string({
        description: 'nextCursor of the previous page; omit to start at the beginning.',
      }),
      cluster: t.arg.string(),
      limit: t.arg.int({ description: 'Events per page (default 100, at most the max page size).' }),
    },
    resolve: async (_root, args, ctx) => {
      const cursor = args.cursor ?? '0';
      if (!/^\d{1,19}$/.test(cursor)) throw new ApiError('BAD_USER_INPUT', `"${cursor}" is not a cursor`);
      const limit = args.limit ?? ctx.limits.defaultPageSize;
      if (limit < 1 || limit > ctx.limits.maxPageSize) {
        throw new ApiError('BAD_USER_INPUT', `"limit" must be between 1 and ${ctx.limits.maxPageSize}`);
      }
      const rows = await ctx.readModel.eventsSince(cursor, args.cluster ?? null, limit + 1);
      const events = rows.slice(0, limit);
      return { events, nextCursor: events.at(-1)?.id ?? cursor, hasMore: rows.length > limit };
    },
  }),
  stabilityReport: t.field({
    type: StabilityReportRef,
    description:
      'What happened to every host address of a cluster between `from` and `to` (e.g. an upgrade).',
    args: {
      cluster: t.arg.string({ required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
    },
    resolve: async (_root, args, ctx) => {
      if (args.to.getTime() < args.from.getTime())
        throw new ApiError('BAD_USER_INPUT', '"to" is before "from"');
      const cluster = await ctx.loaders.clusterByName.load(args.cluster);
      if (cluster === null) throw new ApiError('NOT_FOUND', `unknown cluster "${args.cluster}"`);
      return stabilityReport(
        await ctx.readModel.stability(cluster.id, args.from, args.to),
        args.from,
        args.to,
      );
    },
  }),
  auditChain: t.field({
    type: ChainVerificationRef,
    description: 'Recomputes the hash chain (admin: it reads every event).',
    args: { cluster: t.arg.string() },
    resolve: async (_root, args, ctx) => {
      requireRole(ctx, 'admin');
      if (args.cluster && (await ctx.loaders.clusterByName.load(args.cluster)) === null) {
        throw new ApiError('NOT_FOUND', `unknown cluster "${args.cluster}"`);
      }
      return ctx.verifyChain(args.cluster ?? undefined);
    },
  }),
}));

const ChangePageRef = builder
  .objectRef<{
    events: import('../read-model/rows').EventRow[];
    nextCursor: string;
    hasMore: boolean;
  }>('ChangePage')
  .implement({
    fields: (t) => ({
      events: t.field({ type: [AuditEventRef], resolve: (page) => page.events }),
      nextCursor: t.exposeString('nextCursor'),
      hasMore: t.exposeBoolean('hasMore'),
    }),
  });

const OutcomeEnum = builder.enumType('StabilityOutcome', {
  values: {
    KEPT: { value: 'kept', description: 'Same address before and after.' },
    CHANGED: { value: 'changed', description: 'A different address after.' },
    NEW: { value: 'new', description: 'No address before (a host or pool added in the window).' },
    GONE: { value: 'gone', description: 'No address after.' },
  } as const,
});

const StabilityEntryRef = builder.objectRef<StabilityEntry>('StabilityEntry').implement({
  fields: (t) => ({
    host: t.field({
      type: HostRef,
      resolve: async (entry, _args, ctx) => (await ctx.loaders.hostById.load(entry.hostId))!,
    }),
    pool: t.field({
      type: PoolRef,
      resolve: async (entry, _args, ctx) => (await ctx.loaders.poolById.load(entry.poolId))!,
    }),
    outcome: t.field({ type: OutcomeEnum, resolve: (entry) => entry.outcome }),
    addressBefore: t.string({ nullable: true, resolve: (entry) => entry.before?.address ?? null }),
    addressAfter: t.string({ nullable: true, resolve: (entry) => entry.after?.address ?? null }),
    before: t.field({ type: AssignmentRef, nullable: true, resolve: (entry) => entry.before }),
    after: t.field({ type: AssignmentRef, nullable: true, resolve: (entry) => entry.after }),
    preallocated: t.exposeBoolean('preallocated'),
    intervalsInWindow: t.exposeInt('intervalsInWindow', {
      description:
        'Intervals that started in the window; > 0 on a KEPT entry means it was re-allocated the same address.',
    }),
  }),
});

const StabilityTotalsRef = builder.objectRef<StabilityReport['totals']>('StabilityTotals').implement({
  fields: (t) => ({
    entries: t.exposeInt('entries', { description: 'Host × pool pairs.' }),
    hosts: t.exposeInt('hosts'),
    kept: t.exposeInt('kept'),
    changed: t.exposeInt('changed'),
    new: t.exposeInt('new'),
    gone: t.exposeInt('gone'),
    preallocated: t.exposeInt('preallocated'),
    reallocatedKept: t.exposeInt('reallocatedKept'),
  }),
});

const StabilityReportRef = builder.objectRef<StabilityReport>('StabilityReport').implement({
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    stable: t.exposeBoolean('stable', { description: 'No address changed or disappeared.' }),
    totals: t.field({ type: StabilityTotalsRef, resolve: (report) => report.totals }),
    entries: t.connection({
      type: StabilityEntryRef,
      args: { outcomes: t.arg({ type: [OutcomeEnum], description: 'Only these outcomes.' }) },
      resolve: (report, args, ctx) =>
        keysetConnection<StabilityEntry>(
          args,
          ctx.limits,
          (entry) => [entry.hostId, entry.poolId],
          async (page) => pageInMemory(report.entries, args.outcomes ?? null, page),
        ),
    }),
  }),
});

/** Keyset paging over the computed entries (sorted by host id, pool id). */
function pageInMemory(
  entries: readonly StabilityEntry[],
  outcomes: readonly string[] | null,
  page: import('../read-model/keyset').PageArgs,
): StabilityEntry[] {
  const decode = (cursor: string | null | undefined) =>
    cursor ? (JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [number, number]) : null;
  let after: [number, number] | null;
  let before: [number, number] | null;
  try {
    after = decode(page.after);
    before = decode(page.before);
  } catch {
    throw new ApiError('BAD_USER_INPUT', 'invalid cursor');
  }
  const cmp = (entry: StabilityEntry, key: [number, number]) =>
    entry.hostId - key[0] || entry.poolId - key[1];
  const selected = entries.filter(
    (entry) =>
      (outcomes === null || outcomes.includes(entry.outcome)) &&
      (after === null || cmp(entry, after) > 0) &&
      (before === null || cmp(entry, before) < 0),
  );
  return page.inverted ? selected.reverse().slice(0, page.limit) : selected.slice(0, page.limit);
}
