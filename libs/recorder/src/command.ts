// `stableip-api record`: the recorder as a long-running process (flags, database, probes).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createAuditStore, migrate, resolveDatabase } from '@stableip/audit-store';
import { createLogger, sleep, startProbeServer, type Logger } from '@stableip/kube-runtime';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { resolveClusterTargets } from './clusters';
import { RecorderError } from './errors';
import { startRecorder } from './recorder';

export const RECORD_USAGE = `Usage: stableip-api record [options]

Watches IPPool, IPClaim, IPAddress (ipam.metal3.io and ipam.cluster.x-k8s.io), IPAddressClaim,
Metal3Data, Metal3Machine and BareMetalHost objects and records every change in the audit store.

Options:
  --database-url <url>        PostgreSQL (default: $DATABASE_URL, else embedded PostgreSQL)
  --kubeconfig <path>         kubeconfig file (default: in-cluster, $KUBECONFIG or ~/.kube/config)
  --context <ctx=cluster>     record kubeconfig context ctx as cluster (repeatable)
  --cluster-name <name>       cluster name for in-cluster config or the current context
                              (default: $STABLEIP_CLUSTER_NAME or "default")
  --namespace <ns>            watch one namespace only (default: all)
  --lease-namespace <ns>      namespace of the per-cluster Lease (default: $POD_NAMESPACE, the
                              service account's namespace, or "default")
  --lease-name <name>         Lease name (default: stableip-recorder)
  --no-leader-election        record without a Lease (one replica only)
  --probe-address <host:port> /healthz, /readyz and /metrics (default: 0.0.0.0:8081)
  --buffer-limit <n>          changes buffered while the database is down before watching
                              pauses (default: 50000)
  --batch-size <n>            events per transaction (default: 100)
  --skip-migrate              do not apply audit-store migrations on start
  --log-level <level>         trace|debug|info|warn|error|silent (default: info)
  -h, --help                  show this help
`;

export interface RecordCommandOptions {
  databaseUrl?: string;
  kubeconfig?: string;
  contexts: string[];
  clusterName?: string;
  namespace?: string;
  leaseNamespace?: string;
  leaseName?: string;
  leaderElection: boolean;
  probeHost: string;
  probePort: number;
  bufferLimit?: number;
  batchSize?: number;
  migrate: boolean;
  logLevel: string;
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) {
    throw new RecorderError('INVALID_OPTIONS', `${flag} must be a positive integer, got "${text}"`);
  }
  return value;
}

/** Parses `record`'s flags (argv without the command name). `help: true` when -h was given. */
export function parseRecordArgs(
  argv: readonly string[],
): { help: true } | ({ help: false } & RecordCommandOptions) {
  const { values } = parseArgs({
    args: [...argv],
    allowPositionals: false,
    strict: true,
    options: {
      'database-url': { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string', multiple: true },
      'cluster-name': { type: 'string' },
      namespace: { type: 'string' },
      'lease-namespace': { type: 'string' },
      'lease-name': { type: 'string' },
      'no-leader-election': { type: 'boolean' },
      'probe-address': { type: 'string' },
      'buffer-limit': { type: 'string' },
      'batch-size': { type: 'string' },
      'skip-migrate': { type: 'boolean' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  const probe = values['probe-address'] ?? '0.0.0.0:8081';
  const colon = probe.lastIndexOf(':');
  const probePort = Number(probe.slice(colon + 1));
  if (colon < 0 || !Number.isInteger(probePort) || probePort < 0 || probePort > 65535) {
    throw new RecorderError('INVALID_OPTIONS', `--probe-address must be host:port, got "${probe}"`);
  }
  const bufferLimit = positiveInt('--buffer-limit', values['buffer-limit']);
  const batchSize = positiveInt('--batch-size', values['batch-size']);
  return {
    help: false,
    ...(values['database-url'] ? { databaseUrl: values['database-url'] } : {}),
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    contexts: values.context ?? [],
    ...(values['cluster-name'] ? { clusterName: values['cluster-name'] } : {}),
    ...(values.namespace ? { namespace: values.namespace } : {}),
    ...(values['lease-namespace'] ? { leaseNamespace: values['lease-namespace'] } : {}),
    ...(values['lease-name'] ? { leaseName: values['lease-name'] } : {}),
    leaderElection: !values['no-leader-election'],
    probeHost: probe.slice(0, colon) || '0.0.0.0',
    probePort,
    ...(bufferLimit !== undefined ? { bufferLimit } : {}),
    ...(batchSize !== undefined ? { batchSize } : {}),
    migrate: !values['skip-migrate'],
    logLevel: values['log-level'] ?? 'info',
  };
}

const SERVICE_ACCOUNT_NAMESPACE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

function defaultLeaseNamespace(): string {
  if (process.env['POD_NAMESPACE']) return process.env['POD_NAMESPACE'];
  try {
    return readFileSync(SERVICE_ACCOUNT_NAMESPACE, 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}

/** Applies migrations, retrying while the database is unreachable (never a crash loop). */
async function migrateWithRetry(databaseUrl: string, log: Logger, signal: AbortSignal): Promise<void> {
  let delayMs = 1_000;
  while (!signal.aborted) {
    try {
      await migrate({ databaseUrl });
      return;
    } catch (err) {
      log.warn({ err: String(err), retryInMs: delayMs }, 'migrating the audit store failed: retrying');
      await sleep(delayMs, signal);
      delayMs = Math.min(delayMs * 2, 30_000);
    }
  }
}

/**
 * Runs the recorder until `signal` aborts (the CLI wires SIGINT/SIGTERM to it). Returns the exit
 * code: 0 after a clean stop, 2 for invalid flags.
 */
export async function runRecordCommand(
  argv: readonly string[],
  io: { signal?: AbortSignal; stdout?: (text: string) => void; stderr?: (text: string) => void } = {},
): Promise<number> {
  const stdout = io.stdout ?? ((text: string) => process.stdout.write(text));
  const stderr = io.stderr ?? ((text: string) => process.stderr.write(text));
  let parsed;
  try {
    parsed = parseRecordArgs(argv);
  } catch (err) {
    stderr(`stableip-api record: ${err instanceof Error ? err.message : String(err)}\n\n${RECORD_USAGE}`);
    return 2;
  }
  if (parsed.help) {
    stdout(RECORD_USAGE);
    return 0;
  }
  const signal = io.signal ?? new AbortController().signal;
  const log = createLogger({ name: 'stableip-recorder', level: parsed.logLevel as 'info' });
  let clusters;
  try {
    clusters = resolveClusterTargets({
      contexts: parsed.contexts,
      ...(parsed.kubeconfig ? { kubeconfig: parsed.kubeconfig } : {}),
      ...(parsed.clusterName ? { clusterName: parsed.clusterName } : {}),
    });
  } catch (err) {
    stderr(`stableip-api record: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }

  const database = parsed.databaseUrl
    ? { databaseUrl: parsed.databaseUrl, close: async () => undefined }
    : await resolveDatabase();
  if (parsed.migrate) await migrateWithRetry(database.databaseUrl, log, signal);
  const store = createAuditStore({
    databaseUrl: database.databaseUrl,
    pool: { max: Math.max(2, clusters.length + 1) },
    onPoolError: (err) => log.warn({ err: err.message }, 'idle database connection failed'),
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const recorder = startRecorder({
    clusters,
    store,
    registry,
    logger: log,
    leaderElection: parsed.leaderElection
      ? {
          namespace: parsed.leaseNamespace ?? defaultLeaseNamespace(),
          ...(parsed.leaseName ? { name: parsed.leaseName } : {}),
        }
      : false,
    settings: {
      ...(parsed.namespace ? { namespace: parsed.namespace } : {}),
      ...(parsed.bufferLimit !== undefined ? { bufferLimit: parsed.bufferLimit } : {}),
      ...(parsed.batchSize !== undefined ? { batchSize: parsed.batchSize } : {}),
    },
  });
  const probes = await startProbeServer({
    host: parsed.probeHost,
    port: parsed.probePort,
    healthz: { ping: () => true },
    readyz: { recorder: recorder.readyCheck },
    registry,
  });
  log.info(
    { clusters: clusters.map((c) => c.name), probePort: probes.port, leaderElection: parsed.leaderElection },
    'recorder started',
  );
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  log.info('stopping');
  await recorder.stop();
  await probes.close();
  await store.close();
  await database.close();
  return 0;
}
