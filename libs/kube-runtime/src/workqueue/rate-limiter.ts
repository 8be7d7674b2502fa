// Rate limiters with client-go's semantics (k8s.io/client-go/util/workqueue/default_rate_limiters.go).

export interface RateLimiter<K = string> {
  /** How long to wait before `item` may be processed again (ms). */
  when(item: K): number;
  /** Stop tracking `item` (it succeeded): its next failure starts from the base delay again. */
  forget(item: K): void;
  /** How many times `item` has been requeued through `when` since the last `forget`. */
  numRequeues(item: K): number;
}

/** base · 2^failures, capped: 5 ms, 10 ms, 20 ms … 1000 s by default. */
export class ItemExponentialFailureRateLimiter<K = string> implements RateLimiter<K> {
  readonly #failures = new Map<K, number>();
  constructor(
    readonly baseDelayMs = 5,
    readonly maxDelayMs = 1_000_000,
  ) {}

  when(item: K): number {
    const failures = this.#failures.get(item) ?? 0;
    this.#failures.set(item, failures + 1);
    const delay = this.baseDelayMs * 2 ** failures;
    return Number.isFinite(delay) ? Math.min(delay, this.maxDelayMs) : this.maxDelayMs;
  }

  forget(item: K): void {
    this.#failures.delete(item);
  }

  numRequeues(item: K): number {
    return this.#failures.get(item) ?? 0;
  }
}

/**
 * Overall token bucket (golang.org/x/time/rate semantics): `qps` tokens per second, up to
 * `burst` stored; each `when` reserves one token and returns how long until it is available.
 */
export class BucketRateLimiter<K = string> implements RateLimiter<K> {
  #tokens: number;
  #last: number;
  constructor(
    readonly qps = 10,
    readonly burst = 100,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#last = now();
  }

  when(_item: K): number {
    const now = this.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.qps) * 1000);
  }

  forget(_item: K): void {
    // the bucket is shared by all items: nothing to reset per item
  }

  numRequeues(_item: K): number {
    return 0;
  }
}

/** The worst (longest) delay of several limiters. */
export class MaxOfRateLimiter<K = string> implements RateLimiter<K> {
  readonly #limiters: RateLimiter<K>[];
  constructor(...limiters: RateLimiter<K>[]) {
    this.#limiters = limiters;
  }

  when(item: K): number {
    return Math.max(0, ...this.#limiters.map((limiter) => limiter.when(item)));
  }

  forget(item: K): void {
    for (const limiter of this.#limiters) limiter.forget(item);
  }

  numRequeues(item: K): number {
    return Math.max(0, ...this.#limiters.map((limiter) => limiter.numRequeues(item)));
  }
}

/** client-go's DefaultControllerRateLimiter: per-item 5 ms → 1000 s, overall 10 qps / burst 100. */
export function defaultControllerRateLimiter<K = string>(): RateLimiter<K> {
  return new MaxOfRateLimiter<K>(
    new ItemExponentialFailureRateLimiter<K>(5, 1_000_000),
    new BucketRateLimiter<K>(10, 100),
  );
}
