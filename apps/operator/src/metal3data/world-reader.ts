// What the Metal3Data reconciler reads before asking ipam-core's CAPM3 model what to do: the
// CAPM3/CAPI chain from the informer caches; the Machine, host, claims and secrets live (a stale
// cache must never make us create a second claim for a pool, or render twice).
import {
  Labels,
  bmhNameFromMetal3Machine,
  claimKey,
  claimLookups,
  machineNameOf,
  metal3MachineNameOf,
  releaseLookups,
  releaseSelector,
  type BareMetalHost,
  type ClaimKind,
  type Cluster,
  type IPClaim,
  type KubeObject,
  type Machine,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3DataWorld,
  type Metal3Machine,
} from '@stableip/ipam-core';
import {
  isNotFound,
  type KubeClient,
  type KubeObject as RuntimeObject,
  type ResourceClient,
  type Store,
} from '@stableip/kube-runtime';
import { IPAddressClaimResource, IPClaimResource } from '../resources';
import { BareMetalHostResource, MachineResource, SecretResource } from './resources';

/** The reads of one Metal3Data reconcile, all in the Metal3Data's namespace. */
export interface Metal3DataReads {
  cluster(namespace: string, name: string): Promise<Cluster | undefined>;
  template(namespace: string, name: string): Promise<Metal3DataTemplate | undefined>;
  dataClaim(namespace: string, name: string): Promise<Metal3DataClaim | undefined>;
  metal3Machine(namespace: string, name: string): Promise<Metal3Machine | undefined>;
  machine(namespace: string, name: string): Promise<Machine | undefined>;
  host(namespace: string, name: string): Promise<BareMetalHost | undefined>;
  claim(kind: ClaimKind, namespace: string, name: string): Promise<KubeObject | undefined>;
  claimsLabelled(namespace: string, labelSelector: string): Promise<IPClaim[]>;
  secretExists(namespace: string, name: string): Promise<boolean>;
}

export interface Metal3DataCaches {
  data: Store<Metal3Data>;
  dataClaims: Store<Metal3DataClaim>;
  templates: Store<Metal3DataTemplate>;
  metal3Machines: Store<Metal3Machine>;
  hosts: Store<BareMetalHost>;
  claims: Store<IPClaim>;
  clusters: () => Store<Cluster> | undefined;
}

export async function getOrUndefined<T extends RuntimeObject>(
  client: ResourceClient<T>,
  namespace: string,
  name: string,
): Promise<T | undefined> {
  try {
    return await client.get({ namespace, name });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Reads from the caches and the API server, as the reconciler makes them. */
export function liveReads(client: KubeClient, caches: Metal3DataCaches): Metal3DataReads {
  const claims = client.resource(IPClaimResource);
  const capiClaims = client.resource(IPAddressClaimResource);
  const machines = client.resource(MachineResource);
  const hosts = client.resource(BareMetalHostResource);
  const secrets = client.resource(SecretResource);
  const cached = <T extends RuntimeObject>(store: Store<T> | undefined, namespace: string, name: string) =>
    Promise.resolve(store?.get(`${namespace}/${name}`));
  return {
    cluster: (namespace, name) => cached(caches.clusters(), namespace, name),
    template: (namespace, name) => cached(caches.templates, namespace, name),
    dataClaim: (namespace, name) => cached(caches.dataClaims, namespace, name),
    metal3Machine: (namespace, name) => cached(caches.metal3Machines, namespace, name),
    machine: (namespace, name) => getOrUndefined(machines, namespace, name),
    host: async (namespace, name) =>
      caches.hosts.get(`${namespace}/${name}`) ?? (await getOrUndefined(hosts, namespace, name)),
    claim: (kind, namespace, name) =>
      getOrUndefined(
        (kind === 'IPClaim' ? claims : capiClaims) as ResourceClient<KubeObject>,
        namespace,
        name,
      ),
    claimsLabelled: async (namespace, labelSelector) =>
      (await claims.list({ namespace, labelSelector })).items,
    secretExists: async (namespace, name) => (await getOrUndefined(secrets, namespace, name)) !== undefined,
  };
}

/** The secrets a Metal3Data renders: named by it, else `<m3m>-metadata` / `<m3m>-networkdata`; none without a template section. */
export function secretNamesOf(
  data: Metal3Data,
  template: Metal3DataTemplate,
  metal3Machine: Metal3Machine,
): { metaData?: string; networkData?: string } {
  const present = (section: unknown) => section !== undefined && section !== null;
  return {
    ...(present(template.spec.metaData)
      ? { metaData: data.spec.metaData?.name || `${metal3Machine.metadata.name}-metadata` }
      : {}),
    ...(present(template.spec.networkData)
      ? { networkData: data.spec.networkData?.name || `${metal3Machine.metadata.name}-networkdata` }
      : {}),
  };
}

/** Everything CAPM3's reconcile reads about one Metal3Data, in the order it reads it. */
export async function readMetal3DataWorld(
  reads: Metal3DataReads,
  data: Metal3Data,
  bmhNameBasedPreallocation: boolean,
): Promise<Metal3DataWorld> {
  const namespace = data.metadata.namespace ?? '';
  const read = <T>(lookup: (namespace: string, name: string) => Promise<T | undefined>, name?: string) =>
    name ? lookup(namespace, name) : Promise.resolve(undefined);
  const cluster = await read(reads.cluster, data.metadata.labels?.[Labels.clusterName]);
  const template = await read(reads.template, data.spec?.template?.name);
  const dataClaim = await read(reads.dataClaim, data.spec?.claim?.name);
  const metal3Machine = dataClaim
    ? await read(reads.metal3Machine, metal3MachineNameOf(dataClaim))
    : undefined;
  const world: Metal3DataWorld = {
    metal3Data: data,
    ...(cluster ? { cluster } : {}),
    ...(template ? { template } : {}),
    ...(dataClaim ? { dataClaim } : {}),
    ...(metal3Machine ? { metal3Machine } : {}),
    machineRequired: true,
    bmhNameBasedPreallocation,
    claims: new Map(),
  };
  const claims = new Map<string, KubeObject>();
  const readClaims = async (lookups: ReadonlyArray<{ kind: ClaimKind; name: string }>) => {
    for (const { kind, name } of lookups) {
      const found = await reads.claim(kind, namespace, name);
      if (found) claims.set(claimKey(kind, name), found);
    }
  };
  if (data.metadata.deletionTimestamp) {
    if (!template) return world;
    await readClaims(releaseLookups(data, template));
    const labelledClaims = await reads.claimsLabelled(namespace, releaseSelector(data));
    return { ...world, claims, labelledClaims };
  }
  if (!template || !metal3Machine) return world;
  const secrets = secretNamesOf(data, template, metal3Machine);
  const secretsComplete =
    (secrets.metaData === undefined || (await reads.secretExists(namespace, secrets.metaData))) &&
    (secrets.networkData === undefined || (await reads.secretExists(namespace, secrets.networkData)));
  if (secretsComplete) return { ...world, secretsComplete };
  const machine = await read(reads.machine, machineNameOf(metal3Machine));
  const host = bmhNameFromMetal3Machine(metal3Machine);
  const bareMetalHost = host.ok ? await read(reads.host, host.name) : undefined;
  const full: Metal3DataWorld = {
    ...world,
    ...(machine ? { machine } : {}),
    ...(bareMetalHost ? { bareMetalHost } : {}),
  };
  await readClaims(claimLookups(full));
  return { ...full, claims };
}
