// A crashed stack (SIGKILL: no chance to clean up) leaves orphans; the next start must find them
// through the pid file, stop them, remove their temp dirs and come up normally. Also: a start that
// fails stops what it had started and exits 1.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { StackRecord } from '../src/state';
import { existingDirs, startStack, stillRunning, type StackRun } from './support';

describe('crash recovery', () => {
  const runs: StackRun[] = [];
  afterAll(() => {
    for (const run of runs) run.cleanup();
  });

  it('a second start after SIGKILL stops the orphans of the first and runs', async () => {
    const first = startStack(['--no-demo', '--skip-build', '--port', '0']);
    runs.push(first);
    await first.waitForOutput(/Running\. Press Ctrl-C/, 600_000);
    const record = JSON.parse(readFileSync(join(first.stateDir, 'stack.json'), 'utf8')) as StackRecord;
    const orphans = new Map(first.seenProcesses());
    orphans.delete(record.pid);
    expect(record.children.map((c) => c.name)).toEqual(['kube-apiserver', 'operator', 'api', 'recorder']);

    process.kill(record.pid, 'SIGKILL'); // the stack itself: its children are left behind
    await first.exited;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // kube-testenv notices its stdin closing and goes; the others are orphans now.
    expect(stillRunning(orphans).length).toBeGreaterThan(0);

    // Same state dir: the second run must clean up.
    const second = startStack(['--no-demo', '--skip-build', '--port', '0'], { stateDir: first.stateDir });
    runs.push(second);
    await second.waitForOutput(/Running\. Press Ctrl-C/, 600_000);
    expect(second.output()).toMatch(/Recovered from a previous run that did not stop cleanly/);
    expect(second.output()).toContain(`previous run (pid ${record.pid}`);
    expect(stillRunning(orphans)).toEqual([]);
    expect(existingDirs(first.seenTempDirs())).toEqual([]);

    // A third start while the second runs is refused, and touches nothing.
    const third = startStack(['--no-demo', '--skip-build', '--port', '0'], { stateDir: first.stateDir });
    runs.push(third);
    expect(await third.exited).toBe(1);
    expect(third.output()).toMatch(/a stack is already running \(pid \d+/);
    expect(second.child.exitCode).toBeNull();

    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
    expect(stillRunning(second.seenProcesses())).toEqual([]);
    expect(existingDirs(second.seenTempDirs())).toEqual([]);
    expect(existsSync(join(first.stateDir, 'stack.json'))).toBe(false);
  });

  it('a start that fails stops what it started and exits 1', async () => {
    const run = startStack(['--no-demo', '--skip-build', '--kubeconfig', '/nonexistent/kubeconfig']);
    runs.push(run);
    expect(await run.exited).toBe(1);
    expect(run.output()).toMatch(/error: .*\/nonexistent\/kubeconfig/);
    expect(run.output()).toMatch(/stopping PostgreSQL[\s\S]*Stopped/);
    expect(stillRunning(run.seenProcesses())).toEqual([]);
  });
});
