// Builds through Nx and the Go check for kube-testenv.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';

export const MIN_GO = [1, 24] as const;

export type GoStatus =
  | { ok: true; version: string }
  | { ok: false; reason: 'missing' | 'too-old'; version?: string };

/** `go version` → "go1.26.8" → ok when >= 1.24. */
export function parseGoVersion(output: string): GoStatus {
  const match = /go(\d+)\.(\d+)/.exec(output);
  if (!match) return { ok: false, reason: 'missing' };
  const version = `${match[1]}.${match[2]}`;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if (major > MIN_GO[0] || (major === MIN_GO[0] && minor >= MIN_GO[1])) return { ok: true, version };
  return { ok: false, reason: 'too-old', version };
}

export function goStatus(): GoStatus {
  const result = spawnSync('go', ['version'], {
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local' },
  });
  if (result.error || result.status !== 0) return { ok: false, reason: 'missing' };
  return parseGoVersion(result.stdout);
}

export function goMissingMessage(status: Exclude<GoStatus, { ok: true }>): string {
  const found = status.reason === 'too-old' ? `Go ${status.version} is too old` : 'Go is not installed';
  return [
    `${found}: the local Kubernetes API server (tools/kube-testenv) is built from source and needs Go >= ${MIN_GO.join('.')}.`,
    'Either install Go:',
    '  - https://go.dev/dl/ (e.g. curl -LO https://go.dev/dl/go1.25.5.linux-amd64.tar.gz &&',
    '    sudo tar -C /usr/local -xzf go1.25.5.linux-amd64.tar.gz && export PATH=$PATH:/usr/local/go/bin)',
    "  - or your distribution's package when it is new enough (Debian 13: apt-get install golang-go)",
    'and the Go module proxy must be reachable (or GOMODCACHE warm); or run against an existing cluster:',
    '  npm start -- --kubeconfig ~/.kube/config --install-crds',
  ].join('\n');
}

export function kubeTestenvBinary(root: string): string {
  return process.env['KUBE_TESTENV_BIN'] ?? join(root, 'tools', 'kube-testenv', 'bin', 'kube-testenv');
}

export function kubeTestenvBuilt(root: string): boolean {
  return existsSync(kubeTestenvBinary(root));
}

export class BuildFailedError extends Error {
  override readonly name = 'BuildFailedError';
}

/**
 * `nx run-many -t build -p <projects>` with output to `logFile`; `onLine` sees each line (progress).
 * No Nx daemon: it would outlive the stack.
 */
export async function nxBuild(
  root: string,
  projects: string[],
  logFile: string,
  onLine: (line: string) => void,
  { withDependencies = true } = {},
): Promise<void> {
  if (!withDependencies) {
    // The generated Prisma client is the one task dependency the API cannot do without.
    await nxRun(root, ['run', 'audit-store:generate', '--outputStyle=static'], logFile, onLine);
  }
  const args = ['run-many', '-t', 'build', '-p', projects.join(','), '--outputStyle=static'];
  if (!withDependencies) args.push('--exclude-task-dependencies');
  await nxRun(root, args, logFile, onLine).catch((error: unknown) => {
    throw new BuildFailedError(
      `nx build of ${projects.join(', ')} failed (${(error as Error).message}); see ${logFile}`,
    );
  });
}

function nxRun(
  root: string,
  nxArgs: string[],
  logFile: string,
  onLine: (line: string) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(
      process.execPath,
      [join(root, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), ...nxArgs],
      {
        cwd: root,
        env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let buffer = '';
    const take = (chunk: Buffer) => {
      log.write(chunk);
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('error', (error) => reject(new BuildFailedError(`cannot run nx: ${error.message}`)));
    child.once('exit', (code) => {
      log.end();
      if (code === 0) resolve();
      else reject(new BuildFailedError(`nx ${nxArgs.slice(0, 2).join(' ')}: exit ${code}`));
    });
  });
}

/** A short progress text from an Nx output line ("> nx run api:build" → "api:build"). */
export function nxProgress(line: string): string | undefined {
  const match = /^> nx run ([\w-]+:[\w-]+)/.exec(line.trim());
  if (match) return `nx run ${match[1]}`;
  if (/existing outputs match the cache/.test(line)) return 'cached';
  return undefined;
}
