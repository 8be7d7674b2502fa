// End-to-end: the operator as a child process against a real API server, one namespace for the file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import type { IPAddressClaim, IPPool } from '@stableip/ipam-core';
import { EventResource, isNotFound } from '@stableip/kube-runtime';
import {
  claimAddress,
  clients,
  ipClaim,
  ipPool,
  runOperator,
  waitFor,
  type Clients,
  type OperatorProcess,
} from './support';

const kube = useKubeTestNamespace('alloc');
let c: Clients;
let operator: OperatorProcess;
let ns: string;

beforeAll(async () => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
  operator = runOperator(kube.info.kubeconfig, [
    `--namespace=${ns}`,
    '--leader-elect=false',
    '--enable-webhooks=false',
    '--log-level=debug',
  ]);
  started = await operator.started;
});

afterAll(async () => {
  expect(await operator?.kill('SIGTERM')).toBe(0);
  c?.client.close();
});

let started: Record<string, unknown>;
const addressOf = (name: string) => waitFor(`address of ${name}`, () => claimAddress(c, ns, name));

describe('allocation', () => {
  it('allocates sequentially across ranges with upstream metadata', async () => {
    await c.pools.create(
      ipPool(ns, 'seq', {
        pools: [{ start: '10.0.0.10', end: '10.0.0.11' }, { subnet: '10.0.1.0/30' }],
        prefix: 24,
        gateway: '10.0.0.1',
      }),
    );
    const got: string[] = [];
    for (const name of ['c1', 'c2', 'c3', 'c4']) {
      await c.claims.create(ipClaim(ns, name, 'seq', { labels: { role: name } }));
      got.push(await addressOf(name));
    }
    expect(got).toEqual(['10.0.0.10', '10.0.0.11', '10.0.1.1', '10.0.1.2']);

    const claim = await c.claims.get({ namespace: ns, name: 'c1' });
    const pool = await c.pools.get({ namespace: ns, name: 'seq' });
    const address = await c.addresses.get({ namespace: ns, name: 'seq-10-0-0-10' });
    expect(claim.metadata.finalizers).toContain('ipclaim.ipam.metal3.io');
    expect(pool.metadata.finalizers).toContain('ippool.ipam.metal3.io');
    expect(address.metadata.finalizers).toEqual(['ipaddress.ipam.metal3.io']);
    expect(address.metadata.labels).toEqual({ role: 'c1' });
    expect(address.metadata.ownerReferences?.map((r) => [r.kind, r.name, r.uid])).toEqual([
      ['IPPool', 'seq', pool.metadata.uid],
      ['IPClaim', 'c1', claim.metadata.uid],
    ]);
    expect(address.spec).toEqual({
      address: '10.0.0.10',
      prefix: 24,
      gateway: '10.0.0.1',
      pool: { name: 'seq', namespace: ns },
      claim: { name: 'c1', namespace: ns },
    });
    const status = await waitFor('pool status', async () => {
      const p = await c.pools.get({ namespace: ns, name: 'seq' });
      return Object.keys(p.status?.indexes ?? {}).length === 4 ? p.status : undefined;
    });
    expect(status.indexes).toEqual({ c1: '10.0.0.10', c2: '10.0.0.11', c3: '10.0.1.1', c4: '10.0.1.2' });
    expect(status['capacity']).toEqual({ total: 5, allocated: 4, preallocated: 0, free: 1 });
    expect(status['conditions']).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'Ready', status: 'True' })]),
    );
    expect(status.lastUpdated).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('random strategy hands out distinct addresses inside the range', async () => {
    await c.pools.create(
      ipPool(ns, 'rnd', { allocationStrategy: 'random', pools: [{ start: '10.0.2.1', end: '10.0.2.50' }] }),
    );
    const names = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    await Promise.all(names.map((name) => c.claims.create(ipClaim(ns, name, 'rnd'))));
    const got = await Promise.all(names.map(addressOf));
    expect(new Set(got).size).toBe(names.length);
    for (const ip of got) expect(Number(ip.split('.')[3])).toBeGreaterThanOrEqual(1);
    for (const ip of got) expect(Number(ip.split('.')[3])).toBeLessThanOrEqual(50);
  });

  it('reserves preAllocations and honours the ipAddress annotation', async () => {
    await c.pools.create(
      ipPool(ns, 'pre', {
        pools: [{ start: '10.0.3.1', end: '10.0.3.10' }],
        preAllocations: { pinned: '10.0.3.1' },
      }),
    );
    await c.claims.create(ipClaim(ns, 'first', 'pre'));
    expect(await addressOf('first')).toBe('10.0.3.2'); // .1 is reserved for "pinned"
    await c.claims.create(ipClaim(ns, 'wants-8', 'pre', { annotations: { ipAddress: '10.0.3.8' } }));
    expect(await addressOf('wants-8')).toBe('10.0.3.8');
    await c.claims.create(ipClaim(ns, 'pinned', 'pre'));
    expect(await addressOf('pinned')).toBe('10.0.3.1');
    const pool = await waitFor('capacity', async () => {
      const p = await c.pools.get({ namespace: ns, name: 'pre' });
      return (p.status?.['capacity'] as { allocated?: number } | undefined)?.allocated === 3 ? p : undefined;
    });
    expect(pool.status?.['capacity']).toEqual({ total: 10, allocated: 3, preallocated: 0, free: 7 });
  });

  it('retries an exhausted claim once an address is released (upstream #1537)', async () => {
    await c.pools.create(ipPool(ns, 'tiny', { pools: [{ start: '10.0.4.1', end: '10.0.4.2' }] }));
    await c.claims.create(ipClaim(ns, 't1', 'tiny'));
    await c.claims.create(ipClaim(ns, 't2', 'tiny'));
    await addressOf('t1');
    await addressOf('t2');
    await c.claims.create(ipClaim(ns, 't3', 'tiny'));
    const failed = await waitFor('exhaustion', async () => {
      const claim = await c.claims.get({ namespace: ns, name: 't3' });
      return claim.status?.errorMessage;
    });
    expect(failed).toBe('Exhausted IP Pools');
    await c.claims.delete({ namespace: ns, name: 't1' });
    expect(await addressOf('t3')).toBe('10.0.4.1');
    const t3 = await c.claims.get({ namespace: ns, name: 't3' });
    expect(t3.status?.errorMessage).toBeUndefined();
  });

  it('keeps the address of a deleting claim while a foreign finalizer remains', async () => {
    await c.pools.create(ipPool(ns, 'fin', { pools: [{ start: '10.0.5.1', end: '10.0.5.5' }] }));
    await c.claims.create(ipClaim(ns, 'held', 'fin', { finalizers: ['example.com/in-use'] }));
    await addressOf('held');
    await c.claims.delete({ namespace: ns, name: 'held' });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await c.addresses.get({ namespace: ns, name: 'fin-10-0-5-1' })).spec.address).toBe('10.0.5.1');
    const claim = await c.claims.get({ namespace: ns, name: 'held' });
    await c.claims.mergePatch(
      { namespace: ns, name: 'held' },
      { metadata: { finalizers: claim.metadata.finalizers?.filter((f) => f !== 'example.com/in-use') } },
    );
    await waitFor('address and claim gone', async () => {
      const gone = async (get: () => Promise<unknown>) =>
        get().then(
          () => false,
          (err) => isNotFound(err),
        );
      return (
        (await gone(() => c.addresses.get({ namespace: ns, name: 'fin-10-0-5-1' }))) &&
        (await gone(() => c.claims.get({ namespace: ns, name: 'held' })))
      );
    });
  });

  it('keeps a deleted pool until its last address is released', async () => {
    await c.pools.create(ipPool(ns, 'gate', { pools: [{ start: '10.0.6.1', end: '10.0.6.5' }] }));
    await c.claims.create(ipClaim(ns, 'g1', 'gate'));
    await addressOf('g1');
    await c.pools.delete({ namespace: ns, name: 'gate' });
    await new Promise((r) => setTimeout(r, 1500));
    const pool = await c.pools.get({ namespace: ns, name: 'gate' });
    expect(pool.metadata.deletionTimestamp).toBeDefined();
    await c.claims.delete({ namespace: ns, name: 'g1' });
    await waitFor('pool gone', () =>
      c.pools.get({ namespace: ns, name: 'gate' }).then(
        () => false,
        (err) => isNotFound(err),
      ),
    );
  });

  it('serves Cluster API IPAddressClaims with Ready conditions', async () => {
    await c.pools.create(
      ipPool(ns, 'capi', {
        pools: [{ start: '10.0.7.1', end: '10.0.7.1' }],
        prefix: 26,
        gateway: '10.0.7.254',
      }),
    );
    const capiClaim = (name: string): IPAddressClaim => ({
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
      kind: 'IPAddressClaim',
      metadata: { name, namespace: ns },
      spec: { poolRef: { name: 'capi', kind: 'IPPool', apiGroup: 'ipam.metal3.io' } },
    });
    await c.capiClaims.create(capiClaim('k1'));
    const ready = await waitFor('k1 ready', async () => {
      const claim = await c.capiClaims.get({ namespace: ns, name: 'k1' });
      return claim.status?.addressRef?.name ? claim : undefined;
    });
    expect(ready.status?.addressRef?.name).toBe('capi-10-0-7-1');
    expect(ready.status?.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(ready.metadata.finalizers).toContain('ipam.metal3.io/ipaddressclaim');
    const address = await c.capiAddresses.get({ namespace: ns, name: 'capi-10-0-7-1' });
    expect(address.spec).toEqual({
      address: '10.0.7.1',
      prefix: 26,
      gateway: '10.0.7.254',
      poolRef: { name: 'capi', kind: 'IPPool', apiGroup: 'ipam.metal3.io' },
      claimRef: { name: 'k1' },
    });
    expect(address.metadata.finalizers).toEqual(['ipam.metal3.io/ipaddress']);
    await c.capiClaims.create(capiClaim('k2'));
    const failed = await waitFor('k2 failed', async () => {
      const claim = await c.capiClaims.get({ namespace: ns, name: 'k2' });
      return claim.status?.conditions?.[0]?.status === 'False' ? claim.status.conditions[0] : undefined;
    });
    expect(failed).toMatchObject({
      type: 'Ready',
      status: 'False',
      reason: 'PoolExhausted',
      message: 'Exhausted IP Pools',
    });
  });

  it('allocates IPv6 with upstream object names', async () => {
    await c.pools.create(ipPool(ns, 'v6', { pools: [{ subnet: '2001:db8::/120' }], prefix: 64 }));
    await c.claims.create(ipClaim(ns, 'six', 'v6'));
    expect(await addressOf('six')).toBe('2001:db8::1');
    expect((await c.claims.get({ namespace: ns, name: 'six' })).status?.address?.name).toBe('v6-2001-db8--1');
  });

  it('reports pools sharing a namePrefix with a condition instead of silent requeues', async () => {
    await c.pools.create({
      ...ipPool(ns, 'dup-a', { pools: [{ start: '10.0.8.1', end: '10.0.8.2' }] }),
      spec: { namePrefix: 'dup', pools: [{ start: '10.0.8.1', end: '10.0.8.2' }] },
    } as IPPool);
    await c.pools.create({
      ...ipPool(ns, 'dup-b', {}),
      spec: { namePrefix: 'dup', pools: [{ start: '10.0.8.1', end: '10.0.8.2' }] },
    } as IPPool);
    const condition = await waitFor('NamePrefixConflict', async () => {
      const pool = await c.pools.get({ namespace: ns, name: 'dup-b' });
      const conditions = (pool.status?.['conditions'] ?? []) as Array<{
        type: string;
        status: string;
        reason: string;
        message: string;
      }>;
      return conditions.find((cond) => cond.type === 'NamePrefixConflict' && cond.status === 'True');
    });
    expect(condition.reason).toBe('DuplicateNamePrefix');
    expect(condition.message).toContain('dup-a');
    // A claim of dup-b whose address name is taken by dup-a's allocation waits instead of stealing it.
    await c.claims.create(ipClaim(ns, 'da', 'dup-a'));
    expect(await addressOf('da')).toBe('10.0.8.1');
    await c.claims.create(ipClaim(ns, 'db', 'dup-b'));
    await new Promise((r) => setTimeout(r, 1500));
    const db = await c.claims.get({ namespace: ns, name: 'db' });
    expect(db.status?.address).toBeUndefined();
  });

  it('honours a paused Cluster and sets the cluster label and owner reference', async () => {
    const cluster = await c.clusters.create({
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'cl', namespace: ns },
      spec: { paused: true },
    });
    await c.pools.create(
      ipPool(ns, 'paused', { clusterName: 'cl', pools: [{ start: '10.0.9.1', end: '10.0.9.5' }] }),
    );
    await c.claims.create(ipClaim(ns, 'waits', 'paused'));
    const pool = await waitFor('pool labelled', async () => {
      const p = await c.pools.get({ namespace: ns, name: 'paused' });
      return p.metadata.labels?.['cluster.x-k8s.io/cluster-name'] === 'cl' ? p : undefined;
    });
    expect(pool.metadata.labels?.['cluster.x-k8s.io/provider']).toBe('ipam-metal3');
    expect(pool.metadata.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Cluster', name: 'cl', uid: cluster.metadata?.uid, controller: false }),
    ]);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await c.claims.get({ namespace: ns, name: 'waits' })).status?.address).toBeUndefined();
    await c.clusters.mergePatch({ namespace: ns, name: 'cl' }, { spec: { paused: false } });
    expect(await addressOf('waits')).toBe('10.0.9.1');
  });

  it('reports through events, metrics and readiness', async () => {
    // Allocations are Events of the pool: a burst is one correlated series, not one Event per claim.
    const events = await waitFor('allocation events of the pool', async () => {
      const list = await c.client
        .resource(EventResource)
        .list({ namespace: ns, fieldSelector: 'involvedObject.name=seq,reason=AddressAllocated' });
      return list.items.length >= 4 ? list.items : undefined;
    });
    expect(events.map((e) => (e as { message?: string }).message)).toContain(
      'Allocated 10.0.0.10 (seq-10-0-0-10) to IPClaim c1',
    );
    const ready = await fetch(`http://127.0.0.1:${String(started['probePort'])}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${String(started['metricsPort'])}/metrics`)).text();
    expect(metrics).toMatch(
      /controller_runtime_reconcile_total\{controller="ippool",result="success"\} [1-9]/,
    );
    expect(metrics).toContain('workqueue_depth{name="ippool"');
    expect(metrics).toContain(`stableip_ippool_addresses{namespace="${ns}",pool="seq",state="allocated"} 4`);
  });
});
