// The audit store: one object over one pool, for the recorder (writes) and the API (reads).
import { verifyChain } from '../chain/verify';
import { createDatabaseClient, type PoolSettings, type PoolStats } from '../db/client';
import type { PrismaClient } from '../generated/prisma/client.js';
import {
  applyAssignmentChangeIn,
  closeAssignmentIn,
  openAssignmentIn,
  upsertHostIn,
  upsertPoolIn,
} from './current-state';
import { appendEventIn, appendEventsIn } from './events';
import {
  assignmentsForHost,
  currentAssignments,
  eventsSince,
  holdersOfAddress,
  stateAsOf,
  type AddressQuery,
  type EventsSinceQuery,
  type HostQuery,
} from './queries';
import { inTransaction, type TransactionClient } from './tx';
import type {
  AppendResult,
  AssignmentChange,
  AssignmentChangeResult,
  AssignmentFilter,
  AssignmentRecord,
  ChainVerification,
  EventPage,
  HostInput,
  HostRecord,
  NewEvent,
  OpenAssignmentInput,
  PoolInput,
  PoolRecord,
} from './types';

/** The writes, bound to one transaction: use `store.transaction()` to make several atomic. */
export interface AuditWriter {
  /** Idempotent on (cluster, uid, resourceVersion, action): a duplicate returns the stored event. */
  appendEvent(event: NewEvent): Promise<AppendResult>;
  /** Many events in one transaction (one lock and one insert per cluster); results in input order. */
  appendEvents(events: readonly NewEvent[]): Promise<AppendResult[]>;
  upsertHost(host: HostInput): Promise<HostRecord>;
  upsertPool(pool: PoolInput): Promise<PoolRecord>;
  openAssignment(input: OpenAssignmentInput): Promise<AssignmentRecord>;
  closeAssignment(assignmentId: string, at: Date, eventId?: string | null): Promise<AssignmentRecord | null>;
  applyAssignmentChange(change: AssignmentChange): Promise<AssignmentChangeResult>;
}

export interface AuditStore extends AuditWriter {
  /** Runs `work` in one transaction (all or nothing), e.g. an event plus the interval it changes. */
  transaction<T>(work: (writer: AuditWriter) => Promise<T>): Promise<T>;
  assignmentsForHost(query: HostQuery): Promise<AssignmentRecord[]>;
  holdersOfAddress(query: AddressQuery): Promise<AssignmentRecord[]>;
  stateAsOf(at: Date, filter?: AssignmentFilter): Promise<AssignmentRecord[]>;
  currentAssignments(filter?: AssignmentFilter): Promise<AssignmentRecord[]>;
  eventsSince(query?: EventsSinceQuery): Promise<EventPage>;
  verifyChain(cluster?: string): Promise<ChainVerification>;
  /** Connection pool gauges (for metrics). */
  poolStats(): PoolStats;
  /** The generated Prisma client, for reads this interface does not cover. */
  readonly prisma: PrismaClient;
  close(): Promise<void>;
}

export interface AuditStoreOptions {
  databaseUrl: string;
  pool?: Partial<PoolSettings>;
  /** Errors of idle pooled connections (a restarted server); the pool replaces the connection. */
  onPoolError?: (error: Error) => void;
}

function writerFor(tx: TransactionClient): AuditWriter {
  return {
    appendEvent: (event) => appendEventIn(tx, event),
    appendEvents: (events) => appendEventsIn(tx, events),
    upsertHost: (host) => upsertHostIn(tx, host),
    upsertPool: (pool) => upsertPoolIn(tx, pool),
    openAssignment: (input) => openAssignmentIn(tx, input),
    closeAssignment: (id, at, eventId) => closeAssignmentIn(tx, id, at, eventId),
    applyAssignmentChange: (change) => applyAssignmentChangeIn(tx, change),
  };
}

/**
 * Runs `work` once every earlier call naming any of the same keys has settled. Appends to one
 * cluster serialize on its row lock in the database anyway; queueing them here first keeps
 * waiting appends from each holding a pooled connection (which starves the pool under bursts).
 */
function keyedSerializer() {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(keys: readonly string[], work: () => Promise<T>): Promise<T> => {
    const unique = [...new Set(keys)];
    const previous = unique.map((key) => tails.get(key)).filter((tail) => tail !== undefined);
    const run = Promise.allSettled(previous).then(work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    for (const key of unique) tails.set(key, settled);
    void settled.then(() => {
      for (const key of unique) if (tails.get(key) === settled) tails.delete(key);
    });
    return run;
  };
}

/** Opens a pool and a Prisma client on `databaseUrl` (connections are made on first use). */
export function createAuditStore(options: AuditStoreOptions): AuditStore {
  const client = createDatabaseClient(options.databaseUrl, options.pool, options.onPoolError);
  const { prisma } = client;
  const inTx = <T>(work: (writer: AuditWriter) => Promise<T>): Promise<T> =>
    inTransaction(prisma, (tx) => work(writerFor(tx)));
  const serializeByCluster = keyedSerializer();
  return {
    prisma,
    transaction: inTx,
    appendEvent: (event) =>
      serializeByCluster([event.cluster], () => inTx((writer) => writer.appendEvent(event))),
    appendEvents: (events) =>
      serializeByCluster(
        events.map((event) => event.cluster),
        () => inTx((writer) => writer.appendEvents(events)),
      ),
    upsertHost: (host) => inTx((writer) => writer.upsertHost(host)),
    upsertPool: (pool) => inTx((writer) => writer.upsertPool(pool)),
    openAssignment: (input) => inTx((writer) => writer.openAssignment(input)),
    closeAssignment: (id, at, eventId) => inTx((writer) => writer.closeAssignment(id, at, eventId)),
    applyAssignmentChange: (change) => inTx((writer) => writer.applyAssignmentChange(change)),
    assignmentsForHost: (query) => assignmentsForHost(prisma, query),
    holdersOfAddress: (query) => holdersOfAddress(prisma, query),
    stateAsOf: (at, filter) => stateAsOf(prisma, at, filter),
    currentAssignments: (filter) => currentAssignments(prisma, filter),
    eventsSince: (query) => eventsSince(prisma, query),
    verifyChain: (cluster) => verifyChain(prisma, cluster),
    poolStats: () => client.stats(),
    close: () => client.close(),
  };
}

/**
 * `stableip audit verify`: checks the hash chain of one cluster (or all) on `databaseUrl` with a
 * short-lived single-connection store. See {@link ChainVerification} for the result's shape.
 */
export async function verifyAuditChain(options: {
  databaseUrl: string;
  cluster?: string;
}): Promise<ChainVerification> {
  const store = createAuditStore({ databaseUrl: options.databaseUrl, pool: { max: 1 } });
  try {
    return await store.verifyChain(options.cluster);
  } finally {
    await store.close();
  }
}
