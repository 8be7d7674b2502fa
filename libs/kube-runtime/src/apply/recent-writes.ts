// What this operator wrote and its informer caches have not shown yet.
//
// Informer caches lag behind our own writes. Planning from a cache that does not yet show an
// IPAddress we just created would hand its IP out again (the create would then fail on the name
// lock, costing a round trip), and, worse, a claim whose status patch is not yet visible would be
// allocated a second address. So every write's result is kept here and preferred over the cache
// until the cache shows that very resourceVersion (or the object's deletion), a Conflict proves
// the entry stale, or a TTL expires (a relist can skip the exact resourceVersion).

interface Entry<T> {
  /** The object as the API server returned it; undefined for a deletion we issued. */
  object: T | undefined;
  resourceVersion: string | undefined;
  expiresAt: number;
  /** For a deletion: the uid that was deleted (a new object of the same name is not hidden). */
  uid?: string | undefined;
}

interface Versioned {
  metadata: { namespace?: string; name?: string; resourceVersion?: string; uid?: string };
}

export class RecentWrites<T extends Versioned> {
  readonly #entries = new Map<string, Entry<T>>();
  /** namespace → keys, so pending creates of a namespace are found without a scan. */
  readonly #byNamespace = new Map<string, Set<string>>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  static key(namespace: string, name: string): string {
    return `${namespace}/${name}`;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * After a successful create/update/patch: the server's copy of the object. `cachedNow` is what
   * the cache holds right now: when it already shows this write, there is nothing to remember.
   */
  recordWrite(object: T, cachedNow?: T): void {
    if (cachedNow && cachedNow.metadata.resourceVersion === object.metadata.resourceVersion) return;
    const namespace = object.metadata.namespace ?? '';
    this.#set(namespace, RecentWrites.key(namespace, object.metadata.name ?? ''), {
      object,
      resourceVersion: object.metadata.resourceVersion,
      expiresAt: this.now() + this.ttlMs,
    });
  }

  /** After a DELETE that removed the object (or left it only to other finalizers: record that write instead). */
  recordDeletion(namespace: string, name: string, stillCached = true, uid?: string): void {
    if (!stillCached) {
      this.forget(namespace, name);
      return;
    }
    this.#set(namespace, RecentWrites.key(namespace, name), {
      object: undefined,
      resourceVersion: undefined,
      expiresAt: this.now() + this.ttlMs,
      uid,
    });
  }

  /** Forget what we know about an object (e.g. after a Conflict proved our copy stale). */
  forget(namespace: string, name: string): void {
    this.#delete(namespace, RecentWrites.key(namespace, name));
  }

  /** Informer event: the cache now holds `object` (or, with `deleted`, no longer holds it). */
  observe(object: T, deleted = false): void {
    const namespace = object.metadata.namespace ?? '';
    const key = RecentWrites.key(namespace, object.metadata.name ?? '');
    const entry = this.#entries.get(key);
    if (!entry) return;
    const observedUid = object.metadata.uid;
    if (entry.object === undefined) {
      // Our deletion. A deletion recorded after its watch event arrived would otherwise hide a
      // re-created object of the same name (a BMH-named claim after a rolling upgrade) until the TTL.
      const recreated = entry.uid !== undefined && observedUid !== undefined && observedUid !== entry.uid;
      if (deleted || recreated) this.#delete(namespace, key);
      return;
    }
    // Events of an earlier object of the same name (the address we deleted before creating its
    // successor) say nothing about the object we wrote: keep our copy.
    const writtenUid = entry.object.metadata.uid;
    if (writtenUid !== undefined && observedUid !== undefined && writtenUid !== observedUid) return;
    const caughtUp =
      deleted ||
      entry.resourceVersion === object.metadata.resourceVersion ||
      isNewer(object.metadata.resourceVersion, entry.resourceVersion);
    if (caughtUp) this.#delete(namespace, key);
  }

  /** The freshest copy of one object: ours when the cache may lag, else the cache's. */
  resolve(namespace: string, name: string, cached: T | undefined): T | undefined {
    const key = RecentWrites.key(namespace, name);
    const entry = this.#live(namespace, key);
    return entry ? entry.object : cached;
  }

  /**
   * Merges the pending writes of one namespace into a cached list (objects of that namespace,
   * optionally filtered): overrides cached copies, drops our deletions, adds our creations.
   */
  overlay(namespace: string, cached: readonly T[], include: (object: T) => boolean = () => true): T[] {
    const keys = this.#byNamespace.get(namespace);
    if (!keys || keys.size === 0) return [...cached];
    const result: T[] = [];
    const seen = new Set<string>();
    for (const object of cached) {
      const key = RecentWrites.key(namespace, object.metadata.name ?? '');
      seen.add(key);
      let entry = this.#live(namespace, key);
      if (
        entry &&
        entry.object === undefined &&
        entry.uid !== undefined &&
        object.metadata.uid !== entry.uid
      ) {
        this.#delete(namespace, key); // the cached object is a newer one of the same name
        entry = undefined;
      }
      if (!entry) result.push(object);
      else if (entry.object && include(entry.object)) result.push(entry.object);
    }
    for (const key of [...keys]) {
      if (seen.has(key)) continue;
      const entry = this.#live(namespace, key);
      if (entry?.object && include(entry.object)) result.push(entry.object);
    }
    return result;
  }

  #live(namespace: string, key: string): Entry<T> | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.#delete(namespace, key);
      return undefined;
    }
    return entry;
  }

  #set(namespace: string, key: string, entry: Entry<T>): void {
    this.#entries.set(key, entry);
    let keys = this.#byNamespace.get(namespace);
    if (!keys) this.#byNamespace.set(namespace, (keys = new Set()));
    keys.add(key);
  }

  #delete(namespace: string, key: string): void {
    this.#entries.delete(key);
    const keys = this.#byNamespace.get(namespace);
    keys?.delete(key);
    if (keys?.size === 0) this.#byNamespace.delete(namespace);
  }
}

/**
 * resourceVersions are opaque by API contract; etcd's are decimal revisions, and only then is a
 * numeric comparison used, to drop an entry early. Wrongly dropping only falls back to the cache
 * (what any controller sees); the TTL stays the contract-safe bound.
 */
function isNewer(candidate: string | undefined, than: string | undefined): boolean {
  if (!candidate || !than || !/^\d+$/.test(candidate) || !/^\d+$/.test(than)) return false;
  return BigInt(candidate) > BigInt(than);
}
