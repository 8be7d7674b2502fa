// CAPM3's getReferencedPools (baremetal/metal3data_manager.go): every pool a Metal3DataTemplate
// refers to, keyed by pool name, in collection order. Go returns a map (random order); a Map in
// collection order keeps the result deterministic.
import {
  type BareMetalHost,
  type FromPoolAnnotation,
  IPAM_METAL3_GROUP,
  type Machine,
  type Metal3DataTemplate,
  type Metal3Machine,
  type NetworkRoute,
  type PoolRef,
} from '../api/types';
import { type NamingError, namingError } from './errors';

export const IPPOOL_KIND = 'IPPool';

/** A collected pool reference with defaults applied (empty group/kind mean a Metal3 IPPool). */
export interface PoolReference {
  name: string;
  apiGroup: string;
  kind: string;
}

/** Objects fromPoolAnnotation may read; all absent means "release" (annotations skipped). */
export interface AnnotationSources {
  machine?: Machine;
  metal3Machine?: Metal3Machine;
  bareMetalHost?: BareMetalHost;
}

export type ReferencedPoolsResult =
  | { ok: true; pools: Map<string, PoolReference> }
  | { ok: false; error: NamingError; pools: Map<string, PoolReference> };

/** isMetal3IPPoolRef, applied to a defaulted reference. */
export function isMetal3PoolReference(ref: PoolReference): boolean {
  return ref.apiGroup === IPAM_METAL3_GROUP && ref.kind === IPPOOL_KIND;
}

class PoolCollector {
  readonly pools = new Map<string, PoolReference>();

  /** addRef: defaults group/kind; the same name with another group or kind is an error. */
  addRef(name: string, apiGroup: string | undefined, kind: string | undefined): NamingError | undefined {
    const ref: PoolReference = { name, apiGroup: apiGroup || IPAM_METAL3_GROUP, kind: kind || IPPOOL_KIND };
    const existing = this.pools.get(name);
    if (!existing) {
      this.pools.set(name, ref);
      return undefined;
    }
    if (existing.apiGroup !== ref.apiGroup || existing.kind !== ref.kind) {
      return namingError(
        'ConflictingPoolReferences',
        'multiple references with the same name but different resource types',
      );
    }
    return undefined;
  }

  /** addName: a Metal3 pool by name; empty names are ignored. */
  addName(name: string | undefined | null): NamingError | undefined {
    return name ? this.addRef(name, undefined, undefined) : undefined;
  }

  addPoolRef(ref: PoolRef): NamingError | undefined {
    return this.addRef(ref.name, ref.apiGroup, ref.kind);
  }

  addFromAnnotation(
    source: FromPoolAnnotation | undefined,
    objects: AnnotationSources,
  ): NamingError | undefined {
    if (!source) return undefined;
    if (!objects.machine && !objects.metal3Machine && !objects.bareMetalHost) return undefined;
    const value = annotationValue(source.object, source.annotation, objects);
    if (typeof value !== 'string') return value;
    if (value === '') {
      return namingError(
        'PoolAnnotationNotFound',
        `annotation ${source.annotation} not found or empty on ${source.object}`,
      );
    }
    return this.addRef(value, IPAM_METAL3_GROUP, IPPOOL_KIND);
  }
}

/** getValueFromAnnotation: the annotation of the named object (object name case-insensitive). */
export function annotationValue(
  object: string,
  annotation: string,
  objects: AnnotationSources,
): string | NamingError {
  const source =
    object.toLowerCase() === 'metal3machine'
      ? {
          present: objects.metal3Machine !== undefined,
          annotations: objects.metal3Machine?.metadata.annotations,
        }
      : object.toLowerCase() === 'machine'
        ? { present: objects.machine !== undefined, annotations: objects.machine?.metadata.annotations }
        : object.toLowerCase() === 'baremetalhost'
          ? {
              present: objects.bareMetalHost !== undefined,
              annotations: objects.bareMetalHost?.metadata.annotations,
            }
          : undefined;
  if (!source) return namingError('UnknownObjectType', 'unknown object type');
  if (!source.present) {
    return namingError(
      'PoolAnnotationObjectMissing',
      `${object} is nil but referenced in annotation ${annotation}`,
    );
  }
  return source.annotations?.[annotation] ?? '';
}

/**
 * Collects pools in CAPM3's order: metaData (ipAddresses, prefixes, gateways, dnsServers), then
 * ipv4 and ipv6 networks with their routes, ipv4DHCP, ipv6DHCP and ipv6SLAAC routes, then
 * networkData.services.dnsFromIPPool. As upstream's if/else chain does, a resolved
 * fromPoolAnnotation does not stop fromPoolRef / ipAddressFromIPPool / fromIPPool on the same
 * entry from being collected too. On error, the pools collected so far are returned with it.
 */
export function referencedPools(
  template: Metal3DataTemplate,
  objects: AnnotationSources = {},
): ReferencedPoolsResult {
  const collector = new PoolCollector();
  const steps: Array<() => NamingError | undefined> = [];
  const metaData = template.spec?.metaData;
  if (metaData) {
    for (const section of [
      metaData.ipAddressesFromPool,
      metaData.prefixesFromPool,
      metaData.gatewaysFromPool,
      metaData.dnsServersFromPool,
    ]) {
      for (const pool of section ?? [])
        steps.push(() => collector.addRef(pool.name ?? '', pool.apiGroup, pool.kind));
    }
  }
  const networkData = template.spec?.networkData;
  if (networkData) {
    const networks = networkData.networks ?? {};
    const routeSteps = (route: NetworkRoute, withAnnotation: boolean): void => {
      steps.push(() => {
        const gateway = route.gateway ?? {};
        const error = withAnnotation
          ? collector.addFromAnnotation(gateway.fromPoolAnnotation, objects)
          : undefined;
        if (error) return error;
        if (gateway.fromPoolRef?.name) return collector.addPoolRef(gateway.fromPoolRef);
        if (gateway.fromIPPool !== undefined && gateway.fromIPPool !== null)
          return collector.addName(gateway.fromIPPool);
        return undefined;
      });
      steps.push(() => collector.addName(route.services?.dnsFromIPPool));
    };
    for (const network of [...(networks.ipv4 ?? []), ...(networks.ipv6 ?? [])]) {
      steps.push(() => {
        const error = collector.addFromAnnotation(network.fromPoolAnnotation, objects);
        if (error) return error;
        if (network.fromPoolRef?.name) return collector.addPoolRef(network.fromPoolRef);
        return collector.addName(network.ipAddressFromIPPool);
      });
      for (const route of network.routes ?? []) routeSteps(route, true);
    }
    for (const network of [
      ...(networks.ipv4DHCP ?? []),
      ...(networks.ipv6DHCP ?? []),
      ...(networks.ipv6SLAAC ?? []),
    ]) {
      for (const route of network.routes ?? []) routeSteps(route, false);
    }
    steps.push(() => collector.addName(networkData.services?.dnsFromIPPool));
  }
  for (const step of steps) {
    const error = step();
    if (error) return { ok: false, error, pools: collector.pools };
  }
  return { ok: true, pools: collector.pools };
}
