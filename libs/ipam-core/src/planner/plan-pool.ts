// planPool(): the operator's entry point. One IPPool reconcile (the same pass plan() runs) over
// just the objects it needs: the pool, its Cluster, the claims that may need work and a ledger of
// the pool's addresses kept between reconciles. No admission checks, no CAPM3 pass, no copy of the
// settled claims: its cost follows the claims that changed, not the size of the pool.
import type {
  CapiIPAddress,
  Cluster,
  IPAddressClaim,
  IPClaim,
  IPPool,
  KubeObject,
  Metal3IPAddress,
} from '../api/types';
import { collectChanges, dedupe, objectKey } from './plan';
import type { AddressKind, PoolLedger } from './pool-ledger';
import { reconcilePool, type PoolMembers, type ReconcileContext } from './pool-pass';
import { type Entry, ObjectStore, namespaceOf } from './store';
import type { AllocationSourceName, ObjectKey, PlanResult, PlanWarning } from './types';

export interface PoolPlanInput {
  pool: IPPool;
  /** The pool's Cluster (spec.clusterName), when it exists. */
  cluster?: Cluster | undefined;
  /**
   * Claims of the pool that may need work: without an address, failed, or being deleted. Settled
   * claims may be included (they are skipped); claims left out are not touched.
   */
  ipClaims: readonly IPClaim[];
  ipAddressClaims: readonly IPAddressClaim[];
  /** The pool's addresses, synced by the caller with the IPAddress objects it reads. */
  ledger: PoolLedger;
  /** An IPAddress of the pool's namespace by name, whatever its pool (name locks, releases). */
  findAddress(kind: AddressKind, name: string): Metal3IPAddress | CapiIPAddress | undefined;
}

export interface PoolAllocationMade {
  claim: ObjectKey;
  address: string;
  /** Name of the IPAddress object to create. */
  addressName: string;
  source: AllocationSourceName;
}

export interface PoolPlan extends Pick<PlanResult, 'items' | 'deleted'> {
  warnings: PlanWarning[];
  /** Addresses this plan hands out (their IPAddress objects are among `items`). */
  allocations: PoolAllocationMade[];
}

export function planPool(input: PoolPlanInput): PoolPlan {
  const namespace = namespaceOf(input.pool);
  const store = new ObjectStore((kind, ns, name) => {
    if (ns !== namespace) return undefined;
    if (kind === 'Cluster') return input.cluster?.metadata.name === name ? input.cluster : undefined;
    if (kind === 'Metal3IPAddress' || kind === 'CapiIPAddress') return input.findAddress(kind, name);
    return undefined;
  });
  store.load('IPPool', input.pool);
  const load = <T extends KubeObject>(kind: 'IPClaim' | 'IPAddressClaim', claims: readonly T[]) => {
    const entries: Entry<T>[] = [];
    for (const claim of claims) {
      if (!store.load(kind, claim)) continue; // a duplicate: the first copy wins, as in plan()
      entries.push(store.get<T>(kind, namespaceOf(claim), claim.metadata.name ?? '')!);
    }
    return entries;
  };
  const members: PoolMembers = {
    ipClaims: load('IPClaim', input.ipClaims),
    ipAddressClaims: load('IPAddressClaim', input.ipAddressClaims),
    metal3Addresses: [],
    capiAddresses: [],
  };
  const warnings: PlanWarning[] = [];
  const sources = new Map<Entry, AllocationSourceName>();
  const context: ReconcileContext = {
    store,
    warn: (warning) => warnings.push(warning),
    sources,
    // The ledger's allocator carries the pool's random source.
    random: Math.random,
  };
  const pass = input.ledger.openPass();
  try {
    reconcilePool(
      context,
      store.get<IPPool>('IPPool', namespace, input.pool.metadata.name ?? '')!,
      members,
      pass.book,
    );
  } finally {
    pass.end();
  }
  const { items, deleted } = collectChanges(store);
  const allocations: PoolAllocationMade[] = [];
  for (const item of items) {
    if (
      item.kind !== 'IPAddress' ||
      store.get(addressKindOf(item), namespace, item.metadata.name ?? '')?.original
    )
      continue;
    const address = item as Metal3IPAddress | CapiIPAddress;
    const claimName = 'claim' in address.spec ? address.spec.claim.name : address.spec.claimRef.name;
    const claimKind = 'claim' in address.spec ? 'IPClaim' : 'IPAddressClaim';
    const claimEntry = store.get(claimKind, namespace, claimName ?? '');
    if (!claimEntry) continue;
    allocations.push({
      claim: objectKey(claimEntry.current),
      address: address.spec.address,
      addressName: address.metadata.name ?? '',
      source: sources.get(claimEntry) ?? 'dynamic',
    });
  }
  return { items, deleted, warnings: dedupe(warnings), allocations };
}

function addressKindOf(object: KubeObject): AddressKind {
  return object.apiVersion.startsWith('ipam.cluster.x-k8s.io/') ? 'CapiIPAddress' : 'Metal3IPAddress';
}
