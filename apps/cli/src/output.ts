// Rendering of command results: Kubernetes `List` objects as YAML or JSON, and kubectl-style tables.
import type { PlanRow } from '@stableip/ipam-core';
import { toYaml } from './yaml-emit';

export type ListFormat = 'yaml' | 'json';

export function kubeList(items: unknown[]): { apiVersion: 'v1'; kind: 'List'; items: unknown[] } {
  return { apiVersion: 'v1', kind: 'List', items };
}

/** A `List` as kubectl prints it: sequences not indented under their key, no line folding. */
export function renderList(items: unknown[], format: ListFormat): string {
  const list = kubeList(items);
  return format === 'json' ? `${JSON.stringify(list, null, 2)}\n` : toYaml(list);
}

/** Columns padded to the widest cell plus three spaces, as kubectl's printers do. */
export function renderTable(header: string[], rows: string[][]): string {
  // A loop, not Math.max(...cells): spreading 260,000 arguments overflows the call stack.
  const widths = header.map((title, column) =>
    rows.reduce((widest, row) => Math.max(widest, (row[column] ?? '').length), title.length),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 3)))
      .join('')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** The `-o table` view of a plan: one row per claim. */
export function renderPlanTable(rows: PlanRow[]): string {
  // The namespace is shown only when the claims span several, to keep the common case narrow.
  const namespaces = new Set(rows.map((row) => row.namespace));
  const qualify = namespaces.size > 1;
  return renderTable(
    ['CLAIM', 'POOL', 'ADDRESS', 'SOURCE', 'ERROR'],
    rows.map((row) => [
      qualify ? `${row.namespace}/${row.claim}` : row.claim,
      row.pool,
      row.address || '<none>',
      row.source ?? '<none>',
      row.error ?? '',
    ]),
  );
}
