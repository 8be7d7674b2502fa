// What derivation may look up: the recorder's informer caches of one cluster.
import type { WatchedKind, WatchedObjects } from '../resources';

export interface WorldView {
  get<K extends WatchedKind>(kind: K, namespace: string, name: string): WatchedObjects[K] | undefined;
  /** Every cached object of `kind` in `namespace`. */
  list<K extends WatchedKind>(kind: K, namespace: string): WatchedObjects[K][];
}

/** A WorldView over plain maps, for tests and tools. */
export function worldOf(objects: { [K in WatchedKind]?: WatchedObjects[K][] }): WorldView {
  const index = new Map<string, unknown>();
  const key = (kind: string, namespace: string, name: string) => `${kind}\u0000${namespace}\u0000${name}`;
  for (const [kind, list] of Object.entries(objects)) {
    for (const obj of list ?? []) {
      index.set(key(kind, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), obj);
    }
  }
  return {
    get: (kind, namespace, name) => index.get(key(kind, namespace, name)) as never,
    list: (kind, namespace) =>
      (objects[kind] ?? []).filter((obj) => (obj.metadata.namespace ?? '') === namespace) as never,
  };
}
