// Every object the renderers produce for external-dns, cert-manager and Cilium is applied to a
// real API server holding the consumers' own CRDs (from their Go modules): structural validation
// must accept it, with strict field validation (an unknown field is an error, not silently pruned).
// Calico's API module is not served by the module proxy: GlobalNetworkSet is checked by shape only
// (src/exporters.spec.ts).
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { kubeRequest } from '@stableip/kube-testenv';
import { describe, expect, it } from 'vitest';
import {
  addressSets,
  certificateManifests,
  ciliumCidrGroups,
  dnsEndpointManifests,
  networkPolicies,
  type ExportHost,
} from '../src/index';

const kube = useKubeTestNamespace('consumers');

const hosts = (namespace: string): ExportHost[] => [
  {
    cluster: 'prod',
    namespace,
    name: 'node-1',
    labels: {},
    addresses: [
      { pool: 'pool-v4', address: '192.168.111.21', family: 4, prefix: 24 },
      { pool: 'pool-v6', address: 'fd00::15', family: 6, prefix: 64 },
    ],
  },
  {
    // A 71-character host name: longer than a label value may be.
    cluster: 'edge',
    namespace,
    name: `rack-${'a'.repeat(30)}.node-${'b'.repeat(30)}`,
    labels: {},
    addresses: [{ pool: 'pool-v4', address: '10.0.0.9', family: 4, prefix: 8 }],
  },
];

interface Applied {
  metadata: { name: string; labels?: Record<string, string> };
  spec: unknown;
}

async function apply(object: {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
}) {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : ['', object.apiVersion];
  const plural = `${object.kind.toLowerCase()}s`.replace(/ys$/, 'ies');
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const scope = object.metadata.namespace ? `/namespaces/${object.metadata.namespace}` : '';
  const path = `${base}${scope}/${plural}/${object.metadata.name}?fieldManager=stableip-test&fieldValidation=Strict&force=true`;
  return (await kubeRequest(
    kube.kubeConfig,
    'PATCH',
    path,
    JSON.stringify(object),
    'application/apply-patch+yaml',
  )) as Applied;
}

describe('consumers accept the rendered objects', () => {
  it('external-dns DNSEndpoint (with PTR endpoints)', async () => {
    const manifests = dnsEndpointManifests(hosts(kube.namespace), {
      hostTemplate: '{bmh}.{cluster}.lab.test',
      ttl: 300,
      ptr: true,
    });
    expect(manifests).toHaveLength(2);
    for (const manifest of manifests) {
      const applied = await apply(manifest);
      expect(applied.spec).toEqual(manifest.spec);
      expect(applied.metadata.labels).toEqual(manifest.metadata.labels);
    }
  });

  it('cert-manager Certificate', async () => {
    const manifests = certificateManifests(hosts(kube.namespace), {
      hostTemplate: '{bmh}.{cluster}.lab.test',
      issuer: { name: 'bmc-ca', kind: 'ClusterIssuer' },
    });
    for (const manifest of manifests) expect((await apply(manifest)).spec).toEqual(manifest.spec);
  });

  it('Cilium CiliumCIDRGroup (cluster-scoped, format: cidr) and its schema is in force', async () => {
    const groups = ciliumCidrGroups(
      addressSets(hosts(kube.namespace)).map((set) => ({ ...set, name: `${kube.namespace}-${set.name}` })),
    );
    expect(groups.length).toBe(3);
    for (const group of groups) expect((await apply(group)).spec).toEqual(group.spec);
    const broken = {
      ...groups[0]!,
      metadata: { ...groups[0]!.metadata, name: `${kube.namespace}-broken` },
      spec: { externalCIDRs: ['10.0.0.1/33'] },
    };
    await expect(apply(broken)).rejects.toThrow(/HTTP 422/);
    try {
      for (const group of groups)
        await kubeRequest(
          kube.kubeConfig,
          'DELETE',
          `/apis/cilium.io/v2/ciliumcidrgroups/${group.metadata.name}`,
        );
    } finally {
      // cluster-scoped objects outlive the test namespace: removed above
    }
  });

  it('NetworkPolicy', async () => {
    for (const policy of networkPolicies(addressSets(hosts(kube.namespace)), { namespace: kube.namespace })) {
      const applied = await apply(policy);
      expect(applied.metadata.name).toBe(policy.metadata.name);
    }
  });

  it('rejects an unknown field: the check is strict', async () => {
    const [manifest] = dnsEndpointManifests(hosts(kube.namespace), { hostTemplate: '{bmh}.lab.test' });
    const withUnknownField = {
      ...manifest!,
      metadata: { ...manifest!.metadata, name: 'strict' },
      spec: { endpoints: [{ ...manifest!.spec.endpoints[0]!, colour: 'red' }] },
    };
    const error = await apply(withUnknownField).then(
      () => undefined,
      (failure: Error) => failure.message,
    );
    expect(error).toMatch(/\.spec\.endpoints\[0\]\.colour: field not declared in schema/);
  });
});
