import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ItemExponentialFailureRateLimiter } from './rate-limiter';
import { WorkQueue } from './workqueue';

function metricsRecorder() {
  const seen = { depth: [] as number[], adds: 0, retries: 0 };
  return {
    seen,
    sink: {
      depth: (value: number) => seen.depth.push(value),
      added: () => (seen.adds += 1),
      retried: () => (seen.retries += 1),
    },
  };
}

describe('WorkQueue', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('deduplicates keys that are waiting', async () => {
    const { seen, sink } = metricsRecorder();
    const queue = new WorkQueue<string>({ metrics: sink });
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(seen.adds).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
    expect(seen.depth.at(-1)).toBe(0);
  });

  it('never hands out a key that is being processed; re-adds run once after done', async () => {
    const queue = new WorkQueue<string>();
    queue.add('pool-a');
    const first = await queue.get();
    expect(first).toBe('pool-a');
    queue.add('pool-a'); // an event arrives while the key is processing
    queue.add('pool-a');
    queue.add('pool-b');
    expect(queue.len()).toBe(1); // only pool-b is runnable
    expect(await queue.get()).toBe('pool-b');
    expect(queue.isProcessing('pool-a')).toBe(true);
    queue.done('pool-a');
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('pool-a');
    queue.done('pool-a');
    queue.done('pool-b');
    expect(queue.len()).toBe(0);
  });

  it('wakes a waiting getter on add', async () => {
    const queue = new WorkQueue<string>();
    const waiting = queue.get();
    queue.add('x');
    await expect(waiting).resolves.toBe('x');
    expect(queue.isProcessing('x')).toBe(true);
  });

  it('addAfter delays a key and keeps the earliest deadline', async () => {
    const queue = new WorkQueue<string>();
    queue.addAfter('k', 1000);
    queue.addAfter('k', 5000);
    queue.addAfter('k', 500);
    expect(queue.len()).toBe(0);
    vi.advanceTimersByTime(499);
    expect(queue.len()).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.len()).toBe(1);
    expect(await queue.get()).toBe('k');
    queue.done('k');
    vi.advanceTimersByTime(10_000);
    expect(queue.len()).toBe(0); // the later deadlines were dropped, not queued again
  });

  it('addRateLimited backs off per item exponentially and forget resets it', () => {
    const { seen, sink } = metricsRecorder();
    const queue = new WorkQueue<string>({
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 1_000_000),
      metrics: sink,
    });
    const readyAfter = () => {
      let elapsed = 0;
      while (queue.len() === 0) {
        vi.advanceTimersByTime(1);
        elapsed += 1;
      }
      return elapsed;
    };
    queue.addRateLimited('k');
    expect(readyAfter()).toBe(5);
    void queue.get();
    queue.done('k');
    queue.addRateLimited('k');
    expect(readyAfter()).toBe(10);
    void queue.get();
    queue.done('k');
    expect(queue.numRequeues('k')).toBe(2);
    queue.forget('k');
    queue.addRateLimited('k');
    expect(readyAfter()).toBe(5);
    expect(seen.retries).toBe(3);
  });

  it('shutDown releases idle getters, drops delayed keys and ignores new adds', async () => {
    const queue = new WorkQueue<string>();
    const idle = queue.get();
    queue.addAfter('later', 1000);
    queue.shutDown();
    await expect(idle).resolves.toBeUndefined();
    queue.add('x');
    vi.advanceTimersByTime(2000);
    expect(queue.len()).toBe(0);
    await expect(queue.get()).resolves.toBeUndefined();
  });

  it('shutDownWithDrain waits for in-flight keys', async () => {
    const queue = new WorkQueue<string>();
    queue.add('a');
    const key = await queue.get();
    let drained = false;
    const draining = queue.shutDownWithDrain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    queue.done(key!);
    await draining;
    expect(drained).toBe(true);
  });

  it('keeps FIFO order across many keys (head compaction)', async () => {
    const queue = new WorkQueue<number>();
    for (let i = 0; i < 5000; i += 1) queue.add(i);
    const out: number[] = [];
    for (let i = 0; i < 5000; i += 1) out.push((await queue.get())!);
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(queue.len()).toBe(0);
  });
});
