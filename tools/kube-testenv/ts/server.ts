// Start and stop the kube-testenv binary (embedded etcd + real kube-apiserver, see ../main.go).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What the binary prints on its ready line; serializable, so it can cross vitest's `provide`. */
export interface KubeTestEnvInfo {
  /** Path of a kubeconfig with a system:masters (cluster-admin) client certificate. */
  kubeconfig: string;
  /** https://127.0.0.1:<port> */
  server: string;
  pid: number;
  /** Working directory (certs, etcd data, kubeconfig); removed when the server stops. */
  dir: string;
  /** Kubernetes version served at /version, e.g. "v1.34.4". */
  version: string;
  /** In-process kube-controller-manager controllers: ["garbagecollector", "namespace"] or []. */
  controllers: string[];
  /** Milliseconds from process start to the ready line. */
  startupMs: number;
  /** stderr of the server (etcd, kube-apiserver, controllers). */
  logFile: string;
}

export interface StartOptions {
  /** Path of the binary; default: $KUBE_TESTENV_BIN, else tools/kube-testenv/bin/kube-testenv. */
  binary?: string;
  /** Run the garbage-collector and namespace controllers in-process (default true). */
  controllers?: boolean;
  /** Extra kube-apiserver flags, e.g. ["--feature-gates=Foo=true"]. */
  apiserverFlags?: string[];
  /** Give up when not ready within this time (default 120 s: a busy 2-core machine is slow). */
  readyTimeoutMs?: number;
  /** Where the server's stderr goes (default: a file in the OS temp dir). */
  logFile?: string;
}

export interface KubeTestEnv {
  readonly info: KubeTestEnvInfo;
  /** SIGTERM, wait for a clean exit (etcd closed, temp dir removed; ~3 s); SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/** Exit codes of the binary (see main.go). */
const EXIT_PORT_TAKEN = 3;

export function defaultBinaryPath(): string {
  return process.env['KUBE_TESTENV_BIN'] ?? fileURLToPath(new URL('../bin/kube-testenv', import.meta.url));
}

export class KubeTestEnvStartError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null,
  ) {
    super(message);
    this.name = 'KubeTestEnvStartError';
  }
}

/**
 * Start one throw-away API server. Resolves once /readyz is OK and the "default" namespace
 * exists. The port is picked by the binary; if another process grabs it first the start is
 * retried once.
 */
export async function startKubeTestEnv(options: StartOptions = {}): Promise<KubeTestEnv> {
  const binary = options.binary ?? defaultBinaryPath();
  if (!existsSync(binary)) {
    throw new KubeTestEnvStartError(
      `kube-testenv binary not found at ${binary}. Build it with \`npx nx run kube-testenv:build\` ` +
        '(needs Go >= 1.24 and the Go module proxy; see tools/kube-testenv/README.md).',
      null,
    );
  }
  try {
    return await startOnce(binary, options);
  } catch (err) {
    if (err instanceof KubeTestEnvStartError && err.exitCode === EXIT_PORT_TAKEN) {
      return startOnce(binary, options);
    }
    throw err;
  }
}

function startOnce(binary: string, options: StartOptions): Promise<KubeTestEnv> {
  const logFile = options.logFile ?? join(tmpdir(), `kube-testenv-${process.pid}-${Date.now()}.log`);
  const args: string[] = [`--controllers=${options.controllers ?? true}`];
  if (options.apiserverFlags?.length) args.push(`--apiserver-flags=${options.apiserverFlags.join(' ')}`);
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  // The binary has its own (shorter-or-equal) deadline so it exits with a useful message.
  args.push(`--ready-timeout=${Math.max(1, Math.floor(readyTimeoutMs / 1000) - 5)}s`);

  const logFd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    // stdin stays an open pipe: when this process dies, the pipe closes and the server exits.
    child = spawn(binary, args, { stdio: ['pipe', 'pipe', logFd] });
  } finally {
    closeSync(logFd);
  }

  return new Promise<KubeTestEnv>((resolve, reject) => {
    let settled = false;
    const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);

    const fail = (message: string, exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      process.removeListener('exit', killOnExit);
      child.kill('SIGKILL');
      reject(
        new KubeTestEnvStartError(
          `${message}\n--- last lines of ${logFile} ---\n${tail(logFile, 30)}`,
          exitCode,
        ),
      );
    };
    const timer = setTimeout(
      () => fail(`kube-testenv not ready after ${readyTimeoutMs} ms`, null),
      readyTimeoutMs,
    );

    child.once('error', (err) => fail(`cannot run ${binary}: ${err.message}`, null));
    child.once('exit', (code, signal) =>
      fail(`kube-testenv exited before it was ready (code ${code}, signal ${signal})`, code),
    );

    if (!child.stdout) return fail('kube-testenv: no stdout pipe', null);
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      let ready: Omit<KubeTestEnvInfo, 'logFile'>;
      try {
        ready = JSON.parse(line) as Omit<KubeTestEnvInfo, 'logFile'>;
      } catch {
        fail(`unexpected output from kube-testenv: ${line}`, null);
        return;
      }
      settled = true;
      clearTimeout(timer);
      const info: KubeTestEnvInfo = { ...ready, logFile };
      let stopping: Promise<void> | undefined;
      resolve({
        info,
        stop: () => {
          stopping ??= (async () => {
            process.removeListener('exit', killOnExit);
            if (child.exitCode !== null || child.signalCode !== null) return;
            // One SIGTERM only (not also closing stdin): a second signal makes kube-apiserver
            // exit(1) before the binary has removed its temp dir.
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
            await exited;
            clearTimeout(killer);
          })();
          return stopping;
        },
      });
    });
  });
}

function tail(file: string, n: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).join('\n');
  } catch {
    return '(no log)';
  }
}
