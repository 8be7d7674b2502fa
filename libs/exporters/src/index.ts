// Public surface of @stableip/exporters: pure renderers from hosts' current addresses to the
// formats DNS, certificate and firewall automation consume.
export { ExportError, isExportError, type ExportErrorCode } from './errors';
export {
  LABEL_CLUSTER,
  LABEL_NAMESPACE,
  LABEL_HOST,
  LABEL_POOL,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  type ExportHost,
  type HostAddress,
} from './types';
export {
  renderHostName,
  validateHostTemplate,
  isDnsName,
  objectName,
  labelValue,
  fillTemplate,
  nftIdentifier,
  reverseDnsName,
  hostCidr,
  type HostTemplateValues,
} from './names';
export { sortedAddresses } from './addresses';
export { hostObjectName, hostObjectLabels, setObjectLabels } from './objects';
export {
  externalDnsEndpoints,
  dnsEndpointManifests,
  type DnsEndpoint,
  type DnsEndpointManifest,
  type DnsExportOptions,
  type DnsRecordType,
} from './external-dns';
export {
  certificateSubjects,
  certificateManifests,
  DEFAULT_SECRET_NAME_TEMPLATE,
  type CertificateSubject,
  type CertificateSubjectOptions,
  type CertificateManifest,
  type CertificateOptions,
  type IssuerRef,
} from './cert-manager';
export {
  addressSets,
  setCidrs,
  calicoGlobalNetworkSets,
  ciliumCidrGroups,
  ipBlockPeers,
  networkPolicies,
  nftablesScript,
  nftSetName,
  type AddressSet,
  type GlobalNetworkSet,
  type CiliumCidrGroup,
  type IpBlockPeer,
  type NetworkPolicyOptions,
  type NetworkPolicyManifest,
  type NftablesOptions,
} from './firewall';
export { toYamlStream } from './yaml';
