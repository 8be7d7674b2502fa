// A hardened list+watch informer. Beyond client-node's ListWatch it:
//  - restarts after ANY failure (network, 5xx, 429, parse, silent close) with jittered
//    exponential backoff, honouring Retry-After;
//  - relists on 410 Gone and diffs against the cache, synthesizing deletes for objects that
//    vanished while it was not watching;
//  - runs a watchdog: a watch that delivers nothing (not even a bookmark) for `watchdogMs` is
//    abandoned and replaced by a relist (stalls: javascript#596/#958);
//  - resyncs: every `resyncPeriodMs` each cached object is handed to onResync handlers;
//  - treats an absent resource (CRD not installed: 404 on list) as a state, retried periodically;
//  - exposes hasSynced() and isStale() for readiness probes.
import type { KubeClient } from '../client/client';
import { KubeApiError, toKubeApiError } from '../client/errors';
import { openWatch, type WatchStream } from '../client/watch';
import {
  apiVersionOf,
  objectKey,
  resourceId,
  resourcePath,
  type KubeObject,
  type ResourceDescriptor,
} from '../client/resource';
import { Backoff, jittered, type BackoffOptions } from '../util/backoff';
import { defaultLogger, type Logger } from '../util/log';
import { Store, byNamespace, namespaceIndex, type IndexFunc } from './store';

export type InformerState = 'Idle' | 'Listing' | 'Watching' | 'Backoff' | 'NotInstalled' | 'Stopped';

export interface DeleteInfo {
  /** True when the delete was inferred by a relist (the object vanished while not watching). */
  finalStateUnknown: boolean;
}

export interface InformerHandler<T> {
  onAdd?(obj: T): void;
  onUpdate?(oldObj: T, newObj: T): void;
  onDelete?(obj: T, info: DeleteInfo): void;
  /** Periodic resync: every cached object, unchanged. */
  onResync?(obj: T): void;
}

export interface InformerOptions<T extends KubeObject> {
  client: KubeClient;
  resource: ResourceDescriptor<T>;
  /** Limit to one namespace (default: all namespaces). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Extra indexes; "namespace" is always present. */
  indexers?: Record<string, IndexFunc<T>>;
  /** 0 disables resync (default 10 min). */
  resyncPeriodMs?: number;
  /** Restart a watch that delivered no event for this long (default 5 min; bookmarks count). */
  watchdogMs?: number;
  /** The informer reports stale after being unable to watch for this long (default 60 s). */
  staleAfterMs?: number;
  /** Retry period while the resource is not served (CRD absent) (default 30 s). */
  notInstalledRetryMs?: number;
  /**
   * An absent resource is a normal state (readiness passes), e.g. optional CAPI CRDs. A function is
   * asked each time (a shared informer is optional only while every user says so).
   */
  optional?: boolean | (() => boolean);
  /** List page size (default 500). */
  pageSize?: number;
  /** Reconnect backoff (default 800 ms → 30 s, jitter 0.2). */
  backoff?: BackoffOptions;
  /** Server-side watch timeout range in seconds (default [300, 600], like client-go). */
  watchTimeoutSeconds?: [number, number];
  /** Applied to every object before caching (default: drop metadata.managedFields). */
  transform?: (obj: T) => T;
  logger?: Logger;
}

export function stripManagedFields<T extends KubeObject>(obj: T): T {
  if (!obj.metadata?.managedFields) return obj;
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

/** Status counters, for logs, tests and debug endpoints. */
export interface InformerStats {
  lists: number;
  watchStarts: number;
  relistsOnGone: number;
  watchdogRestarts: number;
  errors: number;
  synthesizedDeletes: number;
}

interface WatchSession {
  id: number;
  stream?: WatchStream;
  abandoned: boolean;
}

export class Informer<T extends KubeObject> {
  readonly resource: ResourceDescriptor<T>;
  readonly name: string;
  readonly store: Store<T>;
  readonly stats: InformerStats = {
    lists: 0,
    watchStarts: 0,
    relistsOnGone: 0,
    watchdogRestarts: 0,
    errors: 0,
    synthesizedDeletes: 0,
  };

  readonly #options: Required<
    Pick<
      InformerOptions<T>,
      | 'resyncPeriodMs'
      | 'watchdogMs'
      | 'staleAfterMs'
      | 'notInstalledRetryMs'
      | 'pageSize'
      | 'watchTimeoutSeconds'
    >
  > &
    InformerOptions<T>;
  readonly #client: KubeClient;
  readonly #log: Logger;
  readonly #handlers = new Set<InformerHandler<T>>();
  readonly #backoff: Backoff;
  readonly #transform: (obj: T) => T;
  readonly #syncWaiters: Array<() => void> = [];

  #state: InformerState = 'Idle';
  #resourceVersion = '';
  #synced = false;
  #notInstalled = false;
  #lastError: KubeApiError | undefined;
  /** Last time the informer was known healthy (listed, or watch delivered/was open). */
  #healthyAt = 0;
  #lastEventAt = 0;
  #session: WatchSession | undefined;
  #sessionSeq = 0;
  #timer: NodeJS.Timeout | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #resync: NodeJS.Timeout | undefined;

  constructor(options: InformerOptions<T>) {
    this.#options = {
      resyncPeriodMs: 10 * 60_000,
      watchdogMs: 5 * 60_000,
      staleAfterMs: 60_000,
      notInstalledRetryMs: 30_000,
      pageSize: 500,
      watchTimeoutSeconds: [300, 600],
      ...options,
    };
    this.#client = options.client;
    this.resource = options.resource;
    this.name = resourceId(options.resource) + (options.namespace ? ` in ${options.namespace}` : '');
    this.#log = (options.logger ?? defaultLogger()).child({ informer: this.name });
    this.store = new Store<T>({ [namespaceIndex]: byNamespace, ...options.indexers });
    this.#backoff = new Backoff({ initialMs: 800, maxMs: 30_000, jitter: 0.2, ...options.backoff });
    this.#transform = options.transform ?? stripManagedFields;
  }

  get state(): InformerState {
    return this.#state;
  }

  get resourceVersion(): string {
    return this.#resourceVersion;
  }

  get lastError(): KubeApiError | undefined {
    return this.#lastError;
  }

  /** The first full list has been cached (an absent optional resource counts as synced, empty). */
  hasSynced(): boolean {
    return this.#synced;
  }

  /** The resource is not served by the API server (its CRD is not installed). */
  isNotInstalled(): boolean {
    return this.#notInstalled;
  }

  /** Readiness signal: true when the cache cannot be trusted to follow the cluster. */
  isStale(now = Date.now()): boolean {
    if (this.#state === 'Stopped') return true;
    if (!this.#synced) return true;
    if (this.#notInstalled) return !this.#isOptional();
    if (this.#state === 'Watching') return false;
    return now - this.#healthyAt > this.#options.staleAfterMs;
  }

  addHandler(handler: InformerHandler<T>): () => void {
    this.#handlers.add(handler);
    // Late handlers see the current cache as adds, as client-go's AddEventHandler does.
    if (this.#synced) for (const obj of this.store.list()) this.#call(handler, 'onAdd', obj);
    return () => this.#handlers.delete(handler);
  }

  /** Resolves once hasSynced() (or rejects on abort). */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onAbort = () => reject(signal?.reason ?? new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#syncWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  start(): void {
    if (this.#state !== 'Idle') return;
    this.#log.debug('starting');
    this.#list();
    if (this.#options.resyncPeriodMs > 0) this.#scheduleResync();
  }

  stop(): void {
    if (this.#state === 'Stopped') return;
    this.#state = 'Stopped';
    this.#closeSession();
    clearTimeout(this.#timer);
    clearTimeout(this.#watchdog);
    clearTimeout(this.#resync);
  }

  /**
   * Test hook: pretend the last seen resourceVersion is `rv` and restart the watch from it.
   * With a long-compacted value (e.g. "1") this provokes the 410 Gone path deterministically.
   */
  restartWatchFrom(rv: string): void {
    if (this.#state === 'Stopped') return;
    this.#resourceVersion = rv;
    this.#closeSession();
    clearTimeout(this.#timer);
    this.#watch();
  }

  // --- list ---------------------------------------------------------------------------------

  #list(): void {
    if (this.#state === 'Stopped') return;
    this.#state = 'Listing';
    this.stats.lists += 1;
    const client = this.#client.resource(this.resource);
    client
      .list({
        namespace: this.#options.namespace,
        labelSelector: this.#options.labelSelector,
        fieldSelector: this.#options.fieldSelector,
        limit: this.#options.pageSize,
      })
      .then(
        ({ items, resourceVersion }) => {
          if (this.#state === 'Stopped') return;
          if (this.#notInstalled) this.#log.info('resource is now served');
          this.#notInstalled = false;
          this.#replace(items.map((item) => this.#transform(item)));
          this.#resourceVersion = resourceVersion;
          this.#markHealthy();
          this.#backoff.reset();
          this.#markSynced();
          this.#watch();
        },
        (err: unknown) => {
          if (this.#state === 'Stopped') return;
          const error = toKubeApiError(err);
          if (error.reason === 'NotFound') {
            this.#onNotInstalled();
            return;
          }
          this.#retryLater(error, 'list failed', () => this.#list());
        },
      );
  }

  #onNotInstalled(): void {
    if (!this.#notInstalled) {
      this.#log.warn(
        { retryInMs: this.#options.notInstalledRetryMs, optional: this.#isOptional() },
        'resource not installed (no CRD?): will retry discovery',
      );
    }
    this.#notInstalled = true;
    this.#state = 'NotInstalled';
    // A CRD deleted under us takes its objects with it.
    this.#replace([]);
    this.#resourceVersion = '';
    this.#markSynced();
    this.#timer = setTimeout(() => this.#list(), jittered(this.#options.notInstalledRetryMs, 0.1));
  }

  /** Replace the cache with a fresh list, emitting the differences as events. */
  #replace(items: T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const previous = this.store.upsert(obj);
      if (!previous) this.#emit('onAdd', obj);
      // resourceVersions are opaque: "different" is the only meaningful comparison.
      else if (previous.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.#emit('onUpdate', previous, obj);
    }
    for (const key of this.store.keys()) {
      if (seen.has(key)) continue;
      const gone = this.store.delete(key);
      if (!gone) continue;
      this.stats.synthesizedDeletes += 1;
      this.#emit('onDelete', gone, { finalStateUnknown: true });
    }
  }

  // --- watch --------------------------------------------------------------------------------

  #watch(): void {
    if (this.#state === 'Stopped') return;
    this.#closeSession();
    this.#state = 'Watching';
    this.stats.watchStarts += 1;
    const session: WatchSession = { id: ++this.#sessionSeq, abandoned: false };
    this.#session = session;
    const startedAt = Date.now();
    let delivered = false;
    this.#lastEventAt = startedAt;
    this.#armWatchdog(session);

    const [minTimeout, maxTimeout] = this.#options.watchTimeoutSeconds;
    const query = {
      resourceVersion: this.#resourceVersion || undefined,
      allowWatchBookmarks: true,
      timeoutSeconds: Math.floor(minTimeout + Math.random() * (maxTimeout - minTimeout)),
      labelSelector: this.#options.labelSelector,
      fieldSelector: this.#options.fieldSelector,
    };
    const path = resourcePath(this.resource, this.resource.namespaced ? this.#options.namespace : undefined);
    const current = () => this.#session === session && !session.abandoned && this.#state !== 'Stopped';

    const onEvent = (type: string, obj: unknown) => {
      if (!current()) return;
      this.#lastEventAt = Date.now();
      delivered = true;
      this.#markHealthy();
      this.#backoff.reset();
      this.#armWatchdog(session);
      try {
        this.#handleEvent(session, type, obj);
      } catch (err) {
        this.#log.error({ err }, 'watch event handling failed');
      }
    };
    const onDone = (error: KubeApiError | null) => {
      if (!current()) return;
      session.abandoned = true;
      clearTimeout(this.#watchdog);
      if (error) {
        if (error.reason === 'Gone') {
          this.#relistOnGone(error);
          return;
        }
        if (error.reason === 'NotFound') {
          this.#list(); // the list tells "not installed" apart from other 404s
          return;
        }
        this.#retryLater(error, 'watch failed', () => this.#watch());
        return;
      }
      // A normal close (server-side timeout). Reconnect at once from the last resourceVersion,
      // unless the watch closed without delivering anything right away: then back off.
      if (!delivered && Date.now() - startedAt < 1_000) {
        this.#retryLater(
          new KubeApiError('Unavailable', 0, 'watch closed immediately'),
          'watch closed early',
          () => this.#watch(),
        );
        return;
      }
      this.#watch();
    };

    session.stream = openWatch(this.#client.kubeConfig, path, query, { onEvent, onDone });
  }

  #handleEvent(session: WatchSession, type: string, raw: unknown): void {
    if (type === 'ERROR') {
      // The payload is a metav1.Status; 410 means our resourceVersion is too old.
      const error = toKubeApiError(raw);
      session.abandoned = true;
      session.stream?.abort();
      clearTimeout(this.#watchdog);
      if (error.reason === 'Gone') this.#relistOnGone(error);
      else this.#retryLater(error, 'watch error event', () => this.#watch());
      return;
    }
    const obj = raw as T;
    const rv = obj?.metadata?.resourceVersion;
    if (type === 'BOOKMARK') {
      if (rv) this.#resourceVersion = rv;
      return;
    }
    if (!obj?.metadata?.name) return;
    const item = this.#transform({
      ...obj,
      apiVersion: obj.apiVersion ?? apiVersionOf(this.resource),
      kind: obj.kind ?? this.resource.kind,
    });
    if (rv) this.#resourceVersion = rv;
    switch (type) {
      case 'ADDED':
      case 'MODIFIED': {
        const previous = this.store.upsert(item);
        if (!previous) this.#emit('onAdd', item);
        // A replayed event (same resourceVersion, e.g. a watch served from history) changes nothing.
        else if (previous.metadata?.resourceVersion !== item.metadata?.resourceVersion)
          this.#emit('onUpdate', previous, item);
        break;
      }
      case 'DELETED': {
        const previous = this.store.delete(objectKey(item));
        if (previous) this.#emit('onDelete', item, { finalStateUnknown: false });
        break;
      }
      default:
        this.#log.debug({ type }, 'ignoring unknown watch event type');
    }
  }

  #relistOnGone(error: KubeApiError): void {
    this.stats.relistsOnGone += 1;
    this.#log.info({ err: error.message }, 'resourceVersion too old (410 Gone): relisting');
    this.#resourceVersion = '';
    this.#list();
  }

  #armWatchdog(session: WatchSession): void {
    clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      if (this.#session !== session || session.abandoned || this.#state !== 'Watching') return;
      this.stats.watchdogRestarts += 1;
      this.#log.warn(
        { silentForMs: Date.now() - this.#lastEventAt },
        'watch silent for too long: abandoning it and relisting',
      );
      this.#closeSession();
      // A silent watch may have missed events: a relist diff recovers them.
      this.#list();
    }, this.#options.watchdogMs);
  }

  #closeSession(): void {
    const session = this.#session;
    if (!session) return;
    session.abandoned = true;
    session.stream?.abort();
    this.#session = undefined;
    clearTimeout(this.#watchdog);
  }

  // --- shared -------------------------------------------------------------------------------

  #retryLater(error: KubeApiError, what: string, retry: () => void): void {
    this.stats.errors += 1;
    this.#lastError = error;
    this.#closeSession();
    let delayMs = this.#backoff.next();
    if (error.retryAfterSeconds !== undefined) delayMs = Math.max(delayMs, error.retryAfterSeconds * 1000);
    this.#state = 'Backoff';
    const level = this.#backoff.attempts > 3 ? 'warn' : 'info';
    this.#log[level](
      {
        reason: error.reason,
        code: error.code,
        err: error.message,
        retryInMs: delayMs,
        attempt: this.#backoff.attempts,
      },
      `${what}: retrying`,
    );
    clearTimeout(this.#timer);
    this.#timer = setTimeout(retry, delayMs);
  }

  #isOptional(): boolean {
    const optional = this.#options.optional;
    return typeof optional === 'function' ? optional() : Boolean(optional);
  }

  #markHealthy(): void {
    this.#healthyAt = Date.now();
    this.#lastError = undefined;
  }

  #markSynced(): void {
    if (this.#synced) return;
    this.#synced = true;
    this.#log.debug({ objects: this.store.size }, 'synced');
    for (const waiter of this.#syncWaiters.splice(0)) waiter();
  }

  #scheduleResync(): void {
    this.#resync = setTimeout(
      () => {
        if (this.#state === 'Stopped') return;
        if (this.#synced) for (const obj of this.store.list()) this.#emit('onResync', obj);
        this.#scheduleResync();
      },
      jittered(this.#options.resyncPeriodMs, 0.1),
    );
  }

  #emit(event: 'onAdd' | 'onResync', obj: T): void;
  #emit(event: 'onUpdate', oldObj: T, newObj: T): void;
  #emit(event: 'onDelete', obj: T, info: DeleteInfo): void;
  #emit(event: keyof InformerHandler<T>, a: T, b?: T | DeleteInfo): void {
    for (const handler of this.#handlers) this.#call(handler, event, a, b);
  }

  #call(handler: InformerHandler<T>, event: keyof InformerHandler<T>, a: T, b?: T | DeleteInfo): void {
    try {
      (handler[event] as ((x: T, y?: T | DeleteInfo) => void) | undefined)?.call(handler, a, b);
    } catch (err) {
      this.#log.error({ err, event, key: objectKey(a) }, 'informer handler threw');
    }
  }
}
