// Kubernetes object shapes stableip reads and writes. Field names are exactly upstream's JSON
// names (metal3-io/ip-address-manager, cluster-api, cluster-api-provider-metal3,
// baremetal-operator); only the fields stableip uses are typed, the rest pass through untouched.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  severity?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

// ---- ipam.metal3.io/v1alpha1 ------------------------------------------------------------

export const IPAM_METAL3_GROUP = 'ipam.metal3.io';
export const IPAM_METAL3_API_VERSION = 'ipam.metal3.io/v1alpha1';

export type AllocationStrategy = 'sequential' | 'random';

/** One address range of an IPPool (`spec.pools[]`). */
export interface PoolRange {
  start?: string;
  end?: string;
  subnet?: string;
  prefix?: number;
  gateway?: string;
  dnsServers?: string[];
}

export interface IPPoolSpec {
  clusterName?: string;
  namePrefix: string;
  pools?: PoolRange[];
  allocationStrategy?: AllocationStrategy;
  preAllocations?: Record<string, string>;
  prefix?: number;
  gateway?: string;
  dnsServers?: string[];
}

export interface IPPoolStatus {
  lastUpdated?: string;
  /** claim name → address (Go field `Allocations`; not keyed by index despite the name). */
  indexes?: Record<string, string>;
  [key: string]: unknown;
}

export interface IPPool extends KubeObject {
  kind: 'IPPool';
  spec: IPPoolSpec;
  status?: IPPoolStatus;
}

export interface IPClaimSpec {
  pool: ObjectReference;
}

export interface IPClaimStatus {
  address?: ObjectReference;
  errorMessage?: string;
}

export interface IPClaim extends KubeObject {
  kind: 'IPClaim';
  spec: IPClaimSpec;
  status?: IPClaimStatus;
}

export interface IPAddressSpec {
  claim: ObjectReference;
  pool: ObjectReference;
  address: string;
  prefix?: number;
  gateway?: string;
  dnsServers?: string[];
}

/** ipam.metal3.io IPAddress (no status subresource). */
export interface Metal3IPAddress extends KubeObject {
  kind: 'IPAddress';
  spec: IPAddressSpec;
}

/** Annotation on IPClaim / IPAddressClaim requesting a specific IP (upstream PR #997). */
export const IP_ADDRESS_ANNOTATION = 'ipAddress';

// ---- ipam.cluster.x-k8s.io/v1beta2 (Cluster API IPAM contract) --------------------------

export const IPAM_CAPI_GROUP = 'ipam.cluster.x-k8s.io';
export const IPAM_CAPI_API_VERSION = 'ipam.cluster.x-k8s.io/v1beta2';

export interface TypedLocalObjectReference {
  apiGroup?: string;
  kind?: string;
  name: string;
}

export interface IPAddressClaimSpec {
  clusterName?: string;
  poolRef: TypedLocalObjectReference;
}

export interface IPAddressClaimStatus {
  addressRef?: { name?: string };
  conditions?: Condition[];
  v1beta1?: { conditions?: Condition[] };
  [key: string]: unknown;
}

export interface IPAddressClaim extends KubeObject {
  kind: 'IPAddressClaim';
  spec: IPAddressClaimSpec;
  status?: IPAddressClaimStatus;
}

export interface CapiIPAddressSpec {
  claimRef: { name: string };
  poolRef: TypedLocalObjectReference;
  address: string;
  prefix?: number;
  gateway?: string;
}

export interface CapiIPAddress extends KubeObject {
  kind: 'IPAddress';
  spec: CapiIPAddressSpec;
}

// ---- cluster.x-k8s.io ----------------------------------------------------------------------

export const CAPI_API_VERSION = 'cluster.x-k8s.io/v1beta2';

export interface Cluster extends KubeObject {
  kind: 'Cluster';
  spec?: { paused?: boolean; [key: string]: unknown };
}

export interface Machine extends KubeObject {
  kind: 'Machine';
  spec?: { clusterName?: string; infrastructureRef?: ObjectReference; [key: string]: unknown };
}

// ---- infrastructure.cluster.x-k8s.io (CAPM3) -------------------------------------------------

export const CAPM3_GROUP = 'infrastructure.cluster.x-k8s.io';
export const CAPM3_API_VERSION = 'infrastructure.cluster.x-k8s.io/v1beta2';

/** `{key, name, apiGroup, kind}` pool reference in metaData sections. */
export interface FromPool {
  key: string;
  name: string;
  apiGroup?: string;
  kind?: string;
}

export interface PoolRef {
  name: string;
  apiGroup?: string;
  kind?: string;
}

export interface FromPoolAnnotation {
  object: string;
  annotation: string;
}

export interface NetworkRoute {
  network?: string;
  prefix?: number;
  gateway?: {
    string?: string;
    fromIPPool?: string;
    fromPoolRef?: PoolRef;
    fromPoolAnnotation?: FromPoolAnnotation;
  };
  services?: { dns?: string[]; dnsFromIPPool?: string };
}

export interface NetworkDataIP {
  id: string;
  link: string;
  ipAddressFromIPPool?: string;
  fromPoolRef?: PoolRef;
  fromPoolAnnotation?: FromPoolAnnotation;
  routes?: NetworkRoute[];
}

export interface NetworkDataDHCP {
  id: string;
  link: string;
  routes?: NetworkRoute[];
}

export interface NetworkData {
  links?: Record<string, unknown>;
  networks?: {
    ipv4?: NetworkDataIP[];
    ipv6?: NetworkDataIP[];
    ipv4DHCP?: NetworkDataDHCP[];
    ipv6DHCP?: NetworkDataDHCP[];
    ipv6SLAAC?: NetworkDataDHCP[];
  };
  services?: { dns?: string[]; dnsFromIPPool?: string };
}

export interface MetaData {
  ipAddressesFromPool?: FromPool[];
  prefixesFromPool?: FromPool[];
  gatewaysFromPool?: FromPool[];
  dnsServersFromPool?: FromPool[];
  [section: string]: unknown;
}

export interface Metal3DataTemplate extends KubeObject {
  kind: 'Metal3DataTemplate';
  spec: { clusterName?: string; metaData?: MetaData; networkData?: NetworkData; [key: string]: unknown };
  status?: {
    indexes?: Array<{ name: string; index: number }> | Record<string, number>;
    lastUpdated?: string;
  };
}

export interface Metal3DataClaim extends KubeObject {
  kind: 'Metal3DataClaim';
  spec: { template: ObjectReference };
  status?: { renderedData?: ObjectReference; errorMessage?: string };
}

export interface Metal3Data extends KubeObject {
  kind: 'Metal3Data';
  spec: {
    index?: number;
    template: ObjectReference;
    claim: ObjectReference;
    metaData?: { name?: string; namespace?: string };
    networkData?: { name?: string; namespace?: string };
  };
  status?: { ready?: boolean; errorMessage?: string };
}

export interface Metal3Machine extends KubeObject {
  kind: 'Metal3Machine';
  spec?: { dataTemplate?: ObjectReference; providerID?: string; [key: string]: unknown };
  status?: { renderedData?: ObjectReference; [key: string]: unknown };
}

/** Annotation on a Metal3Machine naming its host as `<namespace>/<name>`. */
export const BMH_ANNOTATION = 'metal3.io/BareMetalHost';

// ---- metal3.io/v1alpha1 ----------------------------------------------------------------------

export const BMO_API_VERSION = 'metal3.io/v1alpha1';

export interface BareMetalHost extends KubeObject {
  kind: 'BareMetalHost';
  spec?: { consumerRef?: ObjectReference; [key: string]: unknown };
  status?: Record<string, unknown>;
}

// ---- finalizers, labels and annotations (exact upstream strings) ---------------------------

export const Finalizers = {
  ipPool: 'ippool.ipam.metal3.io',
  ipClaim: 'ipclaim.ipam.metal3.io',
  ipAddress: 'ipaddress.ipam.metal3.io',
  capiIPAddressClaim: 'ipam.metal3.io/ipaddressclaim',
  capiIPAddress: 'ipam.metal3.io/ipaddress',
  metal3Data: 'metal3data.infrastructure.cluster.x-k8s.io',
  metal3DataClaim: 'metal3dataclaim.infrastructure.cluster.x-k8s.io',
} as const;

export const Labels = {
  clusterName: 'cluster.x-k8s.io/cluster-name',
  provider: 'cluster.x-k8s.io/provider',
  dataName: 'infrastructure.cluster.x-k8s.io/data-name',
  poolName: 'infrastructure.cluster.x-k8s.io/pool-name',
  /** stableip's own, additive: which host a claim/Metal3Data belongs to. */
  bareMetalHost: 'stableip.dev/baremetalhost',
} as const;

export const PROVIDER_LABEL_VALUE = 'ipam-metal3';
export const PAUSED_ANNOTATION = 'cluster.x-k8s.io/paused';
export const AUTO_PIN_ANNOTATION = 'stableip.dev/auto-pin';
