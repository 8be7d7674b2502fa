import { describe, expect, it } from 'vitest';
import type { BareMetalHost, Metal3Data, Metal3DataTemplate, Metal3Machine } from '../api/types';
import {
  type DesiredClaimsInput,
  bmhNameFromMetal3Machine,
  candidateClaimNames,
  desiredIPClaimsForMetal3Data,
  ipClaimName,
} from './claims';

const m3m = (annotation?: string): Metal3Machine => ({
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Machine',
  metadata: {
    name: 'test1-workers-abc',
    namespace: 'metal3',
    ...(annotation !== undefined ? { annotations: { 'metal3.io/BareMetalHost': annotation } } : {}),
  },
});

describe('bmhNameFromMetal3Machine', () => {
  it.each<[string, Metal3Machine, string]>([
    ['namespace/name', m3m('metal3/node-0'), 'ok node-0'],
    ['namespace part ignored even if foreign', m3m('other-ns/node-1'), 'ok node-1'],
    ['bare name', m3m('node-2'), 'ok node-2'],
    ['no annotation', m3m(), 'ok undefined'],
    ['no annotations map', { ...m3m(), metadata: { name: 'x' } }, 'ok undefined'],
    ['more than one slash', m3m('a/b/c'), 'InvalidHostAnnotation: unexpected key format: "a/b/c"'],
    ['empty name', m3m('metal3/'), 'InvalidHostAnnotation: resource name may not be empty'],
    ['empty value', m3m(''), 'InvalidHostAnnotation: resource name may not be empty'],
  ])('%s', (_name, machine, expected) => {
    const result = bmhNameFromMetal3Machine(machine);
    expect(result.ok ? `ok ${result.name}` : `${result.error.code}: ${result.error.message}`).toBe(expected);
  });
});

describe('ipClaimName / candidateClaimNames', () => {
  it.each<[string, boolean, string | undefined, string | undefined]>([
    ['flag off: {metal3data}-{pool}', false, 'node-0', 'test1-workers-template-0-baremetalv4-pool'],
    [
      'flag off without a host: still named after the Metal3Data',
      false,
      undefined,
      'test1-workers-template-0-baremetalv4-pool',
    ],
    ['flag on: {bmh}-{pool}', true, 'node-0', 'node-0-baremetalv4-pool'],
    ['flag on without a host: CAPM3 creates no claim', true, undefined, undefined],
  ])('%s', (_name, flag, bmhName, expected) => {
    expect(
      ipClaimName({
        metal3DataName: 'test1-workers-template-0',
        bmhName,
        poolName: 'baremetalv4-pool',
        bmhNameBasedPreallocation: flag,
      }),
    ).toBe(expected);
  });

  it.each<[string, string | undefined, string[]]>([
    ['legacy name first, then the host name', 'node-0', ['d-0-pool', 'node-0-pool']],
    ['only the legacy name without a host', undefined, ['d-0-pool']],
    ['no duplicate when both coincide', 'd-0', ['d-0-pool']],
  ])('%s', (_name, bmhName, expected) => {
    expect(candidateClaimNames({ metal3DataName: 'd-0', bmhName, poolName: 'pool' })).toEqual(expected);
  });
});

describe('desiredIPClaimsForMetal3Data', () => {
  const data: Metal3Data = {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'Metal3Data',
    metadata: {
      name: 'test1-workers-template-0',
      namespace: 'metal3',
      uid: 'uid-d0',
      labels: { 'cluster.x-k8s.io/cluster-name': 'test1' },
    },
    spec: { index: 0, template: { name: 'test1-workers-template' }, claim: { name: 'test1-workers-abc' } },
  };
  const template: Metal3DataTemplate = {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'Metal3DataTemplate',
    metadata: { name: 'test1-workers-template', namespace: 'metal3' },
    spec: {
      networkData: {
        networks: {
          ipv4: [{ id: 'prov', link: 'eth0', ipAddressFromIPPool: 'provisioning-pool' }],
          ipv6: [{ id: 'bm', link: 'eth1', ipAddressFromIPPool: 'baremetalv6-pool' }],
        },
      },
      metaData: {
        gatewaysFromPool: [
          { key: 'gw', name: 'capi-pool', apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool' },
        ],
      },
    },
  };
  const host: BareMetalHost = {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name: 'node-0', namespace: 'metal3' },
  };
  const input = (overrides: Partial<DesiredClaimsInput> = {}): DesiredClaimsInput => ({
    metal3Data: data,
    template,
    metal3Machine: m3m('metal3/node-0'),
    bareMetalHost: host,
    bmhNameBasedPreallocation: true,
    ...overrides,
  });
  const owner = {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'Metal3Data',
    name: 'test1-workers-template-0',
    uid: 'uid-d0',
    controller: true,
  };

  it('with the flag on, names Metal3 claims after the host and labels them (upstream e2e example)', () => {
    const result = desiredIPClaimsForMetal3Data(input());
    if (!result.ok) throw new Error('expected claims');
    expect(result.ipClaims).toEqual([
      {
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata: {
          name: 'node-0-provisioning-pool',
          namespace: 'metal3',
          labels: {
            'cluster.x-k8s.io/cluster-name': 'test1',
            'infrastructure.cluster.x-k8s.io/data-name': 'test1-workers-template-0',
            'infrastructure.cluster.x-k8s.io/pool-name': 'provisioning-pool',
            'stableip.dev/baremetalhost': 'node-0',
          },
          finalizers: ['metal3data.infrastructure.cluster.x-k8s.io'],
          ownerReferences: [owner],
        },
        spec: { pool: { name: 'provisioning-pool', namespace: 'metal3' } },
      },
      {
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata: {
          name: 'node-0-baremetalv6-pool',
          namespace: 'metal3',
          labels: {
            'cluster.x-k8s.io/cluster-name': 'test1',
            'infrastructure.cluster.x-k8s.io/data-name': 'test1-workers-template-0',
            'infrastructure.cluster.x-k8s.io/pool-name': 'baremetalv6-pool',
            'stableip.dev/baremetalhost': 'node-0',
          },
          finalizers: ['metal3data.infrastructure.cluster.x-k8s.io'],
          ownerReferences: [owner],
        },
        spec: { pool: { name: 'baremetalv6-pool', namespace: 'metal3' } },
      },
    ]);
    // CAPI claims keep the Metal3Data name whatever the flag, and get no data-name/pool-name.
    expect(result.ipAddressClaims).toEqual([
      {
        apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
        kind: 'IPAddressClaim',
        metadata: {
          name: 'test1-workers-template-0-capi-pool',
          namespace: 'metal3',
          labels: { 'cluster.x-k8s.io/cluster-name': 'test1', 'stableip.dev/baremetalhost': 'node-0' },
          finalizers: ['metal3data.infrastructure.cluster.x-k8s.io'],
          ownerReferences: [owner],
        },
        spec: { poolRef: { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: 'capi-pool' } },
      },
    ]);
    // The Metal3Data ends up labelled with the pool of the last Metal3 claim created.
    expect(result.metal3DataLabels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'test1',
      'infrastructure.cluster.x-k8s.io/data-name': 'test1-workers-template-0',
      'infrastructure.cluster.x-k8s.io/pool-name': 'baremetalv6-pool',
    });
    expect(data.metadata.labels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'test1' }); // input untouched
  });

  it('with the flag off, names claims after the Metal3Data and copies labels as they are', () => {
    const result = desiredIPClaimsForMetal3Data(input({ bmhNameBasedPreallocation: false }));
    if (!result.ok) throw new Error('expected claims');
    expect(result.ipClaims.map((claim) => claim.metadata.name)).toEqual([
      'test1-workers-template-0-provisioning-pool',
      'test1-workers-template-0-baremetalv6-pool',
    ]);
    expect(result.ipClaims[0]?.metadata.labels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'test1',
      'stableip.dev/baremetalhost': 'node-0',
    });
    expect(result.metal3DataLabels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'test1' });
    expect(result.ipAddressClaims.map((claim) => claim.metadata.name)).toEqual([
      'test1-workers-template-0-capi-pool',
    ]);
  });

  it.each<[string, boolean, string[], string[], Array<[string, boolean]>]>([
    [
      'legacy claim adopted with the flag on',
      true,
      ['test1-workers-template-0-provisioning-pool'],
      [],
      [
        ['test1-workers-template-0-provisioning-pool', true],
        ['node-0-baremetalv6-pool', false],
      ],
    ],
    [
      'host-named claim adopted with the flag off',
      false,
      ['node-0-baremetalv6-pool'],
      [],
      [
        ['test1-workers-template-0-provisioning-pool', false],
        ['node-0-baremetalv6-pool', true],
      ],
    ],
    [
      'legacy name wins when both exist',
      true,
      ['node-0-provisioning-pool', 'test1-workers-template-0-provisioning-pool'],
      [],
      [
        ['test1-workers-template-0-provisioning-pool', true],
        ['node-0-baremetalv6-pool', false],
      ],
    ],
  ])('%s', (_name, flag, existingIPClaims, existingCapi, expected) => {
    const result = desiredIPClaimsForMetal3Data(
      input({
        bmhNameBasedPreallocation: flag,
        existingIPClaimNames: new Set(existingIPClaims),
        existingIPAddressClaimNames: new Set(existingCapi),
      }),
    );
    if (!result.ok) throw new Error('expected claims');
    const metal3 = result.decisions.filter((decision) => decision.claimKind === 'IPClaim');
    expect(metal3.map((decision) => [decision.name, decision.existing])).toEqual(expected);
    expect(result.ipClaims.map((claim) => claim.metadata.name)).toEqual(
      expected.filter(([, existing]) => !existing).map(([name]) => name),
    );
  });

  it('adopts an existing CAPI claim and leaves labels alone when nothing is created', () => {
    const result = desiredIPClaimsForMetal3Data(
      input({
        existingIPClaimNames: new Set(['node-0-provisioning-pool', 'node-0-baremetalv6-pool']),
        existingIPAddressClaimNames: new Set(['test1-workers-template-0-capi-pool']),
      }),
    );
    if (!result.ok) throw new Error('expected claims');
    expect(result.ipClaims).toEqual([]);
    expect(result.ipAddressClaims).toEqual([]);
    expect(result.decisions.every((decision) => decision.existing)).toBe(true);
    expect(result.metal3DataLabels).toEqual({ 'cluster.x-k8s.io/cluster-name': 'test1' });
  });

  it.each<[string, Partial<DesiredClaimsInput>, string]>([
    [
      'no host annotation',
      { metal3Machine: m3m() },
      'waiting: Waiting for BareMetalHost to become available',
    ],
    [
      'host object missing, flag off too',
      { bareMetalHost: undefined, bmhNameBasedPreallocation: false },
      'waiting: Waiting for BareMetalHost to become available',
    ],
    [
      'host object is another host',
      { bareMetalHost: { ...host, metadata: { name: 'node-9' } } },
      'waiting: Waiting for BareMetalHost to become available',
    ],
    [
      'malformed annotation',
      { metal3Machine: m3m('a/b/c') },
      'InvalidHostAnnotation: unexpected key format: "a/b/c"',
    ],
    [
      'pool collection error',
      {
        template: {
          ...template,
          spec: {
            networkData: {
              networks: {
                ipv4: [{ id: 'a', link: 'l', fromPoolAnnotation: { object: 'machine', annotation: 'x' } }],
              },
            },
          },
        },
      },
      'PoolAnnotationObjectMissing: machine is nil but referenced in annotation x',
    ],
  ])('%s', (_name, overrides, expected) => {
    const result = desiredIPClaimsForMetal3Data(input(overrides));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(
      result.waiting ? `waiting: ${result.reason}` : `${result.error.code}: ${result.error.message}`,
    ).toBe(expected);
  });

  it('omits the owner uid rather than inventing one, and defaults the namespace', () => {
    const bare: Metal3Data = { ...data, metadata: { name: 'd-0' } };
    const result = desiredIPClaimsForMetal3Data(
      input({ metal3Data: bare, bmhNameBasedPreallocation: false }),
    );
    if (!result.ok) throw new Error('expected claims');
    const claim = result.ipClaims[0];
    expect(claim?.metadata.namespace).toBe('default');
    expect(claim?.metadata.ownerReferences).toEqual([
      {
        apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
        kind: 'Metal3Data',
        name: 'd-0',
        controller: true,
      },
    ]);
    expect(claim?.spec.pool).toEqual({ name: 'provisioning-pool', namespace: 'default' });
  });

  it('resolves fromPoolAnnotation pools against the given objects', () => {
    const annotated: Metal3DataTemplate = {
      ...template,
      spec: {
        networkData: {
          networks: {
            ipv4: [
              { id: 'a', link: 'l', fromPoolAnnotation: { object: 'baremetalhost', annotation: 'pool' } },
            ],
          },
        },
      },
    };
    const result = desiredIPClaimsForMetal3Data(
      input({
        template: annotated,
        bareMetalHost: { ...host, metadata: { name: 'node-0', annotations: { pool: 'rack-7' } } },
      }),
    );
    if (!result.ok) throw new Error('expected claims');
    expect(result.ipClaims.map((claim) => claim.metadata.name)).toEqual(['node-0-rack-7']);
  });

  it('reports an empty Metal3Data name on the CAPI path', () => {
    const unnamed: Metal3Data = { ...data, metadata: { namespace: 'metal3' } };
    const result = desiredIPClaimsForMetal3Data(input({ metal3Data: unnamed }));
    expect(result.ok ? 'ok' : result.waiting ? 'waiting' : result.error.message).toBe(
      'Metal3Data name is empty',
    );
  });
});
