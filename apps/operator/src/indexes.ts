// Informer indexes shared by the controller groups: one shared cache per kind means one meaning
// (and one function) per index name.
import type { CapiIPAddress, IPAddressClaim, IPClaim, IPPool, Metal3IPAddress } from '@stableip/ipam-core';

/** Index names on the informer stores. */
export const Indexes = {
  /** IPClaim / IPAddressClaim → "namespace/pool". */
  pool: 'pool',
  /** IPClaim / IPAddressClaim that may need work (no address yet, or being deleted) → "namespace/pool". */
  pendingPool: 'pendingPool',
  /** Metal3 / CAPI IPAddress → "namespace/pool". */
  addressPool: 'addressPool',
  /** IPPool → "namespace/clusterName". */
  cluster: 'cluster',
} as const;

export function claimPoolKey(claim: IPClaim): string | undefined {
  const pool = claim.spec?.pool?.name;
  return pool ? `${claim.metadata.namespace}/${pool}` : undefined;
}

export function capiClaimPoolKey(claim: IPAddressClaim): string | undefined {
  const pool = claim.spec?.poolRef?.name;
  return pool ? `${claim.metadata.namespace}/${pool}` : undefined;
}

const keys = (key: string | undefined): string[] => (key ? [key] : []);

/** The index functions, shared by every controller that reads these kinds. */
export const IndexFunctions = {
  claimPool: (claim: IPClaim) => keys(claimPoolKey(claim)),
  capiClaimPool: (claim: IPAddressClaim) => keys(capiClaimPoolKey(claim)),
  pendingClaimPool: (claim: IPClaim) =>
    claim.metadata.deletionTimestamp || !claim.status?.address?.name ? keys(claimPoolKey(claim)) : [],
  pendingCapiClaimPool: (claim: IPAddressClaim) =>
    claim.metadata.deletionTimestamp || !claim.status?.addressRef?.name ? keys(capiClaimPoolKey(claim)) : [],
  addressPool: (address: Metal3IPAddress) =>
    address.spec?.pool?.name ? [`${address.metadata.namespace}/${address.spec.pool.name}`] : [],
  capiAddressPool: (address: CapiIPAddress) =>
    address.spec?.poolRef?.name ? [`${address.metadata.namespace}/${address.spec.poolRef.name}`] : [],
  poolCluster: (pool: IPPool) =>
    pool.spec?.clusterName ? [`${pool.metadata.namespace ?? ''}/${pool.spec.clusterName}`] : [],
};
