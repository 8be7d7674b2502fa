import { describe, expect, it } from 'vitest';
import { costOf, formatNumber, ratio, renderTable } from './report';
import type { Measurement } from './workloads';

const measurement = (ops: number, totalMs: number, complete: boolean): Measurement => ({
  ops,
  target: 100,
  totalMs,
  cpuMs: totalMs,
  complete,
});

describe('bench report', () => {
  it.each([
    ['complete run: mean cost', measurement(100, 1, true), 10_000, false],
    ['capped run: lower bound counts the unfinished operation', measurement(9, 10, false), 1_000_000, true],
    ['capped before the first operation finished', measurement(0, 5, false), 5_000_000, true],
  ])('%s', (_name, m, nsPerOp, lowerBound) => {
    expect(costOf(m)).toEqual({ nsPerOp, lowerBound });
  });

  it('ratio is a lower bound exactly when the naive run was capped', () => {
    const fast = measurement(100, 1, true);
    expect(ratio(measurement(100, 50, true), fast)).toEqual({ value: 50, lowerBound: false });
    expect(ratio(measurement(9, 10, false), fast)).toEqual({ value: 100, lowerBound: true });
  });

  it.each([
    [1234.4, '1,234'],
    [12.345, '12.3'],
    [1.2345, '1.23'],
  ])('formats %s as %s', (value, text) => {
    expect(formatNumber(value)).toBe(text);
  });

  it('aligns columns: first left, others right', () => {
    expect(renderTable(['a', 'bb'], [['xyz', '1']])).toBe('a    bb\n---  --\nxyz   1');
  });
});
