// Wiring of the `ipam` controller group: informers from the manager's shared cache (with the
// indexes the reconciler reads), event → pool-key mapping, and one Controller whose queue key is
// the pool ("namespace/name"). The queue never hands one key to two workers, so allocations of a
// pool are serialized while different pools run in parallel (--ippool-concurrency workers).
import {
  Applier,
  Controller,
  type EventRecorder,
  type Informer,
  type InformerCache,
  type KubeClient,
  type KubeObject as RuntimeObject,
  type Logger,
  type MapFn,
  type ResourceClient,
  type WatchEvent,
} from '@stableip/kube-runtime';
import type { KubeObject } from '@stableip/ipam-core';
import type { Registry } from 'prom-client';
import {
  CapiIPAddressResource,
  ClusterResource,
  IPAddressClaimResource,
  IPClaimResource,
  IPPoolResource,
  Metal3IPAddressResource,
  type WrittenKind,
} from '../resources';
import { PoolReconciler } from './ippool-reconciler';
import { IpamMetrics } from './metrics';
import { capiClaimPoolKey, claimPoolKey, IndexFunctions, Indexes } from '../indexes';

export interface IpamControllerOptions {
  client: KubeClient;
  cache: InformerCache;
  concurrency: number;
  registry: Registry;
  events: EventRecorder;
  logger: Logger;
  /** Parallel write chains inside one pool reconcile (claims are independent). */
  writeConcurrency?: number;
  random?: () => number;
}

export interface IpamControllerGroup {
  readonly controller: Controller;
  readonly reconciler: PoolReconciler;
}

const namespaceOf = (object: { metadata?: { namespace?: string } }) => object.metadata?.namespace ?? '';

export function createIpamControllers(options: IpamControllerOptions): IpamControllerGroup {
  const { client, logger, cache } = options;
  const pools = cache.informer(IPPoolResource, {
    indexers: { [Indexes.cluster]: IndexFunctions.poolCluster },
  });
  const claims = cache.informer(IPClaimResource, {
    indexers: {
      [Indexes.pool]: IndexFunctions.claimPool,
      [Indexes.pendingPool]: IndexFunctions.pendingClaimPool,
    },
  });
  const addresses = cache.informer(Metal3IPAddressResource, {
    indexers: { [Indexes.addressPool]: IndexFunctions.addressPool },
  });
  // Cluster API kinds are optional: without their CRDs the informers idle in NotInstalled (readiness
  // still passes) and start serving as soon as the CRDs appear.
  const capiClaims = cache.informer(IPAddressClaimResource, {
    optional: true,
    indexers: {
      [Indexes.pool]: IndexFunctions.capiClaimPool,
      [Indexes.pendingPool]: IndexFunctions.pendingCapiClaimPool,
    },
  });
  const capiAddresses = cache.informer(CapiIPAddressResource, {
    optional: true,
    indexers: { [Indexes.addressPool]: IndexFunctions.capiAddressPool },
  });
  const clusters = cache.informer(ClusterResource, { optional: true });

  const resource = <T extends RuntimeObject>(client: ResourceClient<T>) =>
    client as unknown as ResourceClient<RuntimeObject>;
  const applier = new Applier<WrittenKind>({
    clients: {
      IPPool: resource(client.resource(IPPoolResource)),
      IPClaim: resource(client.resource(IPClaimResource)),
      Metal3IPAddress: resource(client.resource(Metal3IPAddressResource)),
      IPAddressClaim: resource(client.resource(IPAddressClaimResource)),
      CapiIPAddress: resource(client.resource(CapiIPAddressResource)),
    },
    concurrency: options.writeConcurrency ?? 16,
    logger,
  });
  // Keep the recent-writes overlay in step with each cache.
  applier.observe(pools, 'IPPool');
  applier.observe(claims, 'IPClaim');
  applier.observe(addresses, 'Metal3IPAddress');
  applier.observe(capiClaims, 'IPAddressClaim');
  applier.observe(capiAddresses, 'CapiIPAddress');

  const optionalStore =
    <T extends RuntimeObject>(informer: Informer<T>) =>
    () =>
      informer.isNotInstalled() ? undefined : informer.store;
  const reconciler = new PoolReconciler({
    caches: {
      pools: pools.store,
      claims: claims.store,
      addresses: addresses.store,
      capiClaims: optionalStore(capiClaims),
      capiAddresses: optionalStore(capiAddresses),
      clusters: optionalStore(clusters),
    },
    applier,
    events: options.events,
    metrics: new IpamMetrics(options.registry),
    logger,
    ...(options.random ? { random: options.random } : {}),
  });
  const controller = new Controller({
    name: 'ippool',
    concurrency: options.concurrency,
    registry: options.registry,
    logger,
    reconcile: (key) => reconciler.reconcile(key),
  });

  controller
    .watch(pools, (event) => [`${namespaceOf(event.object)}/${event.object.metadata?.name}`])
    .watch(
      claims,
      claimMapper((claim) => claimPoolKey(claim)),
    )
    .watch(
      capiClaims,
      claimMapper((claim) => capiClaimPoolKey(claim)),
    )
    // Upstream does not watch addresses; we do, so a pool's status follows external deletions.
    .watch(addresses, (event) => poolKeys(event, (a) => a.spec?.pool?.name))
    .watch(capiAddresses, (event) => poolKeys(event, (a) => a.spec?.poolRef?.name))
    .watch(clusters, (event) =>
      pools.store
        .byIndex(Indexes.cluster, `${namespaceOf(event.object)}/${event.object.metadata?.name}`)
        .map((pool) => `${namespaceOf(pool)}/${pool.metadata.name}`),
    );

  return { controller, reconciler };
}

/** A claim event → its pool, and on an update that moved the claim, the old pool too. */
function claimMapper<T extends KubeObject>(poolKeyOf: (claim: T) => string | undefined): MapFn<T> {
  return (event: WatchEvent<T>) => {
    const keys = new Set<string>();
    const current = poolKeyOf(event.object);
    if (current) keys.add(current);
    if (event.type === 'update') {
      const previous = poolKeyOf(event.oldObject);
      if (previous) keys.add(previous);
    }
    return [...keys];
  };
}

function poolKeys<T extends KubeObject>(
  event: WatchEvent<T>,
  poolName: (object: T) => string | undefined,
): string[] {
  const name = poolName(event.object);
  return name ? [`${namespaceOf(event.object)}/${name}`] : [];
}
