import { describe, expect, it } from 'vitest';
import type { StabilityRow } from './read-model';
import type { AssignmentRow } from './rows';
import { classify, stabilityReport } from './stability';

function assignment(address: string, source: AssignmentRow['source'] = 'dynamic'): AssignmentRow {
  return {
    id: address,
    clusterId: 1,
    poolId: 1,
    hostId: 1,
    namespace: 'ns',
    claimName: 'c',
    claimKind: 'IPClaim',
    addressName: null,
    address,
    prefix: 24,
    gateway: null,
    family: 4,
    source,
    validFrom: new Date(0),
    validTo: null,
    openedByEventId: null,
    closedByEventId: null,
  };
}

const row = (
  hostId: number,
  before: string | null,
  after: string | null,
  intervals = 0,
  source?: AssignmentRow['source'],
): StabilityRow => ({
  hostId,
  poolId: 1,
  before: before === null ? null : assignment(before),
  after: after === null ? null : assignment(after, source),
  intervalsInWindow: intervals,
});

describe('classify', () => {
  it.each([
    [row(1, '10.0.0.1', '10.0.0.1'), 'kept'],
    [row(1, '10.0.0.1', '10.0.0.2'), 'changed'],
    [row(1, null, '10.0.0.2'), 'new'],
    [row(1, '10.0.0.1', null), 'gone'],
  ])('%#: %s', (input, outcome) => {
    expect(classify(input)).toBe(outcome);
  });
});

describe('stabilityReport', () => {
  it('totals outcomes, preallocations and re-allocations; stable only without changed or gone', () => {
    const report = stabilityReport(
      [
        row(1, '10.0.0.1', '10.0.0.1', 1, 'preallocated'),
        row(1, '10.0.0.9', '10.0.0.9'),
        row(2, null, '10.0.0.3'),
      ],
      new Date(0),
      new Date(1),
    );
    expect(report.totals).toEqual({
      entries: 3,
      hosts: 2,
      kept: 2,
      changed: 0,
      new: 1,
      gone: 0,
      preallocated: 1,
      reallocatedKept: 1,
    });
    expect(report.stable).toBe(true);
    expect(stabilityReport([row(1, '10.0.0.1', null)], new Date(0), new Date(1)).stable).toBe(false);
  });
});
