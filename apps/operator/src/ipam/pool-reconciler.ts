// The IPPool reconciler: one reconcile per pool key ("namespace/name"). It reads the pool's
// objects from the informer caches (plus our own not-yet-cached writes), asks ipam-core's planner
// what ip-address-manager would write, and applies the difference. Every allocation decision
// comes from ipam-core; this file only reads, diffs, writes and reports.
import {
  plan,
  type CapiIPAddress,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type KubeObject,
  type Metal3IPAddress,
  type PlanWarning,
} from '@stableip/ipam-core';
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type EventRecorder,
  type KubeClient,
  type Logger,
  type ReconcileResult,
  type ResourceClient,
  type Store,
} from '@stableip/kube-runtime';
import {
  CapiIPAddressResource,
  IPAddressClaimResource,
  IPClaimResource,
  IPPoolResource,
  Metal3IPAddressResource,
  type WrittenKind,
} from '../resources';
import { planToWrites, refKey, refOf, type WriteOp } from './diff';
import { createMergePatch } from './merge-patch';
import type { IpamMetrics } from './metrics';
import { desiredPoolStatus, poolConditions, type CapacityStatus, type PoolHealth } from './pool-status';
import { RecentWrites } from './recent-writes';

/** Indexes the reconciler needs on the informer stores. */
export const Indexes = {
  namespace: 'namespace',
  /** IPClaim / IPAddressClaim → "namespace/pool". */
  pool: 'pool',
  /** IPPool → "namespace/clusterName". */
  cluster: 'cluster',
} as const;

export interface IpamCaches {
  pools: Store<IPPool>;
  claims: Store<IPClaim>;
  addresses: Store<Metal3IPAddress>;
  /** Absent while the Cluster API IPAM CRDs are not installed. */
  capiClaims?: () => Store<IPAddressClaim> | undefined;
  capiAddresses?: () => Store<CapiIPAddress> | undefined;
  clusters?: () => Store<Cluster> | undefined;
}

/** Our writes the caches may not show yet, one table per written kind. */
export class IpamRecentWrites {
  readonly byKind: Record<WrittenKind, RecentWrites<KubeObject>> = {
    IPPool: new RecentWrites(),
    IPClaim: new RecentWrites(),
    Metal3IPAddress: new RecentWrites(),
    IPAddressClaim: new RecentWrites(),
    CapiIPAddress: new RecentWrites(),
  };
}

export interface PoolReconcilerOptions {
  client: KubeClient;
  caches: IpamCaches;
  recent: IpamRecentWrites;
  events: EventRecorder;
  metrics: IpamMetrics;
  logger: Logger;
  /** Parallel write chains inside one pool reconcile (claims are independent). */
  writeConcurrency?: number;
  now?: () => Date;
  random?: () => number;
}

/** Upstream requeues a paused pool after 30 s. */
export const PAUSED_REQUEUE_MS = 30_000;

type Outcome = { ok: true } | { ok: false; transient: boolean; error: unknown; op: WriteOp };

export class PoolReconciler {
  readonly #o: Required<Omit<PoolReconcilerOptions, 'random'>> & Pick<PoolReconcilerOptions, 'random'>;
  readonly #clients: Record<WrittenKind, ResourceClient<KubeObject>>;

  constructor(options: PoolReconcilerOptions) {
    this.#o = { writeConcurrency: 16, now: () => new Date(), ...options };
    const c = options.client;
    this.#clients = {
      IPPool: c.resource(IPPoolResource) as unknown as ResourceClient<KubeObject>,
      IPClaim: c.resource(IPClaimResource) as unknown as ResourceClient<KubeObject>,
      Metal3IPAddress: c.resource(Metal3IPAddressResource) as unknown as ResourceClient<KubeObject>,
      IPAddressClaim: c.resource(IPAddressClaimResource) as unknown as ResourceClient<KubeObject>,
      CapiIPAddress: c.resource(CapiIPAddressResource) as unknown as ResourceClient<KubeObject>,
    };
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const { caches, recent } = this.#o;
    const log = this.#o.logger.child({ pool: key });
    const pool = recent.byKind.IPPool.resolve(namespace, name, caches.pools.get(key)) as IPPool | undefined;
    if (!pool) {
      this.#o.metrics.forgetPool(namespace, name);
      return {};
    }

    const snapshot = this.#snapshot(pool, namespace, name);
    const nowDate = this.#o.now();
    const now = nowDate.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const result = plan(
      {
        ipPools: [pool],
        ipClaims: snapshot.ipClaims,
        ipAddresses: snapshot.ipAddresses,
        ipAddressClaims: snapshot.ipAddressClaims,
        capiIPAddresses: snapshot.capiIPAddresses,
        clusters: snapshot.clusters,
      },
      this.#o.random ? { random: this.#o.random } : {},
    );
    const writes = planToWrites(result, snapshot.originals, now);

    // Apply: pool metadata, then the claims' chains in parallel, then the pool's release.
    const failures: Array<Extract<Outcome, { ok: false }>> = [];
    for (const op of writes.before) {
      const outcome = await this.#apply(op, log);
      if (!outcome.ok) failures.push(outcome);
    }
    if (failures.length === 0) {
      await runLimited(writes.chains, this.#o.writeConcurrency, async (chain) => {
        for (const op of chain) {
          const outcome = await this.#apply(op, log);
          if (!outcome.ok) {
            failures.push(outcome);
            return;
          }
        }
      });
    }
    let poolGone = false;
    if (failures.length === 0) {
      for (const op of writes.after) {
        const outcome = await this.#apply(op, log);
        if (!outcome.ok) failures.push(outcome);
        else if (op.op === 'release' && op.finalizers.length === 0) poolGone = true;
      }
    }

    // Warnings → health, events.
    const health = this.#health(pool, result.warnings, snapshot.samePrefixPools);
    this.#report(pool, result.warnings, writes.chains.flat(), snapshot.originals);

    // Pool status: planner's indexes + stableip's counters and conditions, written only on change.
    const plannedPool = (result.items.find((item) => item.kind === 'IPPool') as IPPool | undefined) ?? pool;
    const released = writes.chains
      .flat()
      .some((op) => op.op === 'release' && (op.kind === 'IPClaim' || op.kind === 'IPAddressClaim'));
    const status = desiredPoolStatus({
      read: pool,
      indexes: plannedPool.status?.indexes,
      releasedClaims: released,
      conditions: poolConditions(pool, health),
      now,
    });
    this.#o.metrics.setPool(namespace, name, status['capacity'] as CapacityStatus);
    if (!poolGone && failures.length === 0) {
      const patch = createMergePatch(
        pool.status as Record<string, unknown> | undefined,
        status as Record<string, unknown>,
      );
      if (patch) {
        const outcome = await this.#apply(
          { kind: 'IPPool', namespace, name, op: 'patchStatus', patch: { status: patch } },
          log,
        );
        if (!outcome.ok) failures.push(outcome);
      }
    }

    const permanent = failures.find((f) => !f.transient);
    if (permanent) throw permanent.error;
    if (failures.length > 0) {
      log.debug(
        { failures: failures.length, first: describe(failures[0]!) },
        'transient write failures; requeue',
      );
      return { requeue: true };
    }
    if (writes.deferredClaims.length > 0) {
      log.debug(
        { claims: writes.deferredClaims },
        'address re-used in the same pass; allocating on the next reconcile',
      );
      return { requeue: true };
    }
    if (health.paused) return { requeueAfter: PAUSED_REQUEUE_MS };
    if (health.takenAddressNames.length > 0) return { requeue: true };
    return {};
  }

  #snapshot(pool: IPPool, namespace: string, name: string) {
    const { caches, recent } = this.#o;
    const poolKey = `${namespace}/${name}`;
    const prefix = pool.spec.namePrefix ?? '';
    const originals = new Map<string, KubeObject>();
    const remember = <T extends KubeObject>(objects: T[]): T[] => {
      for (const object of objects) {
        const ref = refOf(object);
        if (ref) originals.set(refKey(ref), object);
      }
      return objects;
    };
    remember([pool]);
    const inPool = (object: KubeObject) => object.metadata.namespace === namespace;

    const ipClaims = remember(
      recent.byKind.IPClaim.overlay(
        namespace,
        caches.claims.byIndex(Indexes.pool, poolKey),
        (c) => claimPoolKey(c as IPClaim) === poolKey,
      ) as IPClaim[],
    ).map(retryableIPClaim);
    const capiClaimStore = caches.capiClaims?.();
    const ipAddressClaims = capiClaimStore
      ? remember(
          recent.byKind.IPAddressClaim.overlay(
            namespace,
            capiClaimStore.byIndex(Indexes.pool, poolKey),
            (c) => capiClaimPoolKey(c as IPAddressClaim) === poolKey,
          ) as IPAddressClaim[],
        ).map(retryableCapiClaim)
      : [];
    // Addresses of this pool, plus any whose name this pool's prefix could produce: the planner then
    // sees a name taken by another pool instead of discovering it through a failed create.
    const relevant = (address: Metal3IPAddress | CapiIPAddress, poolName: string | undefined) =>
      poolName === name || (prefix !== '' && (address.metadata.name ?? '').startsWith(prefix));
    const ipAddresses = remember(
      recent.byKind.Metal3IPAddress.overlay(
        namespace,
        caches.addresses.byIndex(Indexes.namespace, namespace),
        inPool,
      ) as Metal3IPAddress[],
    ).filter((a) => relevant(a, a.spec?.pool?.name));
    const capiAddressStore = caches.capiAddresses?.();
    const capiIPAddresses = capiAddressStore
      ? remember(
          recent.byKind.CapiIPAddress.overlay(
            namespace,
            capiAddressStore.byIndex(Indexes.namespace, namespace),
            inPool,
          ) as CapiIPAddress[],
        ).filter((a) => relevant(a, a.spec?.poolRef?.name))
      : [];
    const clusterName = pool.spec.clusterName;
    const cluster = clusterName ? caches.clusters?.()?.get(`${namespace}/${clusterName}`) : undefined;
    const samePrefixPools = caches.pools
      .byIndex(Indexes.namespace, namespace)
      .filter(
        (other) =>
          other.metadata.name !== name &&
          other.spec?.namePrefix === prefix &&
          !other.metadata.deletionTimestamp,
      )
      .map((other) => other.metadata.name ?? '')
      .sort();
    return {
      originals,
      ipClaims,
      ipAddressClaims,
      ipAddresses,
      capiIPAddresses,
      clusters: cluster ? [cluster] : [],
      samePrefixPools,
    };
  }

  #health(pool: IPPool, warnings: PlanWarning[], samePrefixPools: string[]): PoolHealth {
    const namespace = pool.metadata.namespace ?? '';
    const clusterMissing = warnings.some((w) => w.code === 'ClusterNotFound')
      ? `${namespace}/${pool.spec.clusterName}`
      : undefined;
    return {
      paused: warnings.some((w) => w.code === 'ClusterPaused'),
      clusterMissing,
      samePrefixPools,
      takenAddressNames: warnings
        .filter((w) => w.code === 'AddressNameConflict')
        .map((w) => /IPAddress \S+\/(\S+) already exists/.exec(w.message)?.[1] ?? w.object?.name ?? '?'),
    };
  }

  #report(
    pool: IPPool,
    warnings: PlanWarning[],
    ops: WriteOp[],
    originals: ReadonlyMap<string, KubeObject>,
  ): void {
    const { events, metrics } = this.#o;
    for (const op of ops) {
      if (op.op === 'create') {
        const spec = (op.object as Metal3IPAddress | CapiIPAddress).spec;
        const claimName = 'claim' in spec ? spec.claim.name : spec.claimRef.name;
        const claimKind: WrittenKind = op.kind === 'Metal3IPAddress' ? 'IPClaim' : 'IPAddressClaim';
        const claim = originals.get(
          refKey({ kind: claimKind, namespace: op.namespace, name: claimName ?? '' }),
        );
        if (claim)
          events.event(
            claim,
            'Normal',
            'AddressAllocated',
            `Allocated ${spec.address} (${op.name}) from IPPool ${pool.metadata.name}`,
          );
        metrics.allocations.inc({ namespace: op.namespace, pool: pool.metadata.name ?? '' });
      }
      if (op.op === 'patchStatus' && (op.kind === 'IPClaim' || op.kind === 'IPAddressClaim')) {
        const failure = failureMessage(op);
        const claim = originals.get(refKey(op));
        if (failure && claim) {
          events.event(claim, 'Warning', 'AllocationFailed', `IPPool ${pool.metadata.name}: ${failure}`);
          metrics.failures.inc({ namespace: op.namespace, pool: pool.metadata.name ?? '' });
        }
      }
    }
    for (const warning of warnings) {
      if (warning.code === 'AddressNameConflict' || warning.code === 'ClusterNotFound') {
        events.event(
          pool,
          'Warning',
          warning.code === 'AddressNameConflict' ? 'NamePrefixConflict' : 'ClusterNotFound',
          warning.message,
        );
      }
    }
  }

  async #apply(op: WriteOp, log: Logger): Promise<Outcome> {
    const client = this.#clients[op.kind];
    const recent = this.#o.recent.byKind[op.kind];
    const ref = { namespace: op.namespace, name: op.name };
    try {
      switch (op.op) {
        case 'patchMetadata':
          recent.recordWrite(await client.mergePatch(ref, op.patch));
          break;
        case 'patchStatus':
          recent.recordWrite(await client.patchStatus(ref, op.patch));
          break;
        case 'create':
          recent.recordWrite(await client.create(op.object));
          log.info({ claim: claimOf(op), address: op.name }, 'IPAddress created');
          break;
        case 'release': {
          const patched = await client.mergePatch(ref, {
            metadata: {
              finalizers: op.finalizers.length > 0 ? op.finalizers : null,
              resourceVersion: op.resourceVersion,
            },
          });
          if (op.deleteObject) {
            await client.delete(ref);
            recent.recordDeletion(op.namespace, op.name, true, patched.metadata?.uid);
          } else if (op.finalizers.length === 0) {
            recent.recordDeletion(op.namespace, op.name, true, patched.metadata?.uid);
          } else {
            recent.recordWrite(patched);
          }
          log.info(
            {
              [op.kind === 'IPClaim' || op.kind === 'IPAddressClaim' ? 'claim' : 'object']:
                `${op.namespace}/${op.name}`,
              kind: op.kind,
            },
            'released',
          );
          break;
        }
      }
      return { ok: true };
    } catch (error) {
      if (isNotFound(error) && op.op === 'release') return { ok: true };
      if (isConflict(error) || isNotFound(error)) recent.forget(op.namespace, op.name);
      // AlreadyExists is the allocation lock (someone holds the IP-derived name): requeue and plan
      // again from fresh state. Conflict / NotFound: our copy was stale.
      const transient = isAlreadyExists(error) || isConflict(error) || isNotFound(error);
      if (!transient) log.error({ err: error, op: describe({ op }) }, 'write failed');
      return { ok: false, transient, error, op };
    }
  }
}

function claimOf(op: WriteOp): string | undefined {
  if (op.op !== 'create') return undefined;
  const spec = (op.object as Metal3IPAddress | CapiIPAddress).spec;
  return `${op.namespace}/${'claim' in spec ? spec.claim.name : spec.claimRef.name}`;
}

function failureMessage(op: Extract<WriteOp, { op: 'patchStatus' }>): string | undefined {
  const status = op.patch.status;
  if (typeof status['errorMessage'] === 'string') return status['errorMessage'];
  const conditions = status['conditions'] as
    | Array<{ type: string; status: string; message?: string }>
    | undefined;
  return conditions?.find((c) => c.type === 'Ready' && c.status === 'False')?.message;
}

function describe(failure: { op: WriteOp }): string {
  const { op } = failure;
  return `${op.op} ${op.kind} ${op.namespace}/${op.name}`;
}

export function claimPoolKey(claim: IPClaim): string | undefined {
  const pool = claim.spec?.pool?.name;
  return pool ? `${claim.metadata.namespace}/${pool}` : undefined;
}

export function capiClaimPoolKey(claim: IPAddressClaim): string | undefined {
  const pool = claim.spec?.poolRef?.name;
  return pool ? `${claim.metadata.namespace}/${pool}` : undefined;
}

/**
 * Fix for ip-address-manager #1537: upstream never retries a claim whose status carries an error.
 * The planner is handed the claim without its error, so it is retried on every reconcile of its
 * pool (which runs when claims are released, the pool changes, or on resync). When it fails again
 * the planner writes the same error back, the diff against the real object is empty, and nothing
 * is written: no reconcile loop.
 */
export function retryableIPClaim(claim: IPClaim): IPClaim {
  if (claim.status?.errorMessage === undefined || claim.metadata.deletionTimestamp) return claim;
  const { errorMessage: _dropped, ...status } = claim.status;
  return { ...claim, status };
}

const FAILURE_REASONS = new Set(['AllocationFailed', 'PoolExhausted']);

export function retryableCapiClaim(claim: IPAddressClaim): IPAddressClaim {
  const conditions = claim.status?.conditions;
  if (!conditions?.length || claim.metadata.deletionTimestamp) return claim;
  if (!FAILURE_REASONS.has(conditions[0]?.reason ?? '')) return claim;
  return {
    ...claim,
    status: { ...claim.status, conditions: conditions.filter((c) => !FAILURE_REASONS.has(c.reason ?? '')) },
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
