// preAllocation coverage of the pools of a snapshot, after the plan: the state the controllers
// would leave (planned objects replace their originals, deleted ones are dropped).
import {
  hostsUsingPools,
  poolCoverage,
  type IPClaim,
  type IPPool,
  type KubeObject,
  type PlanResult,
  type PlanSnapshot,
  type PoolCoverage,
} from '@stableip/ipam-core';

const keyOf = (o: KubeObject) =>
  `${o.apiVersion}|${o.kind}|${o.metadata.namespace ?? 'default'}|${o.metadata.name}`;

/** `objects` with the plan's changes applied (changed replaced, created added, deleted removed). */
function afterPlan<T extends KubeObject>(
  objects: readonly T[] | undefined,
  kind: string,
  result: PlanResult,
): T[] {
  const byKey = new Map((objects ?? []).map((o) => [keyOf(o), o]));
  for (const item of result.items) if (item.kind === kind) byKey.set(keyOf(item), item as T);
  for (const gone of result.deleted) {
    if (gone.kind !== kind || gone.remainingFinalizers.length > 0) continue;
    byKey.delete(`${gone.apiVersion}|${gone.kind}|${gone.namespace}|${gone.name}`);
  }
  return [...byKey.values()];
}

export function coverageAfterPlan(snapshot: PlanSnapshot, result: PlanResult): PoolCoverage[] {
  const pools = afterPlan<IPPool>(snapshot.ipPools, 'IPPool', result);
  const claims = afterPlan<IPClaim>(snapshot.ipClaims, 'IPClaim', result);
  const bareMetalHosts = snapshot.bareMetalHosts ?? [];
  const users = hostsUsingPools({
    metal3Machines: snapshot.metal3Machines ?? [],
    templates: snapshot.metal3DataTemplates ?? [],
    bareMetalHosts,
  });
  return pools
    .map((pool) => {
      const users_ = users.get(`${pool.metadata.namespace ?? 'default'}/${pool.metadata.name}`);
      return poolCoverage({ pool, claims, bareMetalHosts, ...(users_ ? { hostsUsingPool: users_ } : {}) });
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.pool.localeCompare(b.pool));
}

export { afterPlan };
