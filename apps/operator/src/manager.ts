// The manager: caches, probes, metrics and webhooks on every replica; controllers only on the
// leader; graceful shutdown (stop taking work, finish in-flight reconciles, release the Lease).
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import {
  EventRecorder,
  InformerCache,
  KubeClient,
  LeaderElector,
  informersSyncedCheck,
  startProbeServer,
  type Controller,
  type Logger,
  type RunningServer,
} from '@stableip/kube-runtime';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { controllerGroups } from './controllers';
import type { OperatorOptions } from './options';
import {
  certDirStamp,
  generateSelfSigned,
  loadCertDir,
  patchCaBundles,
  type ServingCertificate,
} from './webhooks/certs';
import { startWebhookServer, type RunningWebhookServer } from './webhooks/server';

export class StartupError extends Error {
  override readonly name = 'StartupError';
}

export interface RunningOperator {
  readonly identity: string;
  readonly webhookPort: number | undefined;
  readonly probePort: number | undefined;
  readonly metricsPort: number | undefined;
  /** Resolves when the operator has stopped (after shutdown(), or on lost leadership). */
  readonly done: Promise<number>;
  shutdown(reason: string): Promise<number>;
}

function kubeClient(options: OperatorOptions): KubeClient {
  const kc = new KubeConfig();
  if (options.kubeconfig) kc.loadFromFile(options.kubeconfig);
  else kc.loadFromDefault();
  return new KubeClient(kc, { fieldManager: 'stableip-operator' });
}

export async function startOperator(options: OperatorOptions, log: Logger): Promise<RunningOperator> {
  const identity = `${hostname()}_${randomBytes(4).toString('hex')}`;
  log.info(
    {
      identity,
      namespace: options.namespace || '(all)',
      controllers: options.controllers,
      ippoolConcurrency: options.ippoolConcurrency,
      leaderElect: options.leaderElect,
      enableBmhNameBasedPreallocation: options.enableBmhNameBasedPreallocation,
      webhooks: options.enableWebhooks
        ? options.webhookSelfSigned
          ? 'self-signed'
          : options.webhookCertDir
        : 'disabled',
    },
    'starting stableip operator',
  );
  const client = kubeClient(options);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const events = new EventRecorder({
    client,
    component: 'stableip-ipam-controller',
    host: identity,
    logger: log,
  });

  // One informer per kind for every controller group (controller-runtime's shared cache).
  const cache = new InformerCache({
    client,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    resyncPeriodMs: options.syncPeriodMs,
    logger: log,
  });
  const controllers: Controller[] = [];
  for (const group of options.controllers) {
    const factory = controllerGroups[group];
    if (!factory) throw new StartupError(`controller group "${group}" is not available in this build`);
    const instance = factory({ client, cache, options, registry, events, logger: log });
    controllers.push(...instance.controllers);
  }
  const informers = cache.informers();
  cache.start();

  // Webhooks run on every replica: admission is stateless and must survive a leader change.
  let webhook: RunningWebhookServer | undefined;
  let certWatch: NodeJS.Timeout | undefined;
  if (options.enableWebhooks) {
    let certificate: ServingCertificate;
    if (options.webhookSelfSigned) {
      certificate = await generateSelfSigned(options.webhookServiceNames);
      log.info({ names: options.webhookServiceNames }, 'generated a self-signed webhook certificate');
    } else {
      certificate = await loadCertDir(options.webhookCertDir);
    }
    webhook = await startWebhookServer({
      host: options.webhookHost,
      port: options.webhookPort,
      certificate,
      logger: log,
      registry,
    });
    if (options.webhookSelfSigned && options.webhookConfigurationNames.length > 0) {
      const patched = await patchCaBundles(client, options.webhookConfigurationNames, certificate.cert, log);
      log.info({ patched }, 'caBundle patched');
    }
    if (!options.webhookSelfSigned) {
      // cert-manager rotates the Secret; the kubelet swaps the files. Reload without a restart.
      let stamp = await certDirStamp(options.webhookCertDir);
      certWatch = setInterval(() => {
        void (async () => {
          const next = await certDirStamp(options.webhookCertDir);
          if (next === stamp) return;
          stamp = next;
          try {
            webhook?.setCertificate(await loadCertDir(options.webhookCertDir));
            log.info('webhook certificate reloaded');
          } catch (err) {
            log.error({ err }, 'webhook certificate reload failed; keeping the previous one');
          }
        })();
      }, 10_000);
      certWatch.unref();
    }
  }

  const servers: RunningServer[] = [];
  if (options.healthProbeBindAddress) {
    servers.push(
      await startProbeServer({
        host: options.healthProbeBindAddress.host,
        port: options.healthProbeBindAddress.port,
        healthz: { ping: () => true },
        readyz: {
          // Not ready while any watch is stale: the cache could be missing allocations.
          informers: informersSyncedCheck(informers),
          ...(webhook ? { webhook: () => webhook!.server.listening || 'webhook server not listening' } : {}),
        },
      }),
    );
  }
  const probePort = servers[0]?.port;
  let metricsPort: number | undefined;
  if (options.metricsBindAddress) {
    const metrics = await startProbeServerForMetrics(options.metricsBindAddress, registry);
    servers.push(metrics);
    metricsPort = metrics.port;
  }

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((resolve) => (resolveDone = resolve));
  const electionAbort = new AbortController();
  let shuttingDown: Promise<number> | undefined;
  let controllersRunning = false;

  const startControllers = (signal?: AbortSignal) => {
    controllersRunning = true;
    log.info({ controllers: controllers.map((c) => c.name) }, 'starting controllers');
    for (const controller of controllers) void controller.start(signal);
  };
  const stopControllers = async () => {
    if (!controllersRunning) return;
    controllersRunning = false;
    await Promise.all(controllers.map((c) => c.stop()));
  };

  let election: Promise<void> | undefined;
  if (options.leaderElect) {
    const elector = new LeaderElector({
      client,
      name: options.leaderElectionId,
      namespace: options.leaderElectionNamespace ?? client.defaultNamespace,
      identity,
      logger: log,
    });
    election = elector.run(
      {
        onStartedLeading: (signal) => startControllers(signal),
        onStoppedLeading: async () => {
          await stopControllers();
          if (!shuttingDown) {
            // As controller-runtime: a replica that lost its lease exits; it may hold stale state.
            log.error('leader election lost; exiting');
            void shutdown('leader election lost', 1);
          }
        },
        onNewLeader: (leader) => log.info({ leader }, 'new leader'),
      },
      electionAbort.signal,
    );
  } else {
    startControllers();
  }

  const shutdown = (reason: string, code = 0): Promise<number> => {
    shuttingDown ??= (async () => {
      log.info({ reason }, 'shutting down: no new work, finishing in-flight reconciles');
      await stopControllers();
      electionAbort.abort();
      await election; // releases the Lease
      cache.stop();
      clearInterval(certWatch);
      await events.flush();
      await Promise.all([...servers.map((s) => s.close()), webhook?.close()]);
      client.close();
      log.info('stopped');
      resolveDone(code);
      return code;
    })();
    return shuttingDown;
  };

  log.info({ identity, webhookPort: webhook?.port, probePort, metricsPort }, 'operator started');
  return { identity, webhookPort: webhook?.port, probePort, metricsPort, done, shutdown };
}

function startProbeServerForMetrics(address: { host: string | undefined; port: number }, registry: Registry) {
  return startProbeServer({ host: address.host, port: address.port, registry });
}
