// Resource descriptors of every kind the operator reads or writes.
import { defineResource } from '@stableip/kube-runtime';
import type {
  CapiIPAddress,
  Cluster,
  IPAddressClaim,
  IPClaim,
  IPPool,
  Metal3IPAddress,
} from '@stableip/ipam-core';

export const IPPoolResource = defineResource<IPPool>({
  group: 'ipam.metal3.io',
  version: 'v1alpha1',
  plural: 'ippools',
  kind: 'IPPool',
  namespaced: true,
});
export const IPClaimResource = defineResource<IPClaim>({
  group: 'ipam.metal3.io',
  version: 'v1alpha1',
  plural: 'ipclaims',
  kind: 'IPClaim',
  namespaced: true,
});
export const Metal3IPAddressResource = defineResource<Metal3IPAddress>({
  group: 'ipam.metal3.io',
  version: 'v1alpha1',
  plural: 'ipaddresses',
  kind: 'IPAddress',
  namespaced: true,
});
export const IPAddressClaimResource = defineResource<IPAddressClaim>({
  group: 'ipam.cluster.x-k8s.io',
  version: 'v1beta2',
  plural: 'ipaddressclaims',
  kind: 'IPAddressClaim',
  namespaced: true,
});
export const CapiIPAddressResource = defineResource<CapiIPAddress>({
  group: 'ipam.cluster.x-k8s.io',
  version: 'v1beta2',
  plural: 'ipaddresses',
  kind: 'IPAddress',
  namespaced: true,
});
export const ClusterResource = defineResource<Cluster>({
  group: 'cluster.x-k8s.io',
  version: 'v1beta2',
  plural: 'clusters',
  kind: 'Cluster',
  namespaced: true,
});

/** The kinds a pool reconcile writes, as the planner names them. */
export type WrittenKind = 'IPPool' | 'IPClaim' | 'Metal3IPAddress' | 'IPAddressClaim' | 'CapiIPAddress';

/** Planner kind of an object (the two IPAddress kinds differ by API group). */
export function writtenKindOf(object: { apiVersion?: string; kind?: string }): WrittenKind | undefined {
  switch (object.kind) {
    case 'IPPool':
    case 'IPClaim':
    case 'IPAddressClaim':
      return object.kind;
    case 'IPAddress':
      return object.apiVersion?.startsWith('ipam.cluster.x-k8s.io/') ? 'CapiIPAddress' : 'Metal3IPAddress';
    default:
      return undefined;
  }
}
