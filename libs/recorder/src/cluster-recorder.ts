// The recorder of one cluster: informers for every watched kind → a bounded buffer of observed
// changes → batched, idempotent commits of events plus the derived host, pool and assignment rows.
//
// Nothing is lost and nothing duplicated:
//  - `KnownObjects` holds the last recorded state of every object (seeded from the log on start),
//    so a watch event, a relist or a restart records only real differences;
//  - every list (start, watch gap, 410, watchdog, resume) is diffed against it, and objects the
//    log knows but the list lacks are recorded as deletions flagged `deletionObservedOnRelist`;
//  - a change leaves the buffer only after its transaction committed; while the database is down
//    the writer retries with backoff, and a full buffer pauses watching (informers stopped) until
//    it drained, then a relist picks up whatever happened meanwhile;
//  - the store's unique (cluster, uid, resourceVersion, action) backs all of this up (e.g. two
//    replicas briefly both recording around a lease handover).
import { randomUUID } from 'node:crypto';
import type { AuditStore, AuditWriter, NewEvent } from '@stableip/audit-store';
import {
  Backoff,
  Informer,
  sleep,
  stripManagedFields,
  type BackoffOptions,
  type KubeClient,
  type KubeObject,
  type Logger,
} from '@stableip/kube-runtime';
import { defaultLogger } from '@stableip/kube-runtime';
import { KINDS, Labels, type KindVersions } from '@stableip/ipam-core';
import { lastManagedFieldsTime, objectChangeTime } from './change-time';
import { addressOwner, deriveAssignment, type AddressKind } from './derive/assignment';
import { poolRanges } from './derive/pool';
import type { WorldView } from './derive/world';
import { isPermanentStoreError } from './errors';
import {
  KnownObjects,
  eventObject,
  watchedKindOf,
  type KnownObject,
  type ObservedChange,
} from './known-objects';
import type { RecorderMetrics } from './metrics';
import { WATCHED_KINDS, watchedResources, type WatchedKind, type WatchedObjects } from './resources';

export interface ClusterRecorderOptions {
  /** The cluster's name in the audit log. */
  cluster: string;
  client: KubeClient;
  store: AuditStore;
  metrics: RecorderMetrics;
  logger?: Logger;
  /** Observed changes held while the database is unavailable before watching pauses (default 50,000). */
  bufferLimit?: number;
  /** Events per transaction (default 100). */
  batchSize?: number;
  /** Watch one namespace only (default: all). */
  namespace?: string;
  versions?: KindVersions;
  /** Retry period while a kind's CRD is absent (default 30 s). */
  notInstalledRetryMs?: number;
  /** Backoff between attempts while the database is unavailable (default 500 ms → 30 s). */
  databaseBackoff?: BackoffOptions;
  /** How long stop() keeps committing what is buffered (default 10 s). */
  drainTimeoutMs?: number;
  /** Called after every commit with what it recorded (benchmarks, tests). */
  onCommitted?: (changes: readonly CommittedChange[]) => void;
}

/** One observed change waiting in the buffer. */
interface PendingChange {
  kind: WatchedKind;
  event: NewEvent;
  /** The object the change is about (its final state for a delete). */
  object: KubeObject;
  /** Date.now() when the watch or list delivered it. */
  receivedAt: number;
  /** When the object says it changed (see change-time.ts). */
  changedAt: number | undefined;
}

export interface CommittedChange {
  kind: WatchedKind;
  action: NewEvent['action'];
  source: NewEvent['source'];
  uid: string;
  resourceVersion: string;
  /** False when the store already held the event. */
  created: boolean;
  eventId: string;
  receivedAt: number;
  changedAt: number | undefined;
  committedAt: number;
}

export interface ClusterRecorderStatus {
  cluster: string;
  running: boolean;
  paused: boolean;
  databaseUp: boolean;
  bufferDepth: number;
  knownObjects: number;
  /** Kinds whose CRD the API server does not serve (retried). */
  notInstalled: WatchedKind[];
  /** Every informer of the current generation listed once and the missing objects were swept. */
  synced: boolean;
  lists: number;
}

type AnyInformer = Informer<KubeObject>;

const ADDRESS_KINDS: readonly WatchedKind[] = ['Metal3IPAddress', 'CapiIPAddress'];
/** Kinds whose changes can make an unresolved claim → host link resolvable. */
const HOST_HINT_KINDS: readonly WatchedKind[] = [
  'BareMetalHost',
  'IPClaim',
  'IPAddressClaim',
  'Metal3Data',
  'Metal3Machine',
];

function isAddressKind(kind: WatchedKind): kind is AddressKind {
  return ADDRESS_KINDS.includes(kind);
}

export class ClusterRecorder {
  readonly cluster: string;
  readonly #options: ClusterRecorderOptions;
  readonly #log: Logger;
  readonly #metrics: RecorderMetrics;
  readonly #known = new KnownObjects();
  readonly #resources;
  readonly #bufferLimit: number;
  readonly #batchSize: number;
  /** Object change times read from managedFields before the informer strips them. */
  readonly #managedFieldsTimes = new WeakMap<object, number>();
  /** IPAddresses (kind/namespace/name) recorded without a host: retried when related objects change. */
  #unresolved = new Map<string, Set<string>>();

  #queue: PendingChange[] = [];
  #informers = new Map<WatchedKind, AnyInformer>();
  #generation = 0;
  /** The last generation of informers that listed completely (derivation falls back to it). */
  #syncedInformers = new Map<WatchedKind, AnyInformer>();
  #generationStop = new AbortController();
  #synced: Promise<void> = Promise.resolve();
  #syncedNow = false;
  #paused = false;
  #databaseUp = false;
  #running = false;
  #abort = new AbortController();
  #wake: (() => void) | undefined;
  #writer: Promise<void> | undefined;
  #listsCounted = new WeakMap<AnyInformer, number>();
  #listsTotal = 0;
  #relistId = randomUUID().slice(0, 8);

  constructor(options: ClusterRecorderOptions) {
    this.cluster = options.cluster;
    this.#options = options;
    this.#metrics = options.metrics;
    this.#log = (options.logger ?? defaultLogger()).child({ cluster: options.cluster });
    this.#resources = watchedResources(options.versions);
    this.#bufferLimit = Math.max(1, options.bufferLimit ?? 50_000);
    this.#batchSize = Math.max(1, options.batchSize ?? 100);
  }

  get running(): boolean {
    return this.#running;
  }

  status(): ClusterRecorderStatus {
    return {
      cluster: this.cluster,
      running: this.#running,
      paused: this.#paused,
      databaseUp: this.#databaseUp,
      bufferDepth: this.#queue.length,
      knownObjects: this.#known.size,
      notInstalled: [...this.#informers].filter(([, inf]) => inf.isNotInstalled()).map(([kind]) => kind),
      synced: this.#syncedNow,
      lists: this.#listsTotal,
    };
  }

  /** The informers of the current generation (for readiness checks). */
  informers(): AnyInformer[] {
    return [...this.#informers.values()];
  }

  /**
   * Loads the last recorded state from the log (retrying while the database is unavailable),
   * starts watching and committing. Resolves once watching started, not when synced.
   */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    this.#abort = new AbortController();
    this.#queue = [];
    this.#unresolved = new Map();
    this.#paused = false;
    const loaded = await this.#retryingDatabase('load recorded state', () => this.#loadKnown());
    if (!loaded) return;
    this.#startInformers();
    this.#writer = this.#writeLoop().catch((err: unknown) => {
      this.#log.error({ err }, 'writer stopped unexpectedly');
    });
    this.#log.info({ knownObjects: this.#known.size }, 'recorder started');
  }

  /** Stops watching, commits what is buffered (up to drainTimeoutMs) and returns. */
  async stop(): Promise<void> {
    if (!this.#running) return;
    this.#running = false;
    this.#stopInformers();
    this.#abort.abort();
    this.#wake?.();
    await this.#writer;
    this.#writer = undefined;
    const deadline = Date.now() + (this.#options.drainTimeoutMs ?? 10_000);
    while (this.#queue.length > 0 && Date.now() < deadline) {
      const batch = this.#queue.slice(0, this.#batchSize);
      try {
        await this.#commit(batch);
        this.#queue.splice(0, batch.length);
      } catch (err) {
        if (isPermanentStoreError(err)) {
          try {
            await this.#commitOneByOne(batch);
            this.#queue.splice(0, batch.length);
            continue;
          } catch {
            // unavailable again: wait below and retry the batch
          }
        }
        this.#log.warn({ err: String(err) }, 'draining the buffer on stop failed: retrying');
        await sleep(500);
      }
    }
    if (this.#queue.length > 0) {
      // Not silent: the next recorder's relist records the final state of these objects.
      this.#log.error(
        { buffered: this.#queue.length },
        'stopped with uncommitted changes; the next start relists and records their final state',
      );
    }
    this.#queue = [];
    this.#updateGauges();
    this.#log.info('recorder stopped');
  }

  // --- observing ------------------------------------------------------------------------------

  #startInformers(): void {
    const generation = ++this.#generation;
    const informers = new Map<WatchedKind, AnyInformer>();
    this.#informers = informers;
    this.#syncedNow = false;
    // A generation stopped before it synced (paused again mid-list) must not block the writer.
    this.#generationStop = new AbortController();
    const syncSignal = AbortSignal.any([this.#abort.signal, this.#generationStop.signal]);
    const syncs: Promise<void>[] = [];
    for (const kind of WATCHED_KINDS) {
      const informer = new Informer<KubeObject>({
        client: this.#options.client,
        resource: this.#resources[kind],
        ...(this.#options.namespace ? { namespace: this.#options.namespace } : {}),
        // Relists, not resyncs, are what catch up; a resync would only replay the cache.
        resyncPeriodMs: 0,
        optional: true,
        notInstalledRetryMs: this.#options.notInstalledRetryMs ?? 30_000,
        transform: (obj) => {
          const time = lastManagedFieldsTime(obj);
          const stripped = stripManagedFields(obj);
          if (time !== undefined) this.#managedFieldsTimes.set(stripped, time);
          return stripped;
        },
        logger: this.#log,
      });
      const current = () => generation === this.#generation && this.#running;
      const source = (): NewEvent['source'] => (informer.state === 'Listing' ? 'relist' : 'watch');
      informer.addHandler({
        onAdd: (obj) => {
          if (current()) this.#enqueue(this.#known.observe(kind, obj), source());
        },
        onUpdate: (_old, obj) => {
          if (current()) this.#enqueue(this.#known.observe(kind, obj), source());
        },
        onDelete: (obj, info) => {
          if (!current()) return;
          const relisted = info.finalStateUnknown || informer.state !== 'Watching';
          this.#enqueue(
            this.#known.observeGone(kind, obj, !info.finalStateUnknown),
            relisted ? 'relist' : 'watch',
            {
              flagged: info.finalStateUnknown,
            },
          );
        },
      });
      this.#informers.set(kind, informer);
      syncs.push(
        informer.waitForSync(syncSignal).then(() => {
          if (current()) this.#sweepMissing(kind, informer);
        }),
      );
    }
    for (const informer of this.#informers.values()) informer.start();
    this.#synced = Promise.all(syncs).then(
      () => {
        if (generation !== this.#generation) return;
        this.#syncedNow = true;
        this.#syncedInformers = informers;
      },
      () => undefined,
    );
  }

  #stopInformers(): void {
    this.#generation += 1;
    this.#generationStop.abort();
    this.#countLists();
    for (const informer of this.#informers.values()) informer.stop();
  }

  /** Objects the log knows that the first list of this generation lacks: deleted while unwatched. */
  #sweepMissing(kind: WatchedKind, informer: AnyInformer): void {
    const present = new Set<string>();
    for (const obj of informer.store.list()) if (obj.metadata?.uid) present.add(obj.metadata.uid);
    for (const known of this.#known.missingFrom(kind, present)) {
      this.#enqueue(this.#known.observeGone(kind, known.snapshot, false), 'relist', { flagged: true });
    }
  }

  #enqueue(
    change: ObservedChange | undefined,
    source: NewEvent['source'],
    options: { flagged?: boolean } = {},
  ): void {
    if (!change) return;
    const receivedAt = Date.now();
    const flagged = change.action === 'delete' && Boolean(options.flagged);
    this.#queue.push({
      kind: change.kind,
      object: change.object,
      receivedAt,
      // A deletion noticed by a relist happened at an unknown time: it is recorded when observed.
      changedAt: flagged
        ? undefined
        : objectChangeTime(change.action, change.object, this.#managedFieldsTimes.get(change.object)),
      event: {
        cluster: this.cluster,
        object: eventObject(change.kind, change.object),
        action: change.action,
        before: change.before,
        after: change.after,
        observedAt: new Date(receivedAt),
        source,
        ...(flagged ? { deletionObservedOnRelist: true } : {}),
        ...(source === 'relist' ? { correlationId: `relist:${this.#relistId}:${this.#generation}` } : {}),
      },
    });
    this.#metrics.bufferDepth.set({ cluster: this.cluster }, this.#queue.length);
    if (this.#queue.length >= this.#bufferLimit && !this.#paused) this.#pause();
    this.#wake?.();
  }

  #pause(): void {
    this.#paused = true;
    this.#log.warn(
      { buffered: this.#queue.length, limit: this.#bufferLimit },
      'buffer full (database unavailable or slow): pausing watches until it drains',
    );
    this.#stopInformers();
    this.#metrics.paused.set({ cluster: this.cluster }, 1);
  }

  #resume(): void {
    this.#paused = false;
    this.#metrics.paused.set({ cluster: this.cluster }, 0);
    this.#log.info('buffer drained: resuming watches with a relist');
    this.#startInformers();
  }

  // --- committing -----------------------------------------------------------------------------

  async #writeLoop(): Promise<void> {
    const backoff = new Backoff({
      initialMs: 500,
      maxMs: 30_000,
      jitter: 0.2,
      ...this.#options.databaseBackoff,
    });
    const signal = this.#abort.signal;
    while (this.#running) {
      if (this.#queue.length === 0) {
        if (this.#paused) {
          this.#resume();
          continue;
        }
        await untilAborted(new Promise<void>((resolve) => (this.#wake = resolve)), signal);
        this.#wake = undefined;
        continue;
      }
      // Derivation reads the informer caches: let every kind list once first.
      await untilAborted(this.#synced, signal);
      if (!this.#running) return;
      const batch = this.#queue.slice(0, this.#batchSize);
      try {
        await this.#commit(batch);
        this.#queue.splice(0, batch.length);
        backoff.reset();
      } catch (caught) {
        let err = caught;
        if (isPermanentStoreError(err)) {
          this.#metrics.writeErrors.inc({ cluster: this.cluster, kind: 'permanent' });
          this.#log.warn({ err: String(err) }, 'batch rejected: committing its events one by one');
          try {
            await this.#commitOneByOne(batch);
            this.#queue.splice(0, batch.length);
            continue;
          } catch (retryable) {
            err = retryable;
          }
        }
        this.#setDatabaseUp(false);
        this.#metrics.writeErrors.inc({ cluster: this.cluster, kind: 'transient' });
        const delayMs = backoff.next();
        this.#log[backoff.attempts > 3 ? 'warn' : 'info'](
          { err: String(err), buffered: this.#queue.length, retryInMs: delayMs },
          'audit store unavailable: retrying',
        );
        await sleep(delayMs, signal);
      }
      this.#updateGauges();
    }
  }

  /** Events plus derived rows in one transaction: all committed or none. */
  async #commit(batch: readonly PendingChange[]): Promise<void> {
    const unresolvedBefore = this.#cloneUnresolved();
    let results;
    try {
      results = await this.#options.store.transaction(async (writer) => {
        const appended = await writer.appendEvents(batch.map((pending) => pending.event));
        const touched = new Set<string>();
        for (const [index, pending] of batch.entries()) {
          const result = appended[index];
          if (!result?.created) continue;
          await this.#applyDerived(writer, pending, result.event.id, touched);
        }
        await this.#retryUnresolved(writer, touched);
        return appended;
      });
    } catch (err) {
      this.#unresolved = unresolvedBefore;
      throw err;
    }
    this.#setDatabaseUp(true);
    this.#afterCommit(
      batch,
      results.map((result) => ({ created: result.created, eventId: result.event.id })),
    );
  }

  /**
   * A batch the store rejected: events first (each alone, so one bad event cannot block the
   * rest), then each event's derived rows in their own transaction. Rejections are logged and
   * counted, never retried forever.
   */
  async #commitOneByOne(batch: readonly PendingChange[]): Promise<void> {
    const outcomes: Array<{ created: boolean; eventId: string }> = [];
    const committed: PendingChange[] = [];
    for (const pending of batch) {
      let appended;
      try {
        appended = await this.#options.store.appendEvent(pending.event);
      } catch (err) {
        // Unavailable: the caller retries the whole batch (what committed comes back a duplicate).
        if (!isPermanentStoreError(err)) throw err;
        this.#metrics.writeErrors.inc({ cluster: this.cluster, kind: 'permanent' });
        this.#log.error(
          { err: String(err), event: pending.event.object, action: pending.event.action },
          'audit store rejected an event',
        );
        continue;
      }
      committed.push(pending);
      outcomes.push({ created: appended.created, eventId: appended.event.id });
      if (!appended.created) continue;
      try {
        await this.#options.store.transaction(async (writer) => {
          const touched = new Set<string>();
          await this.#applyDerived(writer, pending, appended.event.id, touched);
          await this.#retryUnresolved(writer, touched);
        });
      } catch (err) {
        this.#metrics.deriveErrors.inc({ cluster: this.cluster });
        this.#log.warn(
          { err: String(err), object: pending.event.object, action: pending.event.action },
          'derived host/pool/assignment update rejected; the event is recorded',
        );
      }
    }
    this.#afterCommit(committed, outcomes);
  }

  #afterCommit(
    batch: readonly PendingChange[],
    outcomes: ReadonlyArray<{ created: boolean; eventId: string }>,
  ): void {
    const committedAt = Date.now();
    const cluster = this.cluster;
    const committed: CommittedChange[] = [];
    let duplicates = 0;
    for (const [index, pending] of batch.entries()) {
      const outcome = outcomes[index];
      if (!outcome) continue;
      const { event } = pending;
      if (outcome.created) {
        this.#metrics.eventsRecorded.inc({
          cluster,
          kind: pending.kind,
          action: event.action,
          source: event.source,
        });
        this.#metrics.pipeline.observe({ cluster }, (committedAt - pending.receivedAt) / 1000);
        if (event.source === 'watch') {
          const changedAt =
            pending.changedAt !== undefined && pending.changedAt <= committedAt
              ? pending.changedAt
              : pending.receivedAt;
          this.#metrics.lag.observe({ cluster }, (committedAt - changedAt) / 1000);
        }
      } else duplicates += 1;
      committed.push({
        kind: pending.kind,
        action: event.action,
        source: event.source,
        uid: event.object.uid,
        resourceVersion: event.object.resourceVersion,
        created: outcome.created,
        eventId: outcome.eventId,
        receivedAt: pending.receivedAt,
        changedAt: pending.changedAt,
        committedAt,
      });
    }
    if (duplicates > 0) this.#metrics.duplicates.inc({ cluster }, duplicates);
    this.#metrics.batchSize.observe({ cluster }, batch.length);
    if (committed.length > 0) this.#options.onCommitted?.(committed);
  }

  // --- derived tables -------------------------------------------------------------------------

  async #applyDerived(
    writer: AuditWriter,
    pending: PendingChange,
    eventId: string,
    touched: Set<string>,
  ): Promise<void> {
    const { kind, object, event } = pending;
    const namespace = object.metadata?.namespace ?? '';
    const deleted = event.action === 'delete';
    if (HOST_HINT_KINDS.includes(kind)) touched.add(namespace);
    if (!this.#changesDerivedState(pending)) return;
    if (kind === 'BareMetalHost') {
      await writer.upsertHost({
        cluster: this.cluster,
        namespace,
        name: object.metadata?.name ?? '',
        ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
        labels: object.metadata?.labels ?? {},
        observedAt: event.observedAt,
        deleted,
      });
    } else if (kind === 'IPPool') {
      const pool = object as WatchedObjects['IPPool'];
      await writer.upsertPool({
        cluster: this.cluster,
        namespace,
        name: object.metadata?.name ?? '',
        kind: KINDS.IPPool.kind,
        apiGroup: KINDS.IPPool.group,
        ...(object.metadata?.uid ? { uid: object.metadata.uid } : {}),
        spec: pool.spec ?? {},
        ranges: poolRanges(pool),
        observedAt: event.observedAt,
        deleted,
      });
    } else if (isAddressKind(kind)) {
      await this.#applyAddress(writer, kind, pending, eventId);
    }
  }

  /**
   * Whether an update can change a derived row: BMH labels, a pool's spec, an IPAddress's spec or
   * host label (or its host still unknown). Every database round trip counts (see the README's
   * throughput notes), and most updates are status or finalizer churn.
   */
  #changesDerivedState(pending: PendingChange): boolean {
    const { kind, event, object } = pending;
    if (event.action !== 'update') return true;
    const before = (event.before ?? {}) as KubeObject & { spec?: unknown };
    const after = object as KubeObject & { spec?: unknown };
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    switch (kind) {
      case 'BareMetalHost':
        return !same(before.metadata?.labels, after.metadata?.labels);
      case 'IPPool':
        return !same(before.spec, after.spec);
      case 'Metal3IPAddress':
      case 'CapiIPAddress': {
        const namespace = object.metadata?.namespace ?? '';
        if (this.#unresolved.get(namespace)?.has(this.#addressKey(kind, object))) return true;
        return (
          !same(before.spec, after.spec) ||
          before.metadata?.labels?.[Labels.bareMetalHost] !== after.metadata?.labels?.[Labels.bareMetalHost]
        );
      }
      default:
        return false;
    }
  }

  /**
   * When a change took effect for the intervals. A watch delivers within milliseconds, so its
   * receipt time is the most precise; a relist may come long after, so there the object's own
   * (second-precision) creation or deletion time is closer to the truth.
   */
  #effectiveAt(pending: PendingChange): Date {
    const { event, changedAt } = pending;
    if (event.source === 'relist' && event.action !== 'update' && changedAt !== undefined) {
      return new Date(changedAt);
    }
    return event.observedAt;
  }

  async #applyAddress(
    writer: AuditWriter,
    kind: AddressKind,
    pending: PendingChange,
    eventId: string,
  ): Promise<void> {
    const object = pending.object as WatchedObjects[AddressKind];
    const key = this.#addressKey(kind, object);
    const namespace = object.metadata.namespace ?? '';
    const at = this.#effectiveAt(pending);
    if (pending.event.action === 'delete') {
      this.#unresolved.get(namespace)?.delete(key);
      const owner = addressOwner(kind, object);
      // Another IPAddress of the same claim may already be there (recreated before the delete arrived).
      const successor = this.#world()
        .list(kind, namespace)
        .find((other) => {
          if (other.metadata.uid === object.metadata.uid) return false;
          const otherOwner = addressOwner(kind, other);
          return otherOwner.claim.name === owner.claim.name && otherOwner.pool.name === owner.pool.name;
        });
      if (successor) {
        await this.#applyDerivedAddress(writer, kind, successor, at, eventId);
        return;
      }
      await writer.applyAssignmentChange({
        cluster: this.cluster,
        pool: owner.pool,
        claim: owner.claim,
        address: null,
        source: 'dynamic',
        at,
        eventId,
      });
      return;
    }
    await this.#applyDerivedAddress(writer, kind, object, at, eventId);
  }

  async #applyDerivedAddress(
    writer: AuditWriter,
    kind: AddressKind,
    object: WatchedObjects[AddressKind],
    at: Date,
    eventId: string | null,
  ): Promise<boolean> {
    const namespace = object.metadata.namespace ?? '';
    const key = this.#addressKey(kind, object);
    const derived = deriveAssignment(kind, object, this.#world());
    if (!derived.ok) {
      this.#log.debug({ address: key, reason: derived.reason }, 'IPAddress not recorded as an assignment');
      return false;
    }
    const { assignment } = derived;
    await writer.applyAssignmentChange({
      cluster: this.cluster,
      pool: assignment.pool,
      claim: assignment.claim,
      host: assignment.host,
      address: assignment.address,
      source: assignment.source,
      at,
      eventId,
    });
    if (assignment.host) this.#unresolved.get(namespace)?.delete(key);
    else {
      let keys = this.#unresolved.get(namespace);
      if (!keys) this.#unresolved.set(namespace, (keys = new Set()));
      keys.add(key);
    }
    return assignment.host !== null;
  }

  /** A BMH, claim, Metal3Data or Metal3Machine changed: fill in hosts that are now resolvable. */
  async #retryUnresolved(writer: AuditWriter, namespaces: ReadonlySet<string>): Promise<void> {
    for (const namespace of namespaces) {
      const keys = this.#unresolved.get(namespace);
      if (!keys || keys.size === 0) continue;
      for (const key of [...keys]) {
        const [kind, name] = key.split('\u0000') as [AddressKind, string];
        const object = this.#world().get(kind, namespace, name);
        if (!object) {
          keys.delete(key);
          continue;
        }
        const derived = deriveAssignment(kind, object, this.#world());
        if (derived.ok && derived.assignment.host) {
          await this.#applyDerivedAddress(writer, kind, object, new Date(), null);
        }
      }
    }
  }

  #addressKey(kind: AddressKind, object: KubeObject): string {
    return `${kind}\u0000${object.metadata?.name ?? ''}`;
  }

  #cloneUnresolved(): Map<string, Set<string>> {
    return new Map([...this.#unresolved].map(([namespace, keys]) => [namespace, new Set(keys)]));
  }

  /**
   * The informer caches, current generation first. While it has not listed completely (a resume
   * paused again mid-list), objects missing from it are looked up in the last complete one.
   */
  #world(): WorldView {
    const current = this.#informers;
    const fallback = this.#syncedInformers === current ? undefined : this.#syncedInformers;
    const key = (namespace: string, name: string) => (namespace ? `${namespace}/${name}` : name);
    return {
      get: (kind, namespace, name) =>
        (current.get(kind)?.store.get(key(namespace, name)) ??
          fallback?.get(kind)?.store.get(key(namespace, name))) as never,
      list: (kind, namespace) => {
        const listed = current.get(kind)?.store.byIndex('namespace', namespace) ?? [];
        if (!fallback) return listed as never;
        const names = new Set(listed.map((obj) => obj.metadata?.name));
        const older = (fallback.get(kind)?.store.byIndex('namespace', namespace) ?? []).filter(
          (obj) => !names.has(obj.metadata?.name),
        );
        return [...listed, ...older] as never;
      },
    };
  }

  // --- state ----------------------------------------------------------------------------------

  async #loadKnown(): Promise<void> {
    const rows = await this.#options.store.prisma.$queryRaw<
      Array<{
        uid: string;
        kind: string;
        api_group: string;
        namespace: string;
        name: string;
        resource_version: string;
        action: string;
        after: unknown;
      }>
    >`SELECT DISTINCT ON (e.uid) e.uid, e.kind, e.api_group, e.namespace, e.name, e.resource_version, e.action, e.after
        FROM event e JOIN cluster c ON c.id = e.cluster_id
       WHERE c.name = ${this.cluster}
       ORDER BY e.uid, e.seq DESC`;
    const known: KnownObject[] = [];
    for (const row of rows) {
      if (row.action === 'delete') continue;
      const kind = watchedKindOf(row.kind, row.api_group);
      if (!kind) continue;
      known.push({
        kind,
        uid: row.uid,
        namespace: row.namespace,
        name: row.name,
        resourceVersion: row.resource_version,
        snapshot: (row.after ?? {
          metadata: { name: row.name, namespace: row.namespace, uid: row.uid },
        }) as KubeObject,
      });
    }
    this.#known.load(known);
    this.#setDatabaseUp(true);
  }

  /** Runs `work` until it succeeds (database errors retried with backoff); false when stopped first. */
  async #retryingDatabase(what: string, work: () => Promise<void>): Promise<boolean> {
    const backoff = new Backoff({
      initialMs: 500,
      maxMs: 30_000,
      jitter: 0.2,
      ...this.#options.databaseBackoff,
    });
    while (this.#running) {
      try {
        await work();
        return true;
      } catch (err) {
        this.#setDatabaseUp(false);
        const delayMs = backoff.next();
        this.#log.warn({ err: String(err), retryInMs: delayMs }, `${what} failed: retrying`);
        await sleep(delayMs, this.#abort.signal);
      }
    }
    return false;
  }

  #setDatabaseUp(up: boolean): void {
    if (up !== this.#databaseUp)
      this.#log.info({ databaseUp: up }, up ? 'audit store reachable' : 'audit store unreachable');
    this.#databaseUp = up;
    this.#metrics.databaseUp.set({ cluster: this.cluster }, up ? 1 : 0);
  }

  #countLists(): void {
    for (const [kind, informer] of this.#informers) {
      const seen = this.#listsCounted.get(informer) ?? 0;
      const delta = informer.stats.lists - seen;
      if (delta > 0) {
        this.#listsCounted.set(informer, informer.stats.lists);
        this.#listsTotal += delta;
        this.#metrics.relists.inc({ cluster: this.cluster, kind }, delta);
      }
    }
  }

  /** Refreshes gauges and counters that are read from informers (call on scrape or periodically). */
  refreshMetrics(): void {
    this.#countLists();
    this.#updateGauges();
  }

  #updateGauges(): void {
    this.#metrics.bufferDepth.set({ cluster: this.cluster }, this.#queue.length);
    this.#metrics.paused.set({ cluster: this.cluster }, this.#paused ? 1 : 0);
  }
}

/** Resolves when `promise` settles or `signal` aborts, without leaving a listener behind. */
function untilAborted(promise: Promise<unknown>, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    promise.then(done, done);
  });
}
