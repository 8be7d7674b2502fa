import { describe, expect, it } from 'vitest';
import type { CapiIPAddress, IPPool, Metal3IPAddress } from '@stableip/ipam-core';
import { assignmentSource, deriveAssignment } from './assignment';
import { worldOf } from './world';

const ns = 'metal3';
const pool: IPPool = {
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPPool',
  metadata: { name: 'prov', namespace: ns },
  spec: {
    namePrefix: 'prov',
    prefix: 25,
    preAllocations: { 'node-1-prov': '192.168.111.120', v6: '2001:db8::0:1' },
  },
};

describe('assignmentSource', () => {
  const cases = [
    { claim: 'node-1-prov', address: '192.168.111.120', annotations: undefined, expected: 'preallocated' },
    { claim: 'v6', address: '2001:db8::1', annotations: undefined, expected: 'preallocated' },
    { claim: 'node-1-prov', address: '192.168.111.121', annotations: undefined, expected: 'dynamic' },
    {
      claim: 'node-1-prov',
      address: '192.168.111.121',
      annotations: { ipAddress: '192.168.111.121' },
      expected: 'requested',
    },
    {
      claim: 'node-1-prov',
      address: '192.168.111.120',
      annotations: { ipAddress: '192.168.111.120' },
      expected: 'preallocated',
    },
    { claim: 'other', address: '192.168.111.130', annotations: { other: 'x' }, expected: 'dynamic' },
  ] as const;
  it.each(cases)('$claim $address $annotations → $expected', ({ claim, address, annotations, expected }) => {
    expect(assignmentSource(claim, address, pool, annotations)).toBe(expected);
  });
  it('is dynamic when the pool is unknown', () => {
    expect(assignmentSource('node-1-prov', '192.168.111.120', undefined, undefined)).toBe('dynamic');
  });
});

describe('deriveAssignment', () => {
  const world = worldOf({
    IPPool: [pool],
    BareMetalHost: [
      {
        apiVersion: 'metal3.io/v1alpha1',
        kind: 'BareMetalHost',
        metadata: { name: 'node-1', namespace: ns },
      },
    ],
    IPClaim: [
      {
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata: { name: 'node-1-prov', namespace: ns },
        spec: { pool: { name: 'prov' } },
      },
    ],
  });
  const metal3 = (spec: Partial<Metal3IPAddress['spec']>): Metal3IPAddress => ({
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPAddress',
    metadata: { name: 'prov-192-168-111-120', namespace: ns },
    spec: {
      claim: { name: 'node-1-prov' },
      pool: { name: 'prov' },
      address: '192.168.111.120',
      prefix: 24,
      ...spec,
    },
  });

  it('derives a Metal3 IPAddress with host and source', () => {
    const result = deriveAssignment('Metal3IPAddress', metal3({ gateway: '192.168.111.1' }), world);
    expect(result).toEqual({
      ok: true,
      assignment: {
        pool: { namespace: ns, name: 'prov', kind: 'IPPool' },
        claim: { namespace: ns, name: 'node-1-prov', kind: 'IPClaim' },
        host: { namespace: ns, name: 'node-1' },
        hostResolution: { resolved: true, name: 'node-1', via: 'claimName' },
        address: {
          address: '192.168.111.120',
          prefix: 24,
          gateway: '192.168.111.1',
          addressName: 'prov-192-168-111-120',
        },
        source: 'preallocated',
      },
    });
  });

  it('takes the pool prefix when the IPAddress has none, and drops a gateway of the other family', () => {
    const result = deriveAssignment(
      'Metal3IPAddress',
      metal3({ prefix: undefined, gateway: '2001:db8::1' }),
      world,
    );
    expect(result.ok && result.assignment.address).toEqual({
      address: '192.168.111.120',
      prefix: 25,
      gateway: null,
      addressName: 'prov-192-168-111-120',
    });
  });

  it('canonicalizes IPv6 text', () => {
    const result = deriveAssignment(
      'Metal3IPAddress',
      metal3({ address: '2001:DB8:0::1', prefix: 64 }),
      world,
    );
    expect(result.ok && result.assignment.address.address).toBe('2001:db8::1');
  });

  it.each([
    { spec: { address: 'not-an-ip' }, reason: 'IPAddress has no valid address (not-an-ip)' },
    { spec: { claim: { name: '' } }, reason: 'IPAddress names no claim or pool' },
  ])('refuses $reason', ({ spec, reason }) => {
    const result = deriveAssignment('Metal3IPAddress', metal3(spec), world);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toBe(reason);
  });

  it('derives a CAPI IPAddress against a Metal3 pool, unresolved without host', () => {
    const capi: CapiIPAddress = {
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
      kind: 'IPAddress',
      metadata: { name: 'prov-192-168-111-150', namespace: ns },
      spec: {
        claimRef: { name: 'data-7-prov' },
        poolRef: { apiGroup: 'ipam.metal3.io', kind: 'IPPool', name: 'prov' },
        address: '192.168.111.150',
        prefix: 24,
      },
    };
    const result = deriveAssignment('CapiIPAddress', capi, world);
    expect(result.ok && result.assignment.claim).toEqual({
      namespace: ns,
      name: 'data-7-prov',
      kind: 'IPAddressClaim',
    });
    expect(result.ok && result.assignment.host).toBeNull();
    expect(result.ok && result.assignment.source).toBe('dynamic');
  });
});
