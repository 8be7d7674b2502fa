// The CAPM3 side of the plan: the Metal3Data controller over the snapshot store. It reads the
// world of one Metal3Data, asks the shared CAPM3 model (capm3-model/) what to do, and applies
// the answer to the store. Secrets are not modelled: claims are always ensured.
import type {
  BareMetalHost,
  Cluster,
  IPClaim,
  KubeObject,
  Machine,
  Metal3Data,
  Metal3DataClaim,
  Metal3DataTemplate,
  Metal3Machine,
} from '../api/types';
import { Finalizers, Labels } from '../api/types';
import {
  bmhNameFromMetal3Machine,
  claimFailure,
  claimKey,
  claimLookups,
  decideMetal3Data,
  machineNameOf,
  metal3MachineNameOf,
  releaseLookups,
  type Metal3DataWorld,
  type PoolClaimDecision,
} from './deps';
import { type Entry, type ObjectStore, namespaceOf } from './store';
import type { PlanWarning } from './types';

export interface Capm3Context {
  store: ObjectStore;
  warn: (warning: PlanWarning) => void;
  bmhNameBasedPreallocation: boolean;
}

const objectKeyOf = (object: KubeObject) => ({
  apiVersion: object.apiVersion,
  kind: object.kind,
  namespace: namespaceOf(object),
  name: object.metadata.name ?? '',
});

function waiting(context: Capm3Context, data: Metal3Data, reason: string): void {
  context.warn({
    code: 'Metal3DataWaiting',
    message: `Metal3Data ${namespaceOf(data)}/${data.metadata.name}: ${reason}; no IP claims are ensured for it`,
    object: objectKeyOf(data),
  });
}

/** Everything the model needs about one Metal3Data, read from the snapshot. */
export function metal3DataWorld(
  store: ObjectStore,
  data: Metal3Data,
  bmhNameBasedPreallocation: boolean,
): Metal3DataWorld {
  const namespace = namespaceOf(data);
  const get = <T extends KubeObject>(kind: Parameters<ObjectStore['get']>[0], name: string | undefined) =>
    name ? store.get<T>(kind, namespace, name)?.current : undefined;
  const cluster = get<Cluster>('Cluster', data.metadata.labels?.[Labels.clusterName]);
  const template = get<Metal3DataTemplate>('Metal3DataTemplate', data.spec?.template?.name);
  const dataClaim = get<Metal3DataClaim>('Metal3DataClaim', data.spec?.claim?.name);
  const metal3Machine = dataClaim
    ? get<Metal3Machine>('Metal3Machine', metal3MachineNameOf(dataClaim))
    : undefined;
  const machine = metal3Machine ? get<Machine>('Machine', machineNameOf(metal3Machine)) : undefined;
  const host = metal3Machine ? bmhNameFromMetal3Machine(metal3Machine) : undefined;
  const bareMetalHost = host?.ok ? get<BareMetalHost>('BareMetalHost', host.name) : undefined;
  const partial = {
    metal3Data: data,
    ...(cluster ? { cluster } : {}),
    ...(template ? { template } : {}),
    ...(dataClaim ? { dataClaim } : {}),
    ...(metal3Machine ? { metal3Machine } : {}),
    ...(machine ? { machine } : {}),
    // Hand-written snapshots often hold no Machines: only a snapshot that has some is gated on them.
    machineRequired: store.list('Machine').length > 0,
    ...(bareMetalHost ? { bareMetalHost } : {}),
    bmhNameBasedPreallocation,
  };
  const lookups = [
    ...claimLookups(partial),
    ...(template && data.metadata.deletionTimestamp ? releaseLookups(data, template) : []),
  ];
  const claims = new Map<string, KubeObject>();
  for (const { kind, name } of lookups) {
    const claim = get(kind, name);
    if (claim) claims.set(claimKey(kind, name), claim);
  }
  const labelledClaims = data.metadata.deletionTimestamp
    ? store
        .list<IPClaim>('IPClaim')
        .map((entry) => entry.current)
        .filter(
          (claim) =>
            namespaceOf(claim) === namespace &&
            claim.metadata.labels?.[Labels.dataName] === data.metadata.name,
        )
    : [];
  return { ...partial, claims, labelledClaims };
}

export function reconcileMetal3Data(context: Capm3Context, entry: Entry<Metal3Data>): void {
  const { store } = context;
  const data = entry.current;
  const decision = decideMetal3Data(metal3DataWorld(store, data, context.bmhNameBasedPreallocation));
  switch (decision.kind) {
    case 'ignore':
      if (decision.why === 'noClusterLabel')
        waiting(context, data, `${decision.reason}, so CAPM3 ignores it`);
      return;
    case 'ready':
      return;
    case 'wait':
      return waiting(context, data, decision.reason);
    case 'fail':
      return waiting(context, data, decision.message);
    case 'release':
      for (const release of decision.claims) {
        const claim = store.get(release.kind, namespaceOf(data), release.name);
        if (!claim) continue;
        store.removeFinalizer(claim, Finalizers.metal3Data);
        store.delete(claim);
      }
      store.removeFinalizer(entry, Finalizers.metal3Data);
      return;
    case 'ensure':
      applyClaims(context, entry, decision.pools, decision.metal3DataLabels);
  }
}

function applyClaims(
  context: Capm3Context,
  entry: Entry<Metal3Data>,
  pools: readonly PoolClaimDecision[],
  labels: Record<string, string>,
): void {
  const { store } = context;
  const data = entry.current;
  const namespace = namespaceOf(data);
  for (const decision of pools) {
    if (decision.action === 'create') {
      store.create(decision.kind, decision.claim);
      continue;
    }
    if (decision.action === 'use') continue;
    const claim = store.get(decision.kind, namespace, decision.name);
    if (decision.stripFinalizer && claim) store.removeFinalizer(claim, Finalizers.metal3Data);
    if (decision.why === 'ownedByOther') {
      context.warn({
        code: 'ClaimOwnedByOther',
        message: `${decision.kind} ${namespace}/${decision.name} exists but is not owned by Metal3Data ${namespace}/${data.metadata.name}; CAPM3 waits until it is deleted`,
        object: objectKeyOf(decision.claim),
      });
    }
  }
  const current = data.metadata.labels ?? {};
  const labelsChanged =
    Object.keys(labels).length !== Object.keys(current).length ||
    Object.entries(labels).some(([k, v]) => current[k] !== v);
  if (labelsChanged) store.edit(entry).metadata.labels = { ...labels };
  const failure = claimFailure(pools);
  if (failure !== undefined && entry.current.status?.errorMessage !== failure) {
    const edited = store.edit(entry);
    edited.status = { ...edited.status, errorMessage: failure };
  }
}
