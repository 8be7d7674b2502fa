import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { testLogger } from '../../tests/support';
import { ItemExponentialFailureRateLimiter } from '../workqueue/rate-limiter';
import { Controller, TerminalError, type ReconcileResult } from './controller';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

async function metricValue(
  registry: Registry,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  // Histograms report samples named <name>_bucket/_sum/_count under one metric.
  for (const metric of await registry.getMetricsAsJSON()) {
    for (const sample of metric.values) {
      const sampleName = (sample as { metricName?: string }).metricName ?? metric.name;
      const matches = Object.entries(labels).every(
        ([key, value]) => (sample.labels as Record<string, unknown>)[key] === value,
      );
      if (sampleName === name && matches) return sample.value;
    }
  }
  return Number.NaN;
}

describe('Controller', () => {
  it('never reconciles one key in parallel but runs distinct keys concurrently', async () => {
    let running = 0;
    let maxRunning = 0;
    const perKey = new Map<string, number>();
    let overlapOnSameKey = false;
    const controller = new Controller({
      name: 'test',
      concurrency: 4,
      registry: new Registry(),
      logger: testLogger,
      reconcile: async (key) => {
        perKey.set(key, (perKey.get(key) ?? 0) + 1);
        if ((perKey.get(key) ?? 0) > 1) overlapOnSameKey = true;
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        await tick(20);
        running -= 1;
        perKey.set(key, (perKey.get(key) ?? 1) - 1);
      },
    });
    await controller.start();
    for (let round = 0; round < 5; round += 1) {
      for (const key of ['a', 'b', 'c', 'd']) controller.enqueue(key);
      await tick(5);
    }
    await tick(150);
    await controller.stop();
    expect(overlapOnSameKey).toBe(false);
    expect(maxRunning).toBe(4);
  });

  it('retries errors with backoff, honours requeueAfter, and does not retry terminal errors', async () => {
    const registry = new Registry();
    const calls: string[] = [];
    let failures = 2;
    const controller = new Controller({
      name: 'retrying',
      registry,
      logger: testLogger,
      rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000),
      reconcile: async (key): Promise<ReconcileResult | void> => {
        calls.push(key);
        if (key === 'flaky' && failures-- > 0) throw new Error('transient');
        if (key === 'broken') throw new TerminalError('bad spec');
        if (key === 'later' && calls.filter((k) => k === 'later').length === 1) return { requeueAfter: 30 };
      },
    });
    await controller.start();
    controller.enqueue('flaky');
    controller.enqueue('broken');
    controller.enqueue('later');
    await tick(200);
    await controller.stop();
    expect(calls.filter((k) => k === 'flaky')).toHaveLength(3);
    expect(calls.filter((k) => k === 'broken')).toHaveLength(1);
    expect(calls.filter((k) => k === 'later')).toHaveLength(2);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'retrying',
        result: 'error',
      }),
    ).toBe(3);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'retrying',
        result: 'success',
      }),
    ).toBe(2);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_total', {
        controller: 'retrying',
        result: 'requeue_after',
      }),
    ).toBe(1);
    expect(
      await metricValue(registry, 'controller_runtime_reconcile_errors_total', { controller: 'retrying' }),
    ).toBe(3);
    expect(await metricValue(registry, 'workqueue_retries_total', { name: 'retrying' })).toBe(2);
    expect(await metricValue(registry, 'workqueue_adds_total', { name: 'retrying' })).toBe(6);
    expect(await metricValue(registry, 'workqueue_depth', { name: 'retrying' })).toBe(0);
    // 6 reconciles: each one waited in the queue and was worked on once.
    expect(await metricValue(registry, 'workqueue_work_duration_seconds_count', { name: 'retrying' })).toBe(
      6,
    );
    expect(await metricValue(registry, 'workqueue_queue_duration_seconds_count', { name: 'retrying' })).toBe(
      6,
    );
  });

  it('stop() waits for in-flight reconciles and takes no new work', async () => {
    const started: string[] = [];
    let finished = 0;
    const controller = new Controller({
      name: 'graceful',
      registry: new Registry(),
      logger: testLogger,
      reconcile: async (key) => {
        started.push(key);
        await tick(50);
        finished += 1;
      },
    });
    await controller.start();
    controller.enqueue('first');
    controller.enqueue('second');
    await tick(10);
    await controller.stop();
    expect(started).toEqual(['first']);
    expect(finished).toBe(1);
    controller.enqueue('third');
    await tick(20);
    expect(started).toEqual(['first']);
  });
});
