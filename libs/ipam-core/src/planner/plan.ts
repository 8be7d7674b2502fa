// plan(): the what-if planner over a whole snapshot (CLI, API, tests). Runs the CAPM3 Metal3Data reconcile and the IPPool reconcile over a snapshot until a
// pass changes nothing, then reports every object that ended up created or changed.
import type {
  CapiIPAddress,
  IPAddressClaim,
  IPClaim,
  IPPool,
  KubeObject,
  Metal3Data,
  Metal3IPAddress,
} from '../api/types';
import { reconcileMetal3Data } from './capm3';
import { admissionWarnings } from './deps';
import { type PoolMembers, type ReconcileContext, reconcilePool } from './pool-pass';
import { seededRandom } from './rng';
import { type Entry, type KindKey, ObjectStore, namespaceOf } from './store';
import type {
  AllocationSourceName,
  ObjectKey,
  PlanOptions,
  PlanResult,
  PlanRow,
  PlanSnapshot,
  PlanWarning,
  PlannedDeletion,
} from './types';

const DEFAULT_MAX_PASSES = 50;
const DEFAULT_SEED = 1;

const snapshotKinds: ReadonlyArray<[keyof PlanSnapshot, KindKey]> = [
  ['ipPools', 'IPPool'],
  ['ipClaims', 'IPClaim'],
  ['ipAddresses', 'Metal3IPAddress'],
  ['ipAddressClaims', 'IPAddressClaim'],
  ['capiIPAddresses', 'CapiIPAddress'],
  ['clusters', 'Cluster'],
  ['metal3Data', 'Metal3Data'],
  ['metal3DataClaims', 'Metal3DataClaim'],
  ['metal3DataTemplates', 'Metal3DataTemplate'],
  ['metal3Machines', 'Metal3Machine'],
  ['bareMetalHosts', 'BareMetalHost'],
  ['machines', 'Machine'],
];

export function objectKey(object: KubeObject): ObjectKey {
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    namespace: namespaceOf(object),
    name: object.metadata.name ?? '',
  };
}

/** Computes the fixed point of what ip-address-manager and CAPM3 would write for `snapshot`. */
export function plan(snapshot: PlanSnapshot, options: PlanOptions = {}): PlanResult {
  const store = new ObjectStore();
  const loadWarnings: PlanWarning[] = [];
  for (const [field, kind] of snapshotKinds) {
    for (const object of (snapshot[field] ?? []) as KubeObject[]) {
      if (!store.load(kind, object)) {
        loadWarnings.push({
          code: 'DuplicateObject',
          message: `${object.kind} ${namespaceOf(object)}/${object.metadata.name} appears more than once; only the first is used`,
          object: objectKey(object),
        });
      }
      loadWarnings.push(...admissionWarnings(kind, object));
    }
  }

  const sources = new Map<Entry, AllocationSourceName>();
  const seed = options.seed ?? DEFAULT_SEED;
  const maxPasses = options.maxPasses ?? DEFAULT_MAX_PASSES;
  let passWarnings: PlanWarning[] = [];
  let passes = 0;
  let converged = false;
  while (passes < maxPasses) {
    passes++;
    passWarnings = [];
    const revision = store.revision;
    const warn = (warning: PlanWarning) => passWarnings.push(warning);

    for (const entry of store.list<Metal3Data>('Metal3Data')) {
      reconcileMetal3Data(
        { store, warn, bmhNameBasedPreallocation: options.bmhNameBasedPreallocation ?? false },
        entry,
      );
    }
    const members = groupPoolMembers(store);
    for (const poolEntry of store.list<IPPool>('IPPool')) {
      if (poolEntry.gone) continue;
      const key = poolKey(namespaceOf(poolEntry.current), poolEntry.current.metadata.name ?? '');
      const context: ReconcileContext = {
        store,
        warn,
        sources,
        random: options.random ?? seededRandom(seed, key),
      };
      reconcilePool(context, poolEntry, members.get(key) ?? emptyMembers());
    }
    if (store.revision === revision) {
      converged = true;
      break;
    }
  }

  const warnings = [...loadWarnings, ...dedupe(passWarnings)];
  if (!converged) {
    warnings.push({
      code: 'NotConverged',
      message: `the controllers did not settle within ${maxPasses} reconcile passes; the output is the state after the last pass`,
    });
  }
  const { items, deleted } = collectChanges(store);
  const missingUid = items.filter((item) => (item.metadata.ownerReferences ?? []).some((ref) => !ref.uid));
  if (missingUid.length > 0) {
    warnings.push({
      code: 'MissingOwnerUID',
      message: `${missingUid.length} new object(s) have ownerReferences without uid: their owners are created by this plan or have no metadata.uid in the input, and uids are never invented (the API server assigns them on create)`,
    });
  }
  const rows = claimRows(store, sources, warnings);
  return { items, deleted, rows, warnings, passes };
}

function poolKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function emptyMembers(): PoolMembers {
  return { ipClaims: [], ipAddressClaims: [], metal3Addresses: [], capiAddresses: [] };
}

/** One scan of each kind, so a pass costs O(objects) however many pools there are. */
function groupPoolMembers(store: ObjectStore): Map<string, PoolMembers> {
  // namespace → pool name → members: nested maps, so no key string is built per object.
  const byNamespace = new Map<string, Map<string, PoolMembers>>();
  const groupFor = (entry: Entry, poolName: string | undefined): PoolMembers | undefined => {
    if (!poolName) return undefined;
    let pools = byNamespace.get(entry.namespace);
    if (!pools) {
      pools = new Map();
      byNamespace.set(entry.namespace, pools);
    }
    let group = pools.get(poolName);
    if (!group) {
      group = emptyMembers();
      pools.set(poolName, group);
    }
    return group;
  };
  for (const entry of store.list<IPClaim>('IPClaim')) {
    groupFor(entry, entry.current.spec?.pool?.name)?.ipClaims.push(entry);
  }
  for (const entry of store.list<IPAddressClaim>('IPAddressClaim')) {
    groupFor(entry, entry.current.spec?.poolRef?.name)?.ipAddressClaims.push(entry);
  }
  for (const entry of store.list<Metal3IPAddress>('Metal3IPAddress')) {
    groupFor(entry, entry.current.spec?.pool?.name)?.metal3Addresses.push(entry);
  }
  for (const entry of store.list<CapiIPAddress>('CapiIPAddress')) {
    groupFor(entry, entry.current.spec?.poolRef?.name)?.capiAddresses.push(entry);
  }
  const groups = new Map<string, PoolMembers>();
  for (const [namespace, pools] of byNamespace) {
    for (const [poolName, members] of pools) groups.set(poolKey(namespace, poolName), members);
  }
  return groups;
}

export function dedupe(warnings: PlanWarning[]): PlanWarning[] {
  const seen = new Set<string>();
  return warnings.filter((warning) => {
    const key = `${warning.code}\u0000${warning.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Structural equality of JSON values, ignoring object key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, i) => jsonEqual(value, b[i]));
  }
  const aRecord = a as Record<string, unknown>;
  const bRecord = b as Record<string, unknown>;
  const aKeys = Object.keys(aRecord).filter((key) => aRecord[key] !== undefined);
  const bKeys = Object.keys(bRecord).filter((key) => bRecord[key] !== undefined);
  return aKeys.length === bKeys.length && aKeys.every((key) => jsonEqual(aRecord[key], bRecord[key]));
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareObjects(a: KubeObject, b: KubeObject): number {
  return (
    compareText(a.kind, b.kind) ||
    compareText(namespaceOf(a), namespaceOf(b)) ||
    compareText(a.metadata.name ?? '', b.metadata.name ?? '') ||
    compareText(a.apiVersion, b.apiVersion)
  );
}

export function collectChanges(store: ObjectStore): { items: KubeObject[]; deleted: PlannedDeletion[] } {
  const items: KubeObject[] = [];
  const deleted: Array<PlannedDeletion & { object: KubeObject }> = [];
  for (const entry of store.all()) {
    const removed = entry.gone || entry.deleteRequested;
    if (entry.original && removed) {
      const remainingFinalizers = entry.gone ? [] : [...(entry.current.metadata.finalizers ?? [])];
      deleted.push({ ...objectKey(entry.current), remainingFinalizers, object: entry.current });
    }
    if (entry.gone) continue;
    if (
      entry.original === undefined ||
      (entry.current !== entry.original && !jsonEqual(entry.current, entry.original))
    ) {
      items.push(entry.current);
    }
  }
  items.sort(compareObjects);
  deleted.sort((a, b) => compareObjects(a.object, b.object));
  return { items, deleted: deleted.map(({ object: _object, ...deletion }) => deletion) };
}

function addressOfClaim(
  store: ObjectStore,
  entry: Entry<IPClaim> | Entry<IPAddressClaim>,
  poolName: string,
): string {
  const claim = entry.current;
  const namespace = namespaceOf(claim);
  let objectName: string | undefined;
  if (claim.kind === 'IPClaim') {
    const ref = (claim as IPClaim).status?.address;
    objectName = ref?.name;
    const found = objectName
      ? store.get<Metal3IPAddress>('Metal3IPAddress', ref?.namespace || namespace, objectName)
      : undefined;
    if (found) return found.current.spec.address;
  } else {
    objectName = (claim as IPAddressClaim).status?.addressRef?.name || undefined;
    const found = objectName ? store.get<CapiIPAddress>('CapiIPAddress', namespace, objectName) : undefined;
    if (found) return found.current.spec.address;
  }
  if (!objectName) return '';
  // The reference names an address of the other kind (claims of both kinds share names).
  return (
    store.get<IPPool>('IPPool', namespace, poolName)?.current.status?.indexes?.[claim.metadata.name ?? ''] ??
    ''
  );
}

function claimRows(
  store: ObjectStore,
  sources: Map<Entry, AllocationSourceName>,
  warnings: PlanWarning[],
): PlanRow[] {
  const rows: PlanRow[] = [];
  // Both lists are sorted by namespace and name: merge them (IPAddressClaim after IPClaim on a tie).
  const claims = mergeSorted<Entry<IPClaim> | Entry<IPAddressClaim>>(
    store.list<IPClaim>('IPClaim'),
    store.list<IPAddressClaim>('IPAddressClaim'),
    (a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name),
  );
  for (const entry of claims) {
    const claim = entry.current;
    const namespace = namespaceOf(claim);
    const name = claim.metadata.name ?? '';
    const isMetal3 = claim.kind === 'IPClaim';
    const pool = isMetal3
      ? ((claim as IPClaim).spec?.pool?.name ?? '')
      : ((claim as IPAddressClaim).spec?.poolRef?.name ?? '');
    const address = addressOfClaim(store, entry, pool);
    const row: PlanRow = {
      claim: name,
      kind: isMetal3 ? 'IPClaim' : 'IPAddressClaim',
      namespace,
      pool,
      address,
    };
    if (address) row.source = sources.get(entry) ?? 'existing';
    const error = isMetal3
      ? (claim as IPClaim).status?.errorMessage
      : (claim as IPAddressClaim).status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False')
          ?.message;
    if (error !== undefined) row.error = error;
    rows.push(row);
    if (!address && error === undefined && !store.get('IPPool', namespace, pool)) {
      warnings.push({
        code: 'PoolNotFound',
        message: `${claim.kind} ${namespace}/${name} references IPPool ${namespace}/${pool}, which is not in the snapshot; it stays pending`,
        object: objectKey(claim),
      });
    }
  }
  return rows;
}

function mergeSorted<T>(a: readonly T[], b: readonly T[], compare: (x: T, y: T) => number): T[] {
  const merged: T[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const x = a[i];
    const y = b[j];
    if (x === undefined || y === undefined) break;
    if (compare(x, y) <= 0) {
      merged.push(x);
      i++;
    } else {
      merged.push(y);
      j++;
    }
  }
  return merged.concat(a.slice(i), b.slice(j));
}
