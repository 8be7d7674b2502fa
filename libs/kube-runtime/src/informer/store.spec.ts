import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../client/resource';
import { Store, namespaceIndex, byNamespace } from './store';

interface Claim extends KubeObject {
  spec: { pool: { name: string } };
}
const claim = (namespace: string, name: string, pool: string, rv = '1'): Claim => ({
  metadata: { namespace, name, resourceVersion: rv },
  spec: { pool: { name: pool } },
});
const byPool = (c: Claim) => [`${c.metadata?.namespace}/${c.spec.pool.name}`];

describe('Store', () => {
  it('indexes by namespace and a custom key, and re-indexes on update and delete', () => {
    const store = new Store<Claim>({ [namespaceIndex]: byNamespace, pool: byPool });
    store.upsert(claim('a', 'c1', 'p1'));
    store.upsert(claim('a', 'c2', 'p1'));
    store.upsert(claim('b', 'c1', 'p1'));
    expect(store.byIndex('pool', 'a/p1').map((c) => c.metadata?.name)).toEqual(['c1', 'c2']);
    expect(store.byIndex(namespaceIndex, 'b')).toHaveLength(1);

    const previous = store.upsert(claim('a', 'c2', 'p2', '2'));
    expect(previous?.metadata?.resourceVersion).toBe('1');
    expect(store.byIndex('pool', 'a/p1').map((c) => c.metadata?.name)).toEqual(['c1']);
    expect(store.byIndex('pool', 'a/p2').map((c) => c.metadata?.name)).toEqual(['c2']);

    store.delete('a/c1');
    expect(store.byIndex('pool', 'a/p1')).toEqual([]);
    expect(store.indexValues('pool').sort()).toEqual(['a/p2', 'b/p1']);
    expect(store.size).toBe(2);
  });

  it('indexes existing objects when an indexer is added late, and rejects unknown indexes', () => {
    const store = new Store<Claim>();
    store.upsert(claim('a', 'c1', 'p1'));
    store.addIndexer('pool', byPool);
    expect(store.byIndex('pool', 'a/p1')).toHaveLength(1);
    expect(() => store.byIndex('nope', 'x')).toThrow(/no indexer named nope/);
    expect(() => store.addIndexer('pool', byPool)).toThrow(/already registered/);
  });
});
