// external-dns: the `endpoint` JSON shape (CRD source and webhook provider share it) and
// ready-to-apply DNSEndpoint objects (externaldns.k8s.io/v1alpha1, one per host).
import { addressesOfFamily } from './addresses';
import { ExportError } from './errors';
import { renderHostName, reverseDnsName } from './names';
import { hostObjectLabels, hostObjectName } from './objects';
import type { ExportHost } from './types';

export type DnsRecordType = 'A' | 'AAAA' | 'PTR';

/**
 * external-dns `endpoint.Endpoint` as JSON, without `labels`: external-dns serializes endpoint
 * labels into the TXT records of its registry, so any label set here would be published in DNS.
 * Which host an endpoint belongs to is on the DNSEndpoint object's own labels.
 */
export interface DnsEndpoint {
  dnsName: string;
  targets: string[];
  recordType: DnsRecordType;
  recordTTL?: number;
}

export interface DnsExportOptions {
  /** e.g. `{bmh}.{cluster}.example.com`; placeholders {bmh}, {cluster}, {namespace}. */
  hostTemplate: string;
  /** TTL in seconds; omitted means the provider's default. */
  ttl?: number;
  /** Also emit PTR endpoints (`*.in-addr.arpa` / `*.ip6.arpa` → host name). */
  ptr?: boolean;
}

function checkTtl(ttl: number | undefined): void {
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl < 0 || ttl > 2_147_483_647)) {
    throw new ExportError('INVALID_OPTION', `recordTTL must be a non-negative 32-bit integer, got ${ttl}`);
  }
}

function hostEndpoints(host: ExportHost, options: DnsExportOptions): DnsEndpoint[] {
  const dnsName = renderHostName(options.hostTemplate, {
    bmh: host.name,
    cluster: host.cluster,
    namespace: host.namespace,
  });
  const ttl = options.ttl !== undefined ? { recordTTL: options.ttl } : {};
  const endpoints: DnsEndpoint[] = [];
  // Empty targets would fall back to external-dns' --default-targets: never emit them.
  for (const [family, recordType] of [
    [4, 'A'],
    [6, 'AAAA'],
  ] as const) {
    const targets = addressesOfFamily(host.addresses, family);
    if (targets.length > 0) endpoints.push({ dnsName, targets, recordType, ...ttl });
    if (options.ptr === true) {
      for (const address of targets) {
        endpoints.push({
          dnsName: reverseDnsName(address),
          targets: [dnsName],
          recordType: 'PTR',
          ...ttl,
        });
      }
    }
  }
  return endpoints;
}

/** The external-dns endpoint array for the hosts: A and AAAA per host, PTR when asked. */
export function externalDnsEndpoints(hosts: readonly ExportHost[], options: DnsExportOptions): DnsEndpoint[] {
  checkTtl(options.ttl);
  return hosts.flatMap((host) => hostEndpoints(host, options));
}

export interface DnsEndpointManifest {
  apiVersion: 'externaldns.k8s.io/v1alpha1';
  kind: 'DNSEndpoint';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: { endpoints: DnsEndpoint[] };
}

/** One DNSEndpoint per host that has at least one address, in the host's namespace. */
export function dnsEndpointManifests(
  hosts: readonly ExportHost[],
  options: DnsExportOptions,
): DnsEndpointManifest[] {
  checkTtl(options.ttl);
  return hosts.flatMap((host) => {
    const endpoints = hostEndpoints(host, options);
    if (endpoints.length === 0) return [];
    return [
      {
        apiVersion: 'externaldns.k8s.io/v1alpha1' as const,
        kind: 'DNSEndpoint' as const,
        metadata: {
          name: hostObjectName(host),
          namespace: host.namespace,
          labels: hostObjectLabels(host),
        },
        spec: { endpoints },
      },
    ];
  });
}
