// Child processes of the stack: each writes its output to a log file in the state dir, is recorded
// in the pid file as soon as it exists, and is stopped in reverse start order. A child that dies on
// its own while the stack runs is reported (with the end of its log) and brings the stack down.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordedChild } from './state';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Keep stdin as a pipe (kube-testenv exits when it reaches EOF, i.e. when the stack dies). */
  stdinPipe?: boolean;
  /** Lines of stdout are also handed to this callback (they are logged either way). */
  onStdoutLine?: (line: string) => void;
  /** Signal used to stop it (default SIGTERM). */
  stopSignal?: NodeJS.Signals;
  /** How long a graceful stop may take before SIGKILL (default 20 s). */
  stopGraceMs?: number;
  /** Recorded for crash recovery. */
  tempDir?: string;
}

export interface ManagedChild {
  readonly spec: ChildSpec;
  readonly child: ChildProcess;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Set when the supervisor (not the child itself) ended it. */
  stopping: boolean;
  tempDir?: string;
}

export function tailFile(path: string, lines = 25): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export class ChildExitedError extends Error {
  override readonly name = 'ChildExitedError';
  constructor(
    readonly child: string,
    readonly code: number | null,
    readonly signal: NodeJS.Signals | null,
    readonly logFile: string,
  ) {
    super(
      `${child} exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`}); last lines of ${logFile}:\n` +
        tailFile(logFile),
    );
  }
}

export class Supervisor {
  private readonly children: ManagedChild[] = [];
  private unexpected?: (error: ChildExitedError) => void;

  constructor(
    private readonly logDir: string,
    /** Called whenever the set of children changes (the pid file is rewritten). */
    private readonly onChange: (children: RecordedChild[]) => void,
  ) {}

  /** Called once, for the first child that exits while not being stopped. */
  onUnexpectedExit(handler: (error: ChildExitedError) => void): void {
    this.unexpected = handler;
  }

  start(spec: ChildSpec): ManagedChild {
    const logFile = join(this.logDir, `${spec.name}.log`);
    const fd = openSync(logFile, 'w');
    let child: ChildProcess;
    try {
      child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: spec.env ?? process.env,
        stdio: [spec.stdinPipe ? 'pipe' : 'ignore', spec.onStdoutLine ? 'pipe' : fd, fd],
      });
    } finally {
      closeSync(fd);
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: 127, signal: null }));
    });
    const managed: ManagedChild = {
      spec,
      child,
      logFile,
      exited,
      stopping: false,
      ...(spec.tempDir ? { tempDir: spec.tempDir } : {}),
    };
    if (spec.onStdoutLine && child.stdout) {
      const out = openSync(logFile, 'a');
      const handler = spec.onStdoutLine;
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          // Append synchronously so the log keeps stdout and stderr roughly in order.
          appendFileSync(out, `${line}\n`);
        } catch {
          /* the log is best effort */
        }
        handler(line);
      });
      child.once('exit', () => setTimeout(() => closeSync(out), 100).unref());
    }
    this.children.push(managed);
    this.changed();
    void exited.then(({ code, signal }) => {
      if (managed.stopping) return;
      const error = new ChildExitedError(spec.name, code, signal, logFile);
      const handler = this.unexpected;
      this.unexpected = undefined;
      handler?.(error);
    });
    return managed;
  }

  /** Records a temp dir a child reported after it started (kube-testenv prints its dir). */
  setTempDir(managed: ManagedChild, dir: string): void {
    managed.tempDir = dir;
    this.changed();
  }

  recorded(): RecordedChild[] {
    return this.children
      .filter((c) => c.child.pid !== undefined)
      .map((c) => ({
        name: c.spec.name,
        pid: c.child.pid!,
        commandMatch: c.spec.args.find((a) => a.includes('/')) ?? c.spec.command,
        ...(c.tempDir ? { tempDir: c.tempDir } : {}),
      }));
  }

  running(): ManagedChild[] {
    return this.children.filter((c) => c.child.exitCode === null && c.child.signalCode === null);
  }

  /** Stops one child: its stop signal, then SIGKILL after its grace period. */
  async stop(managed: ManagedChild): Promise<void> {
    managed.stopping = true;
    if (managed.child.exitCode === null && managed.child.signalCode === null) {
      managed.child.kill(managed.spec.stopSignal ?? 'SIGTERM');
      const grace = setTimeout(() => managed.child.kill('SIGKILL'), managed.spec.stopGraceMs ?? 20_000);
      await managed.exited;
      clearTimeout(grace);
    }
    const index = this.children.indexOf(managed);
    if (index >= 0) this.children.splice(index, 1);
    this.changed();
  }

  /** Stops every child, newest first. */
  async stopAll(onEach?: (name: string) => void): Promise<void> {
    for (const managed of [...this.children].reverse()) {
      onEach?.(managed.spec.name);
      await this.stop(managed);
    }
  }

  private changed(): void {
    this.onChange(this.recorded());
  }
}
