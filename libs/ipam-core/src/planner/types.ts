// Public types of the planner: what goes in (a snapshot of objects as a cluster would hold them)
// and what comes out (the objects the controllers would write, per-claim rows and warnings).
import type {
  BareMetalHost,
  CapiIPAddress,
  Cluster,
  IPAddressClaim,
  IPClaim,
  IPPool,
  KubeObject,
  Machine,
  Metal3Data,
  Metal3DataClaim,
  Metal3DataTemplate,
  Metal3IPAddress,
  Metal3Machine,
} from '../api/types';

/** Objects as they exist before the controllers run. Every list is optional. */
export interface PlanSnapshot {
  ipPools?: IPPool[];
  ipClaims?: IPClaim[];
  /** ipam.metal3.io/v1alpha1 IPAddress objects. */
  ipAddresses?: Metal3IPAddress[];
  /** ipam.cluster.x-k8s.io IPAddressClaim objects. */
  ipAddressClaims?: IPAddressClaim[];
  /** ipam.cluster.x-k8s.io IPAddress objects. */
  capiIPAddresses?: CapiIPAddress[];
  clusters?: Cluster[];
  metal3Data?: Metal3Data[];
  metal3DataClaims?: Metal3DataClaim[];
  metal3DataTemplates?: Metal3DataTemplate[];
  metal3Machines?: Metal3Machine[];
  bareMetalHosts?: BareMetalHost[];
  /** CAPI Machines: only read for `fromPoolAnnotation` entries with `object: machine`. */
  machines?: Machine[];
}

export interface PlanOptions {
  /** CAPM3's `--enable-bmh-name-based-preallocation`: name new IPClaims `{bmh}-{pool}`. */
  bmhNameBasedPreallocation?: boolean;
  /**
   * Random source for pools with `allocationStrategy: random`, returning [0, 1). When absent each
   * pool gets its own generator seeded from `seed` and the pool's namespace/name, so a plan is
   * reproducible and one pool's draws do not depend on which other pools are in the snapshot.
   */
  random?: () => number;
  /** Seed of the default generator (default 1). */
  seed?: number;
  /** Safety bound on reconcile passes (default 50); the plan warns if it is reached. */
  maxPasses?: number;
}

export type AllocationSourceName = 'existing' | 'preallocated' | 'requested' | 'dynamic';

/** One line of the human view: a claim (either kind) and its outcome. */
export interface PlanRow {
  claim: string;
  kind: 'IPClaim' | 'IPAddressClaim';
  namespace: string;
  pool: string;
  /** The allocated address, '' when none. */
  address: string;
  /** How the address was obtained; undefined when the claim holds no address. */
  source?: AllocationSourceName;
  /** The claim's failure text (IPClaim `status.errorMessage`, IPAddressClaim Ready message). */
  error?: string;
}

export type PlanWarningCode =
  | 'AdmissionWouldReject'
  | 'PoolNotFound'
  | 'ClusterNotFound'
  | 'ClusterPaused'
  | 'PausedAnnotationIgnored'
  | 'AddressNameConflict'
  | 'ClaimStillInUse'
  | 'MissingOwnerUID'
  | 'Metal3DataWaiting'
  | 'ClaimOwnedByOther'
  | 'DuplicateObject'
  | 'NotConverged';

export interface ObjectKey {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
}

interface WarningBase {
  /** Human-readable, for logs and Events; never parse it: the fields carry the facts. */
  message: string;
  object?: ObjectKey;
}

/** A claim's IPAddress name is held by an object that is not its own: the claim waits. */
export interface AddressNameConflictWarning extends WarningBase {
  code: 'AddressNameConflict';
  /** The IPAddress that holds the name. */
  address: { kind: 'Metal3IPAddress' | 'CapiIPAddress'; namespace: string; name: string };
}

export type PlanWarning =
  | AddressNameConflictWarning
  | (WarningBase & { code: Exclude<PlanWarningCode, 'AddressNameConflict'> });

/** An object that the plan removes (its last finalizer is dropped while it is being deleted). */
export interface PlannedDeletion extends ObjectKey {
  /** Finalizers of other controllers that still hold the object after the plan; empty when gone. */
  remainingFinalizers: string[];
}

export interface PlanResult {
  /**
   * Final state of every object created or changed, sorted by kind, namespace, name (then
   * apiVersion, since both IPAddress kinds share a name). Unchanged objects are omitted.
   */
  items: KubeObject[];
  /** Objects the plan deletes (also omitted from `items` unless other finalizers keep them). */
  deleted: PlannedDeletion[];
  /** One row per claim of either kind after the plan, sorted by namespace, name, kind. */
  rows: PlanRow[];
  warnings: PlanWarning[];
  /** Reconcile passes run until nothing changed (the last pass changes nothing). */
  passes: number;
}
