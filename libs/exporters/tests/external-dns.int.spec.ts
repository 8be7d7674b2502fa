// A real external-dns (v0.23.0, built by tools/external-dns from its Go module) reads the
// rendered DNSEndpoints through its CRD source and decides A/AAAA/PTR records through its webhook
// provider, here a recording server. Each step applies what the renderers produce (and deletes
// the objects of hosts that are gone), then runs one external-dns sync loop (`--once`).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { kubeRequest } from '@stableip/kube-testenv';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsEndpointManifests, type DnsEndpointManifest, type ExportHost } from '../src/index';
import { startDnsRecorder, type DnsRecorder } from './dns-recorder';

const EXTERNAL_DNS = join(import.meta.dirname, '../../../tools/external-dns/bin/external-dns');
const kube = useKubeTestNamespace('edns');
const run = promisify(execFile);
let recorder: DnsRecorder;

beforeAll(async () => {
  if (!existsSync(EXTERNAL_DNS)) {
    throw new Error(`${EXTERNAL_DNS} is missing: build it with \`npx nx run external-dns:build\``);
  }
  recorder = await startDnsRecorder(['lab.test', 'in-addr.arpa', 'ip6.arpa']);
});
afterAll(() => recorder?.close());

function host(name: string, ...addresses: string[]): ExportHost {
  return {
    cluster: 'prod',
    namespace: kube.namespace,
    name,
    labels: {},
    addresses: addresses.map((address) => ({
      pool: address.includes(':') ? 'v6' : 'v4',
      address,
      family: address.includes(':') ? 6 : 4,
      prefix: address.includes(':') ? 64 : 24,
    })),
  };
}

const path = (name?: string) =>
  `/apis/externaldns.k8s.io/v1alpha1/namespaces/${kube.namespace}/dnsendpoints${name ? `/${name}` : ''}`;

/** What a sync does: apply every rendered DNSEndpoint, delete the ones no longer rendered. */
async function syncHosts(hosts: ExportHost[]): Promise<DnsEndpointManifest[]> {
  const manifests = dnsEndpointManifests(hosts, { hostTemplate: '{bmh}.{cluster}.lab.test', ptr: true });
  for (const manifest of manifests) {
    await kubeRequest(
      kube.kubeConfig,
      'PATCH',
      `${path(manifest.metadata.name)}?fieldManager=stableip-e2e&force=true`,
      JSON.stringify(manifest),
      'application/apply-patch+yaml',
    );
  }
  const live = (await kubeRequest(kube.kubeConfig, 'GET', path())) as {
    items: { metadata: { name: string } }[];
  };
  const wanted = new Set(manifests.map((m) => m.metadata.name));
  for (const item of live.items) {
    if (!wanted.has(item.metadata.name))
      await kubeRequest(kube.kubeConfig, 'DELETE', path(item.metadata.name));
  }
  return manifests;
}

/** One external-dns sync loop, with the flags docs/integrations.md gives. */
async function externalDnsOnce(): Promise<void> {
  await run(
    EXTERNAL_DNS,
    [
      '--source=crd',
      '--crd-source-apiversion=externaldns.k8s.io/v1alpha1',
      '--crd-source-kind=DNSEndpoint',
      `--namespace=${kube.namespace}`,
      '--provider=webhook',
      `--webhook-provider-url=${recorder.url}`,
      '--registry=txt',
      '--txt-owner-id=stableip-e2e',
      '--managed-record-types=A',
      '--managed-record-types=AAAA',
      '--managed-record-types=PTR',
      '--domain-filter=lab.test',
      '--domain-filter=in-addr.arpa',
      '--domain-filter=ip6.arpa',
      '--policy=sync',
      '--once',
      `--kubeconfig=${kube.info.kubeconfig}`,
      '--metrics-address=127.0.0.1:0',
    ],
    { timeout: 120_000 },
  );
}

const addressRecords = () =>
  recorder
    .records()
    .filter((r) => r.recordType !== 'TXT')
    .map((r) => [r.recordType, r.dnsName, [...r.targets].sort()]);

const V6_PTR = `5.1.0.0.${'0.'.repeat(24)}0.0.d.f.ip6.arpa`;

describe('external-dns consumes the DNSEndpoints', () => {
  it('creates A, AAAA and PTR records for the hosts, with nothing of stableip in its TXT registry', async () => {
    await syncHosts([host('node-1', '192.168.111.21', 'fd00::15'), host('node-2', '192.168.111.22')]);
    await externalDnsOnce();
    expect(addressRecords()).toEqual(
      [
        ['PTR', '21.111.168.192.in-addr.arpa', ['node-1.prod.lab.test']],
        ['PTR', '22.111.168.192.in-addr.arpa', ['node-2.prod.lab.test']],
        ['PTR', V6_PTR, ['node-1.prod.lab.test']],
        ['A', 'node-1.prod.lab.test', ['192.168.111.21']],
        ['AAAA', 'node-1.prod.lab.test', ['fd00::15']],
        ['A', 'node-2.prod.lab.test', ['192.168.111.22']],
      ].sort((a, b) => (JSON.stringify([a[1], a[0]]) < JSON.stringify([b[1], b[0]]) ? -1 : 1)),
    );
    const txt = recorder.records().filter((r) => r.recordType === 'TXT');
    expect(txt.length).toBeGreaterThan(0);
    for (const record of txt) {
      expect(record.targets.join(' ')).toContain('external-dns/owner=stableip-e2e');
      expect(record.targets.join(' ')).not.toContain('stableip.dev');
    }
  });

  it('changes nothing after an upgrade that kept the IPs', async () => {
    const before = recorder.records();
    const batches = recorder.batches.length;
    await syncHosts([host('node-1', 'fd00::15', '192.168.111.21'), host('node-2', '192.168.111.22')]);
    await externalDnsOnce();
    expect(recorder.batches.length).toBe(batches);
    expect(recorder.records()).toEqual(before);
  });

  it('follows a changed address and deletes the records of a host that is gone', async () => {
    await syncHosts([host('node-1', '192.168.111.31', 'fd00::15')]);
    await externalDnsOnce();
    expect(addressRecords()).toEqual(
      [
        ['PTR', '31.111.168.192.in-addr.arpa', ['node-1.prod.lab.test']],
        ['PTR', V6_PTR, ['node-1.prod.lab.test']],
        ['A', 'node-1.prod.lab.test', ['192.168.111.31']],
        ['AAAA', 'node-1.prod.lab.test', ['fd00::15']],
      ].sort((a, b) => (JSON.stringify([a[1], a[0]]) < JSON.stringify([b[1], b[0]]) ? -1 : 1)),
    );
    expect(recorder.records().some((r) => r.dnsName.includes('node-2'))).toBe(false);
  });
});
