// End to end: `npm start -- --demo --exit-after-demo`, non-interactively. The whole system comes up
// (PostgreSQL, kube-apiserver, operator, API, recorder), the demo's rolling upgrade runs, the API's
// stability report says every host kept its IPs, and afterwards nothing the stack started is left:
// no process, no kube-testenv temp dir, no pid file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DemoSummary } from '../src/stack';
import { existingDirs, startStack, stillRunning, type StackRun } from './support';

describe('npm start -- --demo --exit-after-demo', () => {
  let run: StackRun | undefined;
  afterAll(() => run?.cleanup());

  it('keeps every host’s IPs through the rolling upgrade and leaves nothing running', async () => {
    // --skip-build: the Nx test target already depends on every build (a second nx run would only
    // cost time on a loaded machine).
    run = startStack(['--demo', '--exit-after-demo', '--skip-build'], { useNpm: true });
    const code = await run.exited;
    const output = run.output();
    expect(code, output).toBe(0);

    expect(output).toMatch(/✔ start PostgreSQL \(embedded\)\s+\d/);
    expect(output).toMatch(/✔ start the Kubernetes API server/);
    expect(output).toMatch(/✔ start the operator/);
    expect(output).toMatch(/✔ start the recorder/);
    expect(output).toContain('✔ every host kept its IPs through the rolling upgrade');
    expect(output).toMatch(/12 kept, 0 changed, 0 new, 0 gone/);
    expect(output).toMatch(/dashboard\s+http:\/\/127\.0\.0\.1:\d+\/#token=/);
    expect(output).toMatch(/Stopped \(ran /);

    const summary = JSON.parse(readFileSync(join(run.stateDir, 'demo-report.json'), 'utf8')) as DemoSummary;
    expect(summary.stable).toBe(true);
    expect(summary.report.stable).toBe(true);
    expect(summary.report.totals).toMatchObject({
      hosts: 6,
      entries: 12,
      kept: 12,
      changed: 0,
      new: 0,
      gone: 0,
    });
    // Every address was handed out again by the allocator (a new claim), not merely left in place.
    expect(summary.report.totals.reallocatedKept).toBe(12);
    expect(summary.report.totals.preallocated).toBe(12);
    expect(summary.comparisons).toHaveLength(12);
    for (const comparison of summary.comparisons) {
      expect(comparison.kept, JSON.stringify(comparison)).toBe(true);
      expect(comparison.after).toBe(comparison.before);
    }
    // The upgrade really moved Metal3Data indexes between hosts (the reason IPs could move).
    expect(summary.indexes.some((i) => i.before !== i.after)).toBe(true);
    expect([...summary.order].sort()).toEqual(['node-0', 'node-1', 'node-2', 'node-3', 'node-4', 'node-5']);
    // The API's entries agree with what the stack read from Kubernetes.
    for (const entry of summary.report.entries) {
      const local = summary.comparisons.find((c) => c.host === entry.host.name && c.pool === entry.pool.name);
      expect(entry.addressAfter).toBe(local?.after);
      expect(entry.outcome).toBe('KEPT');
    }

    // Nothing left behind.
    const seen = run.seenProcesses();
    expect(seen.size).toBeGreaterThanOrEqual(5); // stack, kube-apiserver, operator, api, recorder (+ postgres)
    expect([...seen.values()].some((m) => m === 'postgres')).toBe(true);
    expect(stillRunning(seen)).toEqual([]);
    expect(run.seenTempDirs().size).toBe(1);
    expect(existingDirs(run.seenTempDirs())).toEqual([]);
    expect(existsSync(join(run.stateDir, 'stack.json'))).toBe(false);
  });
});
