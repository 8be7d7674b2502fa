// Wiring of the `ipam` controller group: informers (with the indexes the reconciler reads), event
// → pool-key mapping, and one Controller whose queue key is the pool ("namespace/name"). The
// queue never hands one key to two workers, so allocations of a pool are serialized while
// different pools run in parallel (--ippool-concurrency workers).
import {
  Controller,
  Informer,
  type EventRecorder,
  type KubeClient,
  type KubeObject as RuntimeObject,
  type Logger,
  type MapFn,
  type WatchEvent,
} from '@stableip/kube-runtime';
import type {
  CapiIPAddress,
  Cluster,
  IPAddressClaim,
  IPClaim,
  IPPool,
  KubeObject,
  Metal3IPAddress,
} from '@stableip/ipam-core';
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
import { IpamMetrics } from './metrics';
import { capiClaimPoolKey, claimPoolKey, Indexes, IpamRecentWrites, PoolReconciler } from './pool-reconciler';

export interface IpamControllerOptions {
  client: KubeClient;
  /** Watch one namespace ('' = all). */
  namespace: string;
  concurrency: number;
  registry: Registry;
  events: EventRecorder;
  logger: Logger;
  /** Informer tuning (tests shorten these). */
  resyncPeriodMs?: number;
  watchdogMs?: number;
}

export interface IpamControllerGroup {
  readonly controller: Controller;
  readonly informers: Informer<RuntimeObject>[];
  readonly reconciler: PoolReconciler;
}

const namespaceOf = (object: { metadata?: { namespace?: string } }) => object.metadata?.namespace ?? '';

export function createIpamControllers(options: IpamControllerOptions): IpamControllerGroup {
  const { client, logger } = options;
  const common = {
    client,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    resyncPeriodMs: options.resyncPeriodMs ?? 10 * 60_000,
    ...(options.watchdogMs ? { watchdogMs: options.watchdogMs } : {}),
    logger,
  };
  const pools = new Informer<IPPool>({
    ...common,
    resource: IPPoolResource,
    indexers: {
      [Indexes.cluster]: (pool) =>
        pool.spec?.clusterName ? [`${namespaceOf(pool)}/${pool.spec.clusterName}`] : [],
    },
  });
  const claims = new Informer<IPClaim>({
    ...common,
    resource: IPClaimResource,
    indexers: { [Indexes.pool]: (claim) => optional(claimPoolKey(claim)) },
  });
  const addresses = new Informer<Metal3IPAddress>({ ...common, resource: Metal3IPAddressResource });
  // Cluster API kinds are optional: without their CRDs the informers idle in NotInstalled (readiness
  // still passes) and start serving as soon as the CRDs appear.
  const capiClaims = new Informer<IPAddressClaim>({
    ...common,
    resource: IPAddressClaimResource,
    optional: true,
    indexers: { [Indexes.pool]: (claim) => optional(capiClaimPoolKey(claim)) },
  });
  const capiAddresses = new Informer<CapiIPAddress>({
    ...common,
    resource: CapiIPAddressResource,
    optional: true,
  });
  const clusters = new Informer<Cluster>({ ...common, resource: ClusterResource, optional: true });

  const recent = new IpamRecentWrites();
  const metrics = new IpamMetrics(options.registry);
  const reconciler = new PoolReconciler({
    client,
    caches: {
      pools: pools.store,
      claims: claims.store,
      addresses: addresses.store,
      capiClaims: () => (capiClaims.isNotInstalled() ? undefined : capiClaims.store),
      capiAddresses: () => (capiAddresses.isNotInstalled() ? undefined : capiAddresses.store),
      clusters: () => (clusters.isNotInstalled() ? undefined : clusters.store),
    },
    recent,
    events: options.events,
    metrics,
    logger,
  });
  const controller = new Controller({
    name: 'ippool',
    concurrency: options.concurrency,
    registry: options.registry,
    logger,
    reconcile: (key) => reconciler.reconcile(key),
  });

  // Keep the recent-writes overlay in step with each cache.
  const observe = <T extends KubeObject>(informer: Informer<T>, kind: WrittenKind) =>
    informer.addHandler({
      onAdd: (object) => recent.byKind[kind].observe(object),
      onUpdate: (_old, object) => recent.byKind[kind].observe(object),
      onDelete: (object) => recent.byKind[kind].observe(object, true),
    });
  observe(pools, 'IPPool');
  observe(claims, 'IPClaim');
  observe(addresses, 'Metal3IPAddress');
  observe(capiClaims, 'IPAddressClaim');
  observe(capiAddresses, 'CapiIPAddress');

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

  return {
    controller,
    informers: [
      pools,
      claims,
      addresses,
      capiClaims,
      capiAddresses,
      clusters,
    ] as unknown as Informer<RuntimeObject>[],
    reconciler,
  };
}

function optional(value: string | undefined): string[] {
  return value ? [value] : [];
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
