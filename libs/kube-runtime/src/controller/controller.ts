// A controller: informers → mapping functions (event → keys) → rate-limited queue → N workers.
// Same contract as controller-runtime: one key is never reconciled twice at once, errors are
// retried with per-key backoff, requeueAfter schedules a later pass, stop finishes in-flight work.
import { Registry } from 'prom-client';
import { objectKey, type KubeObject } from '../client/resource';
import type { DeleteInfo, Informer } from '../informer/informer';
import { defaultLogger, type Logger } from '../util/log';
import type { RateLimiter } from '../workqueue/rate-limiter';
import { WorkQueue } from '../workqueue/workqueue';
import { runtimeMetrics, workQueueMetricsSink, type RuntimeMetrics } from './metrics';

export interface ReconcileResult {
  /** Requeue with the rate limiter's backoff (as an error would, without counting one). */
  requeue?: boolean;
  /** Requeue after this many milliseconds (wins over `requeue`). */
  requeueAfter?: number;
}

/** A failure that retrying cannot fix: counted and logged, never requeued. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type ReconcileFn = (key: string, signal: AbortSignal) => Promise<ReconcileResult | void>;

export type WatchEvent<T> =
  | { type: 'add'; object: T }
  | { type: 'update'; object: T; oldObject: T }
  | { type: 'delete'; object: T; finalStateUnknown: boolean }
  | { type: 'resync'; object: T };

/** Maps an event to the keys to reconcile (e.g. a claim → its pool's key). */
export type MapFn<T> = (event: WatchEvent<T>) => readonly string[];

/** The object's own "namespace/name" key. */
export const ownKey = <T extends KubeObject>(event: WatchEvent<T>): string[] => [objectKey(event.object)];

export interface ControllerOptions {
  name: string;
  reconcile: ReconcileFn;
  /** Parallel workers (distinct keys only) (default 1). */
  concurrency?: number;
  rateLimiter?: RateLimiter<string>;
  registry?: Registry;
  logger?: Logger;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue<string>;
  readonly #reconcile: ReconcileFn;
  readonly #concurrency: number;
  readonly #metrics: RuntimeMetrics;
  readonly #log: Logger;
  readonly #informers: Informer<KubeObject>[] = [];
  readonly #unsubscribe: Array<() => void> = [];
  readonly #pendingWatches: Array<() => void> = [];
  readonly #stopping = new AbortController();
  #workers: Promise<void>[] = [];
  #started = false;
  #stopped: Promise<void> | undefined;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.#reconcile = options.reconcile;
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#metrics = runtimeMetrics(options.registry ?? new Registry());
    this.#log = (options.logger ?? defaultLogger()).child({ controller: options.name });
    this.queue = new WorkQueue<string>({
      name: options.name,
      rateLimiter: options.rateLimiter,
      metrics: workQueueMetricsSink(this.#metrics, options.name),
    });
    this.#metrics.maxConcurrentReconciles.labels(this.name).set(this.#concurrency);
    this.#metrics.activeWorkers.labels(this.name).set(0);
    for (const result of ['success', 'error', 'requeue', 'requeue_after']) {
      this.#metrics.reconcileTotal.labels(this.name, result);
    }
    this.#metrics.reconcileErrors.labels(this.name);
  }

  /** Feed events of `informer` through `map` into the queue (default: the object's own key). */
  watch<T extends KubeObject>(informer: Informer<T>, map: MapFn<T> = ownKey): this {
    this.#informers.push(informer as unknown as Informer<KubeObject>);
    const enqueue = (event: WatchEvent<T>) => {
      let keys: readonly string[];
      try {
        keys = map(event);
      } catch (err) {
        this.#log.error(
          { err, event: event.type, object: objectKey(event.object) },
          'mapping function threw',
        );
        return;
      }
      for (const key of keys) this.queue.add(key);
    };
    const subscribe = () =>
      this.#unsubscribe.push(
        informer.addHandler({
          onAdd: (object) => enqueue({ type: 'add', object }),
          onUpdate: (oldObject, object) => enqueue({ type: 'update', object, oldObject }),
          onDelete: (object, info: DeleteInfo) =>
            enqueue({ type: 'delete', object, finalStateUnknown: info.finalStateUnknown }),
          onResync: (object) => enqueue({ type: 'resync', object }),
        }),
      );
    if (this.#started) subscribe();
    else this.#pendingWatches.push(subscribe);
    return this;
  }

  /** Enqueue a key directly (e.g. from a webhook or a periodic sweep). */
  enqueue(key: string, afterMs = 0): void {
    this.queue.addAfter(key, afterMs);
  }

  /**
   * Subscribe to the informers, wait for their caches to sync, then start the workers.
   * Informers are started by their owner (a Manager or the caller), not here.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    for (const subscribe of this.#pendingWatches.splice(0)) subscribe();
    const abort = AbortSignal.any([this.#stopping.signal, ...(signal ? [signal] : [])]);
    try {
      await Promise.all(this.#informers.map((informer) => informer.waitForSync(abort)));
    } catch {
      return; // stopped before the caches synced
    }
    this.#log.info({ workers: this.#concurrency }, 'starting workers');
    this.#workers = Array.from({ length: this.#concurrency }, () => this.#work());
  }

  /** Stop taking work, let in-flight reconciles finish, then resolve. */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#stopping.abort();
      for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
      this.queue.shutDown();
      await Promise.all(this.#workers);
      this.#log.info('stopped');
    })();
    return this.#stopped;
  }

  async #work(): Promise<void> {
    while (!this.#stopping.signal.aborted) {
      const key = await this.queue.get();
      if (key === undefined) return;
      if (this.#stopping.signal.aborted) {
        this.queue.done(key);
        return;
      }
      await this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    const started = process.hrtime.bigint();
    const active = this.#metrics.activeWorkers.labels(this.name);
    active.inc();
    let outcome: 'success' | 'error' | 'requeue' | 'requeue_after';
    try {
      const result = (await this.#reconcile(key, this.#stopping.signal)) ?? {};
      if (result.requeueAfter !== undefined && result.requeueAfter > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, result.requeueAfter);
        outcome = 'requeue_after';
      } else if (result.requeue) {
        this.queue.addRateLimited(key);
        outcome = 'requeue';
      } else {
        this.queue.forget(key);
        outcome = 'success';
      }
    } catch (err) {
      outcome = 'error';
      this.#metrics.reconcileErrors.labels(this.name).inc();
      if (err instanceof TerminalError) {
        this.#metrics.terminalReconcileErrors.labels(this.name).inc();
        this.queue.forget(key);
        this.#log.error({ err, key }, 'reconciler error (terminal, not retried)');
      } else {
        this.queue.addRateLimited(key);
        this.#log.error({ err, key, requeues: this.queue.numRequeues(key) }, 'reconciler error');
      }
    } finally {
      active.dec();
      this.queue.done(key);
    }
    this.#metrics.reconcileTotal.labels(this.name, outcome).inc();
    this.#metrics.reconcileTime.labels(this.name).observe(Number(process.hrtime.bigint() - started) / 1e9);
  }
}
