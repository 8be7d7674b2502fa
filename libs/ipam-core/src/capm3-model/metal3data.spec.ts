import { describe, expect, it } from 'vitest';
import type {
  BareMetalHost,
  Cluster,
  IPClaim,
  KubeObject,
  Machine,
  Metal3Data,
  Metal3DataClaim,
  Metal3DataTemplate,
  Metal3Machine,
} from '../api/types';
import {
  claimKey,
  claimLookups,
  decideMetal3Data,
  ownedByMetal3Data,
  type Metal3DataWorld,
} from './metal3data';

const NS = 'ns';
const CAPM3 = 'infrastructure.cluster.x-k8s.io/v1beta2';
const FINALIZER = 'metal3data.infrastructure.cluster.x-k8s.io';

const data: Metal3Data = {
  apiVersion: CAPM3,
  kind: 'Metal3Data',
  metadata: {
    name: 'tmpl-1',
    namespace: NS,
    uid: 'u-data',
    labels: { 'cluster.x-k8s.io/cluster-name': 'c' },
  },
  spec: { template: { name: 'tmpl' }, claim: { name: 'm' } },
};
const template: Metal3DataTemplate = {
  apiVersion: CAPM3,
  kind: 'Metal3DataTemplate',
  metadata: { name: 'tmpl', namespace: NS },
  spec: { metaData: { ipAddressesFromPool: [{ key: 'ip', name: 'pool' }] } },
};

function world(overrides: Partial<Metal3DataWorld> = {}): Metal3DataWorld {
  return {
    metal3Data: data,
    cluster: {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Cluster',
      metadata: { name: 'c', namespace: NS },
    } as Cluster,
    template,
    dataClaim: {
      apiVersion: CAPM3,
      kind: 'Metal3DataClaim',
      metadata: {
        name: 'm',
        namespace: NS,
        ownerReferences: [{ apiVersion: CAPM3, kind: 'Metal3Machine', name: 'm', uid: 'x' }],
      },
      spec: { template: { name: 'tmpl' } },
    } as Metal3DataClaim,
    metal3Machine: {
      apiVersion: CAPM3,
      kind: 'Metal3Machine',
      metadata: { name: 'm', namespace: NS, annotations: { 'metal3.io/BareMetalHost': `${NS}/node-0` } },
      spec: { dataTemplate: { name: 'tmpl' } },
    } as Metal3Machine,
    machine: {
      apiVersion: 'cluster.x-k8s.io/v1beta2',
      kind: 'Machine',
      metadata: { name: 'm', namespace: NS },
    } as Machine,
    machineRequired: true,
    bareMetalHost: {
      apiVersion: 'metal3.io/v1alpha1',
      kind: 'BareMetalHost',
      metadata: { name: 'node-0', namespace: NS },
    } as BareMetalHost,
    claims: new Map(),
    bmhNameBasedPreallocation: true,
    ...overrides,
  };
}

const claim = (name: string, metadata: Partial<KubeObject['metadata']> = {}): IPClaim => ({
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPClaim',
  metadata: { name, namespace: NS, ...metadata },
  spec: { pool: { name: 'pool', namespace: NS } },
});
const ownedBy = (uid: string) => ({
  ownerReferences: [{ apiVersion: CAPM3, kind: 'Metal3Data', name: 'tmpl-1', uid, controller: true }],
});

describe('ownedByMetal3Data (uid, CAPM3 PR #1361)', () => {
  const withOwner = (apiVersion: string, kind: string, uid: string) =>
    claim('c', { ownerReferences: [{ apiVersion, kind, name: 'tmpl-1', uid }] });
  it.each([
    ['same uid, v1beta2', withOwner(CAPM3, 'Metal3Data', 'u-data'), true],
    [
      'same uid, v1beta1 (version not compared)',
      withOwner('infrastructure.cluster.x-k8s.io/v1beta1', 'Metal3Data', 'u-data'),
      true,
    ],
    ['other uid, same name', withOwner(CAPM3, 'Metal3Data', 'u-2'), false],
    ['other group', withOwner('example.com/v1', 'Metal3Data', 'u-data'), false],
    ['other kind', withOwner(CAPM3, 'Metal3Machine', 'u-data'), false],
  ])('%s', (_name, object, owned) => {
    expect(ownedByMetal3Data(object, data)).toBe(owned);
  });
});

describe('decideMetal3Data', () => {
  it('reads the legacy name first, then the host name', () => {
    expect(claimLookups(world())).toEqual([
      { kind: 'IPClaim', name: 'tmpl-1-pool' },
      { kind: 'IPClaim', name: 'node-0-pool' },
    ]);
  });

  it('creates {bmh}-{pool} with the flag on, labelled as CAPM3 does plus the host label', () => {
    const decision = decideMetal3Data(world());
    expect(decision).toMatchObject({ kind: 'ensure', host: 'node-0' });
    if (decision.kind !== 'ensure') return;
    expect(decision.pools).toHaveLength(1);
    expect(decision.pools[0]).toMatchObject({
      action: 'create',
      name: 'node-0-pool',
      claim: {
        metadata: {
          finalizers: [FINALIZER],
          labels: {
            'cluster.x-k8s.io/cluster-name': 'c',
            'infrastructure.cluster.x-k8s.io/data-name': 'tmpl-1',
            'infrastructure.cluster.x-k8s.io/pool-name': 'pool',
            'stableip.dev/baremetalhost': 'node-0',
          },
          ...ownedBy('u-data'),
        },
      },
    });
    expect(decision.metal3DataLabels['stableip.dev/baremetalhost']).toBe('node-0');
  });

  it('a legacy claim of another Metal3Data wins over a free host name: wait, never adopt', () => {
    const foreign = claim('tmpl-1-pool', ownedBy('u-old'));
    const decision = decideMetal3Data(
      world({ claims: new Map([[claimKey('IPClaim', 'tmpl-1-pool'), foreign]]) }),
    );
    expect(decision.kind === 'ensure' && decision.pools[0]).toMatchObject({
      action: 'wait',
      why: 'ownedByOther',
      name: 'tmpl-1-pool',
      stripFinalizer: false,
    });
  });

  it('a foreign deleting claim loses CAPM3 finalizer; an own deleting claim is still used', () => {
    const deletingAt = { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [FINALIZER] };
    const foreign = claim('node-0-pool', { ...ownedBy('u-old'), ...deletingAt });
    const own = claim('node-0-pool', { ...ownedBy('u-data'), ...deletingAt });
    const decide = (c: IPClaim) =>
      decideMetal3Data(world({ claims: new Map([[claimKey('IPClaim', 'node-0-pool'), c]]) }));
    const first = decide(foreign);
    expect(first.kind === 'ensure' && first.pools[0]).toMatchObject({
      action: 'wait',
      why: 'deleting',
      stripFinalizer: true,
    });
    const second = decide(own);
    expect(second.kind === 'ensure' && second.pools[0]).toMatchObject({ action: 'use' });
  });

  it('gates in CAPM3 order: Machine, then host; complete secrets skip both', () => {
    expect(decideMetal3Data(world({ machine: undefined }))).toMatchObject({
      kind: 'wait',
      reason: expect.stringContaining('Machine Controller'),
    });
    expect(decideMetal3Data(world({ bareMetalHost: undefined }))).toMatchObject({
      kind: 'wait',
      reason: 'waiting for BareMetalHost to become available',
    });
    expect(
      decideMetal3Data(world({ machine: undefined, bareMetalHost: undefined, secretsComplete: true })),
    ).toMatchObject({ kind: 'ready' });
  });

  it('a deleting Metal3Data is released even without its Cluster, after its Metal3DataClaim is gone', () => {
    const deleting = {
      ...data,
      metadata: {
        ...data.metadata,
        labels: {},
        finalizers: [FINALIZER],
        deletionTimestamp: '2026-01-01T00:00:00Z',
      },
    };
    expect(decideMetal3Data(world({ metal3Data: deleting, cluster: undefined }))).toMatchObject({
      kind: 'wait',
    });
    const labelled = claim('node-0-pool', {
      labels: {
        'infrastructure.cluster.x-k8s.io/data-name': 'tmpl-1',
        'infrastructure.cluster.x-k8s.io/pool-name': 'pool',
      },
    });
    const otherNamespace = { ...labelled, metadata: { ...labelled.metadata, namespace: 'elsewhere' } };
    const legacy = claim('tmpl-1-pool');
    const decision = decideMetal3Data(
      world({
        metal3Data: deleting,
        cluster: undefined,
        dataClaim: undefined,
        labelledClaims: [labelled, otherNamespace],
        claims: new Map([[claimKey('IPClaim', 'tmpl-1-pool'), legacy]]),
      }),
    );
    expect(
      decision.kind === 'release' && decision.claims.map((c) => `${c.claim.metadata.namespace}/${c.name}`),
    ).toEqual(['ns/node-0-pool', 'ns/tmpl-1-pool']);
  });
});
