// Runs the stack the way a user does (`npm start -- …` through tools/scripts/start.mjs) and keeps
// track of every process and temp dir it recorded, so tests can prove nothing outlives it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackRecord } from '../src/state';

export const root = fileURLToPath(new URL('../../../', import.meta.url));

export interface StackRun {
  readonly child: ChildProcess;
  readonly stateDir: string;
  output(): string;
  /** Resolves when the output matches (rejects if the stack exits first). */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  readonly exited: Promise<number | null>;
  /** Every pid the stack recorded while running (children, PostgreSQL), with their command-line marker. */
  seenProcesses(): Map<number, string>;
  seenTempDirs(): Set<string>;
  record(): StackRecord | undefined;
  cleanup(): void;
}

export function startStack(
  args: string[],
  { useNpm = false, stateDir = mkdtempSync(join(tmpdir(), 'stableip-stack-test-')) } = {},
): StackRun {
  // As root, PostgreSQL runs as `postgres` and must be able to enter the state dir.
  chmodSync(stateDir, 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, STABLEIP_STACK_DIR: stateDir, CI: '1', FORCE_COLOR: '0' };
  delete env['KUBECONFIG'];
  delete env['DATABASE_URL'];
  const child = useNpm
    ? spawn('npm', ['start', '--silent', '--', ...args], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, [join(root, 'tools', 'scripts', 'start.mjs'), ...args], {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const processes = new Map<number, string>();
  const tempDirs = new Set<string>();
  const readRecord = (): StackRecord | undefined => {
    try {
      return JSON.parse(readFileSync(join(stateDir, 'stack.json'), 'utf8')) as StackRecord;
    } catch {
      return undefined;
    }
  };
  const poll = setInterval(() => {
    const record = readRecord();
    if (record) {
      processes.set(record.pid, record.commandMatch);
      for (const c of record.children) {
        processes.set(c.pid, c.commandMatch);
        if (c.tempDir) tempDirs.add(c.tempDir);
      }
    }
    try {
      const pid = Number(readFileSync(join(stateDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) processes.set(pid, 'postgres');
    } catch {
      /* not running */
    }
  }, 250);
  void exited.then(() => clearInterval(poll));
  return {
    child,
    stateDir,
    output: () => text,
    exited,
    waitForOutput: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (pattern.test(text)) {
            clearInterval(timer);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearInterval(timer);
            reject(new Error(`the stack exited before printing ${pattern}:\n${text}`));
          }
        }, 250);
        setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}:\n${text}`));
        }, timeoutMs).unref();
      }),
    seenProcesses: () => processes,
    seenTempDirs: () => tempDirs,
    record: readRecord,
    cleanup: () => {
      clearInterval(poll);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Live (not zombie) processes among `pids`, with their command lines. */
export function stillRunning(processes: Map<number, string>): string[] {
  const alive: string[] = [];
  for (const [pid, match] of processes) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(match)) alive.push(`${pid} ${cmdline}`);
    } catch {
      /* gone */
    }
  }
  return alive;
}

export function existingDirs(dirs: Iterable<string>): string[] {
  return [...dirs].filter((dir) => existsSync(dir));
}
