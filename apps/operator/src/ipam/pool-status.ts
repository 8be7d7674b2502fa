// stableip's additions to IPPool status (capacity counters and conditions), on top of what the
// planner computes (indexes), plus upstream's lastUpdated rules.
import { type Condition, type IPPool, type PoolCapacity } from '@stableip/ipam-core';
import { createMergePatch, jsonEqual } from '@stableip/kube-runtime';
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

/** status.capacity from the allocator's exact counts. */
export function poolCapacity(capacity: PoolCapacity): CapacityStatus {
  return clampCounters(capacity);
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

export interface PoolStatusInput {
  /** The pool as read (status to compare against). */
  read: IPPool;
  /** Claim name → address of the pool's IPAddress objects (status.indexes). */
  indexes: ReadonlyMap<string, string>;
  capacity: CapacityStatus;
  /** A claim deletion was processed in this reconcile (upstream bumps lastUpdated then too). */
  releasedClaims: boolean;
  conditions: Condition[];
  now: string;
}

/**
 * The merge patch of the pool's status (undefined when nothing changed). Indexes are patched key
 * by key, so a pool of 50,000 claims costs a lookup per claim, not a sorted copy of its status.
 */
export function poolStatusPatch(input: PoolStatusInput): Record<string, unknown> | undefined {
  const { read, now } = input;
  const previous = read.status ?? {};
  const patch: Record<string, unknown> = {};
  const indexes = indexesPatch(previous.indexes, input.indexes);
  if (indexes) patch['indexes'] = input.indexes.size === 0 ? null : indexes;
  if (!previous.lastUpdated) patch['lastUpdated'] = read.metadata.creationTimestamp ?? now;
  if (indexes || input.releasedClaims) patch['lastUpdated'] = now;
  const capacity = createMergePatch(
    previous['capacity'] as Record<string, unknown> | undefined,
    input.capacity as unknown as Record<string, unknown>,
  );
  if (capacity) patch['capacity'] = capacity;
  const previousConditions = previous['conditions'] as Condition[] | undefined;
  const owned = new Set(input.conditions.map((c) => c.type));
  // Conditions other controllers own (e.g. PreAllocationsCovered) are kept as read.
  const conditions = [
    ...withTransitionTimes(input.conditions, previousConditions, now),
    ...(previousConditions ?? []).filter((c) => !owned.has(c.type)),
  ];
  if (!jsonEqual(previousConditions, conditions)) patch['conditions'] = conditions;
  if (read.metadata.generation !== undefined && previous['observedGeneration'] !== read.metadata.generation)
    patch['observedGeneration'] = read.metadata.generation;
  return Object.keys(patch).length > 0 ? patch : undefined;
}

function indexesPatch(
  previous: Record<string, string> | undefined,
  wanted: ReadonlyMap<string, string>,
): Record<string, string | null> | undefined {
  const patch: Record<string, string | null> = {};
  let changed = false;
  for (const [claimName, address] of wanted) {
    if (previous?.[claimName] === address) continue;
    patch[claimName] = address;
    changed = true;
  }
  for (const claimName in previous) {
    if (wanted.has(claimName)) continue;
    patch[claimName] = null;
    changed = true;
  }
  return changed ? patch : undefined;
}
