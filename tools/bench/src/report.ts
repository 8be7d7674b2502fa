// Turning measurements into table cells. A capped (incomplete) naive run only bounds its cost from
// below, so its cells read "> x": the cap elapsed before the (ops + 1)-th operation finished, and
// every workload here has per-operation cost that never decreases, so the true mean over the
// whole workload is at least totalMs / (ops + 1).
import type { Measurement } from './workloads';

export interface Cost {
  nsPerOp: number;
  /** True when nsPerOp is a lower bound. */
  lowerBound: boolean;
}

/** Cost per operation in CPU time (wall time on a shared 2-core machine mostly measures the queue). */
export function costOf(measurement: Measurement): Cost {
  if (measurement.complete) {
    return { nsPerOp: (measurement.cpuMs * 1e6) / Math.max(measurement.ops, 1), lowerBound: false };
  }
  return { nsPerOp: (measurement.cpuMs * 1e6) / (measurement.ops + 1), lowerBound: true };
}

/** naive / stableip, a lower bound when the naive run was capped. */
export function ratio(naive: Measurement, stableip: Measurement): { value: number; lowerBound: boolean } {
  const slow = costOf(naive);
  const fast = costOf(stableip);
  return { value: slow.nsPerOp / fast.nsPerOp, lowerBound: slow.lowerBound };
}

export function formatNumber(value: number): string {
  if (value >= 100) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export const bound = (text: string, lowerBound: boolean): string => (lowerBound ? `> ${text}` : text);

export function renderTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Time the naive run would need for the whole workload: the workload's exact number of scan steps
 * times the cost per step measured in the run. An estimate (not a bound) for capped runs.
 */
export function extrapolateMs(measurement: Measurement, naiveSteps: bigint): number | undefined {
  if (!measurement.steps) return undefined;
  return Number(naiveSteps) * (measurement.cpuMs / measurement.steps);
}

export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['years', 365 * 24 * 3600e3],
    ['days', 24 * 3600e3],
    ['h', 3600e3],
    ['min', 60e3],
    ['s', 1e3],
  ];
  for (const [unit, size] of units) {
    if (ms >= size) {
      const value = ms / size;
      return `${value >= 1e6 ? value.toExponential(1) : formatNumber(value)} ${unit}`;
    }
  }
  return `${formatNumber(ms)} ms`;
}
