// Minimal CRDs, for tests only, of the kinds the operator reads or writes that belong to other
// projects (Cluster API, CAPM3, baremetal-operator). Same group/version/names/scope as upstream;
// schemas type the fields the operator relies on and keep everything else as written
// (x-kubernetes-preserve-unknown-fields). Real clusters install the upstream CRDs instead.
import {
  arr,
  crd,
  int,
  metav1Condition,
  obj,
  opaque,
  rootSchema,
  str,
  type CustomResourceDefinition,
} from './schema';

const CAPI_IPAM = 'ipam.cluster.x-k8s.io';
const CAPI = 'cluster.x-k8s.io';
const CAPM3 = 'infrastructure.cluster.x-k8s.io';
const BMO = 'metal3.io';

const preserve = { 'x-kubernetes-preserve-unknown-fields': true } as const;

/** A kind whose spec and status are opaque objects (status as a subresource unless told). */
function opaqueKind(def: {
  group: string;
  version: string;
  kind: string;
  plural: string;
  shortNames?: string[];
  categories?: string[];
  status?: boolean;
}): CustomResourceDefinition {
  return crd({
    group: def.group,
    kind: def.kind,
    plural: def.plural,
    ...(def.shortNames ? { shortNames: def.shortNames } : {}),
    ...(def.categories ? { categories: def.categories } : {}),
    versions: [
      {
        name: def.version,
        served: true,
        storage: true,
        subresources: def.status === false ? {} : { status: {} },
        schema: {
          openAPIV3Schema: rootSchema(`${def.kind} (test fixture; upstream owns the real CRD).`, {
            spec: opaque(),
            ...(def.status === false ? {} : { status: opaque() }),
          }),
        },
      },
    ],
  });
}

const typedLocalObjectReference = obj(
  { apiGroup: str(), kind: str(), name: str() },
  'TypedLocalObjectReference to the pool.',
  { required: ['name'] },
);

export const capiIPAddressClaimCrd = crd({
  group: CAPI_IPAM,
  kind: 'IPAddressClaim',
  plural: 'ipaddressclaims',
  categories: ['cluster-api'],
  versions: [
    {
      name: 'v1beta2',
      served: true,
      storage: true,
      subresources: { status: {} },
      additionalPrinterColumns: [
        { name: 'Pool Name', type: 'string', jsonPath: '.spec.poolRef.name' },
        { name: 'Pool Kind', type: 'string', jsonPath: '.spec.poolRef.kind' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: {
        openAPIV3Schema: rootSchema('IPAddressClaim (test fixture).', {
          spec: obj({ clusterName: str(), poolRef: typedLocalObjectReference }, undefined, {
            required: ['poolRef'],
            ...preserve,
          }),
          // As upstream v1beta2: conditions are metav1.Conditions with reason and message required.
          status: obj(
            {
              addressRef: obj({ name: str() }),
              conditions: arr(
                {
                  ...metav1Condition,
                  required: ['lastTransitionTime', 'message', 'reason', 'status', 'type'],
                },
                undefined,
                { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] },
              ),
            },
            undefined,
            preserve,
          ),
        }),
      },
    },
  ],
});

export const capiIPAddressCrd = crd({
  group: CAPI_IPAM,
  kind: 'IPAddress',
  plural: 'ipaddresses',
  categories: ['cluster-api'],
  versions: [
    {
      name: 'v1beta2',
      served: true,
      storage: true,
      subresources: {},
      additionalPrinterColumns: [
        { name: 'Address', type: 'string', jsonPath: '.spec.address' },
        { name: 'Pool Name', type: 'string', jsonPath: '.spec.poolRef.name' },
        { name: 'Pool Kind', type: 'string', jsonPath: '.spec.poolRef.kind' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: {
        openAPIV3Schema: rootSchema('IPAddress (Cluster API IPAM contract; test fixture).', {
          spec: obj(
            {
              address: str(),
              claimRef: obj({ name: str() }, undefined, { required: ['name'] }),
              gateway: str(),
              poolRef: typedLocalObjectReference,
              prefix: int(undefined, { format: 'int32' }),
            },
            undefined,
            { required: ['address', 'claimRef', 'poolRef'] },
          ),
        }),
      },
    },
  ],
});

export const foreignCrds: readonly CustomResourceDefinition[] = [
  capiIPAddressClaimCrd,
  capiIPAddressCrd,
  opaqueKind({
    group: CAPI,
    version: 'v1beta2',
    kind: 'Cluster',
    plural: 'clusters',
    shortNames: ['cl'],
    categories: ['cluster-api'],
  }),
  opaqueKind({
    group: CAPI,
    version: 'v1beta2',
    kind: 'Machine',
    plural: 'machines',
    shortNames: ['ma'],
    categories: ['cluster-api'],
  }),
  opaqueKind({
    group: CAPM3,
    version: 'v1beta2',
    kind: 'Metal3Data',
    plural: 'metal3datas',
    shortNames: ['m3d', 'm3data', 'm3datas', 'metal3d', 'metal3data'],
    categories: ['cluster-api'],
  }),
  opaqueKind({
    group: CAPM3,
    version: 'v1beta2',
    kind: 'Metal3DataClaim',
    plural: 'metal3dataclaims',
    shortNames: ['m3dc', 'm3dataclaim', 'm3dataclaims', 'metal3dc', 'metal3dataclaim'],
    categories: ['cluster-api'],
  }),
  opaqueKind({
    group: CAPM3,
    version: 'v1beta2',
    kind: 'Metal3DataTemplate',
    plural: 'metal3datatemplates',
    shortNames: ['m3dt', 'm3datatemplate', 'm3datatemplates', 'metal3dt', 'metal3datatemplate'],
    categories: ['cluster-api'],
  }),
  opaqueKind({
    group: CAPM3,
    version: 'v1beta2',
    kind: 'Metal3Machine',
    plural: 'metal3machines',
    shortNames: ['m3m', 'm3machine', 'm3machines', 'metal3m', 'metal3machine'],
    categories: ['cluster-api'],
  }),
  opaqueKind({
    group: BMO,
    version: 'v1alpha1',
    kind: 'BareMetalHost',
    plural: 'baremetalhosts',
    shortNames: ['bmh', 'bmhost'],
  }),
];
