// The kinds the recorder watches, as entries of ipam-core's kinds table. Versions are the table's
// (CAPI IPAM and CAPM3 serve v1beta1 and v1beta2; v1beta2 is the storage version); a site can
// override them.
import {
  kindInfo,
  type BareMetalHost,
  type CapiIPAddress,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type KindVersions,
  type Metal3Data,
  type Metal3IPAddress,
  type Metal3Machine,
} from '@stableip/ipam-core';
import { defineResource, type KubeObject, type ResourceDescriptor } from '@stableip/kube-runtime';

/** Kinds-table ids of the watched kinds (the kind alone is ambiguous: two API groups serve IPAddress). */
export const WATCHED_KINDS = [
  'IPPool',
  'IPClaim',
  'Metal3IPAddress',
  'CapiIPAddress',
  'IPAddressClaim',
  'Metal3Data',
  'Metal3Machine',
  'BareMetalHost',
] as const;
export type WatchedKind = (typeof WATCHED_KINDS)[number];

/** The wire shapes of the watched kinds (all optional-friendly: objects come from foreign controllers). */
export interface WatchedObjects {
  IPPool: IPPool;
  IPClaim: IPClaim;
  Metal3IPAddress: Metal3IPAddress;
  CapiIPAddress: CapiIPAddress;
  IPAddressClaim: IPAddressClaim;
  Metal3Data: Metal3Data;
  Metal3Machine: Metal3Machine;
  BareMetalHost: BareMetalHost;
}

export type WatchedResources = { [K in WatchedKind]: ResourceDescriptor<WatchedObjects[K] & KubeObject> };

export function watchedResources(versions: KindVersions = {}): WatchedResources {
  const entries = WATCHED_KINDS.map((id) => [id, defineResource(kindInfo(id, versions))] as const);
  return Object.fromEntries(entries) as unknown as WatchedResources;
}
