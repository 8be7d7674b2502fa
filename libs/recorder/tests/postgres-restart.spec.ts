// PostgreSQL stops mid-stream (an embedded server of this test, never the machine's shared one):
// the recorder buffers, pauses watching when the buffer is full, and after the restart commits
// the buffer and relists — every change lands once, nothing is lost.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAuditStore,
  migrate,
  startEmbeddedPostgres,
  type AuditStore,
  type EmbeddedPostgresServer,
} from '@stableip/audit-store';
import {
  allEvents,
  duplicateKeys,
  eventually,
  freshNamespace,
  ipPool,
  startClusterRecorder,
  type Clients,
} from './support';

let dataDir = '';
let server: EmbeddedPostgresServer | undefined;
let store: AuditStore | undefined;

beforeAll(async () => {
  // As root PostgreSQL runs as "postgres": /tmp is searchable by it.
  const parent = await mkdtemp(join(tmpdir(), 'recorder-pg-'));
  await chmod(parent, 0o755);
  dataDir = join(parent, 'data');
  server = await startEmbeddedPostgres({ dataDir });
  await migrate({ databaseUrl: server.databaseUrl });
  store = createAuditStore({
    databaseUrl: server.databaseUrl,
    pool: { max: 4, connectionTimeoutMillis: 2_000, statementTimeoutMillis: 10_000 },
    onPoolError: () => undefined,
  });
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
  if (dataDir) await rm(join(dataDir, '..'), { recursive: true, force: true });
});

/** Every live pool's current resourceVersion is the last event of its uid, and `deletes` deletions are recorded. */
async function finalStateRecorded(cluster: string, kinds: Clients, namespace: string, deletes: number) {
  const live = (await kinds.IPPool.list({ namespace })).items;
  const all = await allEvents(store!, cluster);
  const last = new Map<string, string>();
  for (const event of all) last.set(event.uid, event.resourceVersion);
  const current = live.every((pool) => last.get(pool.metadata.uid!) === pool.metadata.resourceVersion);
  return current && all.filter((e) => e.action === 'delete').length === deletes ? all : undefined;
}

describe('PostgreSQL restarted mid-stream', () => {
  it('loses and duplicates nothing', async () => {
    const { namespace, client, kinds } = await freshNamespace('pgrestart');
    const harness = startClusterRecorder({
      client,
      store: store!,
      namespace,
      bufferLimit: 15,
      batchSize: 10,
      databaseBackoff: { initialMs: 200, maxMs: 1_000 },
    });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await eventually(() => harness.recorder.status().synced, 'first sync');

    // Before the outage: 10 pools created and edited.
    for (let i = 0; i < 10; i += 1) {
      await kinds.IPPool.create(ipPool(namespace, `before-${i}`));
      await kinds.IPPool.mergePatch(
        { namespace, name: `before-${i}` },
        { metadata: { labels: { step: '1' } } },
      );
    }
    // Pausing coalesces: a relist records an object's state as it is then, not every step.
    await eventually(() => finalStateRecorded(cluster, kinds, namespace, 0), 'the state before the outage');

    const port = server!.port;
    await server!.stop();
    // During the outage: 30 pools created and edited (60 changes > the 15-change buffer), 5 deleted.
    let sawPause = false;
    for (let i = 0; i < 30; i += 1) {
      await kinds.IPPool.create(ipPool(namespace, `during-${i}`));
      await kinds.IPPool.mergePatch(
        { namespace, name: `during-${i}` },
        { metadata: { labels: { step: '2' } } },
      );
      sawPause ||= harness.recorder.status().paused;
    }
    for (let i = 0; i < 5; i += 1) await kinds.IPPool.delete({ namespace, name: `before-${i}` });
    await eventually(() => harness.recorder.status().paused, 'watching paused with a full buffer');
    expect(harness.recorder.status()).toMatchObject({ databaseUp: false, paused: true });
    expect(harness.recorder.status().bufferDepth).toBeGreaterThanOrEqual(15);
    sawPause = true;

    server = await startEmbeddedPostgres({ dataDir, port });

    // After: every object's current resourceVersion recorded, every deletion recorded, once.
    expect((await kinds.IPPool.list({ namespace })).items).toHaveLength(35);
    const events = await eventually(
      () => finalStateRecorded(cluster, kinds, namespace, 5),
      'the final state recorded',
      60_000,
    );
    expect(sawPause).toBe(true);
    expect(duplicateKeys(events)).toEqual([]);
    const creates = new Map<string, number>();
    for (const event of events.filter((e) => e.action === 'create')) {
      creates.set(event.name, (creates.get(event.name) ?? 0) + 1);
    }
    expect(creates.size).toBe(40);
    expect([...creates.values()].every((count) => count === 1)).toBe(true);
    const deleted = events.filter((e) => e.action === 'delete');
    expect(deleted.map((e) => e.name).sort()).toEqual([
      'before-0',
      'before-1',
      'before-2',
      'before-3',
      'before-4',
    ]);
    // Deletions happened while watching was paused: a relist found them.
    expect(deleted.every((e) => e.source === 'relist' && e.deletionObservedOnRelist)).toBe(true);
    expect((await store!.verifyChain(cluster)).ok).toBe(true);
    await eventually(
      () => harness.recorder.status().databaseUp && !harness.recorder.status().paused,
      'resumed',
    );

    const errors = await harness.registry.getSingleMetric('stableip_recorder_write_errors_total')!.get();
    expect(errors.values.find((v) => v.labels['kind'] === 'transient')?.value).toBeGreaterThan(0);

    // Still recording by watch after the outage.
    await kinds.IPPool.create(ipPool(namespace, 'after'));
    await eventually(
      async () => (await allEvents(store!, cluster)).some((e) => e.name === 'after' && e.source === 'watch'),
      'a watch event after recovery',
    );
    await harness.recorder.stop();
  });
});
