// The object kinds the CLI understands, keyed by API group and kind (IPAddress exists in two
// groups). The version is not checked: every served version of these kinds has the fields we read.
import type { PlanSnapshot } from '@stableip/ipam-core';

export type SnapshotField = keyof PlanSnapshot;

export interface KnownKind {
  group: string;
  kind: string;
  /** Where the object goes in a plan snapshot; undefined for kinds read but not planned. */
  field: SnapshotField | undefined;
  /** Short label used in messages, e.g. "IPAddress (ipam.metal3.io)". */
  label: string;
}

const table: KnownKind[] = [
  { group: 'ipam.metal3.io', kind: 'IPPool', field: 'ipPools', label: 'IPPool' },
  { group: 'ipam.metal3.io', kind: 'IPClaim', field: 'ipClaims', label: 'IPClaim' },
  { group: 'ipam.metal3.io', kind: 'IPAddress', field: 'ipAddresses', label: 'IPAddress (ipam.metal3.io)' },
  {
    group: 'ipam.cluster.x-k8s.io',
    kind: 'IPAddressClaim',
    field: 'ipAddressClaims',
    label: 'IPAddressClaim',
  },
  {
    group: 'ipam.cluster.x-k8s.io',
    kind: 'IPAddress',
    field: 'capiIPAddresses',
    label: 'IPAddress (ipam.cluster.x-k8s.io)',
  },
  { group: 'cluster.x-k8s.io', kind: 'Cluster', field: 'clusters', label: 'Cluster' },
  { group: 'cluster.x-k8s.io', kind: 'Machine', field: 'machines', label: 'Machine' },
  { group: 'infrastructure.cluster.x-k8s.io', kind: 'Metal3Data', field: 'metal3Data', label: 'Metal3Data' },
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kind: 'Metal3DataClaim',
    field: 'metal3DataClaims',
    label: 'Metal3DataClaim',
  },
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kind: 'Metal3DataTemplate',
    field: 'metal3DataTemplates',
    label: 'Metal3DataTemplate',
  },
  {
    group: 'infrastructure.cluster.x-k8s.io',
    kind: 'Metal3Machine',
    field: 'metal3Machines',
    label: 'Metal3Machine',
  },
  { group: 'metal3.io', kind: 'BareMetalHost', field: 'bareMetalHosts', label: 'BareMetalHost' },
];

export function groupOfApiVersion(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function findKind(apiVersion: string, kind: string): KnownKind | undefined {
  const group = groupOfApiVersion(apiVersion);
  return table.find((known) => known.group === group && known.kind === kind);
}

export function knownKindsText(): string {
  return table.map((known) => `${known.kind} (${known.group})`).join(', ');
}
