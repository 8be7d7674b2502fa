// The Metal3Data reconciler: CAPM3's Metal3Data controller (baremetal/metal3data_manager.go). It
// reads the world of one Metal3Data (caches, live claims and secrets), asks ipam-core's CAPM3
// model what to do (the same decisions `stableip plan` predicts with), and writes: claims, the
// labels, the rendered `<m3m>-metadata` / `<m3m>-networkdata` secrets, `status.ready`; on
// deletion the model's releases, then the finalizer.
import {
  BMH_ANNOTATION,
  Finalizers,
  Labels,
  bmhNameFromMetal3Machine,
  claimFailure,
  decideMetal3Data,
  renderMetaData,
  renderNetworkData,
  type CapiIPAddress,
  type ClaimRelease,
  type IPAddressClaim,
  type IPClaim,
  type KubeObject,
  type Metal3Data,
  type Metal3DataDecision,
  type Metal3IPAddress,
  type Metal3Machine,
  type PoolAddress,
  type PoolClaimDecision,
} from '@stableip/ipam-core';
import {
  isAlreadyExists,
  isNotFound,
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ReconcileResult,
  type ResourceClient,
} from '@stableip/kube-runtime';
import {
  CapiIPAddressResource,
  IPAddressClaimResource,
  IPClaimResource,
  Metal3IPAddressResource,
} from '../resources';
import { CAPM3_SECRET_TYPE, Metal3DataResource, SecretResource, type Secret } from './resources';
import { toSecretYaml } from './secret-yaml';
import {
  getOrUndefined,
  liveReads,
  readMetal3DataWorld,
  secretNamesOf,
  type Metal3DataCaches,
  type Metal3DataReads,
} from './world-reader';

export type { Metal3DataCaches } from './world-reader';

/** CAPM3 requeues waiting Metal3Data after 30 s (watch events usually come first). */
export const REQUEUE_AFTER_MS = 30_000;

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

export class Metal3DataReconciler {
  readonly #o: Metal3DataReconcilerOptions;
  readonly #data: ResourceClient<Metal3Data>;
  readonly #claims: ResourceClient<IPClaim>;
  readonly #capiClaims: ResourceClient<IPAddressClaim>;
  readonly #addresses: ResourceClient<Metal3IPAddress>;
  readonly #capiAddresses: ResourceClient<CapiIPAddress>;
  readonly #reads: Metal3DataReads;
  readonly #secrets: ResourceClient<Secret>;

  constructor(options: Metal3DataReconcilerOptions) {
    this.#o = options;
    const c = options.client;
    this.#data = c.resource(Metal3DataResource);
    this.#claims = c.resource(IPClaimResource);
    this.#capiClaims = c.resource(IPAddressClaimResource);
    this.#addresses = c.resource(Metal3IPAddressResource);
    this.#capiAddresses = c.resource(CapiIPAddressResource);
    this.#secrets = c.resource(SecretResource);
    this.#reads = liveReads(c, options.caches);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const data = this.#o.caches.data.get(key);
    if (!data) return {};
    const log = this.#o.logger.child({ metal3data: key });
    const deleting = Boolean(data.metadata.deletionTimestamp);
    const world = await readMetal3DataWorld(this.#reads, data, this.#o.bmhNameBasedPreallocation);
    const decision = decideMetal3Data(world);
    switch (decision.kind) {
      case 'ignore':
        log.debug({ reason: decision.reason }, 'ignored');
        return {};
      case 'wait':
        log.debug({ reason: decision.reason }, 'waiting');
        if (!deleting)
          await this.#patchStatus(data, { ready: false, errorMessage: data.status?.errorMessage });
        return { requeueAfter: REQUEUE_AFTER_MS };
      case 'release':
        return this.#release(data, decision.claims, log);
      default:
    }
    const current = await this.#ensureFinalizer(data);
    try {
      if (decision.kind === 'fail') throw new DataError(decision.message);
      const ready = await this.#createSecrets(current, decision, log);
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

  /** createSecrets: claims first, addresses read back, then `<m3m>-metadata` / `<m3m>-networkdata`. */
  async #createSecrets(
    data: Metal3Data,
    decision: Extract<Metal3DataDecision, { kind: 'ensure' | 'ready' }>,
    log: Logger,
  ): Promise<boolean> {
    const namespace = data.metadata.namespace ?? '';
    const { template, metal3Machine } = decision;
    const secrets = secretNamesOf(data, template, metal3Machine);
    if (decision.kind === 'ready') {
      // Existing secrets are kept so a node is re-provisioned identically; no claims are ensured.
      await this.#setSecretRefs(data, secrets.metaData, secrets.networkData);
      return true;
    }
    const host = decision.bareMetalHost;
    const machine = decision.machine;
    const addresses = await this.#addressesFromPools(data, decision, log);

    const sources = { metal3Machine, bareMetalHost: host, ...(machine ? { machine } : {}) };
    const owner = {
      apiVersion: data.apiVersion || Metal3DataResource.group + '/' + Metal3DataResource.version,
      kind: 'Metal3Data',
      name: data.metadata.name ?? '',
      uid: data.metadata.uid ?? '',
      controller: true,
    };
    const secretLabels = { [Labels.clusterName]: data.metadata.labels?.[Labels.clusterName] ?? '' };
    if (secrets.metaData !== undefined && !(await this.#reads.secretExists(namespace, secrets.metaData))) {
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
        secrets.metaData,
        'metaData',
        rendered.value ?? {},
        secretLabels,
        owner,
      );
    }
    if (
      secrets.networkData !== undefined &&
      !(await this.#reads.secretExists(namespace, secrets.networkData))
    ) {
      const rendered = renderNetworkData(template.spec.networkData, addresses, sources);
      if (!rendered.ok) throw new DataError(rendered.error.message);
      await this.#createSecret(
        namespace,
        secrets.networkData,
        'networkData',
        rendered.value ?? {},
        secretLabels,
        owner,
      );
    }
    await this.#setSecretRefs(data, secrets.metaData, secrets.networkData);
    log.info({ host: decision.host, pools: [...addresses.keys()] }, 'Metal3Data reconciled');
    return true;
  }

  /**
   * getAddressesFromPool: apply the model's claim decisions (create, strip a foreign deleting
   * claim's finalizer), then read each address back. Any claim not yet served (or held by another
   * owner) makes the whole call wait; the first claim error fails it.
   */
  async #addressesFromPools(
    data: Metal3Data,
    decision: Extract<Metal3DataDecision, { kind: 'ensure' }>,
    log: Logger,
  ): Promise<Map<string, PoolAddress>> {
    const namespace = data.metadata.namespace ?? '';
    // Our label on the Metal3Data (and upstream's data-name/pool-name when claims are created).
    await this.#setLabels(data, decision.metal3DataLabels);
    const failure = claimFailure(decision.pools);
    if (failure !== undefined) throw new DataError(failure);

    const addresses = new Map<string, PoolAddress>();
    const waitingFor: string[] = [];
    for (const pool of decision.pools) {
      let claim: KubeObject | undefined;
      if (pool.action === 'create') {
        const client = (
          pool.kind === 'IPClaim' ? this.#claims : this.#capiClaims
        ) as ResourceClient<KubeObject>;
        claim = await this.#createClaim(client, pool.claim, log);
      } else if (pool.action === 'use') {
        claim = pool.claim;
      } else {
        await this.#waitForClaim(data, pool, log);
      }
      const outcome =
        claim === undefined
          ? undefined
          : pool.kind === 'IPClaim'
            ? await this.#addressFromM3Claim(namespace, claim as IPClaim)
            : await this.#addressFromCapiClaim(namespace, claim as IPAddressClaim);
      if (outcome === undefined) waitingFor.push(pool.pool.name);
      else addresses.set(pool.pool.name, outcome);
    }
    if (waitingFor.length > 0) throw new Waiting(`waiting for addresses from ${waitingFor.join(', ')}`);
    return addresses;
  }

  /** A claim of the right name held by someone else: speed a deleting one up, report a live one. */
  async #waitForClaim(
    data: Metal3Data,
    pool: Extract<PoolClaimDecision, { action: 'wait' }>,
    log: Logger,
  ): Promise<void> {
    const client = (pool.kind === 'IPClaim' ? this.#claims : this.#capiClaims) as ResourceClient<KubeObject>;
    if (pool.stripFinalizer) await this.#dropFinalizer(client, pool.claim);
    if (pool.why !== 'ownedByOther') return;
    const holder =
      (pool.claim.metadata.ownerReferences ?? []).find((r) => r.controller) ??
      pool.claim.metadata.ownerReferences?.[0];
    const message = `IPClaim ${pool.name} for IPPool ${pool.pool.name} exists but is not owned by this Metal3Data${
      holder ? ` (owner ${holder.kind} ${holder.name})` : ''
    }; waiting until it is deleted`;
    log.info({ claim: pool.name }, message);
    this.#o.events.event(data, 'Warning', 'IPClaimNameTaken', message);
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

  /** addressFromM3Claim for a claim the model found owned by this Metal3Data (or just created). */
  async #addressFromM3Claim(namespace: string, claim: IPClaim): Promise<PoolAddress | undefined> {
    const addressName = claim.status?.address?.name;
    if (!addressName) return undefined;
    const address = await getOrUndefined(this.#addresses, namespace, addressName);
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
    const address = await getOrUndefined(this.#capiAddresses, namespace, addressName);
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

  /** ReleaseLeases: the model's claims (finalizer off, then delete), then our finalizer off. */
  async #release(data: Metal3Data, releases: readonly ClaimRelease[], log: Logger): Promise<ReconcileResult> {
    for (const { kind, claim } of releases) {
      const client = (kind === 'IPClaim' ? this.#claims : this.#capiClaims) as ResourceClient<KubeObject>;
      await this.#releaseClaim(client, claim, log);
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

  /** Finalizer first, then delete (a claim is never left deleting with our finalizer on it). */
  async #releaseClaim(client: ResourceClient<KubeObject>, claim: KubeObject, log: Logger): Promise<void> {
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
