// The planner's model of a cluster: objects indexed by kind, namespace and name, edited
// copy-on-write so that the original of every object stays available for the final diff.
import type { KubeObject } from '../api/types';

export type KindKey =
  | 'IPPool'
  | 'IPClaim'
  | 'Metal3IPAddress'
  | 'IPAddressClaim'
  | 'CapiIPAddress'
  | 'Cluster'
  | 'Metal3Data'
  | 'Metal3DataClaim'
  | 'Metal3DataTemplate'
  | 'Metal3Machine'
  | 'BareMetalHost'
  | 'Machine';

export interface Entry<T extends KubeObject = KubeObject> {
  readonly kindKey: KindKey;
  readonly namespace: string;
  readonly name: string;
  /** The object as given in the snapshot; undefined when the plan created it. */
  readonly original: T | undefined;
  /** The object as the controllers leave it; the same reference as `original` until edited. */
  current: T;
  /** The plan asked the API server to delete it (we never invent a deletionTimestamp). */
  deleteRequested: boolean;
  /** Removed from the cluster: it was being deleted and its last finalizer went away. */
  gone: boolean;
}

/** Objects without a namespace are in `default`, as kubectl would create them. */
export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace || 'default';
}

export function isDeleting(entry: Entry): boolean {
  return entry.deleteRequested || Boolean(entry.current.metadata.deletionTimestamp);
}

/**
 * Copy for editing: the object and its metadata are copied, nested values are shared. Every edit
 * replaces nested values (status, labels, finalizers, ...) instead of mutating them, so the
 * original stays intact; a deep copy of 20,000 objects would cost more than the whole plan.
 */
function copyForEdit<T extends KubeObject>(value: T): T {
  return { ...value, metadata: { ...value.metadata } };
}

function byNamespaceThenName(a: Entry, b: Entry): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

interface KindTable {
  /** namespace → name → entry (nested maps: no key strings built per lookup). */
  byNamespace: Map<string, Map<string, Entry>>;
  /** Live entries sorted by namespace and name; rebuilt lazily after a create or a removal. */
  sorted: Entry[] | undefined;
}

/** Where a store finds objects it was not loaded with (see ObjectStore's constructor). */
export type ObjectLookup = (kind: KindKey, namespace: string, name: string) => KubeObject | undefined;

export class ObjectStore {
  private readonly kinds = new Map<KindKey, KindTable>();
  /**
   * With a lookup, `get` loads objects on first use instead of requiring the whole snapshot up
   * front: a pool pass then only touches the objects it reads. `list` sees loaded objects only.
   */
  constructor(private readonly lookup?: ObjectLookup) {}
  private readonly insertionOrder: Entry[] = [];
  /** Bumped on every mutation; a pass that leaves it unchanged is the fixed point. */
  revision = 0;

  private table(kind: KindKey): KindTable {
    let table = this.kinds.get(kind);
    if (!table) {
      table = { byNamespace: new Map(), sorted: undefined };
      this.kinds.set(kind, table);
    }
    return table;
  }

  private insert(entry: Entry): boolean {
    const table = this.table(entry.kindKey);
    let names = table.byNamespace.get(entry.namespace);
    if (!names) {
      names = new Map();
      table.byNamespace.set(entry.namespace, names);
    }
    const previous = names.get(entry.name);
    if (previous && !previous.gone) return false;
    names.set(entry.name, entry);
    table.sorted = undefined;
    this.insertionOrder.push(entry);
    return true;
  }

  /** Loads a snapshot object. Returns false when an object with that key was already loaded. */
  load<T extends KubeObject>(kind: KindKey, object: T): boolean {
    return this.insert({
      kindKey: kind,
      namespace: namespaceOf(object),
      name: object.metadata.name ?? '',
      original: object,
      current: object,
      deleteRequested: false,
      gone: false,
    });
  }

  /** Creates an object, as a controller's Create call would (callers check it does not exist). */
  create<T extends KubeObject>(kind: KindKey, object: T): Entry<T> {
    const entry: Entry<T> = {
      kindKey: kind,
      namespace: namespaceOf(object),
      name: object.metadata.name ?? '',
      original: undefined,
      current: object,
      deleteRequested: false,
      gone: false,
    };
    if (!this.insert(entry as Entry))
      throw new Error(`planner bug: ${kind} ${entry.namespace}/${entry.name} already exists`);
    this.revision++;
    return entry;
  }

  /** The live (not removed) object of a kind with that namespace and name. */
  get<T extends KubeObject>(kind: KindKey, namespace: string, name: string): Entry<T> | undefined {
    const entry = this.kinds.get(kind)?.byNamespace.get(namespace)?.get(name);
    if (entry) return entry.gone ? undefined : (entry as Entry<T>);
    const found = this.lookup?.(kind, namespace, name);
    if (!found) return undefined;
    this.load(kind, found);
    const loaded = this.kinds.get(kind)?.byNamespace.get(namespace)?.get(name);
    return loaded && !loaded.gone ? (loaded as Entry<T>) : undefined;
  }

  /**
   * Live objects of a kind, sorted by namespace then name (the API server's list order). The array
   * is shared until the next create or removal of that kind (which builds a new one), so callers
   * may iterate it while the store changes.
   */
  list<T extends KubeObject>(kind: KindKey): ReadonlyArray<Entry<T>> {
    const table = this.kinds.get(kind);
    if (!table) return [];
    if (!table.sorted) {
      const live: Entry[] = [];
      for (const names of table.byNamespace.values())
        for (const entry of names.values()) if (!entry.gone) live.push(entry);
      table.sorted = live.sort(byNamespaceThenName);
    }
    return table.sorted as unknown as ReadonlyArray<Entry<T>>;
  }

  /** Every entry ever loaded or created, gone ones included. */
  all(): readonly Entry[] {
    return this.insertionOrder;
  }

  /**
   * Returns the object for editing (copied on first edit) and records a change. Call it only when
   * a field really changes, so that an idle pass leaves `revision` alone.
   */
  edit<T extends KubeObject>(entry: Entry<T>): T {
    if (entry.current === entry.original) entry.current = copyForEdit(entry.original);
    this.revision++;
    return entry.current;
  }

  addFinalizer(entry: Entry, finalizer: string): void {
    if (entry.current.metadata.finalizers?.includes(finalizer)) return;
    const object = this.edit(entry);
    object.metadata.finalizers = [...(object.metadata.finalizers ?? []), finalizer];
  }

  /** Drops a finalizer; an object being deleted disappears with its last finalizer. */
  removeFinalizer(entry: Entry, finalizer: string): void {
    const finalizers = entry.current.metadata.finalizers;
    if (finalizers?.includes(finalizer)) {
      const object = this.edit(entry);
      const remaining = finalizers.filter((f) => f !== finalizer);
      if (remaining.length > 0) object.metadata.finalizers = remaining;
      else delete object.metadata.finalizers;
    }
    this.collectIfReleased(entry);
  }

  /** A Delete call: the object goes at once unless finalizers hold it. */
  delete(entry: Entry): void {
    if (!entry.deleteRequested && !entry.current.metadata.deletionTimestamp) {
      entry.deleteRequested = true;
      this.revision++;
    }
    this.collectIfReleased(entry);
  }

  private collectIfReleased(entry: Entry): void {
    if (entry.gone || !isDeleting(entry)) return;
    if ((entry.current.metadata.finalizers ?? []).length > 0) return;
    entry.gone = true;
    const table = this.kinds.get(entry.kindKey);
    if (table) table.sorted = undefined;
    this.revision++;
  }
}
