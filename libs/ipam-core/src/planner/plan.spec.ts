import { describe, expect, it } from 'vitest';
import type {
  CapiIPAddress,
  Cluster,
  IPAddressClaim,
  IPClaim,
  IPPool,
  KubeObject,
  Metal3IPAddress,
} from '../api/types';
import { plan } from './plan';
import type { PlanSnapshot } from './types';

const NS = 'metal3';

function pool(name: string, spec: Partial<IPPool['spec']>, extra: Partial<IPPool> = {}): IPPool {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPPool',
    metadata: { name, namespace: NS, uid: `uid-${name}` },
    spec: { namePrefix: name, ...spec },
    ...extra,
  };
}

function claim(
  name: string,
  poolName: string,
  metadata: Partial<IPClaim['metadata']> = {},
  status?: IPClaim['status'],
): IPClaim {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPClaim',
    metadata: { name, namespace: NS, uid: `uid-${name}`, ...metadata },
    spec: { pool: { name: poolName, namespace: NS } },
    ...(status ? { status } : {}),
  };
}

function capiClaim(
  name: string,
  poolName: string,
  metadata: Partial<IPAddressClaim['metadata']> = {},
): IPAddressClaim {
  return {
    apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
    kind: 'IPAddressClaim',
    metadata: { name, namespace: NS, uid: `uid-${name}`, ...metadata },
    spec: { poolRef: { apiGroup: 'ipam.metal3.io', kind: 'IPPool', name: poolName } },
  };
}

function address(
  poolName: string,
  claimName: string,
  ip: string,
  metadata: Partial<Metal3IPAddress['metadata']> = {},
): Metal3IPAddress {
  return {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPAddress',
    metadata: {
      name: `${poolName}-${ip.replace(/[.:]/g, '-')}`,
      namespace: NS,
      finalizers: ['ipaddress.ipam.metal3.io'],
      ...metadata,
    },
    spec: { address: ip, pool: { name: poolName, namespace: NS }, claim: { name: claimName, namespace: NS } },
  };
}

function find<T extends KubeObject>(
  items: KubeObject[],
  apiVersion: string,
  kind: string,
  name: string,
): T | undefined {
  return items.find(
    (item) => item.apiVersion === apiVersion && item.kind === kind && item.metadata.name === name,
  ) as T | undefined;
}

const v4Range = { start: '192.168.0.11', end: '192.168.0.20' };

describe('plan: pool reconcile', () => {
  it('allocates a fresh IPClaim and writes the IPAddress, claim status, finalizers and pool indexes', () => {
    const result = plan({
      ipPools: [
        pool('p', { pools: [{ ...v4Range, gateway: '192.168.0.1', dnsServers: ['8.8.8.8'] }], prefix: 24 }),
      ],
      ipClaims: [claim('c1', 'p', { labels: { 'cluster.x-k8s.io/cluster-name': 'c' } })],
    });
    const created = find<Metal3IPAddress>(
      result.items,
      'ipam.metal3.io/v1alpha1',
      'IPAddress',
      'p-192-168-0-11',
    );
    expect(created).toEqual({
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: {
        name: 'p-192-168-0-11',
        namespace: NS,
        labels: { 'cluster.x-k8s.io/cluster-name': 'c' },
        finalizers: ['ipaddress.ipam.metal3.io'],
        ownerReferences: [
          { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPPool', name: 'p', uid: 'uid-p' },
          { apiVersion: 'ipam.metal3.io/v1alpha1', kind: 'IPClaim', name: 'c1', uid: 'uid-c1' },
        ],
      },
      spec: {
        address: '192.168.0.11',
        pool: { name: 'p', namespace: NS },
        claim: { name: 'c1', namespace: NS },
        prefix: 24,
        gateway: '192.168.0.1',
        dnsServers: ['8.8.8.8'],
      },
    });
    const updatedClaim = find<IPClaim>(result.items, 'ipam.metal3.io/v1alpha1', 'IPClaim', 'c1');
    expect(updatedClaim?.metadata.finalizers).toEqual(['ipclaim.ipam.metal3.io']);
    expect(updatedClaim?.status).toEqual({ address: { name: 'p-192-168-0-11', namespace: NS } });
    const updatedPool = find<IPPool>(result.items, 'ipam.metal3.io/v1alpha1', 'IPPool', 'p');
    expect(updatedPool?.metadata.finalizers).toEqual(['ippool.ipam.metal3.io']);
    expect(updatedPool?.status?.indexes).toEqual({ c1: '192.168.0.11' });
    expect(result.rows).toEqual([
      { claim: 'c1', kind: 'IPClaim', namespace: NS, pool: 'p', address: '192.168.0.11', source: 'dynamic' },
    ]);
    expect(result.passes).toBe(2);
  });

  it('serves Metal3 claims before CAPI claims, each in name order, from one in-use set', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipClaims: [claim('z-metal3', 'p'), claim('b-metal3', 'p')],
      ipAddressClaims: [capiClaim('a-capi', 'p')],
    });
    expect(result.rows.map((row) => [row.claim, row.address])).toEqual([
      ['a-capi', '192.168.0.13'],
      ['b-metal3', '192.168.0.11'],
      ['z-metal3', '192.168.0.12'],
    ]);
  });

  it('writes CAPI IPAddress spec, addressRef and the Ready condition without timestamps', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipAddressClaims: [capiClaim('a', 'p')],
    });
    const created = find<CapiIPAddress>(
      result.items,
      'ipam.cluster.x-k8s.io/v1beta2',
      'IPAddress',
      'p-192-168-0-11',
    );
    expect(created?.spec).toEqual({
      address: '192.168.0.11',
      poolRef: { name: 'p', kind: 'IPPool', apiGroup: 'ipam.metal3.io' },
      claimRef: { name: 'a' },
      prefix: 0,
      gateway: '',
    });
    expect(created?.metadata.finalizers).toEqual(['ipam.metal3.io/ipaddress']);
    const updated = find<IPAddressClaim>(
      result.items,
      'ipam.cluster.x-k8s.io/v1beta2',
      'IPAddressClaim',
      'a',
    );
    expect(updated?.metadata.finalizers).toEqual(['ipam.metal3.io/ipaddressclaim']);
    expect(updated?.status).toEqual({
      addressRef: { name: 'p-192-168-0-11' },
      conditions: [{ type: 'Ready', status: 'True' }],
    });
  });

  it.each([
    {
      name: 'exhaustion on IPClaim',
      snapshot: {
        ipPools: [pool('p', { pools: [{ start: '10.0.0.1', end: '10.0.0.1' }] })],
        ipClaims: [claim('a', 'p'), claim('b', 'p')],
      },
      claimName: 'b',
      error: 'Exhausted IP Pools',
    },
    {
      name: 'invalid requested IP',
      snapshot: {
        ipPools: [pool('p', { pools: [v4Range] })],
        ipClaims: [claim('a', 'p', { annotations: { ipAddress: 'nope' } })],
      },
      claimName: 'a',
      error: 'Invalid ipAddress annotation "nope": not a valid IP address',
    },
  ])('records the failure text on the claim: $name', ({ snapshot, claimName, error }) => {
    const result = plan(snapshot as PlanSnapshot);
    const row = result.rows.find((r) => r.claim === claimName);
    expect(row?.error).toBe(error);
    expect(row?.address).toBe('');
    const updated = find<IPClaim>(result.items, 'ipam.metal3.io/v1alpha1', 'IPClaim', claimName);
    expect(updated?.status?.errorMessage).toBe(error);
    expect(updated?.metadata.finalizers).toEqual(['ipclaim.ipam.metal3.io']);
  });

  it('fails CAPI claims with PoolExhausted or AllocationFailed reasons', () => {
    const result = plan({
      ipPools: [
        pool('p', { pools: [{ start: '10.0.0.1', end: '10.0.0.1' }], preAllocations: { x: '10.9.9.9' } }),
      ],
      ipAddressClaims: [capiClaim('a', 'p'), capiClaim('b', 'p'), capiClaim('x', 'p')],
    });
    const conditionOf = (name: string) =>
      find<IPAddressClaim>(result.items, 'ipam.cluster.x-k8s.io/v1beta2', 'IPAddressClaim', name)?.status
        ?.conditions;
    expect(conditionOf('b')).toEqual([
      { type: 'Ready', status: 'False', reason: 'PoolExhausted', message: 'Exhausted IP Pools' },
    ]);
    expect(conditionOf('x')).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'AllocationFailed',
        message: 'Pre-allocated IP out of bounds',
      },
    ]);
  });

  it('leaves sticky failures and allocated claims alone and omits unchanged objects', () => {
    const p = pool(
      'p',
      { pools: [v4Range] },
      {
        metadata: { name: 'p', namespace: NS, finalizers: ['ippool.ipam.metal3.io'] },
        status: { indexes: { a: '192.168.0.11' } },
      },
    );
    const result = plan({
      ipPools: [p],
      ipClaims: [
        claim(
          'a',
          'p',
          { finalizers: ['ipclaim.ipam.metal3.io'] },
          { address: { name: 'p-192-168-0-11', namespace: NS } },
        ),
        claim('b', 'p', { finalizers: ['ipclaim.ipam.metal3.io'] }, { errorMessage: 'Exhausted IP Pools' }),
      ],
      ipAddresses: [address('p', 'a', '192.168.0.11')],
    });
    expect(result.items).toEqual([]);
    expect(result.passes).toBe(1);
    expect(result.rows.map((r) => [r.claim, r.address, r.source, r.error])).toEqual([
      ['a', '192.168.0.11', 'existing', undefined],
      ['b', '', undefined, 'Exhausted IP Pools'],
    ]);
  });

  it('honours preAllocations and the ipAddress annotation, and reserves preAllocations for absent claims', () => {
    const result = plan({
      ipPools: [
        pool('p', { pools: [v4Range], preAllocations: { ghost: '192.168.0.11', pinned: '192.168.0.15' } }),
      ],
      ipClaims: [
        claim('dyn', 'p'),
        claim('pinned', 'p'),
        claim('wants', 'p', { annotations: { ipAddress: '192.168.0.19' } }),
      ],
    });
    expect(result.rows.map((r) => [r.claim, r.address, r.source])).toEqual([
      ['dyn', '192.168.0.12', 'dynamic'],
      ['pinned', '192.168.0.15', 'preallocated'],
      ['wants', '192.168.0.19', 'requested'],
    ]);
  });

  it('names IPv6 addresses canonically and keeps non-canonical preAllocations reserved', () => {
    const result = plan({
      ipPools: [
        pool('v6', {
          pools: [{ start: '2001:db8::1', end: '2001:db8::ff' }],
          prefix: 64,
          preAllocations: { other: '2001:DB8::0001' },
        }),
      ],
      ipClaims: [claim('a', 'v6')],
    });
    expect(result.rows[0]?.address).toBe('2001:db8::2');
    expect(find(result.items, 'ipam.metal3.io/v1alpha1', 'IPAddress', 'v6-2001-db8--2')).toBeDefined();
  });

  it('points a claim found in the indexes at the existing address instead of allocating', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipClaims: [claim('a', 'p')],
      ipAddresses: [address('p', 'a', '192.168.0.17')],
    });
    expect(
      find<IPClaim>(result.items, 'ipam.metal3.io/v1alpha1', 'IPClaim', 'a')?.status?.address?.name,
    ).toBe('p-192-168-0-17');
    expect(result.items.filter((item) => item.kind === 'IPAddress')).toEqual([]);
    expect(result.rows[0]?.source).toBe('existing');
  });
});

describe('plan: deletion', () => {
  const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z' };

  it('releases a deleting claim without foreign finalizers and reuses its address', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [{ start: '10.0.0.1', end: '10.0.0.1' }] })],
      ipClaims: [
        claim(
          'a-old',
          'p',
          { ...deleting, finalizers: ['ipclaim.ipam.metal3.io'] },
          { address: { name: 'p-10-0-0-1', namespace: NS } },
        ),
        claim('b-new', 'p'),
      ],
      ipAddresses: [address('p', 'a-old', '10.0.0.1')],
    });
    expect(result.deleted.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'IPAddress/p-10-0-0-1',
      'IPClaim/a-old',
    ]);
    expect(result.rows.map((r) => [r.claim, r.address])).toEqual([['b-new', '10.0.0.1']]);
    // The old IPAddress is gone and a new object of the same name is created for b-new.
    const recreated = find<Metal3IPAddress>(
      result.items,
      'ipam.metal3.io/v1alpha1',
      'IPAddress',
      'p-10-0-0-1',
    );
    expect(recreated?.spec.claim.name).toBe('b-new');
  });

  it('keeps the address of a deleting claim that other finalizers still hold', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipClaims: [
        claim(
          'a',
          'p',
          {
            ...deleting,
            finalizers: ['ipclaim.ipam.metal3.io', 'metal3data.infrastructure.cluster.x-k8s.io'],
          },
          {
            address: { name: 'p-192-168-0-11', namespace: NS },
          },
        ),
      ],
      ipAddresses: [address('p', 'a', '192.168.0.11')],
    });
    expect(result.deleted).toEqual([]);
    expect(result.warnings.map((w) => w.code)).toContain('ClaimStillInUse');
    expect(result.rows[0]?.address).toBe('192.168.0.11');
  });

  it('removes the pool finalizer of a deleting pool once no address references it', () => {
    const result = plan({
      ipPools: [
        pool(
          'p',
          { pools: [v4Range], preAllocations: { a: '192.168.0.11' } },
          { metadata: { name: 'p', namespace: NS, finalizers: ['ippool.ipam.metal3.io'], ...deleting } },
        ),
      ],
      ipClaims: [
        claim(
          'a',
          'p',
          { ...deleting, finalizers: ['ipclaim.ipam.metal3.io'] },
          { address: { name: 'p-192-168-0-11', namespace: NS } },
        ),
      ],
      ipAddresses: [address('p', 'a', '192.168.0.11')],
    });
    expect(result.deleted.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'IPAddress/p-192-168-0-11',
      'IPClaim/a',
      'IPPool/p',
    ]);
    expect(result.items).toEqual([]);
  });
});

describe('plan: deleting pool', () => {
  it('keeps serving new claims and keeps its finalizer while they hold addresses', () => {
    const deletingPool = pool(
      'p',
      { pools: [v4Range] },
      {
        metadata: {
          name: 'p',
          namespace: NS,
          finalizers: ['ippool.ipam.metal3.io'],
          deletionTimestamp: '2026-01-01T00:00:00Z',
        },
      },
    );
    const result = plan({ ipPools: [deletingPool], ipClaims: [claim('late', 'p')] });
    expect(result.deleted).toEqual([]);
    expect(result.rows.map((r) => [r.claim, r.address])).toEqual([['late', '192.168.0.11']]);
    expect(find<IPPool>(result.items, 'ipam.metal3.io/v1alpha1', 'IPPool', 'p')?.metadata.finalizers).toEqual(
      ['ippool.ipam.metal3.io'],
    );
  });
});

describe('plan: cluster link', () => {
  const cluster: Cluster = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'c', namespace: NS, uid: 'uid-c' },
    spec: {},
  };

  it('labels the pool and adds the Cluster owner reference', () => {
    const result = plan({
      ipPools: [pool('p', { clusterName: 'c', pools: [v4Range] })],
      clusters: [cluster],
      ipClaims: [claim('a', 'p')],
    });
    const updated = find<IPPool>(result.items, 'ipam.metal3.io/v1alpha1', 'IPPool', 'p');
    expect(updated?.metadata.labels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'c',
      'cluster.x-k8s.io/provider': 'ipam-metal3',
    });
    expect(updated?.metadata.ownerReferences).toEqual([
      { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Cluster', name: 'c', uid: 'uid-c', controller: false },
    ]);
    expect(result.rows[0]?.address).toBe('192.168.0.11');
  });

  it.each([
    { name: 'paused cluster', clusters: [{ ...cluster, spec: { paused: true } }], code: 'ClusterPaused' },
    { name: 'missing cluster', clusters: [], code: 'ClusterNotFound' },
  ])('serves no claims for a $name', ({ clusters, code }) => {
    const result = plan({
      ipPools: [pool('p', { clusterName: 'c', pools: [v4Range] })],
      clusters,
      ipClaims: [claim('a', 'p')],
    });
    expect(result.rows[0]?.address).toBe('');
    expect(result.warnings.map((w) => w.code)).toContain(code);
    const updated = find<IPPool>(result.items, 'ipam.metal3.io/v1alpha1', 'IPPool', 'p');
    expect(updated?.metadata.finalizers).toBeUndefined();
    expect(updated?.metadata.labels?.['cluster.x-k8s.io/cluster-name']).toBe('c');
  });
});

describe('plan: determinism and warnings', () => {
  it('is reproducible for the random strategy with the default seed and differs with another seed', () => {
    const snapshot: PlanSnapshot = {
      ipPools: [
        pool('r', { pools: [{ start: '10.0.0.0', end: '10.0.255.255' }], allocationStrategy: 'random' }),
      ],
      ipClaims: Array.from({ length: 5 }, (_, i) => claim(`c${i}`, 'r')),
    };
    const first = plan(snapshot).rows.map((r) => r.address);
    expect(plan(snapshot).rows.map((r) => r.address)).toEqual(first);
    expect(new Set(first).size).toBe(5);
    expect(plan(snapshot, { seed: 7 }).rows.map((r) => r.address)).not.toEqual(first);
  });

  it('warns about objects admission would reject but still plans them', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range], gateway: 'nope' })],
      ipClaims: [claim('a', 'p')],
    });
    const warning = result.warnings.find((w) => w.code === 'AdmissionWouldReject');
    expect(warning?.message).toContain('spec.gateway: Invalid value: "nope": is not a valid IP address');
    expect(result.rows[0]?.address).toBe('192.168.0.11');
  });

  it('omits owner uids it does not know and says so', () => {
    const p = pool('p', { pools: [v4Range] });
    delete p.metadata.uid;
    const result = plan({ ipPools: [p], ipClaims: [claim('a', 'p')] });
    const created = find<Metal3IPAddress>(
      result.items,
      'ipam.metal3.io/v1alpha1',
      'IPAddress',
      'p-192-168-0-11',
    );
    expect(created?.metadata.ownerReferences?.[0]).toEqual({
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPPool',
      name: 'p',
    });
    expect(result.warnings.map((w) => w.code)).toContain('MissingOwnerUID');
  });

  it('sorts items by kind, namespace and name', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipClaims: [claim('b', 'p'), claim('a', 'p')],
    });
    expect(result.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual([
      'IPAddress/p-192-168-0-11',
      'IPAddress/p-192-168-0-12',
      'IPClaim/a',
      'IPClaim/b',
      'IPPool/p',
    ]);
  });
});

describe('plan: upstream corner cases', () => {
  it('tells a CAPI claim that shares its name with an allocated IPClaim that IPClaim address name', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipClaims: [claim('same', 'p')],
      ipAddressClaims: [capiClaim('same', 'p')],
    });
    const capi = find<IPAddressClaim>(
      result.items,
      'ipam.cluster.x-k8s.io/v1beta2',
      'IPAddressClaim',
      'same',
    );
    expect(capi?.status).toEqual({ addressRef: { name: 'p-192-168-0-11' } });
    expect(result.items.filter((i) => i.kind === 'IPAddress').map((i) => i.apiVersion)).toEqual([
      'ipam.metal3.io/v1alpha1',
    ]);
    expect(result.rows.map((r) => [r.kind, r.address])).toEqual([
      ['IPClaim', '192.168.0.11'],
      ['IPAddressClaim', '192.168.0.11'],
    ]);
  });

  it('warns and leaves the claim pending when the IPAddress name is taken by another pool', () => {
    const other = address('p', 'x', '192.168.0.11');
    other.spec.pool.name = 'other-pool-with-same-prefix';
    const result = plan({
      ipPools: [pool('p', { pools: [{ start: '192.168.0.11', end: '192.168.0.11' }] })],
      ipClaims: [claim('a', 'p')],
      ipAddresses: [other],
    });
    expect(result.warnings.map((w) => w.code)).toContain('AddressNameConflict');
    const updated = find<IPClaim>(result.items, 'ipam.metal3.io/v1alpha1', 'IPClaim', 'a');
    expect(updated?.metadata.finalizers).toEqual(['ipclaim.ipam.metal3.io']);
    expect(updated?.status).toBeUndefined();
  });

  it('warns that the paused annotation is ignored on a pool without clusterName and still serves it', () => {
    const result = plan({
      ipPools: [
        pool(
          'p',
          { pools: [v4Range] },
          { metadata: { name: 'p', namespace: NS, annotations: { 'cluster.x-k8s.io/paused': '' } } },
        ),
      ],
      ipClaims: [claim('a', 'p')],
    });
    expect(result.warnings.map((w) => w.code)).toEqual(['PausedAnnotationIgnored', 'MissingOwnerUID']);
    expect(result.rows[0]?.address).toBe('192.168.0.11');
  });

  it('clears a sticky error of a deleting claim and releases it', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range] })],
      ipClaims: [
        claim(
          'a',
          'p',
          { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['ipclaim.ipam.metal3.io'] },
          { errorMessage: 'Exhausted IP Pools' },
        ),
      ],
    });
    expect(result.deleted.map((d) => `${d.kind}/${d.name}`)).toEqual(['IPClaim/a']);
    expect(result.rows).toEqual([]);
  });

  it('fails a CAPI claim whose computed prefix is outside 0..128', () => {
    const result = plan({
      ipPools: [pool('p', { pools: [v4Range], prefix: 200 })],
      ipAddressClaims: [capiClaim('a', 'p')],
    });
    const updated = find<IPAddressClaim>(
      result.items,
      'ipam.cluster.x-k8s.io/v1beta2',
      'IPAddressClaim',
      'a',
    );
    expect(updated?.status?.conditions).toEqual([
      {
        type: 'Ready',
        status: 'False',
        reason: 'AllocationFailed',
        message: 'Invalid prefix value, it must be between 0 and 128',
      },
    ]);
    expect(result.items.some((i) => i.kind === 'IPAddress')).toBe(false);
  });

  it('reports claims whose pool is not in the snapshot', () => {
    const result = plan({ ipClaims: [claim('a', 'missing')] });
    expect(result.items).toEqual([]);
    expect(result.warnings.map((w) => [w.code, w.object?.name])).toEqual([['PoolNotFound', 'a']]);
    expect(result.rows).toEqual([
      { claim: 'a', kind: 'IPClaim', namespace: NS, pool: 'missing', address: '' },
    ]);
  });

  it('warns about duplicate snapshot objects and uses the first', () => {
    const result = plan({
      ipPools: [
        pool('p', { pools: [v4Range] }),
        pool('p', { pools: [{ start: '10.0.0.1', end: '10.0.0.1' }] }),
      ],
      ipClaims: [claim('a', 'p')],
    });
    expect(result.warnings.map((w) => w.code)).toContain('DuplicateObject');
    expect(result.rows[0]?.address).toBe('192.168.0.11');
  });

  it('stops at maxPasses and says it did not converge', () => {
    const result = plan(
      { ipPools: [pool('p', { pools: [v4Range] })], ipClaims: [claim('a', 'p')] },
      { maxPasses: 1 },
    );
    expect(result.passes).toBe(1);
    expect(result.warnings.map((w) => w.code)).toContain('NotConverged');
  });

  it('plans 10,000 new claims next to 10,000 allocated ones in two passes, all addresses distinct', () => {
    const ipClaims: IPClaim[] = [];
    const ipAddresses: Metal3IPAddress[] = [];
    for (let i = 0; i < 10_000; i++) {
      const ip = `10.0.${(i + 1) >> 8}.${(i + 1) & 255}`;
      ipAddresses.push(address('big', `old-${i}`, ip));
      ipClaims.push(
        claim(
          `old-${i}`,
          'big',
          { finalizers: ['ipclaim.ipam.metal3.io'] },
          { address: { name: `big-${ip.replace(/\./g, '-')}`, namespace: NS } },
        ),
      );
      ipClaims.push(claim(`new-${i}`, 'big'));
    }
    const result = plan({
      ipPools: [pool('big', { pools: [{ subnet: '10.0.0.0/16' }] })],
      ipClaims,
      ipAddresses,
    });
    expect(result.passes).toBe(2);
    expect(result.items).toHaveLength(20_001); // 10,000 IPAddresses + 10,000 IPClaims + the pool
    expect(new Set(result.rows.map((r) => r.address)).size).toBe(20_000);
  }, 60_000);
});
