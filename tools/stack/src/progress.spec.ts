import { describe, expect, it } from 'vitest';
import { formatElapsed, Progress, StepFailedError } from './progress';

describe('formatElapsed', () => {
  it.each([
    [0, '0.0s'],
    [1234, '1.2s'],
    [12_400, '12s'],
    [61_000, '1m01s'],
    [185_000, '3m05s'],
  ])('%i ms → %s', (ms, text) => expect(formatElapsed(ms)).toBe(text));
});

describe('Progress (non-TTY)', () => {
  it('prints a start line, updates and an end line with the elapsed time', async () => {
    let clock = 0;
    let text = '';
    const progress = new Progress({ write: (chunk: string) => (text += chunk), isTTY: false }, () => clock);
    const result = await progress.step('build', async (update) => {
      update('nx run api:build');
      clock += 2_500;
      return 7;
    });
    expect(result).toBe(7);
    expect(text).toBe('→ build\n  nx run api:build\n✔ build  2.5s\n');
  });

  it('marks a failed step and wraps its error with the step name', async () => {
    let text = '';
    const progress = new Progress({ write: (chunk: string) => (text += chunk), isTTY: false }, () => 0);
    const failing = progress.step('start API', async () => {
      throw new Error('port in use');
    });
    await expect(failing).rejects.toThrow(StepFailedError);
    await expect(failing).rejects.toThrow('start API: port in use');
    expect(text).toContain('✘ start API');
  });
});

describe('Progress (TTY)', () => {
  it('redraws one line with a spinner and leaves the finished step with its time', async () => {
    const ci = process.env['CI'];
    delete process.env['CI'];
    try {
      let clock = 0;
      let text = '';
      const progress = new Progress({ write: (chunk: string) => (text += chunk), isTTY: true }, () => clock);
      await progress.step('start API', async () => {
        clock += 61_000;
      });
      expect(text.startsWith('\r\x1b[2K⠋ start API  0.0s')).toBe(true);
      expect(text.endsWith('\r\x1b[2K✔ start API  1m01s\n')).toBe(true);
      expect(text.split('\n')).toHaveLength(2); // one finished line, nothing scrolled
    } finally {
      if (ci !== undefined) process.env['CI'] = ci;
    }
  });
});
