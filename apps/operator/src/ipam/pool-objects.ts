// What one pool reconcile reads: the pool's objects from the shared informer caches, with the
// operator's own writes that the caches do not show yet laid over them (the applier's RecentWrites).
import type {
  CapiIPAddress,
  Cluster,
  IPAddressClaim,
  IPClaim,
  IPPool,
  KubeObject,
  Metal3IPAddress,
} from '@stableip/ipam-core';
import type { Applier, Store } from '@stableip/kube-runtime';
import { Indexes } from '../indexes';
import type { WrittenKind } from '../resources';

export interface IpamCaches {
  pools: Store<IPPool>;
  claims: Store<IPClaim>;
  addresses: Store<Metal3IPAddress>;
  /** Absent while the Cluster API IPAM CRDs are not installed. */
  capiClaims?: () => Store<IPAddressClaim> | undefined;
  capiAddresses?: () => Store<CapiIPAddress> | undefined;
  clusters?: () => Store<Cluster> | undefined;
}

export interface PoolObjects {
  /** Claims that may need work, as the planner should see them (sticky errors cleared). */
  ipClaims: IPClaim[];
  ipAddressClaims: IPAddressClaim[];
  metal3Addresses: Metal3IPAddress[];
  capiAddresses: CapiIPAddress[];
  cluster: Cluster | undefined;
  /** Other pools of the namespace with the same namePrefix. */
  samePrefixPools: string[];
  /** The objects as read, by kind and name: what the writes are computed against. */
  originals: Map<string, KubeObject>;
}

export class PoolObjectsReader {
  constructor(
    private readonly caches: IpamCaches,
    private readonly applier: Applier<WrittenKind>,
  ) {}

  pool(namespace: string, name: string): IPPool | undefined {
    return this.applier.recent.IPPool.resolve(
      namespace,
      name,
      this.caches.pools.get(`${namespace}/${name}`),
    ) as IPPool | undefined;
  }

  /** The pool's IPAddress objects of both kinds. */
  addresses(namespace: string, name: string): { metal3: Metal3IPAddress[]; capi: CapiIPAddress[] } {
    const { caches } = this;
    const { recent } = this.applier;
    const key = `${namespace}/${name}`;
    const metal3 = recent.Metal3IPAddress.overlay(
      namespace,
      caches.addresses.byIndex(Indexes.addressPool, key),
      (a) => (a as Metal3IPAddress).spec?.pool?.name === name,
    ) as Metal3IPAddress[];
    const capiStore = caches.capiAddresses?.();
    const capi = capiStore
      ? (recent.CapiIPAddress.overlay(
          namespace,
          capiStore.byIndex(Indexes.addressPool, key),
          (a) => (a as CapiIPAddress).spec?.poolRef?.name === name,
        ) as CapiIPAddress[])
      : [];
    return { metal3, capi };
  }

  /** An IPAddress of the namespace by name, whatever its pool. */
  findAddress(kind: 'Metal3IPAddress' | 'CapiIPAddress', namespace: string, name: string) {
    const key = `${namespace}/${name}`;
    if (kind === 'Metal3IPAddress')
      return this.applier.recent.Metal3IPAddress.resolve(namespace, name, this.caches.addresses.get(key)) as
        | Metal3IPAddress
        | undefined;
    return this.applier.recent.CapiIPAddress.resolve(
      namespace,
      name,
      this.caches.capiAddresses?.()?.get(key),
    ) as CapiIPAddress | undefined;
  }

  /** The claims of the pool that may need work, their Cluster and the pool's neighbours. */
  read(pool: IPPool): Omit<PoolObjects, 'metal3Addresses' | 'capiAddresses'> {
    const { caches } = this;
    const { recent } = this.applier;
    const namespace = pool.metadata.namespace ?? '';
    const name = pool.metadata.name ?? '';
    const key = `${namespace}/${name}`;
    const originals = new Map<string, KubeObject>();
    originals.set(`IPPool/${namespace}/${name}`, pool);
    const pending = <T extends KubeObject>(kind: 'IPClaim' | 'IPAddressClaim', cached: T[]): T[] => {
      const claims: T[] = [];
      for (const claim of cached) {
        const current = recent[kind].resolve(namespace, claim.metadata.name ?? '', claim as never) as
          | T
          | undefined;
        if (!current) continue;
        originals.set(`${kind}/${namespace}/${current.metadata.name}`, current);
        claims.push(current);
      }
      return claims;
    };
    const ipClaims = pending('IPClaim', caches.claims.byIndex(Indexes.pendingPool, key)).map(
      retryableIPClaim,
    );
    const capiStore = caches.capiClaims?.();
    const ipAddressClaims = capiStore
      ? pending('IPAddressClaim', capiStore.byIndex(Indexes.pendingPool, key)).map(retryableCapiClaim)
      : [];
    const clusterName = pool.spec.clusterName;
    const cluster = clusterName ? caches.clusters?.()?.get(`${namespace}/${clusterName}`) : undefined;
    const prefix = pool.spec.namePrefix ?? '';
    const samePrefixPools = caches.pools
      .byIndex('namespace', namespace)
      .filter(
        (other) =>
          other.metadata.name !== name &&
          other.spec?.namePrefix === prefix &&
          !other.metadata.deletionTimestamp,
      )
      .map((other) => other.metadata.name ?? '')
      .sort();
    return { ipClaims, ipAddressClaims, cluster, samePrefixPools, originals };
  }
}

/**
 * ip-address-manager never retries a claim whose status carries an error. The planner is handed
 * the claim without its error, so it is retried on every reconcile of its pool (which runs when
 * claims are released, the pool changes, or on resync). When it fails again the planner writes the
 * same error back, the diff against the real object is empty, and nothing is written: no loop.
 */
export function retryableIPClaim(claim: IPClaim): IPClaim {
  if (claim.status?.errorMessage === undefined || claim.metadata.deletionTimestamp) return claim;
  const { errorMessage: _dropped, ...status } = claim.status;
  return { ...claim, status };
}

const FAILURE_REASONS = new Set(['AllocationFailed', 'PoolExhausted']);

export function retryableCapiClaim(claim: IPAddressClaim): IPAddressClaim {
  const conditions = claim.status?.conditions;
  if (!conditions?.length || claim.metadata.deletionTimestamp) return claim;
  if (!FAILURE_REASONS.has(conditions[0]?.reason ?? '')) return claim;
  return {
    ...claim,
    status: { ...claim.status, conditions: conditions.filter((c) => !FAILURE_REASONS.has(c.reason ?? '')) },
  };
}
