// The upgrade stability report: per host and pool, the address before and after a window and
// what happened to it. Pure: classifies rows the read model returns.
import type { StabilityRow } from './read-model';
import type { AssignmentRow } from './rows';

export type StabilityOutcome = 'kept' | 'changed' | 'new' | 'gone';

export interface StabilityEntry {
  hostId: number;
  poolId: number;
  outcome: StabilityOutcome;
  before: AssignmentRow | null;
  after: AssignmentRow | null;
  /** The address now comes from a preAllocation (or did, for a host that is gone). */
  preallocated: boolean;
  /** Intervals that started inside the window: > 0 with `kept` means re-allocated to the same address. */
  intervalsInWindow: number;
}

export interface StabilityTotals {
  entries: number;
  hosts: number;
  kept: number;
  changed: number;
  new: number;
  gone: number;
  preallocated: number;
  /** Kept entries whose claim was re-allocated inside the window (the upgrade replaced it). */
  reallocatedKept: number;
}

export interface StabilityReport {
  from: Date;
  to: Date;
  entries: StabilityEntry[];
  totals: StabilityTotals;
  /** No host changed or lost an address. */
  stable: boolean;
}

export function classify(row: StabilityRow): StabilityOutcome {
  if (row.before === null) return 'new';
  if (row.after === null) return 'gone';
  return row.before.address === row.after.address ? 'kept' : 'changed';
}

export function stabilityReport(rows: readonly StabilityRow[], from: Date, to: Date): StabilityReport {
  const totals: StabilityTotals = {
    entries: rows.length,
    hosts: new Set(rows.map((row) => row.hostId)).size,
    kept: 0,
    changed: 0,
    new: 0,
    gone: 0,
    preallocated: 0,
    reallocatedKept: 0,
  };
  const entries = rows.map((row): StabilityEntry => {
    const outcome = classify(row);
    const preallocated = (row.after ?? row.before)?.source === 'preallocated';
    totals[outcome] += 1;
    if (preallocated) totals.preallocated += 1;
    if (outcome === 'kept' && row.intervalsInWindow > 0) totals.reallocatedKept += 1;
    return { ...row, outcome, preallocated };
  });
  return { from, to, entries, totals, stable: totals.changed === 0 && totals.gone === 0 };
}
