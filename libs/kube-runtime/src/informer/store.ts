// The informer's in-memory cache: objects by "namespace/name" key, plus secondary indexes.
import { objectKey, type KubeObject } from '../client/resource';

/** Returns the index values of an object (an object may sit under several values, or none). */
export type IndexFunc<T> = (obj: T) => readonly string[];

export const namespaceIndex = 'namespace';

/** Index by metadata.namespace (cluster-scoped objects are not indexed). */
export function byNamespace<T extends KubeObject>(obj: T): string[] {
  return obj.metadata?.namespace ? [obj.metadata.namespace] : [];
}

export class Store<T extends KubeObject> {
  readonly #items = new Map<string, T>();
  readonly #indexers = new Map<string, IndexFunc<T>>();
  /** index name → index value → keys */
  readonly #indices = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc<T>> = {}) {
    for (const [name, fn] of Object.entries(indexers)) this.addIndexer(name, fn);
  }

  addIndexer(name: string, fn: IndexFunc<T>): void {
    if (this.#indexers.has(name)) throw new Error(`indexer ${name} already registered`);
    this.#indexers.set(name, fn);
    const index = new Map<string, Set<string>>();
    this.#indices.set(name, index);
    for (const [key, obj] of this.#items) this.#indexOne(index, fn, key, obj);
  }

  get size(): number {
    return this.#items.size;
  }

  get(key: string): T | undefined {
    return this.#items.get(key);
  }

  has(key: string): boolean {
    return this.#items.has(key);
  }

  keys(): string[] {
    return [...this.#items.keys()];
  }

  list(): T[] {
    return [...this.#items.values()];
  }

  /** Objects whose index `indexName` contains `value`. */
  byIndex(indexName: string, value: string): T[] {
    const index = this.#indices.get(indexName);
    if (!index) throw new Error(`no indexer named ${indexName}`);
    const keys = index.get(value);
    if (!keys) return [];
    return [...keys].map((key) => this.#items.get(key)).filter((obj): obj is T => obj !== undefined);
  }

  /** Index values currently present (e.g. every pool name referenced by some claim). */
  indexValues(indexName: string): string[] {
    const index = this.#indices.get(indexName);
    if (!index) throw new Error(`no indexer named ${indexName}`);
    return [...index.keys()];
  }

  /** Insert or replace; returns the previous object. */
  upsert(obj: T): T | undefined {
    const key = objectKey(obj);
    const previous = this.#items.get(key);
    if (previous) this.#unindex(key, previous);
    this.#items.set(key, obj);
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (index) this.#indexOne(index, fn, key, obj);
    }
    return previous;
  }

  delete(key: string): T | undefined {
    const previous = this.#items.get(key);
    if (!previous) return undefined;
    this.#unindex(key, previous);
    this.#items.delete(key);
    return previous;
  }

  #indexOne(index: Map<string, Set<string>>, fn: IndexFunc<T>, key: string, obj: T): void {
    for (const value of fn(obj)) {
      let keys = index.get(value);
      if (!keys) index.set(value, (keys = new Set()));
      keys.add(key);
    }
  }

  #unindex(key: string, obj: T): void {
    for (const [name, fn] of this.#indexers) {
      const index = this.#indices.get(name);
      if (!index) continue;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
