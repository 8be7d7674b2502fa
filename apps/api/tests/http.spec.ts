// Plain HTTP: health, metrics, request ids, authentication, limits, and every export format.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { useTestDatabase } from './support/database';
import { seedHistory } from './support/seed';
import { READER_TOKEN, useTestServer } from './support/server';

const db = useTestDatabase(seedHistory);
const api = useTestServer(db);

const auth = { authorization: `Bearer ${READER_TOKEN}` };

async function get(path: string, headers: Record<string, string> = auth) {
  const response = await fetch(`${api.url}${path}`, { headers });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function yamlDocs(text: string): any[] {
  const docs = parseAllDocuments(text);
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((doc) => doc.toJS());
}

describe('health, readiness and metrics', () => {
  it.each([
    ['/healthz', { status: 'ok' }],
    ['/readyz', { status: 'ready' }],
  ])('%s answers without a token', async (path, body) => {
    const response = await get(path, {});
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual(body);
  });

  it('exposes per-operation counts and durations and DB pool gauges', async () => {
    await api.graphql('query HostLookup { host(cluster: "lab", name: "node-1") { name } }');
    const { text } = await get('/metrics', {});
    expect(text).toMatch(
      /stableip_api_graphql_operations_total\{operation="HostLookup",type="query",outcome="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /stableip_api_graphql_operation_duration_seconds_count\{operation="HostLookup",type="query"\} [1-9]/,
    );
    expect(text).toMatch(/stableip_api_db_pool_connections [0-9]+/);
    expect(text).toMatch(/stableip_api_db_pool_waiting_requests 0/);
    expect(text).toMatch(/stableip_api_http_requests_total\{route="\/graphql",method="POST",status="200"\}/);
  });
});

describe('request ids', () => {
  it('echoes a valid X-Request-ID and makes one up otherwise', async () => {
    const echoed = await get('/healthz', { 'x-request-id': 'abc-123' });
    expect(echoed.headers.get('x-request-id')).toBe('abc-123');
    const made = await get('/healthz', { 'x-request-id': 'bad id with spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('authentication', () => {
  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer nope' }],
    ['another scheme', { authorization: `Basic ${READER_TOKEN}` }],
  ])('answers 401 to %s', async (_name, headers) => {
    for (const path of ['/export/external-dns', '/graphql?query=%7B__typename%7D']) {
      const response = await get(path, headers as Record<string, string>);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(JSON.parse(response.text).error.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('request limits', () => {
  it('rejects bodies over the limit with 413', async () => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { pad: 'x'.repeat(30_000) } }),
    });
    expect(response.status).toBe(413);
    expect(await response.text()).not.toMatch(/at .*\.(js|ts)/);
  });

  it('prevents CSRF: a simple GET without a preflight header is refused', async () => {
    const response = await get('/graphql?query=%7B__typename%7D');
    expect(response.status).toBe(400);
    expect(response.text).toMatch(/CSRF/);
    const allowed = await get('/graphql?query=%7B__typename%7D', {
      ...auth,
      'apollo-require-preflight': 'true',
    });
    expect(allowed.status).toBe(200);
  });

  it('serves a landing page that loads nothing from the internet', async () => {
    const response = await get('/graphql', { accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(response.text).toContain('stableip GraphQL API');
    expect(response.text).not.toMatch(/(src|href)=["']?(https?:)?\/\//);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('answers unknown paths with 404 JSON', async () => {
    const response = await get('/no/such/path', {});
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text).error.code).toBe('NOT_FOUND');
  });
});

describe('exports', () => {
  it('external-dns: endpoint JSON with A/AAAA records per host', async () => {
    const response = await get('/export/external-dns?cluster=lab');
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const endpoints = JSON.parse(response.text);
    expect(endpoints).toContainEqual({
      dnsName: 'node-2.lab.example.com',
      targets: ['192.168.111.150'],
      recordType: 'A',
      recordTTL: 300,
    });
    expect(endpoints).toContainEqual(
      expect.objectContaining({
        dnsName: 'node-4.lab.example.com',
        targets: ['fd00::104'],
        recordType: 'AAAA',
      }),
    );
    // node-3 is gone: it has no current address.
    expect(endpoints.map((e: { dnsName: string }) => e.dnsName)).not.toContain('node-3.lab.example.com');
    for (const endpoint of endpoints) expect(endpoint.targets.length).toBeGreaterThan(0);
  });

  it('external-dns: PTR records and a per-request host template', async () => {
    const endpoints = JSON.parse(
      (
        await get(
          '/export/external-dns?cluster=lab&ptr=true&hostTemplate={bmh}.dc1.test&hostLabels=role=control-plane',
        )
      ).text,
    );
    expect(endpoints).toEqual([
      expect.objectContaining({ dnsName: 'node-0.dc1.test', recordType: 'A', targets: ['192.168.111.100'] }),
      expect.objectContaining({
        dnsName: '100.111.168.192.in-addr.arpa',
        recordType: 'PTR',
        targets: ['node-0.dc1.test'],
      }),
      expect.objectContaining({ dnsName: 'node-0.dc1.test', recordType: 'AAAA', targets: ['fd00::100'] }),
      expect.objectContaining({ recordType: 'PTR', targets: ['node-0.dc1.test'] }),
    ]);
    const bad = await get('/export/external-dns?hostTemplate={host}.x');
    expect(bad.status).toBe(400);
  });

  it('DNSEndpoint YAML parses and carries the endpoints', async () => {
    const docs = yamlDocs((await get('/export/dnsendpoint.yaml?cluster=lab&pool=v4')).text);
    expect(docs.map((d) => [d.apiVersion, d.kind, d.metadata.name, d.metadata.namespace])).toEqual([
      ['externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'lab-metal3-node-0', 'metal3'],
      ['externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'lab-metal3-node-1', 'metal3'],
      ['externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'lab-metal3-node-2', 'metal3'],
      ['externaldns.k8s.io/v1alpha1', 'DNSEndpoint', 'lab-metal3-node-4', 'metal3'],
    ]);
    expect(docs[3].spec.endpoints).toEqual([
      expect.objectContaining({
        dnsName: 'node-4.lab.example.com',
        targets: ['192.168.111.103'],
        recordType: 'A',
      }),
    ]);
  });

  it('cert-manager: SANs as JSON and Certificates as YAML', async () => {
    const subjects = JSON.parse((await get('/export/certificates.json?cluster=lab&hostLabels=rack=b')).text);
    expect(subjects).toEqual([
      {
        cluster: 'lab',
        namespace: 'metal3',
        host: 'node-1',
        dnsNames: ['node-1.lab.example.com'],
        ipAddresses: ['192.168.111.101', 'fd00::101'],
      },
    ]);
    const docs = yamlDocs(
      (
        await get(
          '/export/certificates.yaml?cluster=lab&issuerName=vault&issuerKind=Issuer&hostLabels=rack=b',
        )
      ).text,
    );
    expect(docs).toEqual([
      expect.objectContaining({
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        spec: {
          secretName: 'lab-metal3-node-1-tls',
          issuerRef: { name: 'vault', kind: 'Issuer', group: 'cert-manager.io' },
          dnsNames: ['node-1.lab.example.com'],
          ipAddresses: ['192.168.111.101', 'fd00::101'],
        },
      }),
    ]);
  });

  it('Calico GlobalNetworkSet, Cilium CiliumCIDRGroup and NetworkPolicy YAML carry /32 and /128 host routes', async () => {
    const calico = yamlDocs((await get('/export/calico.yaml?cluster=lab')).text);
    expect(calico.map((d) => [d.apiVersion, d.kind, d.metadata.name])).toEqual([
      ['projectcalico.org/v3', 'GlobalNetworkSet', 'lab-metal3-v4'],
      ['projectcalico.org/v3', 'GlobalNetworkSet', 'lab-metal3-v6'],
    ]);
    expect(calico[0].spec.nets).toEqual([
      '192.168.111.100/32',
      '192.168.111.101/32',
      '192.168.111.103/32',
      '192.168.111.150/32',
    ]);
    expect(calico[0].metadata.labels).toMatchObject({
      'stableip.dev/cluster': 'lab',
      'stableip.dev/pool': 'v4',
    });
    const cilium = yamlDocs((await get('/export/cilium.yaml?cluster=lab&pool=v6')).text);
    expect(cilium).toEqual([
      expect.objectContaining({
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumCIDRGroup',
        spec: { externalCIDRs: ['fd00::100/128', 'fd00::101/128', 'fd00::102/128', 'fd00::104/128'] },
      }),
    ]);
    const policies = yamlDocs((await get('/export/networkpolicy.yaml?cluster=lab&pool=v4')).text);
    expect(policies[0]).toMatchObject({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      spec: { policyTypes: ['Ingress'] },
    });
    expect(policies[0].spec.ingress[0].from).toContainEqual({ ipBlock: { cidr: '192.168.111.150/32' } });
    const blocks = JSON.parse((await get('/export/ipblocks.json?cluster=lab&pool=v4')).text);
    expect(blocks[0].ipBlocks).toHaveLength(4);
  });

  // nft present and allowed to check a ruleset here (a container without CAP_NET_ADMIN cannot).
  const nft = spawnSync('nft', ['-c', '-f', '-'], { input: 'table inet stableip_probe {}\n' }).status === 0;
  it('nftables: an atomic flush + add script', async () => {
    const script = (await get('/export/nftables.nft?cluster=lab')).text;
    expect(script).toContain(
      'flush set inet stableip lab_metal3_v4_v4\nadd element inet stableip lab_metal3_v4_v4 { 192.168.111.100, 192.168.111.101, 192.168.111.103, 192.168.111.150 }',
    );
    expect(script).toContain(
      'add element inet stableip lab_metal3_v6_v6 { fd00::100, fd00::101, fd00::102, fd00::104 }',
    );
    if (!nft) return;
    const dir = mkdtempSync(join(tmpdir(), 'stableip-api-nft-'));
    try {
      writeFileSync(join(dir, 'sets.nft'), script);
      expect(() => execFileSync('nft', ['-c', '-f', join(dir, 'sets.nft')], { stdio: 'pipe' })).not.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GraphQL export fields return the same documents', async () => {
    const { body } = await api.graphql<any>(
      '{ exports(cluster: "lab", pool: "v4") { nftables calicoYaml externalDns { dnsName targets } certificates { host ipAddresses } } }',
    );
    expect(body.data.exports.nftables).toBe((await get('/export/nftables.nft?cluster=lab&pool=v4')).text);
    expect(body.data.exports.calicoYaml).toBe((await get('/export/calico.yaml?cluster=lab&pool=v4')).text);
    expect(body.data.exports.externalDns).toHaveLength(4);
  });

  it('ETag and Last-Modified: a repeated poll gets 304 without a body, a different selection does not', async () => {
    const first = await get('/export/dnsendpoint.yaml?cluster=lab');
    const etag = first.headers.get('etag');
    const lastModified = first.headers.get('last-modified');
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(Date.parse(lastModified ?? '')).not.toBeNaN();
    const again = await get('/export/dnsendpoint.yaml?cluster=lab', { ...auth, 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    const weak = await get('/export/dnsendpoint.yaml?cluster=lab', {
      ...auth,
      'if-none-match': `"x", W/${etag}`,
    });
    expect(weak.status).toBe(304);
    const other = await get('/export/dnsendpoint.yaml?cluster=lab&pool=v4', {
      ...auth,
      'if-none-match': etag!,
    });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);
    const since = await get('/export/dnsendpoint.yaml?cluster=lab', {
      ...auth,
      'if-modified-since': lastModified!,
    });
    expect(since.status).toBe(304);
    const older = new Date(Date.parse(lastModified!) - 1000).toUTCString();
    const changed = await get('/export/dnsendpoint.yaml?cluster=lab', {
      ...auth,
      'if-modified-since': older,
    });
    expect(changed.status).toBe(200);
    expect(changed.text).toBe(first.text);
  });

  it('rejects query parameters under their old names with the GraphQL name', async () => {
    const response = await get('/export/external-dns?cluster=lab&host-template={bmh}.x.test');
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text).error.message).toContain('it is called "hostTemplate"');
  });

  it('answers 404 for an unknown format', async () => {
    const response = await get('/export/bind.zone');
    expect(response.status).toBe(404);
  });
});
