// A rate-limited work queue with client-go's guarantees:
//  - a key queued many times before it is picked up is processed once (dirty set),
//  - a key is never handed to two workers at once: re-adds while it is processing are parked
//    and re-queued by done() (processing set),
//  - addAfter/addRateLimited delay a key (earliest deadline wins), forget resets its backoff,
//  - shutDown stops handing out work; shutDownWithDrain also waits for in-flight keys.
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter';

/** Where the queue reports workqueue_* metrics (see metrics.ts); all optional. */
export interface WorkQueueMetricsSink {
  depth?(value: number): void;
  added?(): void;
  retried?(): void;
  /** Seconds a key waited in the queue before a worker took it. */
  queueLatency?(seconds: number): void;
  /** Seconds between get() and done() for a key. */
  workDuration?(seconds: number): void;
}

export interface WorkQueueOptions<K> {
  name?: string;
  rateLimiter?: RateLimiter<K>;
  metrics?: WorkQueueMetricsSink;
}

export class WorkQueue<K = string> {
  readonly name: string;
  readonly #rateLimiter: RateLimiter<K>;
  readonly #metrics: WorkQueueMetricsSink;
  readonly #queue: K[] = [];
  #head = 0;
  readonly #dirty = new Set<K>();
  /** Key → when it started processing (ms, performance.now()). */
  readonly #processing = new Map<K, number>();
  /** Key → when it entered the queue (for queueLatency). */
  readonly #queuedAt = new Map<K, number>();
  /** Delayed keys: earliest ready time and its timer. */
  readonly #waiting = new Map<K, { readyAt: number; timer: NodeJS.Timeout }>();
  readonly #getters: Array<(key: K | undefined) => void> = [];
  #shuttingDown = false;
  #drained: (() => void) | undefined;

  constructor(options: WorkQueueOptions<K> = {}) {
    this.name = options.name ?? 'queue';
    this.#rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter<K>();
    this.#metrics = options.metrics ?? {};
  }

  /** Keys waiting to be processed (the workqueue_depth metric); excludes delayed and in-flight keys. */
  len(): number {
    return this.#queue.length - this.#head;
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  add(key: K): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#metrics.added?.();
    this.#dirty.add(key);
    if (this.#processing.has(key)) return; // done() re-queues it
    this.#queuedAt.set(key, performance.now());
    const getter = this.#getters.shift();
    if (getter) {
      this.#take(key);
      getter(key);
      return;
    }
    this.#queue.push(key);
    this.#reportDepth();
  }

  /** Add `key` once `delayMs` has passed; an earlier pending deadline for the same key wins. */
  addAfter(key: K, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = Date.now() + delayMs;
    const pending = this.#waiting.get(key);
    if (pending && pending.readyAt <= readyAt) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.#waiting.delete(key);
      this.add(key);
    }, delayMs);
    // Delayed retries alone must not keep a stopping process alive.
    timer.unref?.();
    this.#waiting.set(key, { readyAt, timer });
  }

  /** Re-add after the rate limiter's delay for this key (per-item backoff and overall bucket). */
  addRateLimited(key: K): void {
    this.#metrics.retried?.();
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /** The key succeeded: reset its backoff. */
  forget(key: K): void {
    this.#rateLimiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key, marked as processing until `done(key)`. Waits while the queue is empty;
   * resolves undefined once the queue is shutting down and empty.
   */
  get(): Promise<K | undefined> {
    if (this.len() > 0) {
      const key = this.#queue[this.#head] as K;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#head);
        this.#head = 0;
      }
      this.#take(key);
      this.#reportDepth();
      return Promise.resolve(key);
    }
    if (this.#shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  done(key: K): void {
    const startedAt = this.#processing.get(key);
    if (startedAt !== undefined) this.#metrics.workDuration?.((performance.now() - startedAt) / 1000);
    this.#processing.delete(key);
    if (this.#dirty.has(key)) {
      this.#queuedAt.set(key, performance.now());
      const getter = this.#shuttingDown ? undefined : this.#getters.shift();
      if (getter) {
        this.#take(key);
        getter(key);
      } else {
        this.#queue.push(key);
        this.#reportDepth();
      }
    }
    if (this.#processing.size === 0) this.#drained?.();
  }

  isProcessing(key: K): boolean {
    return this.#processing.has(key);
  }

  /** Stop accepting keys, drop delayed ones, and release idle getters (they get undefined). */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const { timer } of this.#waiting.values()) clearTimeout(timer);
    this.#waiting.clear();
    for (const getter of this.#getters.splice(0)) getter(undefined);
  }

  /** shutDown, then wait until every in-flight key is done(). Queued keys are still handed out. */
  async shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return;
    await new Promise<void>((resolve) => {
      this.#drained = resolve;
    });
  }

  #take(key: K): void {
    const now = performance.now();
    const queuedAt = this.#queuedAt.get(key);
    if (queuedAt !== undefined) this.#metrics.queueLatency?.((now - queuedAt) / 1000);
    this.#queuedAt.delete(key);
    this.#processing.set(key, now);
    this.#dirty.delete(key);
  }

  #reportDepth(): void {
    this.#metrics.depth?.(this.len());
  }
}
