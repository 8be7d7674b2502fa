// The object kinds the CLI understands: entries of ipam-core's kinds table, keyed by API group and
// kind (IPAddress exists in two groups). The version is not checked: every served version of these
// kinds has the fields we read.
import { KINDS, kindIdOf, type KindId, type PlanSnapshot } from '@stableip/ipam-core';

export type SnapshotField = keyof PlanSnapshot;

export interface KnownKind {
  id: KindId;
  group: string;
  kind: string;
  /** Where the object goes in a plan snapshot; undefined for kinds read but not planned. */
  field: SnapshotField | undefined;
  /** Short label used in messages, e.g. "IPAddress (ipam.metal3.io)". */
  label: string;
}

/** Where each kind goes in a plan snapshot. */
const SNAPSHOT_FIELDS: Readonly<Record<KindId, SnapshotField>> = {
  IPPool: 'ipPools',
  IPClaim: 'ipClaims',
  Metal3IPAddress: 'ipAddresses',
  IPAddressClaim: 'ipAddressClaims',
  CapiIPAddress: 'capiIPAddresses',
  Cluster: 'clusters',
  Machine: 'machines',
  Metal3Data: 'metal3Data',
  Metal3DataClaim: 'metal3DataClaims',
  Metal3DataTemplate: 'metal3DataTemplates',
  Metal3Machine: 'metal3Machines',
  BareMetalHost: 'bareMetalHosts',
};

const table: KnownKind[] = (Object.keys(SNAPSHOT_FIELDS) as KindId[]).map((id) => {
  const { group, kind } = KINDS[id];
  const ambiguous = Object.values(KINDS).filter((other) => other.kind === kind).length > 1;
  return { id, group, kind, field: SNAPSHOT_FIELDS[id], label: ambiguous ? `${kind} (${group})` : kind };
});

export function groupOfApiVersion(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function findKind(apiVersion: string, kind: string): KnownKind | undefined {
  const id = kindIdOf(groupOfApiVersion(apiVersion), kind);
  return table.find((known) => known.id === id);
}

export function knownKindsText(): string {
  return table.map((known) => `${known.kind} (${known.group})`).join(', ');
}
