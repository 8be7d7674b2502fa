// One reconcile of one IPPool, as ip-address-manager's IPPool controller does it
// (controllers/ippool_controller.go + ipam/ippool_manager.go), against the planner's store.
//
// Deliberate differences, each observably equivalent at the fixed point or safer:
// - Metal3 and CAPI claims share ONE in-use set for the whole pass (upstream rebuilds it from a
//   possibly stale cache before the CAPI phase: the duplicate window of upstream PR #1529).
// - A failing claim does not abort the rest of the pass. Upstream aborts, but the failed claim is
//   sticky and skipped next time, so the next reconcile continues with the same in-use set: the
//   fixed point is the same and we avoid one pass per failing claim.
import {
  type CapiIPAddress,
  type Cluster,
  type Condition,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type KubeObject,
  type Metal3IPAddress,
  type OwnerReference,
  Finalizers,
  IP_ADDRESS_ANNOTATION,
  IPAM_CAPI_API_VERSION,
  IPAM_METAL3_API_VERSION,
  IPAM_METAL3_GROUP,
  Labels,
  PAUSED_ANNOTATION,
  PROVIDER_LABEL_VALUE,
} from '../api/types';
import { type AllocationResult, PoolAllocator, formatAddressName } from './deps';
import { type Entry, type ObjectStore, isDeleting, namespaceOf } from './store';
import type { AllocationSourceName, PlanWarning } from './types';

/** Reasons upstream writes on a failed CAPI claim (capipamv1 IPAddressClaimReady*Reason). */
export const CapiReasons = { allocationFailed: 'AllocationFailed', poolExhausted: 'PoolExhausted' } as const;
export const INVALID_PREFIX_MESSAGE = 'Invalid prefix value, it must be between 0 and 128';
const READY = 'Ready';

/** Claims and addresses of one namespace/pool, gathered once per pass. */
export interface PoolMembers {
  ipClaims: Entry<IPClaim>[];
  ipAddressClaims: Entry<IPAddressClaim>[];
  metal3Addresses: Entry<Metal3IPAddress>[];
  capiAddresses: Entry<CapiIPAddress>[];
}

export interface ReconcileContext {
  store: ObjectStore;
  random: () => number;
  warn: (warning: PlanWarning) => void;
  /** How each claim got its address in this plan. */
  sources: Map<Entry, AllocationSourceName>;
}

function keyOf(object: KubeObject) {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: namespaceOf(object),
    name: object.metadata.name ?? '',
  };
}

function groupOf(apiVersion: string | undefined): string {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
}

function ownerReferenceTo(owner: KubeObject): OwnerReference {
  const reference: Partial<OwnerReference> = {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name ?? '',
  };
  // Never invent a uid: a snapshot object without one yields a reference without one.
  if (owner.metadata.uid) reference.uid = owner.metadata.uid;
  return reference as OwnerReference;
}

function isPaused(cluster: Cluster, pool: IPPool): boolean {
  return cluster.spec?.paused === true || PAUSED_ANNOTATION in (pool.metadata.annotations ?? {});
}

function recordMatches(record: Record<string, string> | undefined, map: Map<string, string>): boolean {
  let size = 0;
  for (const key in record) {
    if (map.get(key) !== record[key]) return false;
    size++;
  }
  return size === map.size;
}

function sortedRecord(map: Map<string, string>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [key, value] of [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    record[key] = value;
  return record;
}

/**
 * Labels, Cluster owner reference and pause, as the reconcile entry does them. Returns false when
 * the reconcile stops there.
 */
function reconcileClusterLink(context: ReconcileContext, poolEntry: Entry<IPPool>): boolean {
  const { store, warn } = context;
  const pool = poolEntry.current;
  const clusterName = pool.spec.clusterName;
  const namespace = namespaceOf(pool);
  if (clusterName === undefined) {
    if (PAUSED_ANNOTATION in (pool.metadata.annotations ?? {})) {
      warn({
        code: 'PausedAnnotationIgnored',
        message: `IPPool ${namespace}/${pool.metadata.name} has the ${PAUSED_ANNOTATION} annotation but no spec.clusterName; ip-address-manager only honours the pause through a Cluster, so its claims are still served`,
        object: keyOf(pool),
      });
    }
    return true;
  }
  const labels = pool.metadata.labels ?? {};
  if (labels[Labels.clusterName] !== clusterName || labels[Labels.provider] !== PROVIDER_LABEL_VALUE) {
    const edited = store.edit(poolEntry);
    edited.metadata.labels = {
      ...edited.metadata.labels,
      [Labels.clusterName]: clusterName,
      [Labels.provider]: PROVIDER_LABEL_VALUE,
    };
  }
  const cluster = store.get<Cluster>('Cluster', namespace, clusterName)?.current;
  if (!cluster) {
    if (isDeleting(poolEntry)) return true;
    warn({
      code: 'ClusterNotFound',
      message: `IPPool ${namespace}/${pool.metadata.name} waits for Cluster ${namespace}/${clusterName}, which is not in the snapshot; its claims are not served`,
      object: keyOf(pool),
    });
    return false;
  }
  setClusterOwnerReference(store, poolEntry, cluster);
  if (isPaused(cluster, poolEntry.current)) {
    warn({
      code: 'ClusterPaused',
      message: `IPPool ${namespace}/${pool.metadata.name} is paused (Cluster spec.paused or ${PAUSED_ANNOTATION} annotation); its claims are not served`,
      object: keyOf(pool),
    });
    return false;
  }
  return true;
}

/** Matches an existing reference by name + kind + API group and refreshes its uid/apiVersion. */
function setClusterOwnerReference(store: ObjectStore, poolEntry: Entry<IPPool>, cluster: Cluster): void {
  const wanted = { ...ownerReferenceTo(cluster), controller: false };
  const references = poolEntry.current.metadata.ownerReferences ?? [];
  const index = references.findIndex(
    (ref) =>
      ref.kind === cluster.kind &&
      ref.name === wanted.name &&
      groupOf(ref.apiVersion) === groupOf(cluster.apiVersion),
  );
  const existing = references[index];
  if (existing === undefined) {
    const edited = store.edit(poolEntry);
    edited.metadata.ownerReferences = [...references, wanted];
    return;
  }
  const uidChanged = wanted.uid !== undefined && existing.uid !== wanted.uid;
  if (existing.apiVersion !== wanted.apiVersion || uidChanged) {
    const edited = store.edit(poolEntry);
    const refreshed = { ...existing, apiVersion: wanted.apiVersion };
    if (wanted.uid !== undefined) refreshed.uid = wanted.uid;
    edited.metadata.ownerReferences = references.map((ref, i) => (i === index ? refreshed : ref));
  }
}

/** What a pass allocates with: choose an address for a claim, give one back. */
export type PassAllocator = Pick<PoolAllocator, 'allocate' | 'release'>;

/** Claim name → address text of the pool's IPAddress objects, as a pass reads and edits it. */
export interface PassIndexes {
  get(claimName: string): string | undefined;
  set(claimName: string, address: string): void;
  delete(claimName: string): void;
}

/**
 * The pool's addresses when the caller keeps them between passes (the operator): the pass then
 * neither reads every IPAddress nor rebuilds the allocator, and leaves status.indexes to the caller.
 */
export interface PoolAddressBook {
  indexes: PassIndexes;
  allocator(): PassAllocator;
  /** IPAddress objects (both kinds) on the pool before the pass. */
  liveAddresses: number;
}

/** The book of a snapshot pass, built from the pool's IPAddress objects in `members`. */
function bookFromMembers(context: ReconcileContext, pool: IPPool, deleting: boolean, members: PoolMembers) {
  // getIndexes: the IPAddress objects (both kinds) are the source of truth, the status a cache.
  // `indexes` keeps the text as written (upstream does); the allocator compares parsed values.
  const indexes = new Map<string, string>();
  const inUse: Array<[address: string, claimName: string]> = [];
  for (const entry of members.metal3Addresses) {
    if (entry.gone) continue;
    const claimName = entry.current.spec.claim?.name ?? '';
    indexes.set(claimName, entry.current.spec.address);
    inUse.push([entry.current.spec.address, claimName]);
  }
  for (const entry of members.capiAddresses) {
    if (entry.gone) continue;
    const claimName = entry.current.spec.claimRef?.name ?? '';
    indexes.set(claimName, entry.current.spec.address);
    inUse.push([entry.current.spec.address, claimName]);
  }
  // Built on first use: a pass in which every claim is already served never parses an address.
  let allocator: PoolAllocator | undefined;
  const book = {
    indexes,
    liveAddresses: inUse.length,
    allocator: (): PoolAllocator => {
      if (!allocator) {
        allocator = new PoolAllocator(pool.spec, { deleting, random: context.random });
        for (const [address, claimName] of inUse) allocator.markInUse(address, claimName);
      }
      return allocator;
    },
  };
  return book;
}

/**
 * One IPPool reconcile. `members` are the pool's claims (and, without a `book`, its addresses) in
 * its namespace. With a `book`, status.indexes is not written: the caller derives it from the book.
 */
export function reconcilePool(
  context: ReconcileContext,
  poolEntry: Entry<IPPool>,
  members: PoolMembers,
  book?: PoolAddressBook,
): void {
  const { store } = context;
  if (!reconcileClusterLink(context, poolEntry)) return;
  const deleting = isDeleting(poolEntry);
  if (!deleting) store.addFinalizer(poolEntry, Finalizers.ipPool);

  const snapshotBook = book ? undefined : bookFromMembers(context, poolEntry.current, deleting, members);
  const used = book ?? snapshotBook!;
  const pass: PoolPass = {
    context,
    poolEntry,
    allocator: () => used.allocator(),
    indexes: used.indexes,
    created: 0,
    removed: 0,
  };
  for (const claim of members.ipClaims) if (!claim.gone) reconcileMetal3Claim(pass, claim);
  for (const claim of members.ipAddressClaims) if (!claim.gone) reconcileCapiClaim(pass, claim);

  if (snapshotBook) {
    const status = poolEntry.current.status;
    const indexes = snapshotBook.indexes;
    if (!recordMatches(status?.indexes, indexes)) {
      const edited = store.edit(poolEntry);
      const nextStatus = { ...edited.status };
      if (indexes.size > 0) nextStatus.indexes = sortedRecord(indexes);
      else delete nextStatus.indexes;
      edited.status = nextStatus;
    }
  }

  if (deleting) {
    // Upstream counts live addresses (the delete path keeps a preallocated one for one extra
    // reconcile); at the fixed point that is the number of IPAddress objects left on the pool.
    // A deleting pool still serves new claims, so addresses created in this pass count too.
    const live = used.liveAddresses - pass.removed;
    if (live + pass.created === 0) store.removeFinalizer(poolEntry, Finalizers.ipPool);
  }
}

interface PoolPass {
  context: ReconcileContext;
  poolEntry: Entry<IPPool>;
  allocator: () => PassAllocator;
  indexes: PassIndexes;
  /** IPAddress objects created in this pass (not in `members`, which were gathered before it). */
  created: number;
  /** IPAddress objects of the pool this pass removed. */
  removed: number;
}

/** "Still in use": a deleting claim that carries any finalizer other than ours waits. */
function heldByOthers(claim: KubeObject, ownFinalizer: string): boolean {
  return (claim.metadata.finalizers ?? []).some((finalizer) => finalizer !== ownFinalizer);
}

function recordSource(pass: PoolPass, claim: Entry, result: AllocationResult): void {
  if (result.ok) pass.context.sources.set(claim, result.allocation.source);
}

function addressObjectName(pass: PoolPass, address: string): string {
  return formatAddressName(pass.poolEntry.current.spec.namePrefix, address);
}

function warnNameConflict(
  pass: PoolPass,
  claim: KubeObject,
  addressKind: 'Metal3IPAddress' | 'CapiIPAddress',
  name: string,
): void {
  const namespace = namespaceOf(claim);
  pass.context.warn({
    code: 'AddressNameConflict',
    message: `${claim.kind} ${namespace}/${claim.metadata.name}: IPAddress ${namespace}/${name} already exists (another pool with the same namePrefix, or a preallocated address held by another claim); the controller requeues forever without an address`,
    object: keyOf(claim),
    address: { kind: addressKind, namespace, name },
  });
}

function warnStillInUse(pass: PoolPass, claim: KubeObject, ownFinalizer: string): void {
  const others = (claim.metadata.finalizers ?? []).filter((finalizer) => finalizer !== ownFinalizer);
  pass.context.warn({
    code: 'ClaimStillInUse',
    message: `${claim.kind} ${namespaceOf(claim)}/${claim.metadata.name} is being deleted but is still in use (finalizers ${others.join(', ')}); its address is kept`,
    object: keyOf(claim),
  });
}

function reconcileMetal3Claim(pass: PoolPass, entry: Entry<IPClaim>): void {
  const { store } = pass.context;
  const claim = entry.current;
  const deleting = isDeleting(entry);
  if (!deleting && claim.status?.address) return;
  if (!deleting && claim.status?.errorMessage !== undefined) return;

  if (claim.status?.errorMessage !== undefined) {
    const edited = store.edit(entry);
    edited.status = { ...edited.status };
    delete edited.status.errorMessage;
  }
  const name = claim.metadata.name ?? '';
  const namespace = namespaceOf(pass.poolEntry.current);

  if (deleting) {
    if (heldByOthers(entry.current, Finalizers.ipClaim)) {
      warnStillInUse(pass, entry.current, Finalizers.ipClaim);
      return;
    }
    releaseAddress(pass, entry, 'Metal3IPAddress', Finalizers.ipAddress);
    if (entry.current.status?.address) {
      const edited = store.edit(entry);
      edited.status = { ...edited.status };
      delete edited.status.address;
    }
    store.removeFinalizer(entry, Finalizers.ipClaim);
    return;
  }

  store.addFinalizer(entry, Finalizers.ipClaim);
  const known = pass.indexes.get(name);
  if (known !== undefined) {
    // Recovery after a move or a lost status: point at the existing address, create nothing.
    setMetal3ClaimAddress(store, entry, addressObjectName(pass, known), namespace);
    return;
  }
  const result = pass.allocator().allocate({
    claimName: name,
    requestedIP: claim.metadata.annotations?.[IP_ADDRESS_ANNOTATION],
  });
  if (!result.ok) {
    const edited = store.edit(entry);
    edited.status = { ...edited.status, errorMessage: result.error.message };
    return;
  }
  const allocation = result.allocation;
  const objectName = addressObjectName(pass, allocation.address);
  if (store.get('Metal3IPAddress', namespace, objectName)) {
    pass.allocator().release(allocation.address, name);
    warnNameConflict(pass, entry.current, 'Metal3IPAddress', objectName);
    return;
  }
  const pool = pass.poolEntry.current;
  const spec: Metal3IPAddress['spec'] = {
    address: allocation.address,
    pool: { name: pool.metadata.name ?? '', namespace },
    claim: { name, namespace },
  };
  if (allocation.prefix !== 0) spec.prefix = allocation.prefix;
  if (allocation.gateway !== undefined) spec.gateway = allocation.gateway;
  if (allocation.dnsServers && allocation.dnsServers.length > 0) spec.dnsServers = [...allocation.dnsServers];
  store.create<Metal3IPAddress>('Metal3IPAddress', {
    apiVersion: IPAM_METAL3_API_VERSION,
    kind: 'IPAddress',
    metadata: newAddressMetadata(objectName, namespace, pool, entry.current),
    spec,
  });
  pass.indexes.set(name, allocation.address);
  pass.created++;
  recordSource(pass, entry, result);
  setMetal3ClaimAddress(store, entry, objectName, namespace);
}

function setMetal3ClaimAddress(
  store: ObjectStore,
  entry: Entry<IPClaim>,
  name: string,
  namespace: string,
): void {
  const current = entry.current.status?.address;
  if (current?.name === name && current.namespace === namespace) return;
  const edited = store.edit(entry);
  edited.status = { ...edited.status, address: { name, namespace } };
}

function newAddressMetadata(
  name: string,
  namespace: string,
  pool: IPPool,
  claim: KubeObject,
): KubeObject['metadata'] {
  const metadata: KubeObject['metadata'] = { name, namespace };
  if (claim.metadata.labels && Object.keys(claim.metadata.labels).length > 0) {
    metadata.labels = { ...claim.metadata.labels };
  }
  metadata.finalizers = [claim.kind === 'IPClaim' ? Finalizers.ipAddress : Finalizers.capiIPAddress];
  metadata.ownerReferences = [ownerReferenceTo(pool), ownerReferenceTo(claim)];
  return metadata;
}

/**
 * The delete path shared by both kinds: find the IPAddress by its formatted name (upstream looks
 * it up by name, not by owner), drop its finalizer and delete it, then forget the allocation.
 */
function releaseAddress(
  pass: PoolPass,
  entry: Entry,
  addressKind: 'Metal3IPAddress' | 'CapiIPAddress',
  finalizer: string,
): void {
  const { store } = pass.context;
  const name = entry.current.metadata.name ?? '';
  const address = pass.indexes.get(name);
  if (address === undefined) return;
  const objectName = addressObjectName(pass, address);
  const addressEntry = store.get(addressKind, namespaceOf(pass.poolEntry.current), objectName);
  if (addressEntry) {
    store.removeFinalizer(addressEntry, finalizer);
    store.delete(addressEntry);
    if (addressEntry.gone) pass.removed++;
  }
  // A preallocated address stays reserved for the claim name; the allocator knows the
  // preAllocations and keeps them (while the pool is not being deleted).
  pass.allocator().release(address, name);
  pass.indexes.delete(name);
}

function isFailedCapiClaim(claim: IPAddressClaim): boolean {
  const reason = claim.status?.conditions?.[0]?.reason;
  return reason === CapiReasons.allocationFailed || reason === CapiReasons.poolExhausted;
}

function setReadyCondition(store: ObjectStore, entry: Entry<IPAddressClaim>, condition: Condition): void {
  // No lastTransitionTime: the plan never invents timestamps.
  const conditions = entry.current.status?.conditions;
  if (conditions?.length === 1 && JSON.stringify(conditions[0]) === JSON.stringify(condition)) return;
  const edited = store.edit(entry);
  edited.status = { ...edited.status, conditions: [condition] };
}

function failCapiClaim(
  store: ObjectStore,
  entry: Entry<IPAddressClaim>,
  reason: string,
  message: string,
): void {
  setReadyCondition(store, entry, { type: READY, status: 'False', reason, message });
}

function setCapiClaimAddress(store: ObjectStore, entry: Entry<IPAddressClaim>, name: string): void {
  if (entry.current.status?.addressRef?.name === name) return;
  const edited = store.edit(entry);
  edited.status = { ...edited.status, addressRef: { name } };
}

function reconcileCapiClaim(pass: PoolPass, entry: Entry<IPAddressClaim>): void {
  const { store } = pass.context;
  const claim = entry.current;
  const deleting = isDeleting(entry);
  if (!deleting && claim.status?.addressRef?.name) return;
  if (!deleting && isFailedCapiClaim(claim)) return;
  const name = claim.metadata.name ?? '';
  const namespace = namespaceOf(pass.poolEntry.current);

  if (deleting) {
    if (heldByOthers(claim, Finalizers.capiIPAddressClaim)) {
      warnStillInUse(pass, claim, Finalizers.capiIPAddressClaim);
      return;
    }
    releaseAddress(pass, entry, 'CapiIPAddress', Finalizers.capiIPAddress);
    if (entry.current.status?.addressRef?.name) {
      const edited = store.edit(entry);
      edited.status = { ...edited.status, addressRef: { ...edited.status?.addressRef, name: '' } };
    }
    store.removeFinalizer(entry, Finalizers.capiIPAddressClaim);
    return;
  }

  store.addFinalizer(entry, Finalizers.capiIPAddressClaim);
  const known = pass.indexes.get(name);
  if (known !== undefined) {
    // Upstream only sets addressRef here (no condition), including when an IPClaim of the same
    // name holds the address: both kinds share the name-keyed allocations.
    setCapiClaimAddress(store, entry, addressObjectName(pass, known));
    return;
  }
  const result = pass.allocator().allocate({
    claimName: name,
    requestedIP: claim.metadata.annotations?.[IP_ADDRESS_ANNOTATION],
  });
  if (!result.ok) {
    const reason =
      result.error.code === 'PoolExhausted' ? CapiReasons.poolExhausted : CapiReasons.allocationFailed;
    failCapiClaim(store, entry, reason, result.error.message);
    return;
  }
  const allocation = result.allocation;
  if (allocation.prefix < 0 || allocation.prefix > 128) {
    pass.allocator().release(allocation.address, name);
    failCapiClaim(store, entry, CapiReasons.allocationFailed, INVALID_PREFIX_MESSAGE);
    return;
  }
  const objectName = addressObjectName(pass, allocation.address);
  if (store.get('CapiIPAddress', namespace, objectName)) {
    pass.allocator().release(allocation.address, name);
    warnNameConflict(pass, entry.current, 'CapiIPAddress', objectName);
    return;
  }
  const pool = pass.poolEntry.current;
  store.create<CapiIPAddress>('CapiIPAddress', {
    apiVersion: IPAM_CAPI_API_VERSION,
    kind: 'IPAddress',
    metadata: newAddressMetadata(objectName, namespace, pool, entry.current),
    spec: {
      address: allocation.address,
      poolRef: { name: pool.metadata.name ?? '', kind: pool.kind, apiGroup: IPAM_METAL3_GROUP },
      claimRef: { name },
      prefix: allocation.prefix,
      gateway: allocation.gateway ?? '',
    },
  });
  pass.indexes.set(name, allocation.address);
  pass.created++;
  recordSource(pass, entry, result);
  setCapiClaimAddress(store, entry, objectName);
  setReadyCondition(store, entry, { type: READY, status: 'True' });
}
