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
  | 'BareMetalHost';

export interface Entry<T extends KubeObject = KubeObject> {
  readonly kindKey: KindKey;
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

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function byNamespaceThenName(a: Entry, b: Entry): number {
  const nsA = namespaceOf(a.current);
  const nsB = namespaceOf(b.current);
  if (nsA !== nsB) return nsA < nsB ? -1 : 1;
  const nameA = a.current.metadata.name ?? '';
  const nameB = b.current.metadata.name ?? '';
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

export class ObjectStore {
  private readonly kinds = new Map<KindKey, Map<string, Entry>>();
  private readonly insertionOrder: Entry[] = [];
  /** Bumped on every mutation; a pass that leaves it unchanged is the fixed point. */
  revision = 0;

  private table(kind: KindKey): Map<string, Entry> {
    let table = this.kinds.get(kind);
    if (!table) {
      table = new Map();
      this.kinds.set(kind, table);
    }
    return table;
  }

  private static key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  /** Loads a snapshot object. Returns false when an object with that key was already loaded. */
  load<T extends KubeObject>(kind: KindKey, object: T): boolean {
    const key = ObjectStore.key(namespaceOf(object), object.metadata.name ?? '');
    const table = this.table(kind);
    if (table.has(key)) return false;
    const entry: Entry = {
      kindKey: kind,
      original: object,
      current: object,
      deleteRequested: false,
      gone: false,
    };
    table.set(key, entry);
    this.insertionOrder.push(entry);
    return true;
  }

  /** Creates an object, as a controller's Create call would. */
  create<T extends KubeObject>(kind: KindKey, object: T): Entry<T> {
    const entry: Entry<T> = {
      kindKey: kind,
      original: undefined,
      current: object,
      deleteRequested: false,
      gone: false,
    };
    this.table(kind).set(ObjectStore.key(namespaceOf(object), object.metadata.name ?? ''), entry as Entry);
    this.insertionOrder.push(entry as Entry);
    this.revision++;
    return entry;
  }

  /** The live (not removed) object of a kind with that namespace and name. */
  get<T extends KubeObject>(kind: KindKey, namespace: string, name: string): Entry<T> | undefined {
    const entry = this.kinds.get(kind)?.get(ObjectStore.key(namespace, name));
    return entry && !entry.gone ? (entry as Entry<T>) : undefined;
  }

  /** Live objects of a kind, sorted by namespace then name (the API server's list order). */
  list<T extends KubeObject>(kind: KindKey): Entry<T>[] {
    const table = this.kinds.get(kind);
    if (!table) return [];
    const live: Entry[] = [];
    for (const entry of table.values()) if (!entry.gone) live.push(entry);
    return live.sort(byNamespaceThenName) as Entry<T>[];
  }

  /** Every entry ever loaded or created, gone ones included. */
  all(): readonly Entry[] {
    return this.insertionOrder;
  }

  /**
   * Returns the object for editing (cloned on first edit) and records a change. Call it only when
   * a field really changes, so that an idle pass leaves `revision` alone.
   */
  edit<T extends KubeObject>(entry: Entry<T>): T {
    if (entry.current === entry.original) entry.current = clone(entry.original);
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
    this.revision++;
  }
}
