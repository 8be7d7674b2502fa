import { describe, expect, it } from 'vitest';
import { Backoff, jittered, sleep } from './backoff';

describe('Backoff', () => {
  it('doubles from initial to the cap without jitter', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect(Array.from({ length: 6 }, () => backoff.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempts).toBe(6);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it.each([
    [0, 800],
    [0.5, 1000],
    [0.999999, 1200],
  ])('jitter 0.2 with random %d gives %d ms around 1000', (random, expected) => {
    const backoff = new Backoff({ initialMs: 1000, jitter: 0.2, random: () => random });
    expect(backoff.next()).toBe(expected);
  });

  it('jittered spreads a period symmetrically', () => {
    expect(jittered(1000, 0.1, () => 0)).toBe(900);
    expect(jittered(1000, 0.1, () => 1)).toBe(1100);
  });

  it('sleep resolves false when aborted early', async () => {
    const abort = new AbortController();
    const pending = sleep(60_000, abort.signal);
    abort.abort();
    await expect(pending).resolves.toBe(false);
    await expect(sleep(1)).resolves.toBe(true);
  });
});
