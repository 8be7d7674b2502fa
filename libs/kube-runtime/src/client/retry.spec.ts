import { describe, expect, it } from 'vitest';
import { KubeApiError } from './errors';
import { retryOnConflict } from './retry';

const conflict = () => new KubeApiError('Conflict', 409, 'the object has been modified');

describe('retryOnConflict', () => {
  it('retries conflicts, calling fn afresh each time, until it succeeds', async () => {
    const attempts: number[] = [];
    const result = await retryOnConflict(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw conflict();
      return 'written';
    });
    expect(result).toBe('written');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after `steps` attempts with the last conflict', async () => {
    let calls = 0;
    const err = await retryOnConflict(
      async () => {
        calls += 1;
        throw conflict();
      },
      { steps: 4, initialMs: 1 },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect((err as KubeApiError).reason).toBe('Conflict');
  });

  it.each([
    ['NotFound', new KubeApiError('NotFound', 404, 'gone')],
    ['a plain error', new Error('boom')],
  ])('does not retry %s', async (_label, error) => {
    let calls = 0;
    await expect(
      retryOnConflict(async () => {
        calls += 1;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});
