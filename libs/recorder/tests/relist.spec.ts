// Restart and watch gaps: what happened while nobody watched is recorded once, as relist events.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  allEvents,
  bareMetalHost,
  duplicateKeys,
  eventually,
  freshNamespace,
  ipClaim,
  ipPool,
  metal3Address,
  startClusterRecorder,
  useRecorderDatabase,
} from './support';

const db = useRecorderDatabase();
const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('relist', () => {
  it('after being stopped, records objects created, updated and deleted meanwhile, once', async () => {
    const { namespace, client, kinds } = await freshNamespace('relist');
    const cluster = `relist-${randomUUID().slice(0, 8)}`;
    const first = startClusterRecorder({ client, store: db.store, namespace, cluster });
    await first.start;

    const pool = await kinds.IPPool.create(ipPool(namespace, 'prov'));
    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'n1'));
    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'n2'));
    await kinds.IPClaim.create(ipClaim(namespace, 'n1-prov', 'prov'));
    const a1 = await kinds.Metal3IPAddress.create(
      metal3Address(namespace, pool, 'n1-prov', '192.168.111.111'),
    );
    await eventually(async () => (await allEvents(db.store, cluster)).length === 5, 'five watch events');
    await first.recorder.stop();

    // While nobody records: a release, a host removed, a host and an allocation added, a pool edited.
    await kinds.Metal3IPAddress.delete({ namespace, name: a1.metadata.name! });
    await kinds.IPClaim.delete({ namespace, name: 'n1-prov' });
    await kinds.BareMetalHost.delete({ namespace, name: 'n2' });
    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'n3'));
    await kinds.IPClaim.create(ipClaim(namespace, 'n3-prov', 'prov'));
    await kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'n3-prov', '192.168.111.113'));
    const edited = await kinds.IPPool.mergePatch(
      { namespace, name: 'prov' },
      { metadata: { labels: { edited: 'yes' } } },
    );

    const stoppedAt = Date.now();
    const second = startClusterRecorder({ client, store: db.store, namespace, cluster });
    await second.start;
    const events = await eventually(async () => {
      const all = await allEvents(db.store, cluster);
      return all.length === 12 ? all : undefined;
    }, 'seven relist events');
    const relisted = events.slice(5);
    expect(relisted.every((e) => e.source === 'relist')).toBe(true);
    expect(
      relisted
        .map((e) => `${e.kind}/${e.name}/${e.action}${e.deletionObservedOnRelist ? '/flagged' : ''}`)
        .sort(),
    ).toEqual(
      [
        'BareMetalHost/n2/delete/flagged',
        'BareMetalHost/n3/create',
        'IPAddress/prov-192-168-111-111/delete/flagged',
        'IPAddress/prov-192-168-111-113/create',
        'IPClaim/n1-prov/delete/flagged',
        'IPClaim/n3-prov/create',
        'IPPool/prov/update',
      ].sort(),
    );
    // A deletion nobody saw is recorded when it was noticed.
    for (const e of relisted.filter((e) => e.action === 'delete')) {
      expect(e.observedAt.getTime()).toBeGreaterThanOrEqual(stoppedAt);
    }
    const poolUpdate = relisted.find((e) => e.kind === 'IPPool')!;
    expect(poolUpdate.resourceVersion).toBe(edited.metadata?.resourceVersion);
    expect((poolUpdate.before as { metadata: { labels?: unknown } }).metadata.labels).toBeUndefined();
    expect(duplicateKeys(events)).toEqual([]);

    await eventually(async () => {
      const rows = await db.store.holdersOfAddress({ address: '192.168.111.111', cluster });
      return rows.length === 1 && rows[0]!.validTo !== null;
    }, 'the release seen by the relist');
    const [current] = await db.store.currentAssignments({ cluster });
    expect(current).toMatchObject({ address: '192.168.111.113', host: { name: 'n3' } });
    const [n2] = await db.store.prisma.host.findMany({ where: { name: 'n2', cluster: { name: cluster } } });
    expect(n2?.deletedAt).not.toBeNull();
    await second.recorder.stop();

    // Nothing changed: a third start records nothing.
    const third = startClusterRecorder({ client, store: db.store, namespace, cluster });
    await third.start;
    await eventually(() => third.recorder.status().synced, 'third sync');
    await settle(1_000);
    expect(await allEvents(db.store, cluster)).toHaveLength(12);
    await third.recorder.stop();
  });

  it('a watch gap (410 Gone) relists without recording anything twice', async () => {
    const { namespace, client, kinds } = await freshNamespace('gone');
    const harness = startClusterRecorder({ client, store: db.store, namespace });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await eventually(() => harness.recorder.status().synced, 'first sync');
    for (let i = 0; i < 5; i += 1) await kinds.BareMetalHost.create(bareMetalHost(namespace, `host-${i}`));
    await eventually(async () => (await allEvents(db.store, cluster)).length === 5, 'five hosts');

    const listsBefore = harness.recorder.status().lists;
    const hosts = harness.recorder.informers().find((inf) => inf.resource.kind === 'BareMetalHost')!;
    hosts.restartWatchFrom('1'); // long compacted: the server answers 410 Gone
    await eventually(() => hosts.stats.relistsOnGone > 0 && hosts.state === 'Watching', 'relist on 410');
    await kinds.BareMetalHost.delete({ namespace, name: 'host-0' });
    await eventually(async () => (await allEvents(db.store, cluster)).length === 6, 'the delete');
    harness.recorder.refreshMetrics();
    expect(harness.recorder.status().lists).toBeGreaterThan(listsBefore);
    const events = await allEvents(db.store, cluster);
    expect(duplicateKeys(events)).toEqual([]);
    expect(events.at(-1)).toMatchObject({ name: 'host-0', action: 'delete', source: 'watch' });
    const relists = await harness.registry.getSingleMetric('stableip_recorder_relists_total')!.get();
    expect(relists.values.find((v) => v.labels['kind'] === 'BareMetalHost')?.value).toBeGreaterThanOrEqual(2);
    await harness.recorder.stop();
  });
});
