import { describe, expect, it } from 'vitest';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
} from './rate-limiter';

describe('ItemExponentialFailureRateLimiter', () => {
  it.each([
    [1, 5],
    [2, 10],
    [3, 20],
    [10, 2560],
    [17, 327_680],
    [28, 1_000_000],
    [200, 1_000_000],
  ])('failure #%i waits %d ms (5 ms base, 1000 s cap)', (failures, expected) => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    let delay = 0;
    for (let i = 0; i < failures; i += 1) delay = limiter.when('a');
    expect(delay).toBe(expected);
    expect(limiter.numRequeues('a')).toBe(failures);
  });

  it('tracks items independently and forget resets one item', () => {
    const limiter = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    limiter.when('a');
    limiter.when('a');
    expect(limiter.when('b')).toBe(5);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
    expect(limiter.when('a')).toBe(5);
    expect(limiter.numRequeues('b')).toBe(1);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces items at 1/qps', () => {
    let now = 0;
    const limiter = new BucketRateLimiter<string>(10, 3, () => now);
    expect([limiter.when('a'), limiter.when('b'), limiter.when('c')]).toEqual([0, 0, 0]);
    expect(limiter.when('d')).toBe(100);
    expect(limiter.when('e')).toBe(200);
    now = 1_000; // 10 tokens accrue, but the 2 reserved ones are paid back first and burst caps at 3
    expect([limiter.when('f'), limiter.when('g'), limiter.when('h')]).toEqual([0, 0, 0]);
    expect(limiter.when('i')).toBe(100);
  });
});

describe('MaxOfRateLimiter / default controller limiter', () => {
  it('takes the longest delay and forgets in every limiter', () => {
    const limiter = new MaxOfRateLimiter<string>(
      new ItemExponentialFailureRateLimiter(5, 1000),
      new ItemExponentialFailureRateLimiter(50, 1000),
    );
    expect(limiter.when('x')).toBe(50);
    expect(limiter.when('x')).toBe(100);
    expect(limiter.numRequeues('x')).toBe(2);
    limiter.forget('x');
    expect(limiter.when('x')).toBe(50);
  });

  it('starts at 5 ms per item like client-go', () => {
    const limiter = defaultControllerRateLimiter<string>();
    expect(limiter.when('k')).toBe(5);
    expect(limiter.when('k')).toBe(10);
  });
});
