// The CAPM3 side of the plan: the Metal3Data controller ensuring one claim per referenced pool
// (baremetal/metal3data_manager.go ensureM3IPClaim / ensureIPClaim) and releasing them when the
// Metal3Data goes away (ReleaseLeases). Secrets are not modelled: claims are always ensured.
import {
  type BareMetalHost,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type KubeObject,
  type Machine,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3Machine,
  CAPM3_GROUP,
  Finalizers,
  Labels,
  PAUSED_ANNOTATION,
} from '../api/types';
import {
  bmhNameFromMetal3Machine,
  candidateClaimNames,
  desiredIPClaimsForMetal3Data,
  ipAddressClaimName,
  isMetal3PoolReference,
  referencedPools,
} from './deps';
import { type Entry, type ObjectStore, isDeleting, namespaceOf } from './store';
import type { PlanWarning } from './types';

export interface Capm3Context {
  store: ObjectStore;
  warn: (warning: PlanWarning) => void;
  bmhNameBasedPreallocation: boolean;
}

function groupOf(apiVersion: string | undefined): string {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
}

function waiting(context: Capm3Context, data: Metal3Data, reason: string): void {
  context.warn({
    code: 'Metal3DataWaiting',
    message: `Metal3Data ${namespaceOf(data)}/${data.metadata.name}: ${reason}; no IP claims are ensured for it`,
    object: {
      apiVersion: data.apiVersion,
      kind: data.kind,
      namespace: namespaceOf(data),
      name: data.metadata.name ?? '',
    },
  });
}

/**
 * Ownership is decided by uid (CAPM3 PR #1361). Snapshots written by hand often carry no uids, so
 * when the Metal3Data has none, a reference by kind and name counts.
 */
export function ownedByMetal3Data(claim: KubeObject, data: Metal3Data): boolean {
  return (claim.metadata.ownerReferences ?? []).some((ref) => {
    if (ref.kind !== 'Metal3Data' || groupOf(ref.apiVersion) !== CAPM3_GROUP) return false;
    return data.metadata.uid ? ref.uid === data.metadata.uid : ref.name === data.metadata.name;
  });
}

/** The Metal3Machine named by the Metal3DataClaim's owner references (group checked, uid not). */
function metal3MachineOf(store: ObjectStore, dataClaim: Metal3DataClaim): Entry<Metal3Machine> | undefined {
  const ref = (dataClaim.metadata.ownerReferences ?? []).find(
    (owner) => owner.kind === 'Metal3Machine' && groupOf(owner.apiVersion) === CAPM3_GROUP,
  );
  return ref ? store.get<Metal3Machine>('Metal3Machine', namespaceOf(dataClaim), ref.name) : undefined;
}

/** The Metal3Data reconcile needs its Cluster (label cluster.x-k8s.io/cluster-name), not paused. */
function clusterAllowsWork(context: Capm3Context, data: Metal3Data): boolean {
  const clusterName = data.metadata.labels?.[Labels.clusterName];
  if (!clusterName) {
    waiting(context, data, `it has no ${Labels.clusterName} label, so CAPM3 ignores it`);
    return false;
  }
  const cluster = context.store.get<Cluster>('Cluster', namespaceOf(data), clusterName)?.current;
  if (!cluster) {
    waiting(context, data, `Cluster ${namespaceOf(data)}/${clusterName} is not in the snapshot`);
    return false;
  }
  if (cluster.spec?.paused === true || PAUSED_ANNOTATION in (data.metadata.annotations ?? {})) {
    waiting(context, data, 'its Cluster or itself is paused');
    return false;
  }
  return true;
}

export function reconcileMetal3Data(context: Capm3Context, entry: Entry<Metal3Data>): void {
  if (!clusterAllowsWork(context, entry.current)) return;
  if (isDeleting(entry)) {
    releaseLeases(context, entry);
    return;
  }
  ensureClaims(context, entry);
}

function ensureClaims(context: Capm3Context, entry: Entry<Metal3Data>): void {
  const { store } = context;
  const data = entry.current;
  const namespace = namespaceOf(data);
  const dataName = data.metadata.name ?? '';
  if (!data.spec?.template?.name) return;
  const template = store.get<Metal3DataTemplate>(
    'Metal3DataTemplate',
    namespace,
    data.spec.template.name,
  )?.current;
  if (!template) return waiting(context, data, 'Metal3DataTemplate is not found, requeuing');
  if (!data.spec.claim?.name) return waiting(context, data, 'Metal3DataClaim name not set');
  const dataClaim = store.get<Metal3DataClaim>('Metal3DataClaim', namespace, data.spec.claim.name)?.current;
  if (!dataClaim)
    return waiting(
      context,
      data,
      `Metal3DataClaim ${namespace}/${data.spec.claim.name} is not in the snapshot`,
    );
  const machine = metal3MachineOf(store, dataClaim)?.current;
  if (!machine) return waiting(context, data, 'metal3Machine not found in owner references');
  const machineTemplate = machine.spec?.dataTemplate;
  if (
    machineTemplate?.name !== template.metadata.name ||
    (machineTemplate?.namespace && machineTemplate.namespace !== namespace)
  ) {
    return waiting(context, data, 'metal3Machine associated with Metal3DataTemplate is not found');
  }
  const host = bmhNameFromMetal3Machine(machine);
  if (!host.ok) return waiting(context, data, host.error.message);
  const bmhName = host.name;
  const bareMetalHost = bmhName
    ? store.get<BareMetalHost>('BareMetalHost', namespace, bmhName)?.current
    : undefined;
  if (!bmhName || !bareMetalHost)
    return waiting(context, data, 'waiting for BareMetalHost to become available');

  // The CAPI Machine owning the Metal3Machine, for `fromPoolAnnotation` entries that read it.
  const machineRef = (machine.metadata.ownerReferences ?? []).find((ref) => ref.kind === 'Machine');
  const capiMachine = machineRef
    ? store.get<Machine>('Machine', namespace, machineRef.name)?.current
    : undefined;
  const annotationSources = {
    metal3Machine: machine,
    bareMetalHost,
    ...(capiMachine ? { machine: capiMachine } : {}),
  };

  // The claims CAPM3 would look up before creating, so that existing ones are adopted.
  const pools = referencedPools(template, annotationSources);
  const existingIPClaimNames = new Set<string>();
  const existingIPAddressClaimNames = new Set<string>();
  for (const pool of pools.pools.values()) {
    if (isMetal3PoolReference(pool)) {
      for (const name of candidateClaimNames({ metal3DataName: dataName, bmhName, poolName: pool.name })) {
        if (store.get('IPClaim', namespace, name)) existingIPClaimNames.add(name);
      }
    } else if (store.get('IPAddressClaim', namespace, ipAddressClaimName(dataName, pool.name))) {
      existingIPAddressClaimNames.add(ipAddressClaimName(dataName, pool.name));
    }
  }
  const desired = desiredIPClaimsForMetal3Data({
    metal3Data: data,
    template,
    metal3Machine: machine,
    bareMetalHost,
    ...(capiMachine ? { machine: capiMachine } : {}),
    bmhNameBasedPreallocation: context.bmhNameBasedPreallocation,
    existingIPClaimNames,
    existingIPAddressClaimNames,
  });
  if (!desired.ok) return waiting(context, data, desired.waiting ? desired.reason : desired.error.message);

  const ownClaims: Array<{ poolName: string; claim: Entry<IPClaim> }> = [];
  const created = new Map<string, KubeObject>();
  for (const claim of [...desired.ipClaims, ...desired.ipAddressClaims])
    created.set(`${claim.kind}/${claim.metadata.name}`, claim);
  for (const decision of desired.decisions) {
    const kindKey = decision.claimKind;
    if (decision.existing) {
      const existing = store.get(kindKey, namespace, decision.name);
      if (existing && checkOwnership(context, existing, data) && kindKey === 'IPClaim') {
        ownClaims.push({ poolName: decision.pool.name, claim: existing as Entry<IPClaim> });
      }
      continue;
    }
    const claim = created.get(`${kindKey}/${decision.name}`);
    if (!claim) continue;
    const entry = store.create(kindKey, claim);
    if (kindKey === 'IPClaim')
      ownClaims.push({ poolName: decision.pool.name, claim: entry as Entry<IPClaim> });
  }
  // With the flag on CAPM3 also labels the Metal3Data (data-name, pool-name of the last claim).
  const labels = desired.metal3DataLabels;
  const current = data.metadata.labels ?? {};
  const labelsChanged =
    Object.keys(labels).length !== Object.keys(current).length ||
    Object.entries(labels).some(([k, v]) => current[k] !== v);
  if (labelsChanged) store.edit(entry).metadata.labels = { ...labels };
  reportClaimErrors(context, entry, ownClaims);
}

/** A claim of the right name that another Metal3Data owns blocks this one (requeue, no error). */
function checkOwnership(context: Capm3Context, existing: Entry, data: Metal3Data): boolean {
  if (ownedByMetal3Data(existing.current, data)) return true;
  if (isDeleting(existing)) {
    // CAPM3 strips its own finalizer from a foreign deleting claim to speed its cleanup.
    context.store.removeFinalizer(existing, Finalizers.metal3Data);
    return false;
  }
  const claim = existing.current;
  context.warn({
    code: 'ClaimOwnedByOther',
    message: `${claim.kind} ${namespaceOf(claim)}/${claim.metadata.name} exists but is not owned by Metal3Data ${namespaceOf(data)}/${data.metadata.name}; CAPM3 waits until it is deleted`,
    object: {
      apiVersion: claim.apiVersion,
      kind: claim.kind,
      namespace: namespaceOf(claim),
      name: claim.metadata.name ?? '',
    },
  });
  return false;
}

/** IPAM failures surface on the Metal3Data as `IP Allocation for <pool> failed : <message>`. */
function reportClaimErrors(
  context: Capm3Context,
  entry: Entry<Metal3Data>,
  ownClaims: Array<{ poolName: string; claim: Entry<IPClaim> }>,
): void {
  for (const { poolName, claim } of ownClaims) {
    const failure = claim.current.status?.errorMessage;
    if (failure === undefined) continue;
    const message = `IP Allocation for ${poolName} failed : ${failure}`;
    if (entry.current.status?.errorMessage !== message) {
      const edited = context.store.edit(entry);
      edited.status = { ...edited.status, errorMessage: message };
    }
    return;
  }
}

/** ReleaseLeases: runs once the Metal3DataClaim is gone, then drops the Metal3Data finalizer. */
function releaseLeases(context: Capm3Context, entry: Entry<Metal3Data>): void {
  const { store } = context;
  const data = entry.current;
  const namespace = namespaceOf(data);
  const dataName = data.metadata.name ?? '';
  if (!data.metadata.finalizers?.includes(Finalizers.metal3Data)) return;
  if (data.spec?.claim?.name && store.get('Metal3DataClaim', namespace, data.spec.claim.name)) {
    return waiting(context, data, 'it is being deleted and waits for its Metal3DataClaim to be gone');
  }
  if (data.spec?.template?.name) {
    const template = store.get<Metal3DataTemplate>(
      'Metal3DataTemplate',
      namespace,
      data.spec.template.name,
    )?.current;
    if (!template) return waiting(context, data, 'Metal3DataTemplate is not found, requeuing');
    // Without the machine and host, annotation-selected pools are skipped, as in CAPM3's release.
    for (const pool of referencedPools(template).pools.values()) {
      const legacyName = ipAddressClaimName(dataName, pool.name);
      if (isMetal3PoolReference(pool)) {
        for (const claim of store.list<IPClaim>('IPClaim')) {
          const labels = claim.current.metadata.labels ?? {};
          if (namespaceOf(claim.current) !== namespace) continue;
          if (labels[Labels.dataName] !== dataName || labels[Labels.poolName] !== pool.name) continue;
          releaseClaim(store, claim);
        }
        const legacy = store.get<IPClaim>('IPClaim', namespace, legacyName);
        if (legacy) releaseClaim(store, legacy);
      } else {
        const legacy = store.get<IPAddressClaim>('IPAddressClaim', namespace, legacyName);
        if (legacy) releaseClaim(store, legacy);
      }
    }
  }
  store.removeFinalizer(entry, Finalizers.metal3Data);
}

function releaseClaim(store: ObjectStore, claim: Entry): void {
  store.removeFinalizer(claim, Finalizers.metal3Data);
  store.delete(claim);
}
