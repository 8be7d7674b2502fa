import { describe, expect, it } from 'vitest';
import { renderList, renderPlanTable, renderTable } from './output';

describe('renderTable', () => {
  it('pads every column but the last to its widest cell plus three spaces', () => {
    expect(
      renderTable(
        ['A', 'BB', 'C'],
        [
          ['xxx', 'y', ''],
          ['', 'zzzz', 'w'],
        ],
      ),
    ).toBe('A     BB     C\nxxx   y\n      zzzz   w\n');
  });
});

describe('renderPlanTable', () => {
  it('qualifies claims with their namespace only when several namespaces appear', () => {
    const row = {
      claim: 'c',
      kind: 'IPClaim' as const,
      pool: 'p',
      address: '10.0.0.1',
      source: 'dynamic' as const,
    };
    expect(renderPlanTable([{ ...row, namespace: 'a' }])).toContain('\nc   ');
    expect(
      renderPlanTable([
        { ...row, namespace: 'a' },
        { ...row, namespace: 'b', address: '', source: undefined, error: 'Exhausted IP Pools' },
      ]),
    ).toBe(
      'CLAIM   POOL   ADDRESS    SOURCE    ERROR\na/c     p      10.0.0.1   dynamic\nb/c     p      <none>     <none>    Exhausted IP Pools\n',
    );
  });
});

describe('renderList', () => {
  it('prints a v1 List as kubectl-style YAML or as JSON', () => {
    const items = [{ kind: 'IPPool', metadata: { name: 'p' }, spec: { pools: [{ start: '::1' }] } }];
    expect(renderList(items, 'yaml')).toBe(
      'apiVersion: v1\nkind: List\nitems:\n- kind: IPPool\n  metadata:\n    name: p\n  spec:\n    pools:\n    - start: "::1"\n',
    );
    expect(JSON.parse(renderList(items, 'json'))).toEqual({ apiVersion: 'v1', kind: 'List', items });
  });
});
