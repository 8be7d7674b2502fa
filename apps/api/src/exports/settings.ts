// Defaults for the exports (flags/env), overridable per request.
export interface ExportSettings {
  /** Host name template, e.g. `{bmh}.{cluster}.example.com`. */
  hostTemplate: string;
  /** DNS record TTL in seconds; undefined leaves it to the provider. */
  dnsTtl?: number;
  /** cert-manager issuer for Certificate exports. */
  issuerName: string;
  issuerKind: 'Issuer' | 'ClusterIssuer';
  /** Namespace of rendered NetworkPolicies. */
  networkPolicyNamespace: string;
  /** nftables table and family. */
  nftTable: string;
  nftFamily: 'inet' | 'ip' | 'ip6';
  /** CiliumCIDRGroup apiVersion (cilium.io/v2 by default). */
  ciliumApiVersion: string;
}

export const DEFAULT_EXPORT_SETTINGS: ExportSettings = {
  hostTemplate: '{bmh}.{cluster}.example.com',
  issuerName: 'stableip-ca',
  issuerKind: 'ClusterIssuer',
  networkPolicyNamespace: 'default',
  nftTable: 'stableip',
  nftFamily: 'inet',
  ciliumApiVersion: 'cilium.io/v2',
};
