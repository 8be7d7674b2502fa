// Wiring of the `metal3data` controller group (and of `coverage`, which it includes): informers
// with the indexes the reconcilers read, event → key mappings, and three controllers —
// `metal3data` (per Metal3Data), `metal3datatemplate` (per template: index allocation) and
// `ippool-coverage` (per IPPool: PreAllocationsCovered, metric, Events, auto-pin).
import {
  CAPM3_GROUP,
  type BareMetalHost,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type KubeObject,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3Machine,
} from '@stableip/ipam-core';
import {
  Controller,
  isConflict,
  type Informer,
  type InformerCache,
  namespaceIndex,
  type ReconcileResult,
  type EventRecorder,
  type KubeClient,
  type KubeObject as RuntimeObject,
  type Logger,
  type WatchEvent,
} from '@stableip/kube-runtime';
import type { Registry } from 'prom-client';
import { IndexFunctions } from '../indexes';
import { ClusterResource, IPAddressClaimResource, IPClaimResource, IPPoolResource } from '../resources';
import { ClaimIndexes, CoverageMetrics, CoverageReconciler } from './coverage-reconciler';
import { hostOfMetal3Machine, Metal3DataReconciler } from './data-reconciler';
import {
  BareMetalHostResource,
  Metal3DataClaimResource,
  Metal3DataResource,
  Metal3DataTemplateResource,
  Metal3MachineResource,
} from './resources';
import { TemplateIndexes, TemplateReconciler, templateKeyOf } from './template-reconciler';

export interface Metal3DataGroupOptions {
  client: KubeClient;
  /** The manager's shared informers. */
  cache: InformerCache;
  registry: Registry;
  events: EventRecorder;
  logger: Logger;
  bmhNameBasedPreallocation: boolean;
  /** The Metal3Data and template controllers (off: coverage and auto-pin only). */
  metal3Data: boolean;
  concurrency?: number;
}

export interface Metal3DataGroup {
  controllers: Controller[];
}

const DataIndexes = {
  /** Metal3Data → "namespace/claim" (its Metal3DataClaim, named like the Metal3Machine). */
  claim: 'claim',
} as const;

const nsOf = (object: { metadata?: { namespace?: string } }) => object.metadata?.namespace ?? '';
const keyOf = (object: { metadata?: { namespace?: string; name?: string } }) =>
  `${nsOf(object)}/${object.metadata?.name ?? ''}`;

/** "namespace/name" of the Metal3Data owning a claim (any version of the CAPM3 group). */
function metal3DataOwnerKeys(object: KubeObject): string[] {
  return (object.metadata.ownerReferences ?? [])
    .filter((ref) => ref.kind === 'Metal3Data' && ref.apiVersion.split('/')[0] === CAPM3_GROUP)
    .map((ref) => `${nsOf(object)}/${ref.name}`);
}

/** A stale read (409 Conflict) is not an error: plan again from the cache on the next pass. */
async function requeueOnConflict(reconcile: () => Promise<ReconcileResult>): Promise<ReconcileResult> {
  try {
    return await reconcile();
  } catch (error) {
    if (isConflict(error)) return { requeue: true };
    throw error;
  }
}

function withOld<T>(event: WatchEvent<T>, keys: (object: T) => string[]): string[] {
  const all = new Set(keys(event.object));
  if (event.type === 'update') for (const key of keys(event.oldObject)) all.add(key);
  return [...all];
}

export function createMetal3DataControllers(options: Metal3DataGroupOptions): Metal3DataGroup {
  const { client, logger, cache } = options;
  const pools = cache.informer<IPPool>(IPPoolResource);
  const claims = cache.informer<IPClaim>(IPClaimResource, {
    indexers: { [ClaimIndexes.pool]: IndexFunctions.claimPool, [ClaimIndexes.owner]: metal3DataOwnerKeys },
  });
  // Foreign kinds are optional: without their CRDs the informers idle and readiness still passes.
  const hosts = cache.informer<BareMetalHost>(BareMetalHostResource, { optional: true });
  const metal3Machines = cache.informer<Metal3Machine>(Metal3MachineResource, { optional: true });
  const templates = cache.informer<Metal3DataTemplate>(Metal3DataTemplateResource, { optional: true });
  const optionalStore =
    <T extends RuntimeObject>(informer: Informer<T>) =>
    () =>
      informer.isNotInstalled() ? undefined : informer.store;

  const coverage = new CoverageReconciler({
    client,
    caches: {
      pools: pools.store,
      claims: claims.store,
      hosts: optionalStore(hosts),
      metal3Machines: optionalStore(metal3Machines),
      templates: optionalStore(templates),
    },
    events: options.events,
    metrics: new CoverageMetrics(options.registry),
    logger: logger.child({ controller: 'ippool-coverage' }),
  });
  const coverageController = new Controller({
    name: 'ippool-coverage',
    concurrency: options.concurrency ?? 4,
    registry: options.registry,
    logger,
    reconcile: (key) => requeueOnConflict(() => coverage.reconcile(key)),
  });
  const poolsOfNamespace = (object: RuntimeObject) =>
    pools.store.byIndex(namespaceIndex, nsOf(object)).map((pool) => keyOf(pool));
  coverageController
    .watch(pools)
    .watch(claims, (event) =>
      withOld(event, (claim) => (claim.spec?.pool?.name ? [`${nsOf(claim)}/${claim.spec.pool.name}`] : [])),
    )
    .watch(hosts, (event) => poolsOfNamespace(event.object))
    .watch(metal3Machines, (event) => poolsOfNamespace(event.object))
    .watch(templates, (event) => poolsOfNamespace(event.object));

  const controllers: Controller[] = [coverageController];
  if (!options.metal3Data) return { controllers };

  const data = cache.informer<Metal3Data>(Metal3DataResource, {
    optional: true,
    indexers: {
      [TemplateIndexes.template]: templateKeyOf,
      [DataIndexes.claim]: (d) => (d.spec?.claim?.name ? [`${nsOf(d)}/${d.spec.claim.name}`] : []),
    },
  });
  const dataClaims = cache.informer<Metal3DataClaim>(Metal3DataClaimResource, {
    optional: true,
    indexers: { [TemplateIndexes.template]: templateKeyOf },
  });
  const capiClaims = cache.informer<IPAddressClaim>(IPAddressClaimResource, {
    optional: true,
    indexers: { [ClaimIndexes.owner]: metal3DataOwnerKeys },
  });
  const clusters = cache.informer<Cluster>(ClusterResource, { optional: true });

  const dataReconciler = new Metal3DataReconciler({
    client,
    caches: {
      data: data.store,
      dataClaims: dataClaims.store,
      templates: templates.store,
      metal3Machines: metal3Machines.store,
      hosts: hosts.store,
      claims: claims.store,
      clusters: optionalStore(clusters),
    },
    events: options.events,
    logger: logger.child({ controller: 'metal3data' }),
    bmhNameBasedPreallocation: options.bmhNameBasedPreallocation,
  });
  const dataController = new Controller({
    name: 'metal3data',
    concurrency: options.concurrency ?? 4,
    registry: options.registry,
    logger,
    reconcile: (key) => requeueOnConflict(() => dataReconciler.reconcile(key)),
  });
  const dataOfClaim = (namespace: string, claimName: string) =>
    data.store.byIndex(DataIndexes.claim, `${namespace}/${claimName}`).map((d) => keyOf(d));
  /** Metal3Data whose Metal3DataClaim a Metal3Machine owns (the claim carries the machine's name). */
  const dataOfMachine = (machine: RuntimeObject) => {
    const namespace = nsOf(machine);
    const keys = new Set(dataOfClaim(namespace, machine.metadata?.name ?? ''));
    for (const claim of dataClaims.store.byIndex(namespaceIndex, namespace)) {
      if (
        (claim.metadata.ownerReferences ?? []).some(
          (r) => r.kind === 'Metal3Machine' && r.name === machine.metadata?.name,
        )
      )
        for (const key of dataOfClaim(namespace, claim.metadata.name ?? '')) keys.add(key);
    }
    return [...keys];
  };
  const waitingDataOfNamespace = (object: RuntimeObject) =>
    data.store
      .byIndex(namespaceIndex, nsOf(object))
      .filter((d) => !d.status?.ready || d.metadata.deletionTimestamp)
      .map((d) => keyOf(d));
  dataController
    .watch(data)
    // A deleted claim may free a name another Metal3Data waits for (rolling upgrade, foreign claim).
    .watch(claims, (event) => [
      ...withOld(event, metal3DataOwnerKeys),
      ...(event.type === 'delete' ? waitingDataOfNamespace(event.object) : []),
    ])
    .watch(capiClaims, (event) => withOld(event, metal3DataOwnerKeys))
    .watch(dataClaims, (event) => dataOfClaim(nsOf(event.object), event.object.metadata.name ?? ''))
    .watch(metal3Machines, (event) => dataOfMachine(event.object))
    .watch(hosts, (event) => {
      // A host appearing or changing may unblock the Metal3Data of the machines that name it.
      const host = event.object.metadata.name;
      const keys = new Set<string>();
      for (const machine of metal3Machines.store.byIndex(namespaceIndex, nsOf(event.object))) {
        if (hostOfMetal3Machine(machine) === host) for (const key of dataOfMachine(machine)) keys.add(key);
      }
      return [...keys];
    })
    .watch(templates, (event) =>
      data.store.byIndex(TemplateIndexes.template, keyOf(event.object)).map((d) => keyOf(d)),
    )
    .watch(clusters, (event) => waitingDataOfNamespace(event.object));

  const templateReconciler = new TemplateReconciler({
    client,
    caches: {
      templates: templates.store,
      data: data.store,
      dataClaims: dataClaims.store,
      clusters: optionalStore(clusters),
    },
    logger: logger.child({ controller: 'metal3datatemplate' }),
  });
  const templateController = new Controller({
    name: 'metal3datatemplate',
    concurrency: options.concurrency ?? 4,
    registry: options.registry,
    logger,
    reconcile: (key) => requeueOnConflict(() => templateReconciler.reconcile(key)),
  });
  templateController
    .watch(templates)
    .watch(dataClaims, (event) => withOld(event, templateKeyOf))
    .watch(data, (event) => withOld(event, templateKeyOf));
  controllers.push(dataController, templateController);
  return { controllers };
}
