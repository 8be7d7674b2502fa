// One model of CAPM3's Metal3Data controller (baremetal/metal3data_manager.go and
// controllers/metal3data_controller.go): given what a reconcile can read about one Metal3Data,
// what it does. `stableip plan` (over a snapshot) and the operator's Metal3Data reconciler (over
// the API server) both read a world, call decideMetal3Data, and apply the result their own way,
// so the tool that predicts and the operator that acts cannot drift.
import {
  CAPM3_GROUP,
  type BareMetalHost,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type KubeObject,
  Finalizers,
  Labels,
  type Machine,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3Machine,
  PAUSED_ANNOTATION,
} from '../api/types';
import {
  bmhNameFromMetal3Machine,
  candidateClaimNames,
  desiredIPClaimsForMetal3Data,
  hostLabels,
  ipAddressClaimName,
  isMetal3PoolReference,
  referencedPools,
  type PoolReference,
} from '../naming';
import { claimKey, type ClaimKind } from './keys';
import { decideReleases, type ClaimRelease } from './release';

export { claimKey, type ClaimKind } from './keys';

const groupOf = (apiVersion: string | undefined) => (apiVersion ?? '').split('/', 1)[0] ?? '';
const hasGroup = (apiVersion: string | undefined, group: string) =>
  (apiVersion ?? '').includes('/') && groupOf(apiVersion) === group;

/** The Metal3Machine a Metal3DataClaim belongs to: its owner of that kind and group (uid not compared: clusterctl move). */
export function metal3MachineNameOf(dataClaim: Metal3DataClaim): string | undefined {
  return (dataClaim.metadata.ownerReferences ?? []).find(
    (ref) => ref.kind === 'Metal3Machine' && hasGroup(ref.apiVersion, CAPM3_GROUP),
  )?.name;
}

/** The CAPI Machine owning a Metal3Machine. */
export function machineNameOf(metal3Machine: Metal3Machine): string | undefined {
  return (metal3Machine.metadata.ownerReferences ?? []).find(
    (ref) => ref.kind === 'Machine' && hasGroup(ref.apiVersion, 'cluster.x-k8s.io'),
  )?.name;
}

/**
 * Ownership is decided by uid (CAPM3 PR #1361), never by name. Snapshots written by hand often
 * carry no uids: when the Metal3Data has none, a reference of that kind and name counts.
 */
export function ownedByMetal3Data(claim: KubeObject, data: Metal3Data): boolean {
  return (claim.metadata.ownerReferences ?? []).some((ref) => {
    if (ref.kind !== 'Metal3Data' || !hasGroup(ref.apiVersion, CAPM3_GROUP)) return false;
    return data.metadata.uid ? ref.uid === data.metadata.uid : ref.name === data.metadata.name;
  });
}

/** What one reconcile can read about a Metal3Data. Absent objects are not found. */
export interface Metal3DataWorld {
  metal3Data: Metal3Data;
  /** The Cluster named by the `cluster.x-k8s.io/cluster-name` label. */
  cluster?: Cluster;
  template?: Metal3DataTemplate;
  /** The Metal3DataClaim named by `spec.claim`. */
  dataClaim?: Metal3DataClaim;
  /** The Metal3Machine named by metal3MachineNameOf(dataClaim). */
  metal3Machine?: Metal3Machine;
  /** The Machine named by machineNameOf(metal3Machine). */
  machine?: Machine;
  /**
   * CAPM3 waits for the Machine owner. A planner snapshot may simply not contain Machines;
   * false skips that gate (the Machine then only feeds `fromPoolAnnotation: machine`).
   */
  machineRequired: boolean;
  /** The host named by the Metal3Machine's `metal3.io/BareMetalHost` annotation. */
  bareMetalHost?: BareMetalHost;
  /**
   * Both rendered secrets already exist (the operator reads them; the planner does not model
   * secrets). CAPM3 then marks the Metal3Data ready and touches no claim, so a node is
   * re-provisioned identically.
   */
  secretsComplete?: boolean;
  /** The claims read under the names claimLookups() returns, keyed by claimKey(). */
  claims: ReadonlyMap<string, KubeObject>;
  /** On deletion: the IPClaims of the namespace labelled `data-name: <this Metal3Data>`. */
  labelledClaims?: readonly IPClaim[];
  bmhNameBasedPreallocation: boolean;
}

/** What to do about one referenced pool. */
export type PoolClaimDecision = {
  pool: PoolReference;
  kind: ClaimKind;
  name: string;
} & (
  | { action: 'create'; claim: IPClaim | IPAddressClaim }
  /** Owned by this Metal3Data (even while deleting: "still in use"); read its address. */
  | { action: 'use'; claim: KubeObject }
  /**
   * Held by another Metal3Data (or nobody): wait until it is gone. A foreign claim already
   * deleting loses CAPM3's finalizer to speed its cleanup (stripFinalizer).
   */
  | { action: 'wait'; claim: KubeObject; why: 'ownedByOther' | 'deleting'; stripFinalizer: boolean }
);

export type Metal3DataDecision =
  /** Nothing to do and nothing to wait for (no cluster label, no template reference). */
  | { kind: 'ignore'; why: 'noClusterLabel' | 'noTemplate' | 'released'; reason: string }
  /** Transient: requeue, no errorMessage. */
  | { kind: 'wait'; reason: string }
  /** Both secrets exist: ready, no claim is ensured. */
  | { kind: 'ready'; template: Metal3DataTemplate; metal3Machine: Metal3Machine }
  /** Stored in `status.errorMessage`, retried with backoff. */
  | { kind: 'fail'; message: string }
  | {
      kind: 'ensure';
      host: string;
      /** The chain the claims were decided from (rendering reads it). */
      template: Metal3DataTemplate;
      metal3Machine: Metal3Machine;
      bareMetalHost: BareMetalHost;
      machine?: Machine;
      /** One per referenced pool, in collection order. */
      pools: PoolClaimDecision[];
      /** The Metal3Data's labels afterwards (CAPM3's data-name/pool-name, stableip's host label). */
      metal3DataLabels: Record<string, string>;
    }
  /** Deleting: release these claims (finalizer off, then delete), then drop the Metal3Data finalizer. */
  | { kind: 'release'; claims: ClaimRelease[] };

export interface ClaimLookup {
  kind: ClaimKind;
  name: string;
}

function hostName(world: Metal3DataWorld): string | undefined {
  if (!world.metal3Machine) return undefined;
  const host = bmhNameFromMetal3Machine(world.metal3Machine);
  return host.ok ? host.name : undefined;
}

/** The claim names a reconcile reads before deciding, legacy `{metal3data}-{pool}` first. */
export function claimLookups(world: Omit<Metal3DataWorld, 'claims'>): ClaimLookup[] {
  const { template, metal3Machine } = world;
  if (!template || !metal3Machine) return [];
  const dataName = world.metal3Data.metadata.name ?? '';
  const bmhName = hostName(world as Metal3DataWorld);
  const collected = referencedPools(template, {
    metal3Machine,
    ...(world.bareMetalHost ? { bareMetalHost: world.bareMetalHost } : {}),
    ...(world.machine ? { machine: world.machine } : {}),
  });
  const lookups: ClaimLookup[] = [];
  for (const pool of collected.pools.values()) {
    if (isMetal3PoolReference(pool)) {
      for (const name of candidateClaimNames({ metal3DataName: dataName, bmhName, poolName: pool.name }))
        lookups.push({ kind: 'IPClaim', name });
    } else lookups.push({ kind: 'IPAddressClaim', name: ipAddressClaimName(dataName, pool.name) });
  }
  return lookups;
}

/** The Cluster gate: CAPM3 ignores Metal3Data without a Cluster and waits while paused. */
function clusterGate(world: Metal3DataWorld, deleting: boolean): Metal3DataDecision | undefined {
  const data = world.metal3Data;
  const clusterName = data.metadata.labels?.[Labels.clusterName];
  // A Metal3Data being deleted is released even when its Cluster is gone.
  if (!deleting) {
    if (!clusterName)
      return { kind: 'ignore', why: 'noClusterLabel', reason: `it has no ${Labels.clusterName} label` };
    if (!world.cluster) return { kind: 'wait', reason: `Cluster ${clusterName} is not found` };
  }
  if (
    (world.cluster && world.cluster.spec?.paused === true) ||
    PAUSED_ANNOTATION in (data.metadata.annotations ?? {})
  ) {
    return { kind: 'wait', reason: 'its Cluster or itself is paused' };
  }
  return undefined;
}

export function decideMetal3Data(world: Metal3DataWorld): Metal3DataDecision {
  const data = world.metal3Data;
  const deleting = Boolean(data.metadata.deletionTimestamp);
  const gate = clusterGate(world, deleting);
  if (gate) return gate;
  return deleting ? decideDeletion(world) : decideClaims(world);
}

function decideDeletion(world: Metal3DataWorld): Metal3DataDecision {
  const data = world.metal3Data;
  if (!data.metadata.finalizers?.includes(Finalizers.metal3Data))
    return { kind: 'ignore', why: 'released', reason: 'released already (no finalizer)' };
  // CAPM3 #1478: release only once the Metal3DataClaim is gone.
  if (world.dataClaim)
    return { kind: 'wait', reason: 'it is being deleted and waits for its Metal3DataClaim to be gone' };
  if (!data.spec?.template?.name) return { kind: 'release', claims: [] };
  if (!world.template) return { kind: 'wait', reason: 'Metal3DataTemplate is not found, requeuing' };
  return {
    kind: 'release',
    claims: decideReleases({
      metal3Data: data,
      template: world.template,
      labelledClaims: world.labelledClaims ?? [],
      claims: world.claims,
    }),
  };
}

function decideClaims(world: Metal3DataWorld): Metal3DataDecision {
  const data = world.metal3Data;
  const namespace = data.metadata.namespace || 'default';
  if (!data.spec?.template?.name)
    return { kind: 'ignore', why: 'noTemplate', reason: 'it has no spec.template' };
  const template = world.template;
  if (!template) return { kind: 'wait', reason: 'Metal3DataTemplate is not found, requeuing' };
  if (!data.spec.claim?.name) return { kind: 'fail', message: 'Metal3DataClaim name not set' };
  if (!world.dataClaim) return { kind: 'wait', reason: `Metal3DataClaim ${data.spec.claim.name} not found` };
  if (!metal3MachineNameOf(world.dataClaim))
    return { kind: 'fail', message: 'metal3Machine not found in owner references' };
  const machine = world.metal3Machine;
  const wanted = machine?.spec?.dataTemplate;
  if (
    !machine ||
    wanted?.name !== template.metadata.name ||
    (wanted?.namespace && wanted.namespace !== namespace)
  ) {
    return { kind: 'fail', message: 'metal3Machine associated with Metal3DataTemplate is not found' };
  }
  if (world.secretsComplete) return { kind: 'ready', template, metal3Machine: machine };
  if (world.machineRequired && !world.machine)
    return { kind: 'wait', reason: 'waiting for Machine Controller to set OwnerRef on Metal3Machine' };
  const host = bmhNameFromMetal3Machine(machine);
  if (!host.ok) return { kind: 'fail', message: host.error.message };
  if (!host.name || !world.bareMetalHost)
    return { kind: 'wait', reason: 'waiting for BareMetalHost to become available' };

  const byName = (kind: ClaimKind) =>
    new Set(
      [...world.claims.keys()]
        .filter((key) => key.startsWith(`${kind}/`))
        .map((key) => key.slice(kind.length + 1)),
    );
  const desired = desiredIPClaimsForMetal3Data({
    metal3Data: data,
    template,
    metal3Machine: machine,
    bareMetalHost: world.bareMetalHost,
    ...(world.machine ? { machine: world.machine } : {}),
    bmhNameBasedPreallocation: world.bmhNameBasedPreallocation,
    existingIPClaimNames: byName('IPClaim'),
    existingIPAddressClaimNames: byName('IPAddressClaim'),
  });
  if (!desired.ok)
    return desired.waiting
      ? { kind: 'wait', reason: desired.reason }
      : { kind: 'fail', message: desired.error.message };

  const created = new Map<string, IPClaim | IPAddressClaim>();
  for (const claim of [...desired.ipClaims, ...desired.ipAddressClaims])
    created.set(claimKey(claim.kind, claim.metadata.name ?? ''), claim);
  const pools: PoolClaimDecision[] = [];
  for (const decision of desired.decisions) {
    const key = claimKey(decision.claimKind, decision.name);
    const base = { pool: decision.pool, kind: decision.claimKind, name: decision.name };
    const existing = decision.existing ? world.claims.get(key) : undefined;
    if (!existing) {
      const claim = created.get(key);
      if (claim) pools.push({ ...base, action: 'create', claim });
      continue;
    }
    pools.push({ ...base, ...existingClaimAction(decision.claimKind, existing, data) });
  }
  return {
    kind: 'ensure',
    host: host.name,
    template,
    metal3Machine: machine,
    bareMetalHost: world.bareMetalHost,
    ...(world.machine ? { machine: world.machine } : {}),
    pools,
    metal3DataLabels: { ...desired.metal3DataLabels, ...hostLabels(host.name) },
  };
}

function existingClaimAction(
  kind: ClaimKind,
  claim: KubeObject,
  data: Metal3Data,
):
  | { action: 'use'; claim: KubeObject }
  | { action: 'wait'; claim: KubeObject; why: 'ownedByOther' | 'deleting'; stripFinalizer: boolean } {
  const deleting = Boolean(claim.metadata.deletionTimestamp);
  // CAPI claims: addressFromClaim checks no owner, only that the claim is not deleting.
  if (kind === 'IPAddressClaim')
    return deleting
      ? { action: 'wait', claim, why: 'deleting', stripFinalizer: false }
      : { action: 'use', claim };
  if (ownedByMetal3Data(claim, data)) return { action: 'use', claim };
  if (deleting)
    return {
      action: 'wait',
      claim,
      why: 'deleting',
      stripFinalizer: (claim.metadata.finalizers ?? []).includes(Finalizers.metal3Data),
    };
  return { action: 'wait', claim, why: 'ownedByOther', stripFinalizer: false };
}

/**
 * IPAM failures surface on the Metal3Data as `IP Allocation for <pool> failed : <message>`: the
 * first used IPClaim (collection order) whose `status.errorMessage` is set.
 */
export function claimFailure(pools: readonly PoolClaimDecision[]): string | undefined {
  for (const decision of pools) {
    if (decision.action !== 'use' || decision.kind !== 'IPClaim') continue;
    const failure = (decision.claim as IPClaim).status?.errorMessage;
    if (failure !== undefined && failure !== '')
      return `IP Allocation for ${decision.pool.name} failed : ${failure}`;
  }
  return undefined;
}
