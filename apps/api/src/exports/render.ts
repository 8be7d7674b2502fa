// One place that turns an export request into a document, shared by the GraphQL fields and the
// plain HTTP endpoints (so both always carry the same data).
import {
  addressSets,
  calicoGlobalNetworkSets,
  certificateManifests,
  certificateSubjects,
  ciliumCidrGroups,
  dnsEndpointManifests,
  externalDnsEndpoints,
  networkPolicies,
  nftablesScript,
  toYamlStream,
  type ExportHost,
} from '@stableip/exporters';
import type { ExportSelector, ReadModel } from '../read-model/read-model';
import type { ExportRow } from '../read-model/rows';
import type { ExportSettings } from './settings';

export const EXPORT_FORMATS = [
  'external-dns',
  'dnsendpoint.yaml',
  'certificates.json',
  'certificates.yaml',
  'calico.yaml',
  'cilium.yaml',
  'networkpolicy.yaml',
  'ipblocks.json',
  'nftables.nft',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  'external-dns': 'application/json',
  'dnsendpoint.yaml': 'application/yaml',
  'certificates.json': 'application/json',
  'certificates.yaml': 'application/yaml',
  'calico.yaml': 'application/yaml',
  'cilium.yaml': 'application/yaml',
  'networkpolicy.yaml': 'application/yaml',
  'ipblocks.json': 'application/json',
  'nftables.nft': 'text/plain',
};

export interface ExportRequest extends ExportSelector {
  /** Per-request overrides of the settings. */
  hostTemplate?: string | null;
  ttl?: number | null;
  ptr?: boolean | null;
  issuerName?: string | null;
  issuerKind?: 'Issuer' | 'ClusterIssuer' | null;
}

/** Rows (one per current address, sorted by cluster, namespace, host) grouped into hosts. */
export function toExportHosts(rows: readonly ExportRow[]): ExportHost[] {
  const hosts: ExportHost[] = [];
  let current: (ExportHost & { addresses: ExportHost['addresses'][number][] }) | undefined;
  for (const row of rows) {
    if (
      current?.cluster !== row.cluster ||
      current.namespace !== row.namespace ||
      current.name !== row.host
    ) {
      current = {
        cluster: row.cluster,
        namespace: row.namespace,
        name: row.host,
        labels: row.labels,
        addresses: [],
      };
      hosts.push(current);
    }
    current.addresses.push({ pool: row.pool, address: row.address, family: row.family, prefix: row.prefix });
  }
  return hosts;
}

export async function loadExportHosts(model: ReadModel, request: ExportRequest): Promise<ExportHost[]> {
  return toExportHosts(await model.exportRows(request));
}

/** The export as a value (JSON formats) or text (YAML, nftables). */
export function renderExport(
  format: ExportFormat,
  hosts: readonly ExportHost[],
  settings: ExportSettings,
  request: ExportRequest,
): unknown {
  const dns = {
    hostTemplate: request.hostTemplate ?? settings.hostTemplate,
    ...(request.ttl !== null && request.ttl !== undefined
      ? { ttl: request.ttl }
      : settings.dnsTtl !== undefined
        ? { ttl: settings.dnsTtl }
        : {}),
    ptr: request.ptr ?? false,
  };
  const certificates = {
    hostTemplate: dns.hostTemplate,
    issuer: {
      name: request.issuerName ?? settings.issuerName,
      kind: request.issuerKind ?? settings.issuerKind,
    },
  };
  switch (format) {
    case 'external-dns':
      return externalDnsEndpoints(hosts, dns);
    case 'dnsendpoint.yaml':
      return toYamlStream(dnsEndpointManifests(hosts, dns));
    case 'certificates.json':
      return certificateSubjects(hosts, certificates);
    case 'certificates.yaml':
      return toYamlStream(certificateManifests(hosts, certificates));
    case 'calico.yaml':
      return toYamlStream(calicoGlobalNetworkSets(addressSets(hosts)));
    case 'cilium.yaml':
      return toYamlStream(ciliumCidrGroups(addressSets(hosts), { apiVersion: settings.ciliumApiVersion }));
    case 'networkpolicy.yaml':
      return toYamlStream(
        networkPolicies(addressSets(hosts), { namespace: settings.networkPolicyNamespace }),
      );
    case 'ipblocks.json':
      return addressSets(hosts).map((set) => ({
        name: set.name,
        cluster: set.cluster,
        pool: set.pool,
        ipBlocks: [...set.ipv4.map((a) => `${a}/32`), ...set.ipv6.map((a) => `${a}/128`)].map((cidr) => ({
          cidr,
        })),
      }));
    case 'nftables.nft':
      return nftablesScript(addressSets(hosts), { table: settings.nftTable, family: settings.nftFamily });
  }
}
