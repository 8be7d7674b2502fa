import { describe, expect, it } from 'vitest';
import type { BareMetalHost, Machine, Metal3DataTemplate, Metal3Machine } from '../api/types';
import { type AnnotationSources, annotationValue, referencedPools } from './pools';

function template(spec: Metal3DataTemplate['spec']): Metal3DataTemplate {
  return {
    apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
    kind: 'Metal3DataTemplate',
    metadata: { name: 't', namespace: 'ns' },
    spec,
  };
}

const m3m: Metal3Machine = {
  apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
  kind: 'Metal3Machine',
  metadata: { name: 'm3m', annotations: { 'pool.example/v4': 'annotated-v4', empty: '' } },
};
const machine: Machine = {
  apiVersion: 'cluster.x-k8s.io/v1beta2',
  kind: 'Machine',
  metadata: { name: 'm', annotations: { 'pool.example/v6': 'annotated-v6' } },
};
const bmh: BareMetalHost = {
  apiVersion: 'metal3.io/v1alpha1',
  kind: 'BareMetalHost',
  metadata: { name: 'node-0', annotations: { 'pool.example/gw': 'annotated-gw' } },
};
const all: AnnotationSources = { metal3Machine: m3m, machine, bareMetalHost: bmh };

function collected(spec: Metal3DataTemplate['spec'], objects: AnnotationSources = all) {
  const result = referencedPools(template(spec), objects);
  return result.ok
    ? [...result.pools.values()].map((ref) => `${ref.name}:${ref.apiGroup}/${ref.kind}`)
    : `error ${result.error.code}: ${result.error.message}`;
}

const M3 = 'ipam.metal3.io/IPPool';

describe('referencedPools: collection order and defaults', () => {
  it('walks metaData, ipv4, ipv6, DHCP/SLAAC routes, then services, keeping first occurrences', () => {
    const spec: Metal3DataTemplate['spec'] = {
      metaData: {
        ipAddressesFromPool: [{ key: 'ip', name: 'meta-ip' }],
        prefixesFromPool: [{ key: 'prefix', name: 'meta-prefix', apiGroup: '', kind: '' }],
        gatewaysFromPool: [
          { key: 'gw', name: 'capi-pool', apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool' },
        ],
        dnsServersFromPool: [{ key: 'dns', name: 'meta-ip' }],
      },
      networkData: {
        services: { dnsFromIPPool: 'services-dns' },
        networks: {
          ipv6SLAAC: [{ id: 's', link: 'l', routes: [{ gateway: { fromIPPool: 'slaac-gw' } }] }],
          ipv4DHCP: [{ id: 'd4', link: 'l', routes: [{ gateway: { fromPoolRef: { name: 'dhcp4-gw' } } }] }],
          ipv6DHCP: [{ id: 'd6', link: 'l', routes: [{ services: { dnsFromIPPool: 'dhcp6-dns' } }] }],
          ipv6: [{ id: 'v6', link: 'l', ipAddressFromIPPool: 'v6-pool' }],
          ipv4: [
            {
              id: 'v4',
              link: 'l',
              fromPoolRef: { name: 'v4-pool' },
              routes: [
                { gateway: { fromIPPool: 'v4-route-gw' }, services: { dnsFromIPPool: 'v4-route-dns' } },
              ],
            },
          ],
        },
      },
    };
    expect(collected(spec)).toEqual([
      `meta-ip:${M3}`,
      `meta-prefix:${M3}`,
      'capi-pool:ipam.cluster.x-k8s.io/InClusterIPPool',
      `v4-pool:${M3}`,
      `v4-route-gw:${M3}`,
      `v4-route-dns:${M3}`,
      `v6-pool:${M3}`,
      `dhcp4-gw:${M3}`,
      `dhcp6-dns:${M3}`,
      `slaac-gw:${M3}`,
      `services-dns:${M3}`,
    ]);
  });

  it.each<[string, Metal3DataTemplate['spec'], string[] | string]>([
    ['empty template', {}, []],
    [
      'fromPoolRef wins over ipAddressFromIPPool',
      {
        networkData: {
          networks: {
            ipv4: [{ id: 'a', link: 'l', fromPoolRef: { name: 'ref' }, ipAddressFromIPPool: 'name' }],
          },
        },
      },
      [`ref:${M3}`],
    ],
    [
      'fromPoolRef without a name falls back to ipAddressFromIPPool',
      {
        networkData: {
          networks: {
            ipv4: [{ id: 'a', link: 'l', fromPoolRef: { name: '' }, ipAddressFromIPPool: 'name' }],
          },
        },
      },
      [`name:${M3}`],
    ],
    [
      'CAPI fromPoolRef keeps its group and kind',
      {
        networkData: {
          networks: {
            ipv6: [
              {
                id: 'a',
                link: 'l',
                fromPoolRef: { name: 'p', apiGroup: 'ipam.cluster.x-k8s.io', kind: 'GlobalInClusterIPPool' },
              },
            ],
          },
        },
      },
      ['p:ipam.cluster.x-k8s.io/GlobalInClusterIPPool'],
    ],
    [
      'a route with a literal gateway still collects fromIPPool (collection ignores gateway.string)',
      {
        networkData: {
          networks: {
            ipv4: [{ id: 'a', link: 'l', routes: [{ gateway: { string: '10.0.0.1', fromIPPool: 'gw' } }] }],
          },
        },
      },
      [`gw:${M3}`],
    ],
    [
      'empty pool names from names are skipped',
      {
        networkData: {
          services: { dnsFromIPPool: '' },
          networks: { ipv4: [{ id: 'a', link: 'l', ipAddressFromIPPool: '' }] },
        },
      },
      [],
    ],
    [
      'same name and type twice is one pool',
      {
        metaData: {
          ipAddressesFromPool: [{ key: 'a', name: 'p' }],
          gatewaysFromPool: [{ key: 'b', name: 'p', apiGroup: 'ipam.metal3.io', kind: 'IPPool' }],
        },
      },
      [`p:${M3}`],
    ],
    [
      'same name with another kind is an error',
      {
        metaData: {
          ipAddressesFromPool: [{ key: 'a', name: 'p' }],
          gatewaysFromPool: [{ key: 'b', name: 'p', apiGroup: 'ipam.metal3.io', kind: 'Other' }],
        },
      },
      'error ConflictingPoolReferences: multiple references with the same name but different resource types',
    ],
    [
      'same name with another group is an error',
      {
        metaData: {
          ipAddressesFromPool: [{ key: 'a', name: 'p', apiGroup: 'ipam.cluster.x-k8s.io', kind: 'IPPool' }],
        },
        networkData: { services: { dnsFromIPPool: 'p' } },
      },
      'error ConflictingPoolReferences: multiple references with the same name but different resource types',
    ],
  ])('%s', (_name, spec, expected) => {
    expect(collected(spec)).toEqual(expected);
  });
});

describe('referencedPools: fromPoolAnnotation', () => {
  const network = (
    annotation: { object: string; annotation: string },
    extra: Record<string, unknown> = {},
  ) => ({
    networkData: { networks: { ipv4: [{ id: 'a', link: 'l', fromPoolAnnotation: annotation, ...extra }] } },
  });

  it.each<[string, Metal3DataTemplate['spec'], AnnotationSources, string[] | string]>([
    [
      'resolved from the Metal3Machine',
      network({ object: 'metal3machine', annotation: 'pool.example/v4' }),
      all,
      [`annotated-v4:${M3}`],
    ],
    [
      'resolved from the Machine, object name case-insensitive',
      network({ object: 'Machine', annotation: 'pool.example/v6' }),
      all,
      [`annotated-v6:${M3}`],
    ],
    [
      'resolved from the BareMetalHost',
      network({ object: 'BareMetalHost', annotation: 'pool.example/gw' }),
      all,
      [`annotated-gw:${M3}`],
    ],
    [
      'route gateway from an annotation (ipv6)',
      {
        networkData: {
          networks: {
            ipv6: [
              {
                id: 'a',
                link: 'l',
                routes: [
                  {
                    gateway: {
                      fromPoolAnnotation: { object: 'baremetalhost', annotation: 'pool.example/gw' },
                    },
                  },
                ],
              },
            ],
          },
        },
      },
      all,
      [`annotated-gw:${M3}`],
    ],
    [
      'a resolved annotation does not stop fromPoolRef on the same entry',
      network(
        { object: 'metal3machine', annotation: 'pool.example/v4' },
        { fromPoolRef: { name: 'also-ref' } },
      ),
      all,
      [`annotated-v4:${M3}`, `also-ref:${M3}`],
    ],
    [
      'skipped entirely when no object is given (release)',
      network({ object: 'metal3machine', annotation: 'missing' }, { ipAddressFromIPPool: 'fallback' }),
      {},
      [`fallback:${M3}`],
    ],
    [
      'missing annotation',
      network({ object: 'metal3machine', annotation: 'missing' }),
      all,
      'error PoolAnnotationNotFound: annotation missing not found or empty on metal3machine',
    ],
    [
      'empty annotation',
      network({ object: 'metal3machine', annotation: 'empty' }),
      all,
      'error PoolAnnotationNotFound: annotation empty not found or empty on metal3machine',
    ],
    [
      'referenced object not provided',
      network({ object: 'Machine', annotation: 'pool.example/v6' }),
      { metal3Machine: m3m },
      'error PoolAnnotationObjectMissing: Machine is nil but referenced in annotation pool.example/v6',
    ],
    [
      'unknown object',
      network({ object: 'cluster', annotation: 'x' }),
      all,
      'error UnknownObjectType: unknown object type',
    ],
    [
      'annotations are not collected on DHCP routes',
      {
        networkData: {
          networks: {
            ipv4DHCP: [
              {
                id: 'a',
                link: 'l',
                routes: [{ gateway: { fromPoolAnnotation: { object: 'cluster', annotation: 'x' } } }],
              },
            ],
          },
        },
      },
      all,
      [],
    ],
  ])('%s', (_name, spec, objects, expected) => {
    expect(collected(spec, objects)).toEqual(expected);
  });

  it('returns the pools collected before an error', () => {
    const result = referencedPools(
      template({
        metaData: { ipAddressesFromPool: [{ key: 'a', name: 'first' }] },
        ...network({ object: 'x', annotation: 'y' }),
      }),
      all,
    );
    expect(result.ok).toBe(false);
    expect([...result.pools.keys()]).toEqual(['first']);
  });

  it('annotationValue reads the annotation or returns an empty string', () => {
    expect(annotationValue('METAL3MACHINE', 'pool.example/v4', all)).toBe('annotated-v4');
    expect(annotationValue('machine', 'nope', all)).toBe('');
  });
});
