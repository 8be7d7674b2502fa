// The single source of truth for stableip's ipam.metal3.io/v1alpha1 CRDs. They are a superset of
// metal3-io/ip-address-manager's (same group, version, names, short names, categories, scope,
// printer columns, and every property with its type and validation) plus stableip's additions,
// all under IPPool.status: capacity counters and conditions.
import {
  arr,
  bool,
  crd,
  int,
  map,
  metav1Condition,
  obj,
  objectReference,
  rootSchema,
  str,
  type CustomResourceDefinition,
  type JSONSchemaProps,
} from './schema';

// Upstream's IPAddressStr / IPSubnetStr regexes (api/v1alpha1/common_types.go), built from parts.
const V4 =
  '(([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])\\.){3}([0-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|25[0-5])';
const H = '[0-9a-fA-F]{1,4}';
const V6 = [
  `(${H}:){7,7}${H}`,
  `(${H}:){1,7}:`,
  `(${H}:){1,6}:${H}`,
  `(${H}:){1,5}(:${H}){1,2}`,
  `(${H}:){1,4}(:${H}){1,3}`,
  `(${H}:){1,3}(:${H}){1,4}`,
  `(${H}:){1,2}(:${H}){1,5}`,
  `${H}:((:${H}){1,6})`,
  `:((:${H}){1,7}|:)`,
].join('|');
export const IP_ADDRESS_PATTERN = `((^(${V4})$)|(^(${V6})$))`;
export const IP_SUBNET_PATTERN =
  `((^(${V4})/([0-9]|[1-2][0-9]|3[0-2])$)|` + `(^(${V6})/([0-9]|[0-9][0-9]|1[0-1][0-9]|12[0-8])$))`;

const ipAddress = (description: string): JSONSchemaProps => str(description, { pattern: IP_ADDRESS_PATTERN });
const ipAddressItem = ipAddress('IPAddress is used for validation of an IP address.');
const prefix = int('Prefix is the mask of the network as integer (max 128)', { maximum: 128 });
const dnsServers = arr(ipAddressItem, 'DNSServers is the list of dns servers');
const gateway = ipAddress('Gateway is the gateway ip address');

const GROUP = 'ipam.metal3.io';
const VERSION = 'v1alpha1';
const shortNamesOf = (short: string, singular: string, plural: string) => [
  short,
  singular,
  `m3${short}`,
  `m3${singular}`,
  `m3${plural}`,
  `metal3${short}`,
  `metal3${singular}`,
  `metal3${plural}`,
];
const age = (kind: string) => ({
  name: 'Age',
  type: 'date' as const,
  jsonPath: '.metadata.creationTimestamp',
  description: `Time duration since creation of ${kind}`,
});

/** stableip's capacity counters (not upstream; ip-address-manager issue #161 / PR #1540). */
const capacity = obj(
  {
    total: int('Addresses the pool ranges can hand out (clamped, see clamped).', {
      format: 'int64',
      minimum: 0,
    }),
    allocated: int('Addresses held by an IPAddress object (Metal3 or Cluster API) of this pool.', {
      format: 'int64',
      minimum: 0,
    }),
    preallocated: int('Addresses reserved by spec.preAllocations and not yet allocated.', {
      format: 'int64',
      minimum: 0,
    }),
    free: int('Addresses still available to new claims: total - allocated - preallocated (clamped).', {
      format: 'int64',
      minimum: 0,
    }),
    clamped: bool('True when the real range size exceeds what the counters can hold (huge IPv6 ranges).'),
  },
  'Capacity counters of the pool, computed by stableip.',
);

export const ipPoolCrd: CustomResourceDefinition = crd({
  group: GROUP,
  kind: 'IPPool',
  plural: 'ippools',
  shortNames: shortNamesOf('ipp', 'ippool', 'ippools'),
  categories: ['cluster-api'],
  versions: [
    {
      name: VERSION,
      served: true,
      storage: true,
      subresources: { status: {} },
      additionalPrinterColumns: [
        {
          name: 'Cluster',
          type: 'string',
          jsonPath: '.metadata.labels.cluster\\.x-k8s\\.io/cluster-name',
          description: 'Cluster to which this template belongs',
        },
        age('Metal3IPPool'),
        {
          name: 'Total',
          type: 'integer',
          jsonPath: '.status.capacity.total',
          description: 'Addresses in the pool',
        },
        {
          name: 'Allocated',
          type: 'integer',
          jsonPath: '.status.capacity.allocated',
          description: 'Addresses allocated',
        },
        {
          name: 'Free',
          type: 'integer',
          jsonPath: '.status.capacity.free',
          description: 'Addresses still free',
        },
        {
          name: 'Preallocated',
          type: 'integer',
          jsonPath: '.status.capacity.preallocated',
          description: 'Addresses reserved by preAllocations',
          priority: 1,
        },
        {
          name: 'Ready',
          type: 'string',
          jsonPath: ".status.conditions[?(@.type=='Ready')].status",
          description: 'Whether the pool serves claims without problems',
          priority: 1,
        },
      ],
      schema: {
        openAPIV3Schema: rootSchema('IPPool is the Schema for the ippools API.', {
          spec: obj(
            {
              allocationStrategy: str(
                'AllocationStrategy defines how IP addresses are allocated from the pools: "sequential" ' +
                  '(default) allocates the first available IP, "random" a random available IP. Ranges are ' +
                  'always consumed in declaration order.',
                { default: 'sequential', enum: ['sequential', 'random'] },
              ),
              clusterName: str('ClusterName is the name of the Cluster this object belongs to.'),
              dnsServers,
              gateway,
              namePrefix: str('namePrefix is the prefix used to generate the IPAddress object names', {
                minLength: 1,
              }),
              pools: arr(
                obj(
                  {
                    dnsServers,
                    end: ipAddress(
                      'End is the last IP address that can be rendered. It is used as a validation that the ' +
                        'rendered IP is in bound.',
                    ),
                    gateway,
                    prefix,
                    start: ipAddress('Start is the first ip address that can be rendered'),
                    subnet: str(
                      'Subnet is used to validate that the rendered IP is in bounds. In case the Start value ' +
                        'is not given, it is derived from the subnet ip incremented by 1 (`192.168.0.1` for ' +
                        '`192.168.0.0/24`)',
                      { pattern: IP_SUBNET_PATTERN },
                    ),
                  },
                  'MetaDataIPAddress contains the info to render th ip address. It is IP-version agnostic.',
                ),
                'Pools contains the list of IP addresses pools',
              ),
              preAllocations: map(ipAddressItem, 'PreAllocations contains the preallocated IP addresses'),
              prefix,
            },
            'IPPoolSpec defines the desired state of IPPool.',
            { required: ['namePrefix'] },
          ),
          status: obj(
            {
              indexes: map(
                ipAddressItem,
                'Allocations contains the map of objects and IP addresses they have',
              ),
              lastUpdated: str('LastUpdated identifies when this status was last observed.', {
                format: 'date-time',
              }),
              capacity,
              conditions: arr(
                metav1Condition,
                'Conditions of the pool (stableip): Ready, NamePrefixConflict.',
                {
                  'x-kubernetes-list-type': 'map',
                  'x-kubernetes-list-map-keys': ['type'],
                },
              ),
              observedGeneration: int('The .metadata.generation the status was computed from (stableip).', {
                format: 'int64',
              }),
            },
            'IPPoolStatus defines the observed state of IPPool.',
          ),
        }),
      },
    },
  ],
});

export const ipClaimCrd: CustomResourceDefinition = crd({
  group: GROUP,
  kind: 'IPClaim',
  plural: 'ipclaims',
  shortNames: shortNamesOf('ipc', 'ipclaim', 'ipclaims'),
  categories: ['cluster-api'],
  versions: [
    {
      name: VERSION,
      served: true,
      storage: true,
      subresources: { status: {} },
      additionalPrinterColumns: [age('Metal3IPClaim')],
      schema: {
        openAPIV3Schema: rootSchema('IPClaim is the Schema for the ipclaims API.', {
          spec: obj(
            { pool: objectReference('Pool is the IPPool this was generated from.') },
            'IPClaimSpec defines the desired state of IPClaim.',
            { required: ['pool'] },
          ),
          status: obj(
            {
              address: objectReference('Address is the IPAddress that was generated for this claim.'),
              errorMessage: str('ErrorMessage contains the error message'),
            },
            'IPClaimStatus defines the observed state of IPClaim.',
          ),
        }),
      },
    },
  ],
});

export const ipAddressCrd: CustomResourceDefinition = crd({
  group: GROUP,
  kind: 'IPAddress',
  plural: 'ipaddresses',
  shortNames: shortNamesOf('ipa', 'ipaddress', 'ipaddresses'),
  categories: ['metal3'],
  versions: [
    {
      name: VERSION,
      served: true,
      storage: true,
      // Upstream's IPAddress has no status subresource.
      subresources: {},
      additionalPrinterColumns: [age('Metal3IPAddress')],
      schema: {
        openAPIV3Schema: rootSchema('IPAddress is the Schema for the ipaddresses API.', {
          spec: obj(
            {
              address: ipAddress('Address contains the IP address'),
              claim: objectReference('Claim points to the object the IPClaim was created for.'),
              dnsServers,
              gateway,
              pool: objectReference('Pool is the IPPool this was generated from.'),
              prefix,
            },
            'IPAddressSpec defines the desired state of IPAddress.',
            { required: ['address', 'claim', 'pool'] },
          ),
        }),
      },
    },
  ],
});

export const ipamCrds: readonly CustomResourceDefinition[] = [ipAddressCrd, ipClaimCrd, ipPoolCrd];
