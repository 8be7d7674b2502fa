// Per-request DataLoaders: every nested field that needs a row by key goes through one of these,
// so a page of N hosts costs one statement per relation, not N (no N+1 SQL).
import DataLoader from 'dataloader';
import { parseIP } from '@stableip/ipam-core';
import type { ReadModel } from '../read-model/read-model';
import type { AssignmentRow, ClusterRow, HostRow, PoolRow } from '../read-model/rows';

export interface PreAllocationStatus {
  claimName: string;
  address: string;
  /** The claim holds this address now. */
  heldByClaim: boolean;
  /** Who holds the address now (the claim itself or another one), if anybody. */
  holder: AssignmentRow | null;
  /** What the claim holds now in this pool, if anything. */
  claimAssignment: AssignmentRow | null;
}

export interface Loaders {
  clusterByName: DataLoader<string, ClusterRow | null>;
  hostById: DataLoader<number, HostRow | null>;
  poolById: DataLoader<number, PoolRow | null>;
  currentAssignmentsByHostId: DataLoader<number, AssignmentRow[]>;
  usedByPoolId: DataLoader<number, number>;
  poolSpecById: DataLoader<number, unknown>;
  preAllocationsByPoolId: DataLoader<number, PreAllocationStatus[]>;
}

function byKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): (V | null)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

function groupByKey<K, V>(keys: readonly K[], rows: readonly V[], keyOf: (row: V) => K): V[][] {
  const map = new Map<K, V[]>(keys.map((key) => [key, []]));
  for (const row of rows) map.get(keyOf(row))?.push(row);
  return keys.map((key) => map.get(key) ?? []);
}

/** preAllocations of an IPPool spec: claim name → address (upstream `map[string]IPAddressStr`). */
export function preAllocationsOf(spec: unknown): [string, string][] {
  const entries = (spec as { preAllocations?: unknown } | null)?.preAllocations;
  if (entries === null || typeof entries !== 'object') return [];
  return Object.entries(entries as Record<string, unknown>)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export function createLoaders(model: ReadModel): Loaders {
  const poolById = new DataLoader<number, PoolRow | null>(async (ids) =>
    byKey(ids, await model.poolsById(ids), (row) => row.id),
  );
  const poolSpecById = new DataLoader<number, unknown>(async (ids) => {
    const specs = await model.poolSpecsById(ids);
    return ids.map((id) => specs.get(id) ?? null);
  });
  return {
    poolSpecById,
    clusterByName: new DataLoader(async (names) =>
      byKey(names, await model.clustersByName(names), (row) => row.name),
    ),
    hostById: new DataLoader(async (ids) => byKey(ids, await model.hostsById(ids), (row) => row.id)),
    poolById,
    currentAssignmentsByHostId: new DataLoader(async (ids) =>
      groupByKey(ids, await model.currentAssignmentsOfHosts(ids), (row) => row.hostId ?? -1),
    ),
    usedByPoolId: new DataLoader(async (ids) => {
      const used = await model.usedByPoolId(ids);
      return ids.map((id) => used.get(id) ?? 0);
    }),
    preAllocationsByPoolId: new DataLoader(async (ids) => {
      const specs = await poolSpecById.loadMany(ids);
      const wanted = specs.map((spec) => (spec instanceof Error ? [] : preAllocationsOf(spec)));
      const claimNames = [...new Set(wanted.flat().map(([claim]) => claim))];
      const values = [
        ...new Set(
          wanted
            .flat()
            .map(([, address]) => parseIP(address)?.value.toString())
            .filter((value): value is string => value !== undefined),
        ),
      ];
      if (claimNames.length === 0) return ids.map(() => []);
      const [byClaim, byAddress] = await Promise.all([
        model.openAssignmentsOfClaims(ids, claimNames),
        model.openAssignmentsOfAddresses(ids, values),
      ]);
      return ids.map((poolId, index) =>
        (wanted[index] ?? []).map(([claimName, address]): PreAllocationStatus => {
          const canonical = parseIP(address);
          const claimAssignment =
            byClaim.find((row) => row.poolId === poolId && row.claimName === claimName) ?? null;
          const holder =
            canonical === undefined
              ? null
              : (byAddress.find(
                  (row) => row.poolId === poolId && parseIP(row.address)?.value === canonical.value,
                ) ?? null);
          return {
            claimName,
            address,
            heldByClaim: holder !== null && holder.claimName === claimName,
            holder,
            claimAssignment,
          };
        }),
      );
    }),
  };
}
