// One informer per resource for the whole process, as controller-runtime's cache: every controller
// asking for a kind gets the same watch and the same store, with the union of their indexes.
import { resourceId, type KubeObject, type ResourceDescriptor } from '../client/resource';
import { Informer, type InformerOptions } from './informer';
import type { IndexFunc } from './store';

/** Settings shared by every informer of the cache (client, namespace, resync, logger...). */
export type InformerCacheOptions = Omit<
  InformerOptions<KubeObject>,
  'resource' | 'indexers' | 'optional' | 'transform'
>;

export interface InformerRequest<T extends KubeObject> {
  /** Indexes this caller reads; a name two callers register must be the same function. */
  indexers?: Record<string, IndexFunc<T>>;
  /**
   * An absent resource (CRD not installed) is a normal state for this caller. The informer is
   * optional only when every caller says so.
   */
  optional?: boolean;
}

interface Entry {
  informer: Informer<KubeObject>;
  indexers: Map<string, IndexFunc<KubeObject>>;
  optional: boolean;
}

export class InformerCache {
  readonly #options: InformerCacheOptions;
  readonly #entries = new Map<string, Entry>();
  #started = false;

  constructor(options: InformerCacheOptions) {
    this.#options = options;
  }

  /** The shared informer of `resource`, created on first request. Request before start(). */
  informer<T extends KubeObject>(
    resource: ResourceDescriptor<T>,
    request: InformerRequest<T> = {},
  ): Informer<T> {
    const id = resourceId(resource);
    let entry = this.#entries.get(id);
    if (!entry) {
      if (this.#started) throw new Error(`informer for ${id} requested after the cache started`);
      const optional = request.optional ?? false;
      const informer = new Informer<T>({ ...this.#options, resource, optional: () => entry!.optional });
      entry = { informer: informer as unknown as Informer<KubeObject>, indexers: new Map(), optional };
      this.#entries.set(id, entry);
    } else {
      entry.optional &&= request.optional ?? false;
    }
    for (const [name, fn] of Object.entries(request.indexers ?? {})) {
      const known = entry.indexers.get(name);
      if (known === (fn as IndexFunc<KubeObject>)) continue;
      if (known) throw new Error(`index "${name}" of ${id} is registered twice with different functions`);
      entry.indexers.set(name, fn as IndexFunc<KubeObject>);
      entry.informer.store.addIndexer(name, fn as IndexFunc<KubeObject>);
    }
    return entry.informer as unknown as Informer<T>;
  }

  /** Every informer of the cache (for readiness checks). */
  informers(): Informer<KubeObject>[] {
    return [...this.#entries.values()].map((entry) => entry.informer);
  }

  start(): void {
    this.#started = true;
    for (const entry of this.#entries.values()) entry.informer.start();
  }

  stop(): void {
    for (const entry of this.#entries.values()) entry.informer.stop();
  }
}
