import { describe, expect, it } from 'vitest';
import { BMH_ANNOTATION, Labels, type ObjectMeta } from '@stableip/ipam-core';
import { resolveClaimHost, type HostResolution } from './host';
import { worldOf } from './world';

const ns = 'metal3';
const bmh = (name: string) => ({
  apiVersion: 'metal3.io/v1alpha1',
  kind: 'BareMetalHost' as const,
  metadata: { name, namespace: ns },
});
const machine = (name: string, annotation?: string) => ({
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Machine' as const,
  metadata: {
    name,
    namespace: ns,
    ...(annotation !== undefined ? { annotations: { [BMH_ANNOTATION]: annotation } } : {}),
  },
});
const data = (name: string, claim?: string) => ({
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Data' as const,
  metadata: { name, namespace: ns },
  spec: { template: { name: 't' }, claim: claim ? { name: claim } : {} },
});
const ownedBy = (dataName: string): ObjectMeta => ({
  ownerReferences: [
    { apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2', kind: 'Metal3Data', name: dataName, uid: 'u1' },
  ],
});

const world = worldOf({
  BareMetalHost: [bmh('node-1'), bmh('node-2'), bmh('rack-a-node')],
  Metal3Machine: [
    machine('m-1', `${ns}/node-9`),
    machine('m-bare', 'node-8'),
    machine('m-none'),
    machine('m-bad', 'a/b/c'),
  ],
  Metal3Data: [
    data('d-1', 'm-1'),
    data('d-bare', 'm-bare'),
    data('d-none', 'm-none'),
    data('d-bad', 'm-bad'),
    data('d-noclaim'),
  ],
});

describe('resolveClaimHost', () => {
  const cases: Array<{
    name: string;
    claim: Parameters<typeof resolveClaimHost>[0];
    expected: HostResolution;
  }> = [
    {
      name: 'label wins over everything',
      claim: {
        namespace: ns,
        name: 'node-1-pool',
        poolName: 'pool',
        metadata: { labels: { [Labels.bareMetalHost]: 'node-7' } },
      },
      expected: { resolved: true, name: 'node-7', via: 'label' },
    },
    {
      name: 'label on the IPAddress when the claim is gone',
      claim: {
        namespace: ns,
        name: 'x',
        poolName: 'pool',
        addressLabels: { [Labels.bareMetalHost]: 'node-3' },
      },
      expected: { resolved: true, name: 'node-3', via: 'label' },
    },
    {
      name: '{bmh}-{pool} with an existing BMH',
      claim: { namespace: ns, name: 'node-2-provisioning', poolName: 'provisioning' },
      expected: { resolved: true, name: 'node-2', via: 'claimName' },
    },
    {
      name: 'BMH names with dashes',
      claim: { namespace: ns, name: 'rack-a-node-pool-v4', poolName: 'pool-v4' },
      expected: { resolved: true, name: 'rack-a-node', via: 'claimName' },
    },
    {
      name: '{bmh}-{pool} without such a BMH falls through',
      claim: { namespace: ns, name: 'node-5-pool', poolName: 'pool' },
      expected: { resolved: false, reason: 'no host label, name or Metal3Data owner' },
    },
    {
      name: 'Metal3Data → Metal3Machine annotation (namespace/name)',
      claim: { namespace: ns, name: 'd-1-pool', poolName: 'pool', metadata: ownedBy('d-1') },
      expected: { resolved: true, name: 'node-9', via: 'metal3Data' },
    },
    {
      name: 'Metal3Data → Metal3Machine annotation (bare name)',
      claim: { namespace: ns, name: 'd-bare-pool', poolName: 'pool', metadata: ownedBy('d-bare') },
      expected: { resolved: true, name: 'node-8', via: 'metal3Data' },
    },
    {
      name: 'Metal3Machine without annotation yet',
      claim: { namespace: ns, name: 'd-none-pool', poolName: 'pool', metadata: ownedBy('d-none') },
      expected: { resolved: false, reason: 'Metal3Machine m-none has no host annotation yet' },
    },
    {
      name: 'malformed annotation',
      claim: { namespace: ns, name: 'd-bad-pool', poolName: 'pool', metadata: ownedBy('d-bad') },
      expected: { resolved: false, reason: 'Metal3Machine m-bad: unexpected key format: "a/b/c"' },
    },
    {
      name: 'Metal3Data not cached',
      claim: { namespace: ns, name: 'd-9-pool', poolName: 'pool', metadata: ownedBy('d-9') },
      expected: { resolved: false, reason: 'Metal3Data d-9 not found' },
    },
    {
      name: 'Metal3Data without spec.claim',
      claim: { namespace: ns, name: 'd-noclaim-pool', poolName: 'pool', metadata: ownedBy('d-noclaim') },
      expected: { resolved: false, reason: 'Metal3Data d-noclaim has no spec.claim' },
    },
    {
      name: 'a claim named exactly like the pool suffix has no host part',
      claim: { namespace: ns, name: '-pool', poolName: 'pool' },
      expected: { resolved: false, reason: 'no host label, name or Metal3Data owner' },
    },
  ];
  it.each(cases)('$name', ({ claim, expected }) => {
    expect(resolveClaimHost(claim, world)).toEqual(expected);
  });

  it('looks the BMH up in the claim namespace only', () => {
    expect(
      resolveClaimHost({ namespace: 'other', name: 'node-1-pool', poolName: 'pool' }, world).resolved,
    ).toBe(false);
  });
});
