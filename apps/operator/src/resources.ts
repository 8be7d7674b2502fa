// Resource descriptors of every kind the operator reads or writes (from ipam-core's kinds table).
import { defineResource } from '@stableip/kube-runtime';
import {
  KINDS,
  type CapiIPAddress,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type Metal3IPAddress,
} from '@stableip/ipam-core';

export const IPPoolResource = defineResource<IPPool>(KINDS.IPPool);
export const IPClaimResource = defineResource<IPClaim>(KINDS.IPClaim);
export const Metal3IPAddressResource = defineResource<Metal3IPAddress>(KINDS.Metal3IPAddress);
export const IPAddressClaimResource = defineResource<IPAddressClaim>(KINDS.IPAddressClaim);
export const CapiIPAddressResource = defineResource<CapiIPAddress>(KINDS.CapiIPAddress);
export const ClusterResource = defineResource<Cluster>(KINDS.Cluster);

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
      return object.apiVersion?.startsWith(`${KINDS.CapiIPAddress.group}/`)
        ? 'CapiIPAddress'
        : 'Metal3IPAddress';
    default:
      return undefined;
  }
}
