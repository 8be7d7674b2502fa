// Resource descriptors of the kinds the metal3data controllers read or write beyond the IPAM ones
// (apps/operator/src/resources.ts): CAPM3, Cluster API Machine, BareMetalHost (from ipam-core's
// kinds table) and Secrets.
import { defineResource, type KubeObject } from '@stableip/kube-runtime';
import {
  KINDS,
  type BareMetalHost,
  type Machine,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3Machine,
} from '@stableip/ipam-core';

export const Metal3DataResource = defineResource<Metal3Data>(KINDS.Metal3Data);
export const Metal3DataClaimResource = defineResource<Metal3DataClaim>(KINDS.Metal3DataClaim);
export const Metal3DataTemplateResource = defineResource<Metal3DataTemplate>(KINDS.Metal3DataTemplate);
export const Metal3MachineResource = defineResource<Metal3Machine>(KINDS.Metal3Machine);
export const MachineResource = defineResource<Machine>(KINDS.Machine);
export const BareMetalHostResource = defineResource<BareMetalHost>(KINDS.BareMetalHost);

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
