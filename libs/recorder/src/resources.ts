// The kinds the recorder watches. Versions are the ones upstream serves today (CAPI IPAM and CAPM3
// serve v1beta1 and v1beta2; v1beta2 is the storage version); a site can override them.
import {
  BMO_API_VERSION,
  CAPM3_GROUP,
  IPAM_CAPI_GROUP,
  IPAM_METAL3_GROUP,
  type BareMetalHost,
  type CapiIPAddress,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type Metal3Data,
  type Metal3IPAddress,
  type Metal3Machine,
} from '@stableip/ipam-core';
import { defineResource, type KubeObject, type ResourceDescriptor } from '@stableip/kube-runtime';

/** Stable ids of the watched kinds (the kind alone is ambiguous: two API groups serve IPAddress). */
export const WATCHED_KINDS = [
  'IPPool',
  'IPClaim',
  'IPAddress',
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
  IPAddress: Metal3IPAddress;
  CapiIPAddress: CapiIPAddress;
  IPAddressClaim: IPAddressClaim;
  Metal3Data: Metal3Data;
  Metal3Machine: Metal3Machine;
  BareMetalHost: BareMetalHost;
}

interface KindInfo {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

const BMO_GROUP = BMO_API_VERSION.split('/')[0] ?? 'metal3.io';

export const DEFAULT_KIND_INFO: Readonly<Record<WatchedKind, KindInfo>> = Object.freeze({
  IPPool: { group: IPAM_METAL3_GROUP, version: 'v1alpha1', plural: 'ippools', kind: 'IPPool' },
  IPClaim: { group: IPAM_METAL3_GROUP, version: 'v1alpha1', plural: 'ipclaims', kind: 'IPClaim' },
  IPAddress: { group: IPAM_METAL3_GROUP, version: 'v1alpha1', plural: 'ipaddresses', kind: 'IPAddress' },
  CapiIPAddress: { group: IPAM_CAPI_GROUP, version: 'v1beta2', plural: 'ipaddresses', kind: 'IPAddress' },
  IPAddressClaim: {
    group: IPAM_CAPI_GROUP,
    version: 'v1beta2',
    plural: 'ipaddressclaims',
    kind: 'IPAddressClaim',
  },
  Metal3Data: { group: CAPM3_GROUP, version: 'v1beta2', plural: 'metal3datas', kind: 'Metal3Data' },
  Metal3Machine: { group: CAPM3_GROUP, version: 'v1beta2', plural: 'metal3machines', kind: 'Metal3Machine' },
  BareMetalHost: { group: BMO_GROUP, version: 'v1alpha1', plural: 'baremetalhosts', kind: 'BareMetalHost' },
});

/** Per-kind API version overrides, e.g. `{ Metal3Data: 'v1beta1' }` for an older CAPM3. */
export type KindVersions = Partial<Record<WatchedKind, string>>;

export type WatchedResources = { [K in WatchedKind]: ResourceDescriptor<WatchedObjects[K] & KubeObject> };

export function watchedResources(versions: KindVersions = {}): WatchedResources {
  const entries = WATCHED_KINDS.map((id) => {
    const info = DEFAULT_KIND_INFO[id];
    return [
      id,
      defineResource({ ...info, version: versions[id] ?? info.version, namespaced: true }),
    ] as const;
  });
  return Object.fromEntries(entries) as unknown as WatchedResources;
}
