// The IPPool reconciler: one reconcile per pool key ("namespace/name"). It reads the pool's
// objects from the shared caches (plus our own not-yet-cached writes), keeps the pool's address
// ledger in step with them, asks ipam-core's planPool what ip-address-manager would write, and has
// the applier write the difference. Every allocation decision comes from ipam-core.
import { PoolLedger, planPool, type IPPool, type PlanWarning, type PoolPlan } from '@stableip/ipam-core';
import type { Applier, EventRecorder, Logger, ReconcileResult, WriteFailure } from '@stableip/kube-runtime';
import { describeWrite } from '@stableip/kube-runtime';
import type { WrittenKind } from '../resources';
import { planToWrites, type WriteOp } from './diff';
import type { IpamMetrics } from './metrics';
import { PoolObjectsReader, type IpamCaches } from './pool-objects';
import { poolCapacity, poolConditions, poolStatusPatch, type PoolHealth } from './pool-status';

export interface PoolReconcilerOptions {
  caches: IpamCaches;
  applier: Applier<WrittenKind>;
  events: EventRecorder;
  metrics: IpamMetrics;
  logger: Logger;
  now?: () => Date;
  random?: () => number;
}

/** Upstream requeues a paused pool after 30 s. */
export const PAUSED_REQUEUE_MS = 30_000;

export class PoolReconciler {
  readonly #o: PoolReconcilerOptions;
  readonly #read: PoolObjectsReader;
  /** One ledger per pool key; a reconcile of a key never runs twice at once. */
  readonly #ledgers = new Map<string, PoolLedger>();

  constructor(options: PoolReconcilerOptions) {
    this.#o = options;
    this.#read = new PoolObjectsReader(options.caches, options.applier);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const log = this.#o.logger.child({ pool: key });
    const pool = this.#read.pool(namespace, name);
    if (!pool) {
      this.#ledgers.delete(key);
      this.#o.metrics.forgetPool(namespace, name);
      return {};
    }
    const ledger = this.#ledger(key, pool);
    this.#syncLedger(ledger, namespace, name);
    const objects = this.#read.read(pool);
    const found = (kind: 'Metal3IPAddress' | 'CapiIPAddress', addressName: string) => {
      const address = this.#read.findAddress(kind, namespace, addressName);
      if (address) objects.originals.set(`${kind}/${namespace}/${addressName}`, address);
      return address;
    };
    const result = planPool({
      pool,
      cluster: objects.cluster,
      ipClaims: objects.ipClaims,
      ipAddressClaims: objects.ipAddressClaims,
      ledger,
      findAddress: found,
    });
    const now = (this.#o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const writes = planToWrites(result, objects.originals, now);
    const report = await this.#o.applier.applyPlan(writes);
    const failures = report.failures;
    const poolGone = report.applied.some(
      (op) => op.kind === 'IPPool' && op.op === 'release' && op.finalizers.length === 0,
    );
    this.#report(pool, result, report.applied);

    const health = this.#health(pool, result.warnings, objects.samePrefixPools);
    if (!poolGone) {
      // Our writes are in the applier's recent writes now: the ledger shows what really exists.
      this.#syncLedger(ledger, namespace, name);
      const capacity = poolCapacity(ledger.capacity());
      this.#o.metrics.setPool(namespace, name, capacity);
      const released = report.applied.some(
        (op) => op.op === 'release' && (op.kind === 'IPClaim' || op.kind === 'IPAddressClaim'),
      );
      const patch =
        failures.length === 0
          ? poolStatusPatch({
              read: pool,
              indexes: ledger.indexes(),
              capacity,
              releasedClaims: released,
              conditions: poolConditions(pool, health),
              now,
            })
          : undefined;
      if (patch) {
        const failure = await this.#o.applier.apply({
          kind: 'IPPool',
          namespace,
          name,
          op: 'patchStatus',
          patch: { status: patch },
        });
        if (failure) failures.push(failure);
      }
    } else {
      this.#ledgers.delete(key);
      this.#o.metrics.forgetPool(namespace, name);
    }

    const permanent = failures.find((f) => !f.transient);
    if (permanent) throw permanent.error;
    if (failures.length > 0) {
      log.debug(
        { failures: failures.length, first: describeFailure(failures[0]!) },
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

  #ledger(key: string, pool: IPPool): PoolLedger {
    let ledger = this.#ledgers.get(key);
    if (!ledger || !ledger.fits(pool)) {
      ledger = new PoolLedger(pool, this.#o.random ? { random: this.#o.random } : {});
      this.#ledgers.set(key, ledger);
    }
    return ledger;
  }

  #syncLedger(ledger: PoolLedger, namespace: string, name: string): void {
    const { metal3, capi } = this.#read.addresses(namespace, name);
    ledger.sync(metal3, capi);
  }

  #health(pool: IPPool, warnings: PlanWarning[], samePrefixPools: string[]): PoolHealth {
    const namespace = pool.metadata.namespace ?? '';
    const taken: string[] = [];
    for (const warning of warnings)
      if (warning.code === 'AddressNameConflict') taken.push(warning.address.name);
    return {
      paused: warnings.some((w) => w.code === 'ClusterPaused'),
      clusterMissing: warnings.some((w) => w.code === 'ClusterNotFound')
        ? `${namespace}/${pool.spec.clusterName}`
        : undefined,
      samePrefixPools,
      takenAddressNames: taken,
    };
  }

  /** Logs, metrics and Events of what was written (Events on the pool aggregate into one series). */
  #report(pool: IPPool, result: PoolPlan, applied: WriteOp[]): void {
    const { events, metrics, logger } = this.#o;
    const poolName = pool.metadata.name ?? '';
    const namespace = pool.metadata.namespace ?? '';
    const created = new Set(applied.filter((op) => op.op === 'create').map((op) => op.name));
    for (const allocation of result.allocations) {
      if (!created.has(allocation.addressName)) continue;
      logger.info(
        {
          pool: `${namespace}/${poolName}`,
          claim: `${namespace}/${allocation.claim.name}`,
          address: allocation.address,
        },
        'address allocated',
      );
      events.event(
        pool,
        'Normal',
        'AddressAllocated',
        `Allocated ${allocation.address} (${allocation.addressName}) to ${allocation.claim.kind} ${allocation.claim.name}`,
      );
      metrics.allocations.inc({ namespace, pool: poolName });
    }
    for (const op of applied) {
      if (op.op !== 'patchStatus' || (op.kind !== 'IPClaim' && op.kind !== 'IPAddressClaim')) continue;
      const failure = failureMessage(op);
      if (!failure) continue;
      const claim = result.items.find((item) => item.kind === op.kind && item.metadata.name === op.name);
      if (claim) events.event(claim, 'Warning', 'AllocationFailed', `IPPool ${poolName}: ${failure}`);
      metrics.failures.inc({ namespace, pool: poolName });
    }
    for (const warning of result.warnings) {
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
}

function failureMessage(op: Extract<WriteOp, { op: 'patchStatus' }>): string | undefined {
  const status = op.patch.status;
  if (typeof status['errorMessage'] === 'string') return status['errorMessage'];
  const conditions = status['conditions'] as
    | Array<{ type: string; status: string; message?: string }>
    | undefined;
  return conditions?.find((c) => c.type === 'Ready' && c.status === 'False')?.message;
}

function describeFailure(failure: WriteFailure<WrittenKind>): string {
  return describeWrite(failure.op);
}
