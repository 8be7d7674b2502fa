import { describe, expect, it } from 'vitest';
import type {
  BareMetalHost,
  Cluster,
  IPClaim,
  IPPool,
  Metal3Data,
  Metal3DataClaim,
  Metal3DataTemplate,
  Metal3Machine,
} from '../api/types';
import { plan } from './plan';
import type { PlanSnapshot } from './types';

const NS = 'metal3';
const CAPM3 = 'infrastructure.cluster.x-k8s.io/v1beta2';
const clusterLabel = { 'cluster.x-k8s.io/cluster-name': 'test1' };

function fixture(overrides: { dataDeleting?: boolean; withClaim?: boolean } = {}): PlanSnapshot {
  const pools: IPPool[] = [
    {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPPool',
      metadata: { name: 'v4', namespace: NS },
      spec: {
        namePrefix: 'v4',
        pools: [{ start: '192.168.0.10', end: '192.168.0.20' }],
        prefix: 24,
        preAllocations: { 'node-0-v4': '192.168.0.15' },
      },
    },
    {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPPool',
      metadata: { name: 'v6', namespace: NS },
      spec: { namePrefix: 'v6', pools: [{ subnet: '2001:db8::/64' }], prefix: 64 },
    },
  ];
  const cluster: Cluster = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: 'test1', namespace: NS },
  };
  const template: Metal3DataTemplate = {
    apiVersion: CAPM3,
    kind: 'Metal3DataTemplate',
    metadata: { name: 'workers', namespace: NS },
    spec: {
      metaData: { ipAddressesFromPool: [{ key: 'ip4', name: 'v4' }] },
      networkData: { networks: { ipv6: [{ id: 'v6', link: 'eth0', ipAddressFromIPPool: 'v6' }] } },
    },
  };
  const machine: Metal3Machine = {
    apiVersion: CAPM3,
    kind: 'Metal3Machine',
    metadata: {
      name: 'm0',
      namespace: NS,
      labels: clusterLabel,
      annotations: { 'metal3.io/BareMetalHost': `${NS}/node-0` },
    },
    spec: { dataTemplate: { name: 'workers' } },
  };
  const host: BareMetalHost = {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name: 'node-0', namespace: NS },
  };
  const dataClaim: Metal3DataClaim = {
    apiVersion: CAPM3,
    kind: 'Metal3DataClaim',
    metadata: {
      name: 'm0',
      namespace: NS,
      ownerReferences: [{ apiVersion: CAPM3, kind: 'Metal3Machine', name: 'm0', uid: 'u-m0' }],
    },
    spec: { template: { name: 'workers' } },
  };
  const data: Metal3Data = {
    apiVersion: CAPM3,
    kind: 'Metal3Data',
    metadata: {
      name: 'workers-0',
      namespace: NS,
      labels: clusterLabel,
      finalizers: ['metal3data.infrastructure.cluster.x-k8s.io'],
      ...(overrides.dataDeleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { index: 0, template: { name: 'workers' }, claim: { name: 'm0' } },
  };
  return {
    ipPools: pools,
    clusters: [cluster],
    metal3DataTemplates: [template],
    metal3Machines: [machine],
    bareMetalHosts: [host],
    metal3DataClaims: overrides.dataDeleting ? [] : [dataClaim],
    metal3Data: [data],
  };
}

describe('plan: CAPM3 Metal3Data claims', () => {
  it.each([
    { flag: false, names: ['workers-0-v4', 'workers-0-v6'], v4: '192.168.0.10' },
    { flag: true, names: ['node-0-v4', 'node-0-v6'], v4: '192.168.0.15' },
  ])('creates one IPClaim per pool named per the flag ($flag) and serves it', ({ flag, names, v4 }) => {
    const result = plan(fixture(), { bmhNameBasedPreallocation: flag });
    expect(result.rows.map((r) => [r.claim, r.address, r.source])).toEqual([
      [names[0], v4, flag ? 'preallocated' : 'dynamic'],
      [names[1], '2001:db8::1', 'dynamic'],
    ]);
    const claim = result.items.find((i) => i.kind === 'IPClaim' && i.metadata.name === names[0]) as IPClaim;
    expect(claim.metadata.finalizers).toEqual([
      'metal3data.infrastructure.cluster.x-k8s.io',
      'ipclaim.ipam.metal3.io',
    ]);
    expect(claim.metadata.ownerReferences).toEqual([
      { apiVersion: CAPM3, kind: 'Metal3Data', name: 'workers-0', controller: true },
    ]);
    expect(claim.metadata.labels?.['infrastructure.cluster.x-k8s.io/data-name']).toBe(
      flag ? 'workers-0' : undefined,
    );
    expect(claim.metadata.labels?.['infrastructure.cluster.x-k8s.io/pool-name']).toBe(
      flag ? 'v4' : undefined,
    );
    const data = result.items.find((i) => i.kind === 'Metal3Data');
    expect(data?.metadata.labels?.['infrastructure.cluster.x-k8s.io/data-name']).toBe(
      flag ? 'workers-0' : undefined,
    );
  });

  it('adopts an existing legacy-named claim even with the flag on', () => {
    const snapshot = fixture();
    snapshot.ipClaims = [
      {
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata: {
          name: 'workers-0-v4',
          namespace: NS,
          ownerReferences: [{ apiVersion: CAPM3, kind: 'Metal3Data', name: 'workers-0', uid: '' }],
        },
        spec: { pool: { name: 'v4', namespace: NS } },
      },
    ];
    const result = plan(snapshot, { bmhNameBasedPreallocation: true });
    expect(result.rows.map((r) => r.claim)).toEqual(['node-0-v6', 'workers-0-v4']);
  });

  it('waits without a BareMetalHost and says why', () => {
    const snapshot = fixture();
    snapshot.bareMetalHosts = [];
    const result = plan(snapshot, { bmhNameBasedPreallocation: true });
    expect(result.rows).toEqual([]);
    expect(result.warnings.find((w) => w.code === 'Metal3DataWaiting')?.message).toContain('BareMetalHost');
  });

  it('releases the claims of a deleted Metal3Data, keeps the preallocated IP reserved and frees the rest', () => {
    const first = plan(fixture(), { bmhNameBasedPreallocation: true });
    const snapshot = fixture({ dataDeleting: true });
    // Feed the cluster state after the first plan back in, with the Metal3Data being deleted.
    snapshot.ipClaims = first.items.filter((i) => i.kind === 'IPClaim') as IPClaim[];
    snapshot.ipAddresses = first.items.filter((i) => i.kind === 'IPAddress') as NonNullable<
      PlanSnapshot['ipAddresses']
    >;
    snapshot.ipPools = first.items.filter((i) => i.kind === 'IPPool') as IPPool[];
    const result = plan(snapshot, { bmhNameBasedPreallocation: true });
    expect(result.deleted.map((d) => `${d.kind}/${d.name}`)).toEqual([
      'IPAddress/v4-192-168-0-15',
      'IPAddress/v6-2001-db8--1',
      'IPClaim/node-0-v4',
      'IPClaim/node-0-v6',
      'Metal3Data/workers-0',
    ]);
    expect(result.rows).toEqual([]);
    const pools = result.items.filter((i) => i.kind === 'IPPool') as IPPool[];
    expect(pools.map((p) => [p.metadata.name, p.status?.indexes])).toEqual([
      ['v4', undefined],
      ['v6', undefined],
    ]);
  });

  it('reads a pool chosen by a Machine annotation (fromPoolAnnotation) when the Machine is given', () => {
    const snapshot = fixture();
    const template = snapshot.metal3DataTemplates![0]!;
    template.spec = {
      networkData: {
        networks: {
          ipv4: [
            { id: 'v4', link: 'eth0', fromPoolAnnotation: { object: 'machine', annotation: 'ipv4-pool' } },
          ],
        },
      },
    };
    snapshot.metal3Machines![0]!.metadata.ownerReferences = [
      { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine', name: 'machine-0', uid: 'u-machine-0' },
    ];
    const withoutMachine = plan(snapshot);
    expect(withoutMachine.rows).toEqual([]);
    expect(withoutMachine.warnings.map((w) => w.code)).toContain('Metal3DataWaiting');
    snapshot.machines = [
      {
        apiVersion: 'cluster.x-k8s.io/v1beta2',
        kind: 'Machine',
        metadata: { name: 'machine-0', namespace: NS, annotations: { 'ipv4-pool': 'v4' } },
      },
    ];
    expect(plan(snapshot).rows.map((r) => [r.claim, r.pool, r.address])).toEqual([
      ['workers-0-v4', 'v4', '192.168.0.10'],
    ]);
  });
});
