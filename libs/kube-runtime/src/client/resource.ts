// Typed resource descriptors: everything needed to build API paths without discovery calls.

/** ObjectMeta as it travels on the wire (timestamps are RFC 3339 strings, not Dates). */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface ResourceDescriptor<T extends KubeObject = KubeObject> {
  /** API group; '' for the core group (served under /api). */
  readonly group: string;
  readonly version: string;
  /** Lower-case plural used in URLs, e.g. "ippools". */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
  /** Phantom field carrying the object type; never set at run time. */
  readonly __type?: T;
}

export function defineResource<T extends KubeObject>(
  descriptor: Omit<ResourceDescriptor<T>, '__type'>,
): ResourceDescriptor<T> {
  return Object.freeze({ ...descriptor });
}

export function apiVersionOf(resource: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** "ippools.ipam.metal3.io/v1alpha1": a stable name for logs, metrics and errors. */
export function resourceId(resource: ResourceDescriptor): string {
  return `${resource.plural}${resource.group ? `.${resource.group}` : ''}/${resource.version}`;
}

/**
 * URL path of a collection or one object. `namespace` undefined on a namespaced resource means
 * "all namespaces" (list/watch only).
 */
export function resourcePath(
  resource: ResourceDescriptor,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const root =
    resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  if (resource.namespaced && namespace === undefined && name !== undefined) {
    throw new TypeError(`${resourceId(resource)} is namespaced: a namespace is required to address ${name}`);
  }
  const nsPart =
    resource.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  const namePart = name !== undefined ? `/${encodeURIComponent(name)}` : '';
  const subPart = subresource !== undefined ? `/${subresource}` : '';
  return `${root}${nsPart}/${resource.plural}${namePart}${subPart}`;
}

/** "namespace/name" or "name" — the cache and workqueue key, as client-go's MetaNamespaceKeyFunc. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const name = obj.metadata?.name ?? '';
  return obj.metadata?.namespace ? `${obj.metadata.namespace}/${name}` : name;
}

export function parseObjectKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

// Built-in resources the runtime itself uses.
export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface CoreEvent extends KubeObject {
  involvedObject: ObjectReference;
  reason?: string;
  message?: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string | null;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  reportingInstance?: string;
  action?: string;
}

export interface ObjectReference {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export const LeaseResource = defineResource<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  plural: 'leases',
  kind: 'Lease',
  namespaced: true,
});

export const EventResource = defineResource<CoreEvent>({
  group: '',
  version: 'v1',
  plural: 'events',
  kind: 'Event',
  namespaced: true,
});
