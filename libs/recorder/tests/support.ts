// Shared helpers of the recorder's scenario tests: a migrated database per file, a namespace per
// test, typed clients, object builders (the tests play the IPAM and CAPM3 controllers) and polling.
import { randomUUID } from 'node:crypto';
import {
  createAuditStore,
  createTemporaryDatabase,
  migrate,
  type AuditEvent,
  type AuditStore,
  type TemporaryDatabase,
} from '@stableip/audit-store';
import {
  KubeClient,
  createLogger,
  type KubeObject,
  type ResourceClient,
  type ResourceDescriptor,
} from '@stableip/kube-runtime';
import { createTestNamespace } from '@stableip/kube-testenv';
import { kubeTestEnvInfo } from '@stableip/kube-testenv/vitest';
import { Registry } from 'prom-client';
import { afterAll, beforeAll } from 'vitest';
import { ClusterRecorder, type ClusterRecorderOptions, type CommittedChange } from '../src/cluster-recorder';
import { createRecorderMetrics, type RecorderMetrics } from '../src/metrics';
import { watchedResources, type WatchedKind, type WatchedObjects } from '../src/resources';

export const testServerUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const testLogger = createLogger({ level: (process.env['TEST_LOG_LEVEL'] as 'info') ?? 'silent' });

/** A migrated database of its own for this test file, and a store on it. */
export function useRecorderDatabase(): { readonly store: AuditStore; readonly url: string } {
  let database: TemporaryDatabase | undefined;
  let store: AuditStore | undefined;
  beforeAll(async () => {
    database = await createTemporaryDatabase(testServerUrl, 'stableip_recorder_test');
    await migrate({ databaseUrl: database.url });
    store = createAuditStore({ databaseUrl: database.url, pool: { max: 6 } });
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });
  return {
    get store() {
      if (!store) throw new Error('store not created yet');
      return store;
    },
    get url() {
      if (!database) throw new Error('database not created yet');
      return database.url;
    },
  };
}

export type Clients = { [K in WatchedKind]: ResourceClient<WatchedObjects[K] & KubeObject> };

/** A fresh namespace, an admin client and typed clients for every watched kind. */
export async function freshNamespace(
  prefix: string,
): Promise<{ namespace: string; client: KubeClient; kinds: Clients }> {
  const ns = await createTestNamespace(kubeTestEnvInfo(), prefix);
  const client = new KubeClient(ns.kubeConfig, { fieldManager: 'recorder-tests' });
  const resources = watchedResources();
  const kinds = Object.fromEntries(
    Object.entries(resources).map(([kind, resource]) => [
      kind,
      client.resource(resource as ResourceDescriptor),
    ]),
  ) as unknown as Clients;
  return { namespace: ns.name, client, kinds };
}

export interface RecorderHarness {
  recorder: ClusterRecorder;
  metrics: RecorderMetrics;
  registry: Registry;
  committed: CommittedChange[];
}

export function startClusterRecorder(
  options: Pick<ClusterRecorderOptions, 'client' | 'store' | 'namespace'> &
    Partial<ClusterRecorderOptions> & { cluster?: string },
  registry = new Registry(),
): RecorderHarness & { start: Promise<void> } {
  const metrics = createRecorderMetrics(registry);
  const committed: CommittedChange[] = [];
  const recorder = new ClusterRecorder({
    cluster: options.cluster ?? `test-${randomUUID().slice(0, 8)}`,
    metrics,
    logger: testLogger,
    notInstalledRetryMs: 1_000,
    databaseBackoff: { initialMs: 100, maxMs: 1_000 },
    ...options,
    onCommitted: (changes) => committed.push(...changes),
  });
  return { recorder, metrics, registry, committed, start: recorder.start() };
}

/** Poll until `check` returns a truthy value (or fail after `timeoutMs`). */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every event of one cluster, oldest first. */
export async function allEvents(store: AuditStore, cluster: string): Promise<AuditEvent[]> {
  const events: AuditEvent[] = [];
  let cursor: string | null = null;
  for (;;) {
    const page = await store.eventsSince({ cluster, limit: 1000, ...(cursor ? { cursor } : {}) });
    events.push(...page.events);
    if (page.events.length === 0) return events;
    cursor = page.nextCursor;
  }
}

/** (uid, resourceVersion, action) seen twice: what "duplicates nothing" rules out. */
export function duplicateKeys(events: readonly AuditEvent[]): string[] {
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const event of events) {
    const key = `${event.uid}/${event.resourceVersion}/${event.action}`;
    if (seen.has(key)) duplicates.push(key);
    seen.add(key);
  }
  return duplicates;
}

export * from './objects';
