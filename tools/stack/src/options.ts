// Flags of `npm start` (after `--`), with their environment equivalents.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: npm start -- [options]

Builds what is needed (Nx, cached) and runs the whole system locally: PostgreSQL, a Kubernetes API
server, the CRDs, the operator (ipam + metal3data controllers, BMH name-based preallocation), the API
with its recorder and the dashboard. Ctrl-C stops everything.

Options:
  --demo / --no-demo     seed examples/demo and run a rolling upgrade (default: on with the local
                         API server, off with --kubeconfig)
  --exit-after-demo      stop everything after the demo's stability report (exit 0 when every
                         host kept its IPs, 1 otherwise)
  --kubeconfig <path>    use an existing cluster instead of the local API server (also $KUBECONFIG);
                         nothing is installed there without --install-crds
  --install-crds         install the IPAM, CAPM3, CAPI and BareMetalHost CRDs into that cluster
  --port <n>             API and dashboard port (default: 7480 when free, else any free port;
                         $STABLEIP_PORT)
  --database-url <url>   PostgreSQL to use instead of the embedded one ($DATABASE_URL)
  --state-dir <dir>      pid file, logs and embedded PostgreSQL data ($STABLEIP_STACK_DIR;
                         default ~/.local/state/stableip/stack, /var/lib/stableip/stack as root)
  --seed <n>             seed of the upgrade's shuffle (default: random, printed)
  --skip-build           do not run the Nx builds (use what is built)
  -h, --help             show this help
`;

export interface StackOptions {
  demo: boolean;
  exitAfterDemo: boolean;
  kubeconfig: string | undefined;
  installCrds: boolean;
  /** undefined: preferred port when free, else any. */
  port: number | undefined;
  databaseUrl: string | undefined;
  stateDir: string | undefined;
  seed: number;
  skipBuild: boolean;
  /** Set by tools/scripts/start.mjs: stop when stdin reaches EOF (the launcher died). */
  watchStdin: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const PREFERRED_PORT = 7480;

function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer between ${min} and ${max}, got "${text}"`);
  }
  return value;
}

export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): StackOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        demo: { type: 'boolean' },
        'no-demo': { type: 'boolean' },
        'exit-after-demo': { type: 'boolean' },
        kubeconfig: { type: 'string' },
        'install-crds': { type: 'boolean' },
        port: { type: 'string' },
        'database-url': { type: 'string' },
        'state-dir': { type: 'string' },
        seed: { type: 'string' },
        'skip-build': { type: 'boolean' },
        'watch-stdin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const kubeconfig = values.kubeconfig ?? (env['KUBECONFIG'] || undefined);
  if (values.demo && values['no-demo']) throw new UsageError('--demo and --no-demo contradict each other');
  const demo = values.demo ?? (values['no-demo'] ? false : kubeconfig === undefined);
  if (values['exit-after-demo'] && !demo) throw new UsageError('--exit-after-demo needs the demo (--demo)');
  if (values['install-crds'] && kubeconfig === undefined) {
    throw new UsageError(
      '--install-crds applies to an existing cluster: give --kubeconfig (the local API server always gets the CRDs)',
    );
  }
  const portText = values.port ?? env['STABLEIP_PORT'];
  return {
    demo,
    exitAfterDemo: values['exit-after-demo'] ?? false,
    kubeconfig,
    installCrds: values['install-crds'] ?? false,
    port: portText === undefined || portText === '' ? undefined : integer('--port', portText, 0, 65535),
    databaseUrl: values['database-url'] ?? (env['DATABASE_URL'] || undefined),
    stateDir: values['state-dir'],
    seed:
      values.seed === undefined
        ? Math.floor(Math.random() * 1_000_000)
        : integer('--seed', values.seed, 0, 2 ** 31 - 1),
    skipBuild: values['skip-build'] ?? false,
    watchStdin: values['watch-stdin'] ?? false,
    help: values.help ?? false,
  };
}
