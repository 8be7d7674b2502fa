// A tiny builder for CustomResourceDefinition manifests. The CRDs stableip installs (and the
// foreign ones its tests install) are written once, in TypeScript, with these helpers and
// rendered to YAML by `nx run operator:generate-crds`.

/** The subset of OpenAPI v3 (structural schema) that CRDs use. */
export interface JSONSchemaProps {
  type?: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
  description?: string;
  format?: string;
  pattern?: string;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  required?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-list-type'?: 'atomic' | 'map' | 'set';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
}

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated?: boolean;
  additionalPrinterColumns?: PrinterColumn[];
  subresources: { status?: Record<string, never> };
  schema: { openAPIV3Schema: JSONSchemaProps };
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; annotations?: Record<string, string> };
  spec: {
    group: string;
    names: {
      kind: string;
      listKind: string;
      plural: string;
      singular: string;
      shortNames?: string[];
      categories?: string[];
    };
    scope: 'Namespaced' | 'Cluster';
    versions: CrdVersion[];
  };
}

type Extra = Omit<JSONSchemaProps, 'type'>;

export const str = (description?: string, extra: Extra = {}): JSONSchemaProps => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
export const int = (description?: string, extra: Extra = {}): JSONSchemaProps => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
export const bool = (description?: string): JSONSchemaProps => ({
  type: 'boolean',
  ...(description ? { description } : {}),
});
export const obj = (
  properties: Record<string, JSONSchemaProps>,
  description?: string,
  extra: Extra = {},
): JSONSchemaProps => ({ type: 'object', ...(description ? { description } : {}), properties, ...extra });
export const arr = (items: JSONSchemaProps, description?: string, extra: Extra = {}): JSONSchemaProps => ({
  type: 'array',
  ...(description ? { description } : {}),
  items,
  ...extra,
});
export const map = (values: JSONSchemaProps, description?: string): JSONSchemaProps => ({
  type: 'object',
  ...(description ? { description } : {}),
  additionalProperties: values,
});
/** An object whose content the API server keeps as written (for foreign kinds in tests). */
export const opaque = (description?: string): JSONSchemaProps => ({
  type: 'object',
  ...(description ? { description } : {}),
  'x-kubernetes-preserve-unknown-fields': true,
});

const API_VERSION_DESCRIPTION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert ' +
  'recognized schemas to the latest internal value, and may reject unrecognized values.';
const KIND_DESCRIPTION = 'Kind is a string value representing the REST resource this object represents.';

/** The root schema every kind shares: apiVersion, kind, metadata, then spec/status. */
export function rootSchema(
  description: string,
  fields: { spec?: JSONSchemaProps; status?: JSONSchemaProps },
): JSONSchemaProps {
  return obj(
    {
      apiVersion: str(API_VERSION_DESCRIPTION),
      kind: str(KIND_DESCRIPTION),
      metadata: { type: 'object' },
      ...(fields.spec ? { spec: fields.spec } : {}),
      ...(fields.status ? { status: fields.status } : {}),
    },
    description,
  );
}

/** metav1.Condition, as Kubernetes API conventions define it. */
export const metav1Condition = obj(
  {
    type: str('Type of condition in CamelCase.', { maxLength: 316 }),
    status: str('Status of the condition, one of True, False, Unknown.', {
      enum: ['True', 'False', 'Unknown'],
    }),
    reason: str('A programmatic identifier for the last transition, in CamelCase.', {
      maxLength: 1024,
      minLength: 1,
      pattern: '^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$',
    }),
    message: str('A human readable message about the last transition.', { maxLength: 32768 }),
    lastTransitionTime: str('When the condition last changed status.', { format: 'date-time' }),
    observedGeneration: int('The .metadata.generation the condition was set from.', {
      format: 'int64',
      minimum: 0,
    }),
  },
  'Condition contains details for one aspect of the current state of this API Resource.',
  { required: ['type', 'status', 'lastTransitionTime'] },
);

/** corev1.ObjectReference (atomic), as upstream's types embed it. */
export const objectReference = (description: string): JSONSchemaProps =>
  obj(
    {
      apiVersion: str('API version of the referent.'),
      fieldPath: str('If referring to a piece of an object instead of an entire object, the field path.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      namespace: str('Namespace of the referent.'),
      resourceVersion: str('Specific resourceVersion to which this reference is made, if any.'),
      uid: str('UID of the referent.'),
    },
    description,
    { 'x-kubernetes-map-type': 'atomic' },
  );

export function crd(def: {
  group: string;
  kind: string;
  plural: string;
  singular?: string;
  shortNames?: string[];
  categories?: string[];
  versions: CrdVersion[];
  annotations?: Record<string, string>;
}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${def.plural}.${def.group}`,
      ...(def.annotations ? { annotations: def.annotations } : {}),
    },
    spec: {
      group: def.group,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular ?? def.kind.toLowerCase(),
        ...(def.shortNames ? { shortNames: def.shortNames } : {}),
        ...(def.categories ? { categories: def.categories } : {}),
      },
      scope: 'Namespaced',
      versions: def.versions,
    },
  };
}
