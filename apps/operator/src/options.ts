// Command-line flags of the operator. Every flag also reads an environment variable
// (STABLEIP_<FLAG_IN_UPPER_SNAKE_CASE>, plus upstream's names where they exist); a flag given on the
// command line wins over the environment, which wins over the default.
import { Command, InvalidArgumentError, Option } from 'commander';

// `coverage` (preAllocation coverage and auto-pin) is included in `metal3data`; alone it serves
// clusters where CAPM3 itself creates the claims.
export type ControllerGroup = 'ipam' | 'metal3data' | 'coverage';
export const CONTROLLER_GROUPS: readonly ControllerGroup[] = ['ipam', 'metal3data', 'coverage'];

export interface BindAddress {
  host: string | undefined;
  port: number;
}

export interface OperatorOptions {
  namespace: string;
  ippoolConcurrency: number;
  leaderElect: boolean;
  leaderElectionNamespace: string | undefined;
  leaderElectionId: string;
  /** undefined = disabled ("0"). */
  metricsBindAddress: BindAddress | undefined;
  healthProbeBindAddress: BindAddress | undefined;
  enableWebhooks: boolean;
  webhookHost: string | undefined;
  webhookPort: number;
  webhookCertDir: string;
  webhookSelfSigned: boolean;
  /** DNS names / IPs the self-signed certificate is valid for. */
  webhookServiceNames: string[];
  /** Webhook configurations whose caBundle the operator patches (self-signed mode). */
  webhookConfigurationNames: string[];
  controllers: ControllerGroup[];
  enableBmhNameBasedPreallocation: boolean;
  syncPeriodMs: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  logFormat: 'json' | 'text';
  kubeconfig: string | undefined;
}

export class OptionsError extends Error {
  override readonly name = 'OptionsError';
}

export function parseBool(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on', ''].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new InvalidArgumentError(`not a boolean: "${value}"`);
}

function parseInteger(min: number, max: number) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError(`not an integer: "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}`);
    return n;
  };
}

/** ":8080", "0.0.0.0:8080", "[::1]:8080", or "0" (disabled), as controller-runtime's flags. */
export function parseBindAddress(value: string): BindAddress | undefined {
  const text = value.trim();
  if (text === '0') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  if (!match) throw new InvalidArgumentError(`not a bind address (host:port, :port or 0): "${value}"`);
  const port = Number(match[3]);
  if (port > 65535) throw new InvalidArgumentError(`port out of range: "${value}"`);
  const host = match[1] ?? match[2];
  return { host: host ? host : undefined, port };
}

/** "30s", "10m", "1h", or milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`not a duration (e.g. 30s, 10m): "${value}"`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * unit);
}

const list = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function parseControllers(value: string): ControllerGroup[] {
  const groups = list(value);
  for (const group of groups) {
    if (!CONTROLLER_GROUPS.includes(group as ControllerGroup)) {
      throw new InvalidArgumentError(
        `unknown controller group "${group}" (known: ${CONTROLLER_GROUPS.join(', ')})`,
      );
    }
  }
  if (groups.length === 0) throw new InvalidArgumentError('at least one controller group is required');
  return [...new Set(groups)] as ControllerGroup[];
}

const envName = (flag: string) => `STABLEIP_${flag.replace(/-/g, '_').toUpperCase()}`;

function option(flags: string, description: string, env: string, parse?: (value: string) => unknown): Option {
  const opt = new Option(flags, description).env(env);
  if (parse) opt.argParser(parse as (value: string, previous: unknown) => unknown);
  return opt;
}

export function buildCommand(): Command {
  const command = new Command('stableip-operator')
    .description('The stableip IPAM operator: a drop-in for metal3-io/ip-address-manager.')
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  const add = (opt: Option) => command.addOption(opt);
  add(
    option(
      '--namespace <ns>',
      'watch only this namespace (empty: all namespaces)',
      envName('namespace'),
    ).default(''),
  );
  add(
    option(
      '--ippool-concurrency <n>',
      'IPPools reconciled in parallel',
      envName('ippool-concurrency'),
      parseInteger(1, 1000),
    ).default(10),
  );
  add(
    option(
      '--leader-elect [bool]',
      'elect one active replica with a coordination.k8s.io Lease',
      envName('leader-elect'),
      parseBool,
    ).default(true),
  );
  add(
    option(
      '--leader-election-namespace <ns>',
      'namespace of the Lease (default: $POD_NAMESPACE, else the kubeconfig namespace)',
      'POD_NAMESPACE',
    ),
  );
  add(
    option('--leader-election-id <name>', 'name of the Lease', envName('leader-election-id')).default(
      'stableip-ipam-manager',
    ),
  );
  // commander cannot store `undefined` or null: a disabled address is port -1 until mapped below.
  const bind = (value: string) => parseBindAddress(value) ?? { host: undefined, port: -1 };
  add(
    option(
      '--metrics-bind-address <addr>',
      'Prometheus /metrics address ("0" disables)',
      envName('metrics-bind-address'),
      bind,
    ).default(parseBindAddress(':8080'), ':8080'),
  );
  add(
    option(
      '--health-probe-bind-address <addr>',
      '/healthz and /readyz address ("0" disables)',
      envName('health-probe-bind-address'),
      bind,
    ).default(parseBindAddress(':8081'), ':8081'),
  );
  add(
    option(
      '--enable-webhooks [bool]',
      'serve the admission webhooks',
      envName('enable-webhooks'),
      parseBool,
    ).default(true),
  );
  add(
    option(
      '--webhook-host <host>',
      'address the webhook server binds (default: all)',
      envName('webhook-host'),
    ),
  );
  add(
    option(
      '--webhook-port <port>',
      'HTTPS port of the admission webhooks (0: any free port)',
      envName('webhook-port'),
      parseInteger(0, 65535),
    ).default(9443),
  );
  add(
    option(
      '--webhook-cert-dir <dir>',
      'directory with tls.crt and tls.key (a mounted Secret)',
      envName('webhook-cert-dir'),
    ).default('/tmp/k8s-webhook-server/serving-certs'),
  );
  add(
    option(
      '--webhook-self-signed [bool]',
      'generate a self-signed serving certificate at start-up and patch the caBundle',
      envName('webhook-self-signed'),
      parseBool,
    ).default(false),
  );
  add(
    option(
      '--webhook-service <names>',
      'comma-separated DNS names/IPs for the self-signed certificate',
      envName('webhook-service'),
      list,
    ).default(['localhost', '127.0.0.1'], 'localhost,127.0.0.1'),
  );
  add(
    option(
      '--webhook-configuration-names <names>',
      'webhook configurations whose caBundle to patch (self-signed)',
      envName('webhook-configuration-names'),
      list,
    ).default([], ''),
  );
  add(
    option(
      '--controllers <groups>',
      `controller groups to run (${CONTROLLER_GROUPS.join(', ')})`,
      envName('controllers'),
      parseControllers,
    ).default(['ipam'], 'ipam'),
  );
  add(
    option(
      '--enable-bmh-name-based-preallocation [bool]',
      'name Metal3Data IPClaims {bmh}-{pool} (CAPM3 >= 1.13 flag)',
      'ENABLE_BMH_NAME_BASED_PREALLOCATION',
      parseBool,
    ).default(false),
  );
  add(
    new Option(
      '--enableBMHNameBasedPreallocation [bool]',
      'legacy spelling of --enable-bmh-name-based-preallocation',
    )
      .argParser(parseBool)
      .hideHelp(),
  );
  add(
    option(
      '--sync-period <duration>',
      'full resync of every pool',
      envName('sync-period'),
      parseDuration,
    ).default(600_000, '10m'),
  );
  add(
    option('--log-level <level>', 'trace, debug, info, warn, error', envName('log-level'))
      .choices(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])
      .default('info'),
  );
  add(
    option('--log-format <format>', 'json or text', envName('log-format'))
      .choices(['json', 'text'])
      .default('json'),
  );
  add(option('--kubeconfig <path>', 'kubeconfig (default: in-cluster, else $KUBECONFIG)', 'KUBECONFIG'));
  return command;
}

const enabled = (address: BindAddress): BindAddress | undefined => (address.port < 0 ? undefined : address);

/** Parses argv (without node and script) and the environment. Throws OptionsError with usage text. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): OperatorOptions {
  const command = buildCommand();
  const saved = process.env;
  // commander reads process.env for .env(); parse against the given environment.
  process.env = env;
  try {
    command.parse([...argv], { from: 'user' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new OptionsError(message);
  } finally {
    process.env = saved;
  }
  const o = command.opts();
  const legacy = o['enableBMHNameBasedPreallocation'] as boolean | undefined;
  const bmhSource = command.getOptionValueSource('enableBmhNameBasedPreallocation');
  return {
    namespace: o['namespace'] as string,
    ippoolConcurrency: o['ippoolConcurrency'] as number,
    leaderElect: o['leaderElect'] as boolean,
    leaderElectionNamespace: (o['leaderElectionNamespace'] as string | undefined) || undefined,
    leaderElectionId: o['leaderElectionId'] as string,
    metricsBindAddress: enabled(o['metricsBindAddress'] as BindAddress),
    healthProbeBindAddress: enabled(o['healthProbeBindAddress'] as BindAddress),
    enableWebhooks: o['enableWebhooks'] as boolean,
    webhookHost: (o['webhookHost'] as string | undefined) || undefined,
    webhookPort: o['webhookPort'] as number,
    webhookCertDir: o['webhookCertDir'] as string,
    webhookSelfSigned: o['webhookSelfSigned'] as boolean,
    webhookServiceNames: o['webhookService'] as string[],
    webhookConfigurationNames: o['webhookConfigurationNames'] as string[],
    controllers: o['controllers'] as ControllerGroup[],
    // The new spelling wins when given explicitly; else the legacy flag; else env/default.
    enableBmhNameBasedPreallocation:
      bmhSource === 'cli' || legacy === undefined
        ? (o['enableBmhNameBasedPreallocation'] as boolean)
        : legacy,
    syncPeriodMs: o['syncPeriod'] as number,
    logLevel: o['logLevel'] as OperatorOptions['logLevel'],
    logFormat: o['logFormat'] as OperatorOptions['logFormat'],
    kubeconfig: (o['kubeconfig'] as string | undefined) || undefined,
  };
}
