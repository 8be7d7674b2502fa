// Builders of the objects the tests and the benchmark write (playing the IPAM and CAPM3
// controllers). No vitest import: the benchmark uses them outside a test run.
import {
  IPAM_METAL3_API_VERSION,
  IPAM_CAPI_API_VERSION,
  CAPM3_API_VERSION,
  BMO_API_VERSION,
  BMH_ANNOTATION,
  IP_ADDRESS_ANNOTATION,
  Labels,
  formatAddressName,
  type BareMetalHost,
  type CapiIPAddress,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type Metal3Data,
  type Metal3IPAddress,
  type Metal3Machine,
} from '@stableip/ipam-core';
import type { KubeObject } from '@stableip/kube-runtime';

export function ipPool(namespace: string, name: string, spec: Partial<IPPool['spec']> = {}): IPPool {
  return {
    apiVersion: IPAM_METAL3_API_VERSION,
    kind: 'IPPool',
    metadata: { name, namespace },
    spec: {
      namePrefix: name,
      pools: [{ start: '192.168.111.100', end: '192.168.111.200', prefix: 24, gateway: '192.168.111.1' }],
      ...spec,
    },
  };
}

export function ipClaim(
  namespace: string,
  name: string,
  pool: string,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string>; owner?: KubeObject } = {},
): IPClaim {
  return {
    apiVersion: IPAM_METAL3_API_VERSION,
    kind: 'IPClaim',
    metadata: {
      name,
      namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.owner ? { ownerReferences: [ownerRef(meta.owner)] } : {}),
    },
    spec: { pool: { name: pool, namespace } },
  };
}

export function requestedAnnotation(address: string): Record<string, string> {
  return { [IP_ADDRESS_ANNOTATION]: address };
}

export function hostLabel(bmh: string): Record<string, string> {
  return { [Labels.bareMetalHost]: bmh };
}

function ownerRef(owner: KubeObject) {
  return {
    apiVersion: owner.apiVersion ?? '',
    kind: owner.kind ?? '',
    name: owner.metadata?.name ?? '',
    uid: owner.metadata?.uid ?? '',
    controller: true,
  };
}

export function metal3Address(
  namespace: string,
  pool: IPPool,
  claim: string,
  address: string,
): Metal3IPAddress {
  return {
    apiVersion: IPAM_METAL3_API_VERSION,
    kind: 'IPAddress',
    metadata: { name: formatAddressName(pool.spec.namePrefix, address), namespace },
    spec: {
      claim: { name: claim, namespace },
      pool: { name: pool.metadata.name, namespace },
      address,
      prefix: 24,
      gateway: '192.168.111.1',
    },
  };
}

export function ipAddressClaim(
  namespace: string,
  name: string,
  pool: string,
  meta: { labels?: Record<string, string> } = {},
): IPAddressClaim {
  return {
    apiVersion: IPAM_CAPI_API_VERSION,
    kind: 'IPAddressClaim',
    metadata: { name, namespace, ...(meta.labels ? { labels: meta.labels } : {}) },
    spec: { poolRef: { apiGroup: 'ipam.metal3.io', kind: 'IPPool', name: pool } },
  };
}

export function capiAddress(namespace: string, pool: IPPool, claim: string, address: string): CapiIPAddress {
  return {
    apiVersion: IPAM_CAPI_API_VERSION,
    kind: 'IPAddress',
    metadata: { name: formatAddressName(pool.spec.namePrefix, address), namespace },
    spec: {
      claimRef: { name: claim },
      poolRef: { apiGroup: 'ipam.metal3.io', kind: 'IPPool', name: pool.metadata.name ?? '' },
      address,
      prefix: 24,
      gateway: '192.168.111.1',
    },
  };
}

export function bareMetalHost(namespace: string, name: string): BareMetalHost {
  return {
    apiVersion: BMO_API_VERSION,
    kind: 'BareMetalHost',
    metadata: { name, namespace, labels: { rack: 'r1' } },
    spec: { online: true },
  };
}

export function metal3Machine(namespace: string, name: string, bmh?: string): Metal3Machine {
  return {
    apiVersion: CAPM3_API_VERSION,
    kind: 'Metal3Machine',
    metadata: {
      name,
      namespace,
      ...(bmh ? { annotations: { [BMH_ANNOTATION]: `${namespace}/${bmh}` } } : {}),
    },
    spec: { image: { url: 'http://example.test/image.qcow2', checksum: 'abc' } },
  };
}

export function metal3Data(namespace: string, name: string, machine: string): Metal3Data {
  return {
    apiVersion: CAPM3_API_VERSION,
    kind: 'Metal3Data',
    metadata: { name, namespace },
    spec: {
      index: 0,
      template: { name: 'template', namespace },
      claim: { name: machine, namespace },
    },
  };
}
