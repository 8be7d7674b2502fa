// stableip's additions to IPPool status (capacity counters and conditions), on top of what the
// planner computes (indexes), plus upstream's lastUpdated rules.
import { PoolAllocator, type Condition, type IPPool, type IPPoolStatus } from '@stableip/ipam-core';
import { withTransitionTimes } from './diff';

/** Counters as written to status.capacity: JSON-safe integers, clamped for huge IPv6 ranges. */
export interface CapacityStatus {
  total: number;
  allocated: number;
  preallocated: number;
  free: number;
  clamped?: boolean;
}

const MAX_COUNTER = BigInt(Number.MAX_SAFE_INTEGER);

export function clampCounters(capacity: {
  total: bigint;
  allocated: bigint;
  preallocated: bigint;
  free: bigint;
}): CapacityStatus {
  let clamped = false;
  const clamp = (value: bigint): number => {
    if (value > MAX_COUNTER) {
      clamped = true;
      return Number.MAX_SAFE_INTEGER;
    }
    return Number(value < 0n ? 0n : value);
  };
  const status: CapacityStatus = {
    total: clamp(capacity.total),
    allocated: clamp(capacity.allocated),
    preallocated: clamp(capacity.preallocated),
    free: clamp(capacity.free),
  };
  if (clamped) status.clamped = true;
  return status;
}

/** Capacity of a pool holding `indexes` (claim → address), from ipam-core's allocator. */
export function poolCapacity(pool: IPPool, indexes: Record<string, string> | undefined): CapacityStatus {
  const allocator = new PoolAllocator(pool.spec, { deleting: Boolean(pool.metadata.deletionTimestamp) });
  for (const [claim, address] of Object.entries(indexes ?? {})) allocator.markInUse(address, claim);
  return clampCounters(allocator.capacity());
}

export const PoolConditions = {
  ready: 'Ready',
  namePrefixConflict: 'NamePrefixConflict',
} as const;

export const PoolReasons = {
  reconciled: 'Reconciled',
  paused: 'Paused',
  clusterNotFound: 'ClusterNotFound',
  namePrefixConflict: 'NamePrefixConflict',
  duplicateNamePrefix: 'DuplicateNamePrefix',
  addressNameTaken: 'AddressNameTaken',
  noConflict: 'NoConflict',
} as const;

export interface PoolHealth {
  paused: boolean;
  clusterMissing: string | undefined;
  /** Other pools of the namespace with the same namePrefix. */
  samePrefixPools: string[];
  /** IPAddress names our claims needed that another object already holds. */
  takenAddressNames: string[];
}

export function poolConditions(pool: IPPool, health: PoolHealth): Condition[] {
  const conflict: Condition =
    health.samePrefixPools.length > 0
      ? {
          type: PoolConditions.namePrefixConflict,
          status: 'True',
          reason: PoolReasons.duplicateNamePrefix,
          message: `namePrefix "${pool.spec.namePrefix}" is also used by IPPool ${health.samePrefixPools.join(', ')} in this namespace: IPAddress names collide when their ranges overlap`,
        }
      : health.takenAddressNames.length > 0
        ? {
            type: PoolConditions.namePrefixConflict,
            status: 'True',
            reason: PoolReasons.addressNameTaken,
            message: `IPAddress ${health.takenAddressNames.slice(0, 5).join(', ')} already exists for another pool or claim; claims needing it wait`,
          }
        : {
            type: PoolConditions.namePrefixConflict,
            status: 'False',
            reason: PoolReasons.noConflict,
            message: '',
          };
  let ready: Condition;
  if (health.clusterMissing !== undefined) {
    ready = {
      type: PoolConditions.ready,
      status: 'False',
      reason: PoolReasons.clusterNotFound,
      message: `Cluster ${health.clusterMissing} not found; claims are not served`,
    };
  } else if (health.paused) {
    ready = {
      type: PoolConditions.ready,
      status: 'False',
      reason: PoolReasons.paused,
      message: 'the pool or its Cluster is paused',
    };
  } else if (conflict.status === 'True') {
    ready = {
      type: PoolConditions.ready,
      status: 'False',
      reason: PoolReasons.namePrefixConflict,
      message: conflict.message ?? '',
    };
  } else {
    ready = { type: PoolConditions.ready, status: 'True', reason: PoolReasons.reconciled, message: '' };
  }
  return [ready, conflict];
}

export interface DesiredStatusInput {
  /** The pool as read (status to compare against). */
  read: IPPool;
  /** The planner's indexes for the pool. */
  indexes: Record<string, string> | undefined;
  /** A claim deletion was processed in this reconcile (upstream bumps lastUpdated then too). */
  releasedClaims: boolean;
  conditions: Condition[];
  now: string;
}

export function desiredPoolStatus(input: DesiredStatusInput): IPPoolStatus {
  const { read, indexes, now } = input;
  const previous = read.status ?? {};
  const status: IPPoolStatus = { ...previous };
  const indexesChanged =
    JSON.stringify(sortedRecord(previous.indexes)) !== JSON.stringify(sortedRecord(indexes));
  if (indexes && Object.keys(indexes).length > 0) status.indexes = sortedRecord(indexes);
  else delete status.indexes;
  if (!previous.lastUpdated) status.lastUpdated = read.metadata.creationTimestamp ?? now;
  if (indexesChanged || input.releasedClaims) status.lastUpdated = now;
  status['capacity'] = poolCapacity(read, indexes);
  status['conditions'] = withTransitionTimes(
    input.conditions,
    previous['conditions'] as Condition[] | undefined,
    now,
  );
  // Conditions other controllers own (e.g. PreAllocationsCovered, issue 6) are kept as read.
  const owned = new Set(input.conditions.map((c) => c.type));
  const foreign = ((previous['conditions'] as Condition[] | undefined) ?? []).filter(
    (c) => !owned.has(c.type),
  );
  if (foreign.length > 0) status['conditions'] = [...(status['conditions'] as Condition[]), ...foreign];
  if (read.metadata.generation !== undefined) status['observedGeneration'] = read.metadata.generation;
  return status;
}

function sortedRecord(record: Record<string, string> | undefined): Record<string, string> {
  const sorted: Record<string, string> = {};
  for (const key of Object.keys(record ?? {}).sort()) sorted[key] = record![key]!;
  return sorted;
}
