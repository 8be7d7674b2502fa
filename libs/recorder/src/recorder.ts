// The recorder over several clusters: one ClusterRecorder each, run only while this replica holds
// that cluster's Lease (so API replicas scale and exactly one records each cluster).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { AuditStore } from '@stableip/audit-store';
import {
  KubeClient,
  LeaderElector,
  defaultLogger,
  informersSyncedCheck,
  type Check,
  type Logger,
} from '@stableip/kube-runtime';
import { Registry } from 'prom-client';
import { ClusterRecorder, type ClusterRecorderOptions, type ClusterRecorderStatus } from './cluster-recorder';
import type { ClusterTarget } from './clusters';
import { RecorderError } from './errors';
import { createRecorderMetrics, type RecorderMetrics } from './metrics';

export interface LeaderElectionSettings {
  /** Namespace of the Lease in each recorded cluster. */
  namespace: string;
  /** Lease name (default "stableip-recorder"). */
  name?: string;
  /** Unique per replica (default: hostname + random suffix). */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export type ClusterSettings = Omit<
  ClusterRecorderOptions,
  'cluster' | 'client' | 'store' | 'metrics' | 'logger'
>;

export interface RecorderOptions {
  clusters: readonly ClusterTarget[];
  store: AuditStore;
  /** Metrics go here (default: a new registry, see `recorder.registry`). */
  registry?: Registry;
  logger?: Logger;
  /** false: record every cluster without a Lease (a single replica, tests). */
  leaderElection: LeaderElectionSettings | false;
  settings?: ClusterSettings;
  /** Field manager / user agent of the Kubernetes clients (default "stableip-recorder"). */
  fieldManager?: string;
}

export interface ClusterState extends ClusterRecorderStatus {
  leader: boolean;
  /** The lease holder last observed ('' when unknown or without leader election). */
  leaseHolder: string;
}

export interface Recorder {
  readonly registry: Registry;
  readonly metrics: RecorderMetrics;
  readonly clusters: readonly ClusterRecorder[];
  /** Readiness: every cluster this replica records is synced, watching and writing. */
  readonly readyCheck: Check;
  status(): ClusterState[];
  stop(): Promise<void>;
}

export const DEFAULT_LEASE_NAME = 'stableip-recorder';

/** Starts recording (or campaigning for the Lease of) every cluster; returns at once. */
export function startRecorder(options: RecorderOptions): Recorder {
  if (options.clusters.length === 0) throw new RecorderError('NO_CLUSTERS', 'no cluster to record');
  const registry = options.registry ?? new Registry();
  const metrics = createRecorderMetrics(registry);
  const log = options.logger ?? defaultLogger();
  const stop = new AbortController();
  const identity = options.leaderElection
    ? (options.leaderElection.identity ?? `${hostname()}-${randomUUID().slice(0, 8)}`)
    : '';

  const entries = options.clusters.map((target) => {
    const client = new KubeClient(target.kubeConfig, {
      fieldManager: options.fieldManager ?? 'stableip-recorder',
    });
    const recorder = new ClusterRecorder({
      ...options.settings,
      cluster: target.name,
      client,
      store: options.store,
      metrics,
      logger: log,
    });
    const entry = {
      recorder,
      client,
      elector: undefined as LeaderElector | undefined,
      done: Promise.resolve(),
    };
    if (!options.leaderElection) {
      metrics.leader.set({ cluster: target.name }, 1);
      entry.done = recorder.start().catch((err: unknown) => {
        log.error({ err, cluster: target.name }, 'recorder failed to start');
      });
      return entry;
    }
    const settings = options.leaderElection;
    const elector = new LeaderElector({
      client,
      name: settings.name ?? DEFAULT_LEASE_NAME,
      namespace: settings.namespace,
      identity,
      ...(settings.leaseDurationMs !== undefined ? { leaseDurationMs: settings.leaseDurationMs } : {}),
      ...(settings.renewDeadlineMs !== undefined ? { renewDeadlineMs: settings.renewDeadlineMs } : {}),
      ...(settings.retryPeriodMs !== undefined ? { retryPeriodMs: settings.retryPeriodMs } : {}),
      logger: log.child({ cluster: target.name }),
    });
    entry.elector = elector;
    metrics.leader.set({ cluster: target.name }, 0);
    entry.done = elector.run(
      {
        onStartedLeading: async () => {
          metrics.leader.set({ cluster: target.name }, 1);
          await recorder.start();
        },
        onStoppedLeading: async () => {
          metrics.leader.set({ cluster: target.name }, 0);
          await recorder.stop();
        },
      },
      stop.signal,
    );
    return entry;
  });

  const refresh = setInterval(() => {
    for (const { recorder } of entries) recorder.refreshMetrics();
  }, 5_000);
  refresh.unref();

  const readyCheck: Check = () => {
    const problems: string[] = [];
    for (const { recorder, elector } of entries) {
      if (elector && !elector.isLeader) continue; // a standby is ready to take over
      const status = recorder.status();
      if (!status.running) problems.push(`${recorder.cluster}: not running`);
      else if (!status.databaseUp) problems.push(`${recorder.cluster}: audit store unavailable`);
      else if (status.paused) problems.push(`${recorder.cluster}: paused (buffer full)`);
      else if (!status.synced) problems.push(`${recorder.cluster}: not synced`);
      else {
        const informers = informersSyncedCheck(recorder.informers())();
        if (informers !== true) problems.push(`${recorder.cluster}: ${String(informers)}`);
      }
    }
    return problems.length === 0 ? true : problems.join('; ');
  };

  return {
    registry,
    metrics,
    clusters: entries.map((entry) => entry.recorder),
    readyCheck,
    status: () =>
      entries.map(({ recorder, elector }) => ({
        ...recorder.status(),
        leader: elector ? elector.isLeader : recorder.running,
        leaseHolder: elector?.leader ?? '',
      })),
    stop: async () => {
      clearInterval(refresh);
      // Commit what is buffered while still holding the leases, then hand them over.
      await Promise.all(entries.map((entry) => entry.recorder.stop()));
      stop.abort();
      await Promise.all(
        entries.map(async (entry) => {
          await entry.done;
          await entry.recorder.stop();
          entry.client.close();
        }),
      );
    },
  };
}
