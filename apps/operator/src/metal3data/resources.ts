// Resource descriptors of the kinds the metal3data controllers read or write beyond the IPAM ones
// (apps/operator/src/resources.ts): CAPM3, Cluster API Machine, BareMetalHost and Secrets.
import { defineResource, type KubeObject } from '@stableip/kube-runtime';
import type {
  BareMetalHost,
  Machine,
  Metal3Data,
  Metal3DataClaim,
  Metal3DataTemplate,
  Metal3Machine,
} from '@stableip/ipam-core';

const capm3 = { group: 'infrastructure.cluster.x-k8s.io', version: 'v1beta2', namespaced: true } as const;

export const Metal3DataResource = defineResource<Metal3Data>({
  ...capm3,
  plural: 'metal3datas',
  kind: 'Metal3Data',
});
export const Metal3DataClaimResource = defineResource<Metal3DataClaim>({
  ...capm3,
  plural: 'metal3dataclaims',
  kind: 'Metal3DataClaim',
});
export const Metal3DataTemplateResource = defineResource<Metal3DataTemplate>({
  ...capm3,
  plural: 'metal3datatemplates',
  kind: 'Metal3DataTemplate',
});
export const Metal3MachineResource = defineResource<Metal3Machine>({
  ...capm3,
  plural: 'metal3machines',
  kind: 'Metal3Machine',
});
export const MachineResource = defineResource<Machine>({
  group: 'cluster.x-k8s.io',
  version: 'v1beta2',
  plural: 'machines',
  kind: 'Machine',
  namespaced: true,
});
export const BareMetalHostResource = defineResource<BareMetalHost>({
  group: 'metal3.io',
  version: 'v1alpha1',
  plural: 'baremetalhosts',
  kind: 'BareMetalHost',
  namespaced: true,
});

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export const SecretResource = defineResource<Secret>({
  group: '',
  version: 'v1',
  plural: 'secrets',
  kind: 'Secret',
  namespaced: true,
});

/** CAPM3's secret type for rendered metaData / networkData. */
export const CAPM3_SECRET_TYPE = 'infrastructure.cluster.x-k8s.io/secret';
