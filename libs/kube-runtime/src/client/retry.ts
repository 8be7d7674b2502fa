// retryOnConflict: client-go's retry.RetryOnConflict. `fn` must re-read fresh state on every
// attempt (from the API server, not a cache that may still hold the stale object).
import { isConflict } from './errors';
import { Backoff, sleep } from '../util/backoff';

export interface RetryOptions {
  /** Attempts in total, including the first (default 5, as client-go's DefaultRetry). */
  steps?: number;
  /** First delay (default 10 ms), ×1 per step with jitter 0.1 like DefaultRetry. */
  initialMs?: number;
  factor?: number;
  signal?: AbortSignal;
  /** Which errors to retry (default: Conflict only). */
  retriable?: (err: unknown) => boolean;
}

export async function retryOnConflict<R>(
  fn: (attempt: number) => Promise<R>,
  options: RetryOptions = {},
): Promise<R> {
  const steps = Math.max(1, options.steps ?? 5);
  const retriable = options.retriable ?? isConflict;
  const backoff = new Backoff({
    initialMs: options.initialMs ?? 10,
    factor: options.factor ?? 1,
    jitter: 0.1,
    maxMs: 10_000,
  });
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (attempt >= steps || !retriable(err)) throw err;
      if (!(await sleep(backoff.next(), options.signal))) throw err;
    }
  }
}
