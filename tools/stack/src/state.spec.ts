import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultStateDir, isLiveProcess, StackAlreadyRunningError, StateDir } from './state';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stack-state-spec-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A child whose command line carries a unique marker (so pid-reuse checks can match it). */
function sleeper(marker: string) {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', marker], { stdio: 'ignore' });
  return child;
}

describe('defaultStateDir', () => {
  it.each([
    [{ STABLEIP_STACK_DIR: '/x/y' }, false, '/x/y'],
    [{}, true, '/var/lib/stableip/stack'],
    [{ XDG_STATE_HOME: '/s' }, false, '/s/stableip/stack'],
  ])('%j root=%s → %s', (env, root, expected) => expect(defaultStateDir(env, root)).toBe(expected));
});

describe('StateDir.recover', () => {
  it('stops the children of a crashed stack, removes their temp dirs and the pid file', async () => {
    const state = new StateDir(tempDir());
    state.ensure();
    const marker = `stack-spec-${process.pid}-${Date.now()}`;
    const child = sleeper(marker);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const childTemp = join(tempDir(), 'kube-testenv-123');
    mkdirSync(childTemp);
    state.write({
      pid: 999_999_999, // no such process: the stack crashed
      commandMatch: 'stack/dist/main.js',
      startedAt: '2026-01-01T00:00:00.000Z',
      children: [{ name: 'kube-apiserver', pid: child.pid!, commandMatch: marker, tempDir: childTemp }],
    });
    expect(isLiveProcess(child.pid!, marker)).toBe(true);

    const report = await state.recover();

    await exited;
    expect(isLiveProcess(child.pid!, marker)).toBe(false);
    expect(existsSync(childTemp)).toBe(false);
    expect(existsSync(state.pidFile)).toBe(false);
    expect(report.actions.join('\n')).toMatch(/did not stop cleanly/);
    expect(report.actions.join('\n')).toMatch(/stopped kube-apiserver/);
  });

  it('never signals a reused pid whose command line does not match', async () => {
    const state = new StateDir(tempDir());
    state.ensure();
    const other = sleeper('unrelated-process');
    state.write({
      pid: 999_999_999,
      commandMatch: 'stack/dist/main.js',
      startedAt: '2026-01-01T00:00:00.000Z',
      children: [{ name: 'operator', pid: other.pid!, commandMatch: 'apps/operator/dist/main.js' }],
    });
    await state.recover();
    expect(isLiveProcess(other.pid!, 'unrelated-process')).toBe(true);
    other.kill('SIGKILL');
  });

  it('refuses to start while the recorded stack is alive', async () => {
    const state = new StateDir(tempDir());
    state.ensure();
    const marker = `live-stack-${Date.now()}`;
    const live = sleeper(marker);
    state.write({
      pid: live.pid!,
      commandMatch: marker,
      startedAt: 'now',
      children: [],
      dashboardUrl: 'http://127.0.0.1:1/',
    });
    await expect(state.recover()).rejects.toThrow(StackAlreadyRunningError);
    await expect(state.recover()).rejects.toThrow(`kill ${live.pid}`);
    expect(existsSync(state.pidFile)).toBe(true);
    live.kill('SIGKILL');
  });

  it('treats a torn pid file as no record', async () => {
    const state = new StateDir(tempDir());
    state.ensure();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(state.pidFile, '{"pid": 12');
    await expect(state.recover()).resolves.toEqual({ actions: [] });
  });
});
