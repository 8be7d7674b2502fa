// The Metal3Data reconciler: CAPM3's Metal3Data controller (baremetal/metal3data_manager.go) on
// ipam-core's naming and rendering. One reconcile per Metal3Data key: ensure one claim per
// referenced pool (named per --enable-bmh-name-based-preallocation, legacy name first), read the
// addresses back (ownership by uid), render `<m3m>-metadata` / `<m3m>-networkdata`, set
// `status.ready`; on deletion release the claims (labels within the namespace, then the legacy
// name) before dropping the finalizer.
import {
  BMH_ANNOTATION,
  CAPM3_GROUP,
  Finalizers,
  Labels,
  PAUSED_ANNOTATION,
  bmhNameFromMetal3Machine,
  candidateClaimNames,
  desiredIPClaimsForMetal3Data,
  ipAddressClaimName,
  isMetal3PoolReference,
  referencedPools,
  renderMetaData,
  renderNetworkData,
  type BareMetalHost,
  type CapiIPAddress,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type KubeObject,
  type Machine,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3IPAddress,
  type Metal3Machine,
  type PoolAddress,
  type PoolReference,
} from '@stableip/ipam-core';
import {
  isAlreadyExists,
  isNotFound,
  type EventRecorder,
  type KubeClient,
  type KubeObject as RuntimeObject,
  type Logger,
  type ReconcileResult,
  type ResourceClient,
  type Store,
} from '@stableip/kube-runtime';
import {
  CapiIPAddressResource,
  IPAddressClaimResource,
  IPClaimResource,
  Metal3IPAddressResource,
} from '../resources';
import {
  BareMetalHostResource,
  CAPM3_SECRET_TYPE,
  MachineResource,
  Metal3DataResource,
  SecretResource,
  type Secret,
} from './resources';
import { toSecretYaml } from './secret-yaml';

/** CAPM3 requeues waiting Metal3Data after 30 s (watch events usually come first). */
export const REQUEUE_AFTER_MS = 30_000;

export interface Metal3DataCaches {
  data: Store<Metal3Data>;
  dataClaims: Store<Metal3DataClaim>;
  templates: Store<Metal3DataTemplate>;
  metal3Machines: Store<Metal3Machine>;
  hosts: Store<BareMetalHost>;
  claims: Store<IPClaim>;
  clusters: () => Store<Cluster> | undefined;
}

export interface Metal3DataReconcilerOptions {
  client: KubeClient;
  caches: Metal3DataCaches;
  events: EventRecorder;
  logger: Logger;
  bmhNameBasedPreallocation: boolean;
}

/** Waiting on something outside our control: requeue, no errorMessage (CAPM3's transient error). */
class Waiting extends Error {
  override readonly name = 'Waiting';
}

/** A failure CAPM3 stores in `status.errorMessage` and retries with backoff. */
class DataError extends Error {
  override readonly name = 'DataError';
}

const groupOf = (apiVersion: string | undefined) => {
  const slash = (apiVersion ?? '').indexOf('/');
  return slash < 0 ? '' : (apiVersion ?? '').slice(0, slash);
};

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;

export function ownedByUid(object: KubeObject, uid: string | undefined): boolean {
  return (object.metadata.ownerReferences ?? []).some(
    (ref) => ref.kind === 'Metal3Data' && groupOf(ref.apiVersion) === CAPM3_GROUP && ref.uid === uid,
  );
}

export class Metal3DataReconciler {
  readonly #o: Metal3DataReconcilerOptions;
  readonly #data: ResourceClient<Metal3Data>;
  readonly #claims: ResourceClient<IPClaim>;
  readonly #capiClaims: ResourceClient<IPAddressClaim>;
  readonly #addresses: ResourceClient<Metal3IPAddress>;
  readonly #capiAddresses: ResourceClient<CapiIPAddress>;
  readonly #machines: ResourceClient<Machine>;
  readonly #hosts: ResourceClient<BareMetalHost>;
  readonly #secrets: ResourceClient<Secret>;

  constructor(options: Metal3DataReconcilerOptions) {
    this.#o = options;
    const c = options.client;
    this.#data = c.resource(Metal3DataResource);
    this.#claims = c.resource(IPClaimResource);
    this.#capiClaims = c.resource(IPAddressClaimResource);
    this.#addresses = c.resource(Metal3IPAddressResource);
    this.#capiAddresses = c.resource(CapiIPAddressResource);
    this.#machines = c.resource(MachineResource);
    this.#hosts = c.resource(BareMetalHostResource);
    this.#secrets = c.resource(SecretResource);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const data = this.#o.caches.data.get(key);
    if (!data) return {};
    const log = this.#o.logger.child({ metal3data: key });
    const namespace = data.metadata.namespace ?? '';

    // As CAPM3: no cluster label or no Cluster → nothing to do; paused → come back later.
    const clusterName = data.metadata.labels?.[Labels.clusterName];
    if (!clusterName) {
      log.debug(`no ${Labels.clusterName} label; ignored`);
      return {};
    }
    const cluster = this.#o.caches.clusters()?.get(keyOf(namespace, clusterName));
    if (!cluster) {
      log.debug({ cluster: clusterName }, 'Cluster not found; waiting');
      return { requeueAfter: REQUEUE_AFTER_MS };
    }
    if (cluster.spec?.paused === true || PAUSED_ANNOTATION in (data.metadata.annotations ?? {})) {
      return { requeueAfter: REQUEUE_AFTER_MS };
    }

    if (data.metadata.deletionTimestamp) return this.#reconcileDelete(data, log);

    const current = await this.#ensureFinalizer(data);
    try {
      const ready = await this.#createSecrets(current, log);
      await this.#patchStatus(current, { ready, errorMessage: undefined });
      return {};
    } catch (error) {
      if (error instanceof Waiting) {
        log.debug({ reason: error.message }, 'waiting');
        await this.#patchStatus(current, { ready: false, errorMessage: current.status?.errorMessage });
        return { requeueAfter: REQUEUE_AFTER_MS };
      }
      if (error instanceof DataError) {
        log.info({ error: error.message }, 'Metal3Data error');
        await this.#patchStatus(current, { ready: false, errorMessage: error.message });
        this.#o.events.event(current, 'Warning', 'Metal3DataError', error.message);
        return { requeue: true };
      }
      throw error;
    }
  }

  async #ensureFinalizer(data: Metal3Data): Promise<Metal3Data> {
    const finalizers = data.metadata.finalizers ?? [];
    if (finalizers.includes(Finalizers.metal3Data)) return data;
    return this.#data.mergePatch(refOf(data), {
      metadata: {
        finalizers: [...finalizers, Finalizers.metal3Data],
        resourceVersion: data.metadata.resourceVersion,
      },
    });
  }

  async #patchStatus(
    data: Metal3Data,
    wanted: { ready: boolean; errorMessage: string | undefined },
  ): Promise<void> {
    const status = data.status ?? {};
    if ((status.ready ?? false) === wanted.ready && status.errorMessage === wanted.errorMessage) return;
    await this.#data.patchStatus(refOf(data), {
      status: { ready: wanted.ready, errorMessage: wanted.errorMessage ?? null },
    });
  }

  /** createSecrets: returns true when both secrets exist (ready), false when nothing is to render. */
  async #createSecrets(data: Metal3Data, log: Logger): Promise<boolean> {
    const { caches } = this.#o;
    const namespace = data.metadata.namespace ?? '';
    const dataName = data.metadata.name ?? '';
    const templateName = data.spec?.template?.name;
    if (!templateName) return false;
    const template = caches.templates.get(keyOf(namespace, templateName));
    if (!template) throw new Waiting('Metal3DataTemplate is not found, requeuing');
    const metal3Machine = this.#metal3MachineOf(data, template);

    const metaDataName = data.spec.metaData?.name || `${metal3Machine.metadata.name}-metadata`;
    const networkDataName = data.spec.networkData?.name || `${metal3Machine.metadata.name}-networkdata`;
    const needMetaData = template.spec.metaData !== undefined && template.spec.metaData !== null;
    const needNetworkData = template.spec.networkData !== undefined && template.spec.networkData !== null;
    const missingMetaData = needMetaData && !(await this.#secretExists(namespace, metaDataName));
    const missingNetworkData = needNetworkData && !(await this.#secretExists(namespace, networkDataName));
    if (!missingMetaData && !missingNetworkData) {
      // Existing secrets are kept so a node is re-provisioned identically; no claims are ensured.
      await this.#setSecretRefs(
        data,
        needMetaData ? metaDataName : undefined,
        needNetworkData ? networkDataName : undefined,
      );
      return true;
    }

    const machine = await this.#machineOf(metal3Machine);
    const hostName = bmhNameFromMetal3Machine(metal3Machine);
    if (!hostName.ok) throw new DataError(hostName.error.message);
    if (!hostName.name) throw new Waiting('waiting for BareMetalHost to become available');
    const host =
      caches.hosts.get(keyOf(namespace, hostName.name)) ??
      (await this.#getOrUndefined(this.#hosts, namespace, hostName.name));
    if (!host) throw new Waiting('waiting for BareMetalHost to become available');

    const addresses = await this.#addressesFromPools(data, template, metal3Machine, machine, host, log);

    const sources = { metal3Machine, bareMetalHost: host, ...(machine ? { machine } : {}) };
    const owner = {
      apiVersion: data.apiVersion || Metal3DataResource.group + '/' + Metal3DataResource.version,
      kind: 'Metal3Data',
      name: dataName,
      uid: data.metadata.uid ?? '',
      controller: true,
    };
    const secretLabels = { [Labels.clusterName]: data.metadata.labels?.[Labels.clusterName] ?? '' };
    if (missingMetaData) {
      const rendered = renderMetaData({
        metaData: template.spec.metaData,
        metal3Data: data,
        metal3Machine,
        ...(machine ? { machine } : {}),
        bareMetalHost: host,
        addresses,
      });
      if (!rendered.ok) throw new DataError(rendered.error.message);
      await this.#createSecret(
        namespace,
        metaDataName,
        'metaData',
        rendered.value ?? {},
        secretLabels,
        owner,
      );
    }
    if (missingNetworkData) {
      const rendered = renderNetworkData(template.spec.networkData, addresses, sources);
      if (!rendered.ok) throw new DataError(rendered.error.message);
      await this.#createSecret(
        namespace,
        networkDataName,
        'networkData',
        rendered.value ?? {},
        secretLabels,
        owner,
      );
    }
    await this.#setSecretRefs(
      data,
      needMetaData ? metaDataName : undefined,
      needNetworkData ? networkDataName : undefined,
    );
    log.info({ host: hostName.name, pools: [...addresses.keys()] }, 'Metal3Data reconciled');
    return true;
  }

  /** getM3Machine: the Metal3DataClaim's Metal3Machine owner (group checked, uid not: clusterctl move). */
  #metal3MachineOf(data: Metal3Data, template: Metal3DataTemplate): Metal3Machine {
    const { caches } = this.#o;
    const namespace = data.metadata.namespace ?? '';
    const claimName = data.spec.claim?.name;
    if (!claimName) throw new DataError('Metal3DataClaim name not set');
    const dataClaim = caches.dataClaims.get(keyOf(namespace, claimName));
    if (!dataClaim) throw new Waiting(`Metal3DataClaim ${claimName} not found`);
    const ref = (dataClaim.metadata.ownerReferences ?? []).find(
      (owner) => owner.kind === 'Metal3Machine' && groupOf(owner.apiVersion) === CAPM3_GROUP,
    );
    if (!ref) throw new DataError('Metal3Machine not found in owner references');
    const machine = caches.metal3Machines.get(keyOf(namespace, ref.name));
    const wanted = machine?.spec?.dataTemplate;
    if (
      !machine ||
      wanted?.name !== template.metadata.name ||
      (wanted?.namespace && wanted.namespace !== namespace)
    ) {
      throw new DataError('metal3Machine associated with Metal3DataTemplate is not found');
    }
    return machine;
  }

  async #machineOf(metal3Machine: Metal3Machine): Promise<Machine> {
    const ref = (metal3Machine.metadata.ownerReferences ?? []).find(
      (owner) => owner.kind === 'Machine' && groupOf(owner.apiVersion) === 'cluster.x-k8s.io',
    );
    if (!ref) throw new Waiting('waiting for Machine Controller to set OwnerRef on Metal3Machine');
    const machine = await this.#getOrUndefined(
      this.#machines,
      metal3Machine.metadata.namespace ?? '',
      ref.name,
    );
    if (!machine) throw new Waiting('waiting for Machine Controller to set OwnerRef on Metal3Machine');
    return machine;
  }

  /**
   * getAddressesFromPool: ensure every claim first, then read each back. Any claim not yet served
   * (or held by another owner) makes the whole call wait; the first claim error fails it.
   */
  async #addressesFromPools(
    data: Metal3Data,
    template: Metal3DataTemplate,
    metal3Machine: Metal3Machine,
    machine: Machine | undefined,
    host: BareMetalHost,
    log: Logger,
  ): Promise<Map<string, PoolAddress>> {
    const namespace = data.metadata.namespace ?? '';
    const dataName = data.metadata.name ?? '';
    const hostName = host.metadata.name ?? '';
    const sources = { metal3Machine, bareMetalHost: host, ...(machine ? { machine } : {}) };
    const collected = referencedPools(template, sources);
    if (!collected.ok) throw new DataError(collected.error.message);

    // The claims that exist under any name CAPM3 looks up, read live: a stale cache must never
    // make us create a second claim for a pool.
    const existing = new Map<string, KubeObject>();
    for (const pool of collected.pools.values()) {
      const names = isMetal3PoolReference(pool)
        ? candidateClaimNames({ metal3DataName: dataName, bmhName: hostName, poolName: pool.name })
        : [ipAddressClaimName(dataName, pool.name)];
      for (const name of names) {
        const client = isMetal3PoolReference(pool) ? this.#claims : this.#capiClaims;
        const found = await this.#getOrUndefined(client as ResourceClient<KubeObject>, namespace, name);
        if (found) {
          existing.set(`${isMetal3PoolReference(pool) ? 'IPClaim' : 'IPAddressClaim'}/${name}`, found);
          break; // legacy name first: the first hit is the one CAPM3 uses
        }
      }
    }
    const desired = desiredIPClaimsForMetal3Data({
      metal3Data: data,
      template,
      metal3Machine,
      bareMetalHost: host,
      ...(machine ? { machine } : {}),
      bmhNameBasedPreallocation: this.#o.bmhNameBasedPreallocation,
      existingIPClaimNames: new Set(
        [...existing.keys()].filter((k) => k.startsWith('IPClaim/')).map((k) => k.slice('IPClaim/'.length)),
      ),
      existingIPAddressClaimNames: new Set(
        [...existing.keys()]
          .filter((k) => k.startsWith('IPAddressClaim/'))
          .map((k) => k.slice('IPAddressClaim/'.length)),
      ),
    });
    if (!desired.ok) {
      if (desired.waiting) throw new Waiting(desired.reason);
      throw new DataError(desired.error.message);
    }

    // Our label on the Metal3Data (and upstream's data-name/pool-name when claims are created).
    const wantedLabels = { ...desired.metal3DataLabels, [Labels.bareMetalHost]: hostName };
    await this.#setLabels(data, wantedLabels);

    for (const claim of desired.ipClaims) {
      const created = await this.#createClaim(this.#claims as ResourceClient<KubeObject>, claim, log);
      if (created) existing.set(`IPClaim/${claim.metadata.name}`, created);
    }
    for (const claim of desired.ipAddressClaims) {
      const created = await this.#createClaim(this.#capiClaims as ResourceClient<KubeObject>, claim, log);
      if (created) existing.set(`IPAddressClaim/${claim.metadata.name}`, created);
    }

    const addresses = new Map<string, PoolAddress>();
    const waitingFor: string[] = [];
    for (const decision of desired.decisions) {
      const claim = existing.get(`${decision.claimKind}/${decision.name}`);
      const outcome =
        decision.claimKind === 'IPClaim'
          ? await this.#addressFromM3Claim(data, decision.pool, claim as IPClaim | undefined, log)
          : await this.#addressFromCapiClaim(namespace, claim as IPAddressClaim | undefined);
      if (outcome === undefined) waitingFor.push(decision.pool.name);
      else addresses.set(decision.pool.name, outcome);
    }
    if (waitingFor.length > 0) throw new Waiting(`waiting for addresses from ${waitingFor.join(', ')}`);
    return addresses;
  }

  async #createClaim(
    client: ResourceClient<KubeObject>,
    claim: KubeObject,
    log: Logger,
  ): Promise<KubeObject | undefined> {
    try {
      const created = await client.create(claim);
      log.info({ claim: claim.metadata.name, kind: claim.kind }, 'claim created');
      return created;
    } catch (error) {
      if (isAlreadyExists(error)) return undefined; // someone else won the name: read it next time
      throw error;
    }
  }

  /** addressFromM3Claim, with ownership decided by uid only (CAPM3 PR #1361). */
  async #addressFromM3Claim(
    data: Metal3Data,
    pool: PoolReference,
    claim: IPClaim | undefined,
    log: Logger,
  ): Promise<PoolAddress | undefined> {
    if (!claim) return undefined;
    const owned = ownedByUid(claim, data.metadata.uid);
    if (!owned) {
      if (claim.metadata.deletionTimestamp) {
        // A foreign claim on its way out: drop our finalizer so it goes faster, then wait.
        await this.#dropFinalizer(this.#claims as ResourceClient<KubeObject>, claim);
        return undefined;
      }
      const holder =
        (claim.metadata.ownerReferences ?? []).find((r) => r.controller) ??
        claim.metadata.ownerReferences?.[0];
      const message = `IPClaim ${claim.metadata.name} for IPPool ${pool.name} exists but is not owned by this Metal3Data${
        holder ? ` (owner ${holder.kind} ${holder.name})` : ''
      }; waiting until it is deleted`;
      log.info({ claim: claim.metadata.name }, message);
      this.#o.events.event(data, 'Warning', 'IPClaimNameTaken', message);
      return undefined;
    }
    if (claim.status?.errorMessage) {
      throw new DataError(`IP Allocation for ${pool.name} failed : ${claim.status.errorMessage}`);
    }
    const addressName = claim.status?.address?.name;
    if (!addressName) return undefined;
    const address = await this.#getOrUndefined(this.#addresses, data.metadata.namespace ?? '', addressName);
    if (!address) return undefined;
    const prefix = address.spec.prefix ?? 0;
    if (prefix < -(2 ** 31) || prefix >= 2 ** 31) throw new DataError(`prefix out of range: ${prefix}`);
    return {
      address: address.spec.address,
      prefix,
      gateway: address.spec.gateway ?? '',
      dnsServers: address.spec.dnsServers ?? [],
    };
  }

  /** addressFromClaim (Cluster API IPAM). */
  async #addressFromCapiClaim(
    namespace: string,
    claim: IPAddressClaim | undefined,
  ): Promise<PoolAddress | undefined> {
    if (!claim || claim.metadata.deletionTimestamp) return undefined;
    const addressName = claim.status?.addressRef?.name;
    if (!addressName) return undefined;
    const address = await this.#getOrUndefined(this.#capiAddresses, namespace, addressName);
    if (!address) return undefined;
    return {
      address: address.spec.address,
      prefix: address.spec.prefix ?? 0,
      gateway: address.spec.gateway ?? '',
    };
  }

  async #setLabels(data: Metal3Data, wanted: Record<string, string>): Promise<void> {
    const current = data.metadata.labels ?? {};
    const patch: Record<string, string> = {};
    for (const [key, value] of Object.entries(wanted)) if (current[key] !== value) patch[key] = value;
    if (Object.keys(patch).length === 0) return;
    const updated = await this.#data.mergePatch(refOf(data), { metadata: { labels: patch } });
    data.metadata.labels = updated.metadata.labels ?? {};
  }

  async #setSecretRefs(
    data: Metal3Data,
    metaData: string | undefined,
    networkData: string | undefined,
  ): Promise<void> {
    const namespace = data.metadata.namespace ?? '';
    const spec: Record<string, unknown> = {};
    if (metaData && data.spec.metaData?.name !== metaData) spec['metaData'] = { name: metaData, namespace };
    if (networkData && data.spec.networkData?.name !== networkData)
      spec['networkData'] = { name: networkData, namespace };
    if (Object.keys(spec).length > 0) await this.#data.mergePatch(refOf(data), { spec });
  }

  async #secretExists(namespace: string, name: string): Promise<boolean> {
    return (await this.#getOrUndefined(this.#secrets, namespace, name)) !== undefined;
  }

  async #createSecret(
    namespace: string,
    name: string,
    dataKey: 'metaData' | 'networkData',
    document: unknown,
    labels: Record<string, string>,
    owner: { apiVersion: string; kind: string; name: string; uid: string; controller: boolean },
  ): Promise<void> {
    try {
      await this.#secrets.create({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, namespace, labels, ownerReferences: [owner] },
        type: CAPM3_SECRET_TYPE,
        data: { [dataKey]: Buffer.from(toSecretYaml(document)).toString('base64') },
      });
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
    }
  }

  // ---- deletion ------------------------------------------------------------------------------

  async #reconcileDelete(data: Metal3Data, log: Logger): Promise<ReconcileResult> {
    const { caches } = this.#o;
    if (!data.metadata.finalizers?.includes(Finalizers.metal3Data)) return {};
    const namespace = data.metadata.namespace ?? '';
    const claimName = data.spec?.claim?.name;
    if (claimName && caches.dataClaims.get(keyOf(namespace, claimName))) {
      // CAPM3 #1478: release only once the Metal3DataClaim is gone.
      return { requeueAfter: REQUEUE_AFTER_MS };
    }
    const templateName = data.spec?.template?.name;
    if (templateName) {
      const template = caches.templates.get(keyOf(namespace, templateName));
      if (!template) return { requeueAfter: REQUEUE_AFTER_MS };
      // Without the machine and host, annotation-selected pools are skipped, as upstream does.
      for (const pool of referencedPools(template).pools.values()) await this.#releasePool(data, pool, log);
    }
    const finalizers = (data.metadata.finalizers ?? []).filter((f) => f !== Finalizers.metal3Data);
    await this.#data.mergePatch(refOf(data), {
      metadata: {
        finalizers: finalizers.length > 0 ? finalizers : null,
        resourceVersion: data.metadata.resourceVersion,
      },
    });
    log.info('Metal3Data released');
    return {};
  }

  /** ReleaseLeases for one pool: labelled claims in the namespace, then the legacy name. */
  async #releasePool(data: Metal3Data, pool: PoolReference, log: Logger): Promise<void> {
    const namespace = data.metadata.namespace ?? '';
    const dataName = data.metadata.name ?? '';
    const legacy = ipAddressClaimName(dataName, pool.name);
    if (isMetal3PoolReference(pool)) {
      const labelled = await this.#claims.list({
        namespace,
        labelSelector: `${Labels.dataName}=${dataName},${Labels.poolName}=${pool.name}`,
      });
      for (const claim of labelled.items)
        await this.#release(this.#claims as ResourceClient<KubeObject>, claim, log);
      const byName = await this.#getOrUndefined(this.#claims, namespace, legacy);
      if (byName) await this.#release(this.#claims as ResourceClient<KubeObject>, byName, log);
    } else {
      const byName = await this.#getOrUndefined(this.#capiClaims, namespace, legacy);
      if (byName) await this.#release(this.#capiClaims as ResourceClient<KubeObject>, byName, log);
    }
  }

  /** Finalizer first, then delete (a claim is never left deleting with our finalizer on it). */
  async #release(client: ResourceClient<KubeObject>, claim: KubeObject, log: Logger): Promise<void> {
    await this.#dropFinalizer(client, claim);
    try {
      await client.delete(refOf(claim));
      log.info({ claim: claim.metadata.name, kind: claim.kind }, 'claim released');
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async #dropFinalizer(client: ResourceClient<KubeObject>, claim: KubeObject): Promise<void> {
    const finalizers = claim.metadata.finalizers ?? [];
    if (!finalizers.includes(Finalizers.metal3Data)) return;
    const remaining = finalizers.filter((f) => f !== Finalizers.metal3Data);
    try {
      await client.mergePatch(refOf(claim), {
        metadata: {
          finalizers: remaining.length > 0 ? remaining : null,
          resourceVersion: claim.metadata.resourceVersion,
        },
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async #getOrUndefined<T extends RuntimeObject>(
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
}

function refOf(object: KubeObject): { namespace: string; name: string } {
  return { namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' };
}

/** The host a Metal3Machine names, for mapping host events (namespace part ignored, as CAPM3). */
export function hostOfMetal3Machine(machine: Metal3Machine): string | undefined {
  if (!machine.metadata.annotations?.[BMH_ANNOTATION]) return undefined;
  const host = bmhNameFromMetal3Machine(machine);
  return host.ok ? host.name : undefined;
}
