// Current-state tables derived from the change log: hosts, pools and assignment intervals.
import { AuditStoreError } from '../errors';
import { Prisma } from '../generated/prisma/client.js';
import type { Assignment, Host, Pool } from '../generated/prisma/client.js';
import { assertPrefix, canonicalOptional, normalizeRanges, storedAddress } from './addresses';
import { lockCluster } from './events';
import type { TransactionClient } from './tx';
import {
  ASSIGNMENT_SOURCES,
  type AddressInput,
  type AssignmentChange,
  type AssignmentChangeResult,
  type AssignmentRecord,
  type AssignmentSource,
  type ClaimKind,
  type HostInput,
  type HostRecord,
  type JsonValue,
  type ObjectName,
  type OpenAssignmentInput,
  type PoolInput,
  type PoolRange,
  type PoolRecord,
  type PoolRef,
} from './types';

const DEFAULT_POOL_KIND = 'IPPool';
const DEFAULT_POOL_API_GROUP = 'ipam.metal3.io';

type AssignmentRow = Assignment & { cluster: { name: string }; pool: Pool; host: Host | null };
export const assignmentInclude = { cluster: true, pool: true, host: true } as const;

export function toAssignmentRecord(row: AssignmentRow): AssignmentRecord {
  return {
    id: row.id.toString(),
    cluster: row.cluster.name,
    pool: { namespace: row.pool.namespace, name: row.pool.name, kind: row.pool.kind },
    host: row.host ? { namespace: row.host.namespace, name: row.host.name } : null,
    claim: { namespace: row.namespace, name: row.claimName, kind: row.claimKind as ClaimKind },
    addressName: row.addressName,
    address: row.address,
    addressValue: row.addressValue.toFixed(0),
    prefix: row.prefix,
    gateway: row.gateway,
    family: row.family as 4 | 6,
    source: row.source as AssignmentSource,
    validFrom: row.validFrom,
    validTo: row.validTo,
    openedByEventId: row.openedByEventId?.toString() ?? null,
    closedByEventId: row.closedByEventId?.toString() ?? null,
  };
}

function toHostRecord(row: Host, cluster: string): HostRecord {
  return {
    id: row.id,
    cluster,
    namespace: row.namespace,
    name: row.name,
    uid: row.uid,
    labels: row.labels as Record<string, string>,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    deletedAt: row.deletedAt,
  };
}

function toPoolRecord(row: Pool, cluster: string): PoolRecord {
  return {
    id: row.id,
    cluster,
    namespace: row.namespace,
    name: row.name,
    kind: row.kind,
    apiGroup: row.apiGroup,
    uid: row.uid,
    spec: row.spec as JsonValue,
    ranges: row.ranges as unknown as PoolRange[],
    capacityTotal: row.capacityTotal.toFixed(0),
    capacityUsed: row.capacityUsed.toFixed(0),
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    deletedAt: row.deletedAt,
  };
}

function eventIdOf(eventId: string | null | undefined): bigint | null {
  if (eventId === null || eventId === undefined) return null;
  if (!/^\d+$/.test(eventId))
    throw new AuditStoreError('INVALID_ARGUMENT', `event id "${eventId}" is not an id`);
  return BigInt(eventId);
}

export async function upsertHostIn(tx: TransactionClient, input: HostInput): Promise<HostRecord> {
  const cluster = await lockCluster(tx, input.cluster);
  const state = {
    lastSeenAt: input.observedAt,
    deletedAt: input.deleted ? input.observedAt : null,
    ...(input.uid !== undefined ? { uid: input.uid } : {}),
    ...(input.labels !== undefined ? { labels: input.labels } : {}),
  };
  const row = await tx.host.upsert({
    where: { hostKey: { clusterId: cluster.id, namespace: input.namespace, name: input.name } },
    create: {
      clusterId: cluster.id,
      namespace: input.namespace,
      name: input.name,
      firstSeenAt: input.observedAt,
      ...state,
    },
    update: state,
  });
  return toHostRecord(row, cluster.name);
}

/** The host row, created as a placeholder (seen now, no labels) when the BMH was not recorded yet. */
async function hostIdFor(
  tx: TransactionClient,
  clusterId: number,
  host: ObjectName,
  at: Date,
): Promise<number> {
  const row = await tx.host.upsert({
    where: { hostKey: { clusterId, namespace: host.namespace, name: host.name } },
    create: { clusterId, namespace: host.namespace, name: host.name, firstSeenAt: at, lastSeenAt: at },
    update: {},
  });
  return row.id;
}

function poolKind(pool: PoolRef): string {
  return pool.kind ?? DEFAULT_POOL_KIND;
}

async function poolIdFor(tx: TransactionClient, clusterId: number, pool: PoolRef, at: Date): Promise<number> {
  const row = await tx.pool.upsert({
    where: { poolKey: { clusterId, namespace: pool.namespace, kind: poolKind(pool), name: pool.name } },
    create: {
      clusterId,
      namespace: pool.namespace,
      name: pool.name,
      kind: poolKind(pool),
      firstSeenAt: at,
      lastSeenAt: at,
    },
    update: {},
  });
  return row.id;
}

async function refreshCapacityUsed(tx: TransactionClient, poolId: number): Promise<void> {
  const used = await tx.assignment.count({ where: { poolId, validTo: null } });
  await tx.pool.update({ where: { id: poolId }, data: { capacityUsed: used } });
}

export async function upsertPoolIn(tx: TransactionClient, input: PoolInput): Promise<PoolRecord> {
  const cluster = await lockCluster(tx, input.cluster);
  const normalized = input.ranges ? normalizeRanges(input.ranges) : undefined;
  const state = {
    lastSeenAt: input.observedAt,
    deletedAt: input.deleted ? input.observedAt : null,
    ...(input.apiGroup !== undefined ? { apiGroup: input.apiGroup } : {}),
    ...(input.uid !== undefined ? { uid: input.uid } : {}),
    ...(input.spec !== undefined ? { spec: (input.spec ?? {}) as Prisma.InputJsonValue } : {}),
    ...(normalized
      ? {
          ranges: normalized.ranges as unknown as Prisma.InputJsonValue,
          capacityTotal: normalized.total.toString(),
        }
      : {}),
  };
  const kind = poolKind(input);
  const row = await tx.pool.upsert({
    where: { poolKey: { clusterId: cluster.id, namespace: input.namespace, kind, name: input.name } },
    create: {
      clusterId: cluster.id,
      namespace: input.namespace,
      name: input.name,
      kind,
      apiGroup: input.apiGroup ?? DEFAULT_POOL_API_GROUP,
      firstSeenAt: input.observedAt,
      ...state,
    },
    update: state,
  });
  await refreshCapacityUsed(tx, row.id);
  const refreshed = await tx.pool.findUniqueOrThrow({ where: { id: row.id } });
  return toPoolRecord(refreshed, cluster.name);
}

interface PreparedAddress {
  address: string;
  value: string;
  family: 4 | 6;
  prefix: number;
  gateway: string | null;
  addressName: string | null;
}

function prepareAddress(input: AddressInput): PreparedAddress {
  const stored = storedAddress(input.address);
  assertPrefix(input.prefix, stored.family);
  return {
    address: stored.address,
    value: stored.value,
    family: stored.family,
    prefix: input.prefix,
    gateway: canonicalOptional(input.gateway, 'gateway'),
    addressName: input.addressName ?? null,
  };
}

function assertSource(source: string): asserts source is AssignmentSource {
  if (!(ASSIGNMENT_SOURCES as readonly string[]).includes(source)) {
    throw new AuditStoreError(
      'INVALID_ARGUMENT',
      `assignment source "${source}" is not one of ${ASSIGNMENT_SOURCES.join(', ')}`,
    );
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

async function insertAssignment(
  tx: TransactionClient,
  clusterId: number,
  poolId: number,
  hostId: number | null,
  input: Omit<OpenAssignmentInput, 'cluster' | 'pool' | 'host' | 'address'>,
  address: PreparedAddress,
): Promise<AssignmentRecord> {
  try {
    const row = await tx.assignment.create({
      data: {
        clusterId,
        poolId,
        hostId,
        namespace: input.claim.namespace,
        claimName: input.claim.name,
        claimKind: input.claim.kind,
        addressName: address.addressName,
        address: address.address,
        addressValue: address.value,
        prefix: address.prefix,
        gateway: address.gateway,
        family: address.family,
        source: input.source,
        validFrom: input.validFrom,
        openedByEventId: eventIdOf(input.eventId),
      },
      include: assignmentInclude,
    });
    return toAssignmentRecord(row);
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AuditStoreError(
        'ASSIGNMENT_CONFLICT',
        `address ${address.address} already has an open assignment in this pool`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** Opens an interval; fails with ASSIGNMENT_CONFLICT when the pool's address is held already. */
export async function openAssignmentIn(
  tx: TransactionClient,
  input: OpenAssignmentInput,
): Promise<AssignmentRecord> {
  assertSource(input.source);
  const address = prepareAddress(input.address);
  const cluster = await lockCluster(tx, input.cluster);
  const poolId = await poolIdFor(tx, cluster.id, input.pool, input.validFrom);
  const hostId = input.host ? await hostIdFor(tx, cluster.id, input.host, input.validFrom) : null;
  const record = await insertAssignment(tx, cluster.id, poolId, hostId, input, address);
  await refreshCapacityUsed(tx, poolId);
  return record;
}

async function closeRow(
  tx: TransactionClient,
  row: Assignment,
  at: Date,
  eventId: bigint | null,
): Promise<AssignmentRecord> {
  // An event older than the interval (out-of-order delivery) closes it as a zero-length interval.
  const validTo = at < row.validFrom ? row.validFrom : at;
  const closed = await tx.assignment.update({
    where: { id: row.id },
    data: { validTo, closedByEventId: eventId },
    include: assignmentInclude,
  });
  return toAssignmentRecord(closed);
}

/** Closes an open interval at `at`; returns null when it is unknown or already closed. */
export async function closeAssignmentIn(
  tx: TransactionClient,
  assignmentId: string,
  at: Date,
  eventId?: string | null,
): Promise<AssignmentRecord | null> {
  const id = eventIdOf(assignmentId);
  if (id === null) return null;
  const row = await tx.assignment.findUnique({ where: { id } });
  if (!row || row.validTo !== null) return null;
  await lockCluster(tx, (await tx.cluster.findUniqueOrThrow({ where: { id: row.clusterId } })).name);
  const closed = await closeRow(tx, row, at, eventIdOf(eventId));
  await refreshCapacityUsed(tx, row.poolId);
  return closed;
}

/**
 * Makes the intervals say "from `at` on, this claim holds `address` (or nothing)": closes the
 * claim's other open intervals in the pool, opens a new one unless the same address is already
 * open, and fills in the host of an open interval recorded before its BMH was known.
 */
export async function applyAssignmentChangeIn(
  tx: TransactionClient,
  change: AssignmentChange,
): Promise<AssignmentChangeResult> {
  assertSource(change.source);
  const address = change.address ? prepareAddress(change.address) : null;
  const eventId = eventIdOf(change.eventId);
  const cluster = await lockCluster(tx, change.cluster);
  const poolId = await poolIdFor(tx, cluster.id, change.pool, change.at);
  const hostId = change.host ? await hostIdFor(tx, cluster.id, change.host, change.at) : null;
  const open = await tx.assignment.findMany({
    where: {
      clusterId: cluster.id,
      poolId,
      namespace: change.claim.namespace,
      claimName: change.claim.name,
      claimKind: change.claim.kind,
      validTo: null,
    },
    orderBy: { validFrom: 'asc' },
  });

  let keep: Assignment | undefined;
  if (address) {
    keep = open.find(
      (row) =>
        row.addressValue.toFixed(0) === address.value &&
        row.prefix === address.prefix &&
        (row.hostId === null || hostId === null || row.hostId === hostId),
    );
  }
  const closed: AssignmentRecord[] = [];
  for (const row of open) {
    if (row !== keep) closed.push(await closeRow(tx, row, change.at, eventId));
  }

  let unchanged: AssignmentRecord | null = null;
  let opened: AssignmentRecord | null = null;
  if (keep) {
    const fills = {
      ...(keep.hostId === null && hostId !== null ? { hostId } : {}),
      ...(keep.addressName === null && address?.addressName ? { addressName: address.addressName } : {}),
      ...(keep.gateway === null && address?.gateway ? { gateway: address.gateway } : {}),
    };
    const row = await tx.assignment.update({
      where: { id: keep.id },
      data: fills,
      include: assignmentInclude,
    });
    unchanged = toAssignmentRecord(row);
  } else if (address) {
    opened = await insertAssignment(
      tx,
      cluster.id,
      poolId,
      hostId,
      { claim: change.claim, source: change.source, validFrom: change.at, eventId: change.eventId ?? null },
      address,
    );
  }
  await refreshCapacityUsed(tx, poolId);
  return { opened, closed, unchanged };
}
