import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import {
  addressSets,
  calicoGlobalNetworkSets,
  certificateManifests,
  certificateSubjects,
  ciliumCidrGroups,
  dnsEndpointManifests,
  ExportError,
  externalDnsEndpoints,
  hostObjectName,
  labelValue,
  networkPolicies,
  nftablesScript,
  objectName,
  renderHostName,
  reverseDnsName,
  toYamlStream,
  type ExportHost,
} from './index';

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: { endpoints: { recordType: string }[] };
}

const hosts: ExportHost[] = [
  {
    cluster: 'prod',
    namespace: 'metal3',
    name: 'node-1',
    labels: { role: 'worker' },
    addresses: [
      { pool: 'pool-v4', address: '192.168.111.21', family: 4, prefix: 24 },
      { pool: 'pool-v6', address: 'fd00::15', family: 6, prefix: 64 },
      { pool: 'pool-v4b', address: '10.0.0.9', family: 4, prefix: 8 },
    ],
  },
  {
    cluster: 'prod',
    namespace: 'metal3',
    name: 'node-0',
    labels: {},
    addresses: [{ pool: 'pool-v4', address: '192.168.111.3', family: 4, prefix: 24 }],
  },
  { cluster: 'prod', namespace: 'metal3', name: 'no-address', labels: {}, addresses: [] },
];

describe('renderHostName', () => {
  it.each([
    ['{bmh}.{cluster}.example.com', 'node-1.prod.example.com'],
    ['{bmh}.{namespace}.{cluster}.lab.', 'node-1.metal3.prod.lab'],
    ['{bmh}.EXAMPLE.org', 'node-1.example.org'],
  ])('%s → %s', (template, expected) => {
    expect(renderHostName(template, { bmh: 'node-1', cluster: 'prod', namespace: 'metal3' })).toBe(expected);
  });

  it.each([
    ['{host}.example.com', 'INVALID_TEMPLATE'],
    ['{bmh.example.com', 'INVALID_TEMPLATE'],
    ['', 'INVALID_TEMPLATE'],
    ['{bmh}..example.com', 'INVALID_NAME'],
    ['{bmh}_x.example.com', 'INVALID_NAME'],
  ])('rejects %j with %s', (template, code) => {
    expect(() => renderHostName(template, { bmh: 'node-1', cluster: 'prod', namespace: 'm' })).toThrowError(
      expect.objectContaining({ code }) as Error,
    );
  });
});

describe('reverseDnsName and objectName', () => {
  it.each([
    ['192.168.111.21', '21.111.168.192.in-addr.arpa'],
    ['fd00::15', `5.1.0.0.${'0.'.repeat(24)}0.0.d.f.ip6.arpa`],
  ])('%s → %s', (address, expected) => {
    expect(reverseDnsName(address)).toBe(expected);
  });
  it('rejects a non-address', () => {
    expect(() => reverseDnsName('nope')).toThrow(ExportError);
  });
  it.each([
    [['Prod', 'pool_v4'], 'prod-pool-v4'],
    [['-a-', 'B.c'], 'a--b.c'],
  ])('%j → %s', (parts, expected) => {
    expect(objectName(...parts)).toBe(expected);
  });
  it('cuts long object names to 253 characters with a hash that keeps them apart', () => {
    const long = 'n'.repeat(250);
    const a = hostObjectName({ cluster: 'prod', namespace: 'metal3', name: `${long}a` });
    const b = hostObjectName({ cluster: 'prod', namespace: 'metal3', name: `${long}b` });
    expect(a.length).toBe(253);
    expect(a).toMatch(/^prod-metal3-n+-[0-9a-f]{8}$/);
    expect(a).not.toBe(b);
  });
  it('turns names into valid label values (at most 63 characters, hash when cut)', () => {
    expect(labelValue('node-1')).toBe('node-1');
    const long = labelValue(`${'x'.repeat(70)}.example`);
    expect(long.length).toBe(63);
    expect(long).toMatch(/^x+-[0-9a-f]{8}$/);
    expect(labelValue(`${'x'.repeat(70)}.other`)).not.toBe(long);
  });
});

describe('external-dns', () => {
  it('renders A and AAAA endpoints with sorted targets and never empty targets', () => {
    const endpoints = externalDnsEndpoints(hosts, { hostTemplate: '{bmh}.{cluster}.example.com', ttl: 300 });
    expect(endpoints).toEqual([
      {
        dnsName: 'node-1.prod.example.com',
        targets: ['10.0.0.9', '192.168.111.21'],
        recordType: 'A',
        recordTTL: 300,
      },
      {
        dnsName: 'node-1.prod.example.com',
        targets: ['fd00::15'],
        recordType: 'AAAA',
        recordTTL: 300,
      },
      {
        dnsName: 'node-0.prod.example.com',
        targets: ['192.168.111.3'],
        recordType: 'A',
        recordTTL: 300,
      },
    ]);
  });

  it('adds PTR endpoints pointing at the host name', () => {
    const ptr = externalDnsEndpoints(hosts.slice(1), { hostTemplate: '{bmh}.x.io', ptr: true }).filter(
      (endpoint) => endpoint.recordType === 'PTR',
    );
    expect(ptr).toEqual([
      expect.objectContaining({ dnsName: '3.111.168.192.in-addr.arpa', targets: ['node-0.x.io'] }),
    ]);
    expect(ptr[0]).not.toHaveProperty('recordTTL');
  });

  it.each([-1, 1.5])('rejects TTL %s', (ttl) => {
    expect(() => externalDnsEndpoints(hosts, { hostTemplate: '{bmh}.x.io', ttl })).toThrow(ExportError);
  });

  it('renders one DNSEndpoint per host with addresses, as parseable YAML', () => {
    const yaml = toYamlStream(dnsEndpointManifests(hosts, { hostTemplate: '{bmh}.{cluster}.example.com' }));
    const docs = parseAllDocuments(yaml).map((doc) => doc.toJS() as Manifest);
    expect(docs.map((doc) => [doc.apiVersion, doc.kind, doc.metadata.name, doc.metadata.namespace])).toEqual([
      ['externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'prod-metal3-node-1', 'metal3'],
      ['externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'prod-metal3-node-0', 'metal3'],
    ]);
    expect(docs[0]!.spec.endpoints.map((e) => e.recordType)).toEqual(['A', 'AAAA']);
  });

  // external-dns' TXT registry serializes endpoint labels into DNS: none may be set.
  it('puts no labels on endpoints, only on the DNSEndpoint object', () => {
    const [manifest] = dnsEndpointManifests(hosts, { hostTemplate: '{bmh}.x.io', ptr: true });
    expect(manifest!.spec.endpoints.length).toBe(5);
    for (const endpoint of manifest!.spec.endpoints) expect(endpoint).not.toHaveProperty('labels');
    expect(manifest!.metadata.labels).toEqual({
      'stableip.dev/cluster': 'prod',
      'stableip.dev/namespace': 'metal3',
      'stableip.dev/host': 'node-1',
      'app.kubernetes.io/managed-by': 'stableip',
    });
  });

  it('names objects of equal host names in two clusters apart', () => {
    const twin = { ...hosts[0]!, cluster: 'edge' };
    const names = dnsEndpointManifests([hosts[0]!, twin], { hostTemplate: '{bmh}.{cluster}.x.io' }).map(
      (m) => m.metadata.name,
    );
    expect(names).toEqual(['prod-metal3-node-1', 'edge-metal3-node-1']);
  });
});

describe('cert-manager', () => {
  it('publishes dnsNames and ipAddresses (IPv4 first) per host', () => {
    expect(certificateSubjects(hosts.slice(0, 1), { hostTemplate: '{bmh}.{cluster}.example.com' })).toEqual([
      {
        cluster: 'prod',
        namespace: 'metal3',
        host: 'node-1',
        dnsNames: ['node-1.prod.example.com'],
        ipAddresses: ['10.0.0.9', '192.168.111.21', 'fd00::15'],
      },
    ]);
  });

  it('renders Certificates for an issuer', () => {
    const [certificate] = certificateManifests(hosts.slice(0, 1), {
      hostTemplate: '{bmh}.example.com',
      issuer: { name: 'bmc-ca', kind: 'ClusterIssuer' },
    });
    expect(certificate).toEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: {
        name: 'prod-metal3-node-1',
        namespace: 'metal3',
        labels: expect.objectContaining({ 'stableip.dev/host': 'node-1' }) as unknown,
      },
      spec: {
        secretName: 'prod-metal3-node-1-tls',
        issuerRef: { name: 'bmc-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        dnsNames: ['node-1.example.com'],
        ipAddresses: ['10.0.0.9', '192.168.111.21', 'fd00::15'],
      },
    });
  });

  it('checks the placeholders of the secret name template', () => {
    const render = (secretNameTemplate: string) =>
      certificateManifests(hosts.slice(0, 1), {
        hostTemplate: '{bmh}.example.com',
        issuer: { name: 'ca', kind: 'Issuer' },
        secretNameTemplate,
      })[0]!.spec.secretName;
    expect(render('{bmh}-{cluster}-tls')).toBe('node-1-prod-tls');
    expect(() => render('{host}-tls')).toThrowError(
      expect.objectContaining({ code: 'INVALID_TEMPLATE' }) as Error,
    );
  });
});

describe('firewall sets', () => {
  const sets = addressSets(hosts);

  it('groups addresses by cluster, namespace and pool, sorted', () => {
    expect(sets.map((set) => [set.name, set.ipv4, set.ipv6])).toEqual([
      ['prod-metal3-pool-v4', ['192.168.111.3', '192.168.111.21'], []],
      ['prod-metal3-pool-v4b', ['10.0.0.9'], []],
      ['prod-metal3-pool-v6', [], ['fd00::15']],
    ]);
  });

  it('keeps pools of one name in two namespaces apart', () => {
    const other = {
      ...hosts[1]!,
      namespace: 'lab',
      addresses: [{ ...hosts[1]!.addresses[0]!, address: '10.9.9.9' }],
    };
    const split = addressSets([hosts[1]!, other]);
    expect(split.map((set) => [set.name, set.ipv4])).toEqual([
      ['prod-lab-pool-v4', ['10.9.9.9']],
      ['prod-metal3-pool-v4', ['192.168.111.3']],
    ]);
  });

  it('renders Calico GlobalNetworkSets with /32 and /128 nets', () => {
    const [first, , v6] = calicoGlobalNetworkSets(sets);
    expect(first).toEqual({
      apiVersion: 'projectcalico.org/v3',
      kind: 'GlobalNetworkSet',
      metadata: {
        name: 'prod-metal3-pool-v4',
        labels: {
          'stableip.dev/cluster': 'prod',
          'stableip.dev/namespace': 'metal3',
          'stableip.dev/pool': 'pool-v4',
          'app.kubernetes.io/managed-by': 'stableip',
        },
      },
      spec: { nets: ['192.168.111.3/32', '192.168.111.21/32'] },
    });
    expect(v6!.spec.nets).toEqual(['fd00::15/128']);
  });

  it('renders CiliumCIDRGroups at cilium.io/v2 by default', () => {
    const groups = ciliumCidrGroups(sets);
    expect(groups.map((group) => [group.apiVersion, group.kind, group.spec.externalCIDRs])).toEqual([
      ['cilium.io/v2', 'CiliumCIDRGroup', ['192.168.111.3/32', '192.168.111.21/32']],
      ['cilium.io/v2', 'CiliumCIDRGroup', ['10.0.0.9/32']],
      ['cilium.io/v2', 'CiliumCIDRGroup', ['fd00::15/128']],
    ]);
    expect(() => ciliumCidrGroups(sets, { apiVersion: 'cilium.io/v3' })).toThrow(ExportError);
  });

  it('renders NetworkPolicies with ipBlock peers', () => {
    const [policy] = networkPolicies(sets, { namespace: 'apps' });
    expect(policy!.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ ipBlock: { cidr: '192.168.111.3/32' } }, { ipBlock: { cidr: '192.168.111.21/32' } }] },
      ],
    });
  });

  it('renders an atomic nftables script: declare, flush, add', () => {
    const script = nftablesScript(sets);
    expect(script).toContain(
      'flush set inet stableip prod_metal3_pool_v4_v4\nadd element inet stableip prod_metal3_pool_v4_v4 { 192.168.111.3, 192.168.111.21 }',
    );
    // Empty sets are flushed, never given an empty element list.
    expect(script).toContain('flush set inet stableip prod_metal3_pool_v4_v6\nflush set');
    expect(script).not.toMatch(/\{ \}/);
    expect(() => nftablesScript(sets, { family: 'ip' })).toThrow(ExportError);
  });

  // nft present and allowed to check a ruleset here (a container without CAP_NET_ADMIN cannot).
  const nft = spawnSync('nft', ['-c', '-f', '-'], { input: 'table inet stableip_probe {}\n' }).status === 0;
  it.runIf(nft)('the nftables script passes `nft -c -f`', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stableip-nft-'));
    try {
      const file = join(dir, 'sets.nft');
      writeFileSync(file, nftablesScript(sets));
      expect(() => execFileSync('nft', ['-c', '-f', file], { stdio: 'pipe' })).not.toThrow();
      writeFileSync(file, 'add element inet stableip nope { 1.2.3 }\n');
      expect(() => execFileSync('nft', ['-c', '-f', file], { stdio: 'pipe' })).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
