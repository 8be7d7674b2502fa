// PreAllocation coverage and auto-pin, one reconcile per IPPool key (stableip's own). Coverage:
// the `PreAllocationsCovered` condition, a metric listing the gaps, and Events naming the key to
// add. Auto-pin (pool annotation `stableip.dev/auto-pin: "true"`): a BMH-named claim that got an
// address dynamically is pinned as `{claim}: {ip}` in `spec.preAllocations` by server-side apply
// with its own field manager, so the next upgrade reuses the IP; user entries are never touched.
import {
  AUTO_PIN_ANNOTATION,
  PREALLOCATIONS_COVERED,
  autoPinEntries,
  coverageCondition,
  hostsUsingPools,
  missingEntryAdvice,
  poolCoverage,
  unknownKeyAdvice,
  type BareMetalHost,
  type Condition,
  type IPClaim,
  type IPPool,
  type Metal3DataTemplate,
  type Metal3Machine,
  type PoolCoverage,
} from '@stableip/ipam-core';
import {
  isConflict,
  isNotFound,
  namespaceIndex,
  type EventRecorder,
  type KubeClient,
  type KubeObject as RuntimeObject,
  type Logger,
  type ReconcileResult,
  type ResourceClient,
  type Store,
} from '@stableip/kube-runtime';
import { Gauge, type Registry } from 'prom-client';
import { IPPoolResource } from '../resources';

/** Field manager of auto-pin's server-side apply: `kubectl get ippool -o yaml --show-managed-fields` shows it. */
export const AUTO_PIN_FIELD_MANAGER = 'stableip-autopin';

export const ClaimIndexes = {
  /** IPClaim → "namespace/pool". */
  pool: 'pool',
  /** IPClaim / IPAddressClaim → "namespace/metal3data" of its Metal3Data owner. */
  owner: 'owner',
} as const;

export interface CoverageCaches {
  pools: Store<IPPool>;
  claims: Store<IPClaim>;
  /** Absent stores (CRD not installed) count as empty. */
  hosts: () => Store<BareMetalHost> | undefined;
  metal3Machines: () => Store<Metal3Machine> | undefined;
  templates: () => Store<Metal3DataTemplate> | undefined;
}

export class CoverageMetrics {
  readonly gaps: Gauge<'namespace' | 'pool' | 'key' | 'problem' | 'suggestion'>;
  readonly hosts: Gauge<'namespace' | 'pool' | 'state'>;
  readonly #labelled = new Map<string, Array<Record<string, string>>>();

  constructor(registry: Registry) {
    this.gaps = new Gauge({
      name: 'stableip_ippool_preallocation_gaps',
      help: 'One series per missing preAllocations key (problem="missing": a BareMetalHost uses the pool without a <bmh>-<pool> entry) or unknown key (problem="unknown": matches no BareMetalHost); suggestion is the key to use.',
      labelNames: ['namespace', 'pool', 'key', 'problem', 'suggestion'],
      registers: [registry],
    });
    this.hosts = new Gauge({
      name: 'stableip_ippool_preallocation_hosts',
      help: 'BareMetalHosts using the pool, by whether spec.preAllocations pins their claim (state="covered"|"missing").',
      labelNames: ['namespace', 'pool', 'state'],
      registers: [registry],
    });
  }

  set(coverage: PoolCoverage): void {
    const { namespace, pool } = coverage;
    this.forget(namespace, pool);
    const series: Array<Record<string, string>> = [
      ...coverage.missing.map((m) => ({
        namespace,
        pool,
        key: m.key,
        problem: 'missing',
        suggestion: m.key,
      })),
      ...coverage.unknownKeys.map((u) => ({
        namespace,
        pool,
        key: u.key,
        problem: 'unknown',
        suggestion: u.suggestion ?? '',
      })),
    ];
    for (const labels of series) this.gaps.set(labels, 1);
    this.#labelled.set(`${namespace}/${pool}`, series);
    this.hosts.set({ namespace, pool, state: 'covered' }, coverage.covered.length);
    this.hosts.set({ namespace, pool, state: 'missing' }, coverage.missing.length);
  }

  forget(namespace: string, pool: string): void {
    for (const labels of this.#labelled.get(`${namespace}/${pool}`) ?? []) this.gaps.remove(labels);
    this.#labelled.delete(`${namespace}/${pool}`);
    for (const state of ['covered', 'missing']) this.hosts.remove({ namespace, pool, state });
  }
}

export interface CoverageReconcilerOptions {
  client: KubeClient;
  caches: CoverageCaches;
  events: EventRecorder;
  metrics: CoverageMetrics;
  logger: Logger;
  now?: () => Date;
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  fieldsV1?: { 'f:spec'?: { 'f:preAllocations'?: Record<string, unknown> } };
}

/** preAllocations keys a field manager owns through server-side apply. */
export function appliedPreAllocationKeys(pool: IPPool, manager: string): string[] {
  const entries = (pool.metadata.managedFields ?? []) as ManagedFieldsEntry[];
  const keys: string[] = [];
  for (const entry of entries) {
    if (entry.manager !== manager || entry.operation !== 'Apply') continue;
    for (const field of Object.keys(entry.fieldsV1?.['f:spec']?.['f:preAllocations'] ?? {})) {
      if (field.startsWith('f:')) keys.push(field.slice(2));
    }
  }
  return keys;
}

export class CoverageReconciler {
  readonly #o: CoverageReconcilerOptions;
  readonly #pools: ResourceClient<IPPool>;

  constructor(options: CoverageReconcilerOptions) {
    this.#o = options;
    this.#pools = options.client.resource(IPPoolResource);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { caches, metrics } = this.#o;
    const slash = key.indexOf('/');
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    const pool = caches.pools.get(key);
    if (!pool || pool.metadata.deletionTimestamp) {
      metrics.forget(namespace, name);
      return {};
    }
    const log = this.#o.logger.child({ pool: key });
    const inNamespace = <T extends RuntimeObject>(store: Store<T> | undefined): T[] =>
      store ? store.byIndex(namespaceIndex, namespace) : [];
    const hosts = inNamespace(caches.hosts());
    const users = hostsUsingPools({
      metal3Machines: inNamespace(caches.metal3Machines()),
      templates: inNamespace(caches.templates()),
      bareMetalHosts: hosts,
    }).get(key);
    const coverage = poolCoverage({
      pool,
      claims: caches.claims.byIndex(ClaimIndexes.pool, key),
      bareMetalHosts: hosts,
      ...(users ? { hostsUsingPool: users } : {}),
    });
    metrics.set(coverage);

    if (pool.metadata.annotations?.[AUTO_PIN_ANNOTATION] === 'true') {
      const pins = autoPinEntries(coverage, pool);
      if (Object.keys(pins).length > 0) {
        await this.#autoPin(pool, pins, log);
        return {}; // the spec change comes back as an event; coverage is computed again then
      }
    }
    await this.#writeCondition(pool, coverage, log);
    return {};
  }

  async #autoPin(cached: IPPool, pins: Record<string, string>, log: Logger): Promise<void> {
    const ref = { namespace: cached.metadata.namespace ?? '', name: cached.metadata.name ?? '' };
    let pool: IPPool;
    try {
      pool = await this.#pools.get(ref); // live, with managedFields
    } catch (error) {
      if (isNotFound(error)) return;
      throw error;
    }
    const current = pool.spec.preAllocations ?? {};
    const added = Object.fromEntries(Object.entries(pins).filter(([key]) => !(key in current)));
    if (Object.keys(added).length === 0) return;
    // Apply is this manager's whole intent: keep the keys it applied before, or they would go.
    const kept: Record<string, string> = {};
    for (const key of appliedPreAllocationKeys(pool, AUTO_PIN_FIELD_MANAGER)) {
      const value = current[key];
      if (value !== undefined) kept[key] = value;
    }
    try {
      await this.#pools.apply(
        {
          apiVersion: pool.apiVersion,
          kind: 'IPPool',
          metadata: { name: ref.name, namespace: ref.namespace },
          spec: { preAllocations: { ...kept, ...added } },
        } as IPPool,
        { fieldManager: AUTO_PIN_FIELD_MANAGER },
      );
    } catch (error) {
      // Conflict: another manager now owns one of the keys with another value; it wins.
      if (isConflict(error)) {
        log.info({ keys: Object.keys(added) }, 'auto-pin conflict: a user wrote these keys; left alone');
        return;
      }
      throw error;
    }
    const listed = Object.entries(added).map(([key, ip]) => `${key}: ${ip}`);
    log.info({ pinned: added }, 'auto-pinned allocations into spec.preAllocations');
    this.#o.events.event(pool, 'Normal', 'AutoPinned', `Pinned ${listed.join(', ')} in spec.preAllocations`);
  }

  async #writeCondition(pool: IPPool, coverage: PoolCoverage, log: Logger): Promise<void> {
    const wanted = coverageCondition(coverage);
    const conditions = (pool.status?.['conditions'] as Condition[] | undefined) ?? [];
    const previous = conditions.find((c) => c.type === PREALLOCATIONS_COVERED);
    if (
      previous &&
      previous.status === wanted.status &&
      previous.reason === wanted.reason &&
      (previous.message ?? '') === (wanted.message ?? '')
    ) {
      return;
    }
    const now = (this.#o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const condition: Condition = {
      ...wanted,
      lastTransitionTime:
        previous && previous.status === wanted.status && previous.lastTransitionTime
          ? previous.lastTransitionTime
          : now,
    };
    if (pool.metadata.generation !== undefined) condition.observedGeneration = pool.metadata.generation;
    const next = [...conditions.filter((c) => c.type !== PREALLOCATIONS_COVERED), condition];
    await this.#pools.patchStatus(
      { namespace: pool.metadata.namespace ?? '', name: pool.metadata.name ?? '' },
      // resourceVersion: the conditions list is replaced whole, so never from a stale read.
      { metadata: { resourceVersion: pool.metadata.resourceVersion }, status: { conditions: next } },
    );
    log.info({ status: wanted.status, reason: wanted.reason }, 'PreAllocationsCovered changed');
    for (const entry of coverage.missing) {
      this.#o.events.event(
        pool,
        'Warning',
        'PreAllocationMissing',
        `BareMetalHost ${entry.host} uses this pool${entry.claim ? ` (claim ${entry.claim})` : ''} without a spec.preAllocations entry; its IP can change on the next upgrade: add ${missingEntryAdvice(entry)}`,
      );
    }
    for (const entry of coverage.unknownKeys) {
      this.#o.events.event(
        pool,
        'Warning',
        'PreAllocationKeyUnknown',
        `spec.preAllocations key ${unknownKeyAdvice(entry, coverage.pool)}`,
      );
    }
  }
}
