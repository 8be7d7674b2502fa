// `npm run bench:recorder`: the recorder ingesting 10,000 objects changing, against a real
// kube-apiserver (kube-testenv) and real PostgreSQL (DATABASE_URL, else the machine's server on
// 127.0.0.1:5432; a temporary database either way).
//
// Objects: BareMetalHosts, IPClaims named `{bmh}-{pool}` and their IPAddresses (one interval each),
// in thirds. Phases:
//   create  — all objects created as fast as the API server takes them (a burst);
//   update  — every object patched once (an annotation, as status/finalizer churn: no derived row
//             changes, so this is the event path alone; creates include the host/interval writes);
//   paced   — updates at a steady rate below the recorder's capacity (lag without a backlog).
// Reported per phase: events committed per second (first write → last commit) and the lag from
// the API server's answer to the write (the change) to the audit row committed, p50/p99. The
// recorder's own receipt → commit time is shown too.
//
// Knobs: BENCH_OBJECTS (10000), BENCH_CONCURRENCY (16 API writes in flight), BENCH_BATCH (100),
// BENCH_PACED_RATE (50/s), BENCH_PACED_SECONDS (20).
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAuditStore, createTemporaryDatabase, migrate } from '@stableip/audit-store';
import type { IPPool } from '@stableip/ipam-core';
import { KubeClient, createLogger, type KubeObject, type ResourceDescriptor } from '@stableip/kube-runtime';
import { createTestNamespace, startKubeTestEnv } from '@stableip/kube-testenv';
import { Registry } from 'prom-client';
import { ClusterRecorder, type CommittedChange } from '../src/cluster-recorder';
import { createRecorderMetrics } from '../src/metrics';
import { watchedResources } from '../src/resources';
import { installRecorderCrds } from '../tests/crds';
import { bareMetalHost, ipClaim, ipPool, metal3Address } from '../tests/objects';

const OBJECTS = Number(process.env['BENCH_OBJECTS'] ?? 10_000);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 16);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 100);
const PACED_RATE = Number(process.env['BENCH_PACED_RATE'] ?? 50);
const PACED_SECONDS = Number(process.env['BENCH_PACED_SECONDS'] ?? 20);
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface PhaseResult {
  phase: string;
  changes: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  pipelineP50Ms: number;
  pipelineP99Ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `tasks` with at most `limit` in flight. */
async function inParallel<T>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await task(items[next++]!);
    }),
  );
}

async function main(): Promise<void> {
  const log = createLogger({ level: (process.env['BENCH_LOG_LEVEL'] as 'warn') ?? 'warn' });
  console.log(`recorder bench: ${OBJECTS} objects, ${CONCURRENCY} API writes in flight, batches of ${BATCH}`);
  const env = await startKubeTestEnv({ controllers: false });
  const database = await createTemporaryDatabase(serverUrl, 'stableip_recorder_bench');
  const store = createAuditStore({ databaseUrl: database.url, pool: { max: 4 } });
  let recorder: ClusterRecorder | undefined;
  try {
    await installRecorderCrds(env.info.kubeconfig);
    await migrate({ databaseUrl: database.url });
    // The machine's database latency bounds everything: one commit is several round trips.
    await store.prisma.$queryRaw`SELECT 1`;
    const rtStart = performance.now();
    for (let i = 0; i < 50; i += 1) await store.prisma.$queryRaw`SELECT 1`;
    const roundTripMs = (performance.now() - rtStart) / 50;
    console.log(
      `database round trip (SELECT 1): ${roundTripMs.toFixed(2)} ms; load average ${loadavg()[0]?.toFixed(1)}`,
    );
    const ns = await createTestNamespace(env.info, 'bench');
    const namespace = ns.name;
    const client = new KubeClient(ns.kubeConfig, { fieldManager: 'recorder-bench' });
    const resources = watchedResources();
    const api = <T extends KubeObject>(resource: ResourceDescriptor) =>
      client.resource(resource as ResourceDescriptor<T>);

    // uid/resourceVersion → when the API server answered the write.
    const written = new Map<string, number>();
    const committed: CommittedChange[] = [];
    let onCommit: (() => void) | undefined;
    recorder = new ClusterRecorder({
      cluster: 'bench',
      client,
      store,
      metrics: createRecorderMetrics(new Registry()),
      logger: log,
      namespace,
      batchSize: BATCH,
      onCommitted: (changes) => {
        committed.push(...changes);
        onCommit?.();
      },
    });
    await recorder.start();
    while (!recorder.status().synced) await new Promise((resolve) => setTimeout(resolve, 50));

    const pool = await api<IPPool>(resources.IPPool).create(
      ipPool(namespace, 'bench', { pools: [{ subnet: '10.0.0.0/16', prefix: 16, gateway: '10.0.0.1' }] }),
    );
    const groups = Math.ceil(OBJECTS / 3);
    const hostName = (i: number) => `host-${String(i).padStart(5, '0')}`;
    const addressOf = (i: number) => `10.0.${Math.floor((i + 10) / 256)}.${(i + 10) % 256}`;
    const objects: Array<{ resource: ResourceDescriptor; body: KubeObject }> = [];
    for (let i = 0; i < groups && objects.length < OBJECTS; i += 1) {
      objects.push({ resource: resources.BareMetalHost, body: bareMetalHost(namespace, hostName(i)) });
      if (objects.length < OBJECTS)
        objects.push({
          resource: resources.IPClaim,
          body: ipClaim(namespace, `${hostName(i)}-bench`, 'bench'),
        });
      if (objects.length < OBJECTS)
        objects.push({
          resource: resources.Metal3IPAddress,
          body: metal3Address(namespace, pool, `${hostName(i)}-bench`, addressOf(i)),
        });
    }
    const remember = (obj: KubeObject): void => {
      written.set(`${obj.metadata?.uid}/${obj.metadata?.resourceVersion}`, Date.now());
    };

    const waitFor = async (expected: number, from: number): Promise<void> => {
      const seenOf = () => committed.length - from;
      while (seenOf() < expected) {
        await new Promise<void>((resolve) => {
          onCommit = resolve;
          setTimeout(resolve, 1_000);
        });
      }
    };

    const results: PhaseResult[] = [];
    const measure = async (phase: string, changes: number, run: () => Promise<void>): Promise<void> => {
      const from = committed.length;
      const started = Date.now();
      await run();
      await waitFor(changes, from);
      const slice = committed.slice(from).filter((change) => change.created);
      const end = Math.max(...slice.map((change) => change.committedAt));
      const lags = slice
        .map((change) => {
          const at = written.get(`${change.uid}/${change.resourceVersion}`);
          return at === undefined ? undefined : change.committedAt - at;
        })
        .filter((lag): lag is number => lag !== undefined)
        .sort((a, b) => a - b);
      const pipeline = slice.map((change) => change.committedAt - change.receivedAt).sort((a, b) => a - b);
      const seconds = (end - started) / 1000;
      results.push({
        phase,
        changes,
        events: slice.length,
        seconds: Number(seconds.toFixed(1)),
        eventsPerSecond: Math.round(slice.length / seconds),
        lagP50Ms: percentile(lags, 50),
        lagP99Ms: percentile(lags, 99),
        lagMaxMs: lags.at(-1) ?? NaN,
        pipelineP50Ms: percentile(pipeline, 50),
        pipelineP99Ms: percentile(pipeline, 99),
      });
      console.log(JSON.stringify(results.at(-1)));
    };

    await measure('create (burst)', objects.length, () =>
      inParallel(objects, CONCURRENCY, async ({ resource, body }) => {
        remember(await api(resource).create(body));
      }),
    );
    const patchOne = async (
      { resource, body }: { resource: ResourceDescriptor; body: KubeObject },
      step: string,
    ) =>
      remember(
        await api(resource).mergePatch(
          { namespace, name: body.metadata!.name! },
          { metadata: { annotations: { 'stableip.dev/bench-step': step } } },
        ),
      );
    await measure('update (burst)', objects.length, () =>
      inParallel(objects, CONCURRENCY, (object) => patchOne(object, 'burst')),
    );
    const pacedCount = Math.min(objects.length, PACED_RATE * PACED_SECONDS);
    await measure(`update (paced ${PACED_RATE}/s)`, pacedCount, async () => {
      const started = Date.now();
      const pending: Promise<void>[] = [];
      for (let i = 0; i < pacedCount; i += 1) {
        const due = started + (i * 1000) / PACED_RATE;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        pending.push(patchOne(objects[i]!, 'paced'));
      }
      await Promise.all(pending);
    });

    const verification = await store.verifyChain('bench');
    const assignments = (await store.currentAssignments({ cluster: 'bench' })).length;
    console.log('');
    console.log(
      'phase                      changes  events  seconds  events/s  lag p50  lag p99  lag max  receipt→commit p50/p99',
    );
    for (const r of results) {
      console.log(
        `${r.phase.padEnd(26)} ${String(r.changes).padStart(7)} ${String(r.events).padStart(7)} ${String(r.seconds).padStart(8)} ${String(r.eventsPerSecond).padStart(9)} ${`${r.lagP50Ms} ms`.padStart(8)} ${`${r.lagP99Ms} ms`.padStart(8)} ${`${r.lagMaxMs} ms`.padStart(8)}  ${r.pipelineP50Ms}/${r.pipelineP99Ms} ms`,
      );
    }
    console.log(
      `\nchain verified: ${verification.ok} (${verification.eventsChecked} events); open assignments: ${assignments}`,
    );
    const report = join(dirname(fileURLToPath(import.meta.url)), '../../../reports/bench/recorder.json');
    mkdirSync(dirname(report), { recursive: true });
    writeFileSync(
      report,
      JSON.stringify(
        {
          roundTripMs,
          loadAverage: loadavg(),
          objects: OBJECTS,
          concurrency: CONCURRENCY,
          batch: BATCH,
          results,
          verification: verification.ok,
          assignments,
        },
        null,
        2,
      ),
    );
    console.log(`report: ${report}`);
    client.close();
  } finally {
    await recorder?.stop();
    await store.close();
    await database.drop();
    await env.stop();
  }
}

await main();
