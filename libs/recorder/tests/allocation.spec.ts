// Allocation, release, re-allocation after an upgrade and the three claim → host paths, recorded
// from a real API server into real PostgreSQL. The tests write the objects the IPAM and CAPM3
// controllers would write.
import { describe, expect, it } from 'vitest';
import type { AssignmentRecord } from '@stableip/audit-store';
import {
  allEvents,
  bareMetalHost,
  capiAddress,
  duplicateKeys,
  eventually,
  freshNamespace,
  hostLabel,
  ipAddressClaim,
  ipClaim,
  ipPool,
  metal3Address,
  metal3Data,
  metal3Machine,
  requestedAnnotation,
  startClusterRecorder,
  useRecorderDatabase,
} from './support';

const db = useRecorderDatabase();

function summary(rows: readonly AssignmentRecord[]) {
  return rows
    .map((row) => ({
      claim: row.claim.name,
      address: row.address,
      host: row.host?.name ?? null,
      source: row.source,
      open: row.validTo === null,
    }))
    .sort((a, b) => a.claim.localeCompare(b.claim) || Number(a.open) - Number(b.open));
}

describe('recording allocations', () => {
  it('records allocation and release: hosts by {bmh}-{pool}, sources preallocated, requested and dynamic', async () => {
    const { namespace, client, kinds } = await freshNamespace('alloc');
    const harness = startClusterRecorder({ client, store: db.store, namespace });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await eventually(() => harness.recorder.status().synced, 'first sync');

    const pool = await kinds.IPPool.create(
      ipPool(namespace, 'prov', { preAllocations: { 'node-1-prov': '192.168.111.120' } }),
    );
    for (const host of ['node-1', 'node-2', 'node-3']) {
      await kinds.BareMetalHost.create(bareMetalHost(namespace, host));
    }
    await kinds.IPClaim.create(ipClaim(namespace, 'node-1-prov', 'prov'));
    await kinds.IPClaim.create(
      ipClaim(namespace, 'node-2-prov', 'prov', { annotations: requestedAnnotation('192.168.111.150') }),
    );
    await kinds.IPClaim.create(ipClaim(namespace, 'node-3-prov', 'prov'));
    await kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'node-1-prov', '192.168.111.120'));
    await kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'node-2-prov', '192.168.111.150'));
    const dynamic = await kinds.Metal3IPAddress.create(
      metal3Address(namespace, pool, 'node-3-prov', '192.168.111.100'),
    );

    await eventually(
      async () => (await db.store.currentAssignments({ cluster })).length === 3,
      'three open assignments',
    );
    expect(summary(await db.store.currentAssignments({ cluster }))).toEqual([
      {
        claim: 'node-1-prov',
        address: '192.168.111.120',
        host: 'node-1',
        source: 'preallocated',
        open: true,
      },
      { claim: 'node-2-prov', address: '192.168.111.150', host: 'node-2', source: 'requested', open: true },
      { claim: 'node-3-prov', address: '192.168.111.100', host: 'node-3', source: 'dynamic', open: true },
    ]);

    // Release: the IPAM controller deletes the IPAddress when the claim goes.
    await kinds.Metal3IPAddress.delete({ namespace, name: dynamic.metadata.name! });
    await kinds.IPClaim.delete({ namespace, name: 'node-3-prov' });
    const released = await eventually(async () => {
      const [row] = await db.store.holdersOfAddress({ address: '192.168.111.100', cluster });
      return row?.validTo ? row : undefined;
    }, 'the dynamic address released');
    expect(released.host?.name).toBe('node-3');
    expect(released.validTo!.getTime()).toBeGreaterThanOrEqual(released.validFrom.getTime());
    expect(await db.store.currentAssignments({ cluster })).toHaveLength(2);

    const [host] = await db.store.prisma.host.findMany({
      where: { name: 'node-1', cluster: { name: cluster } },
    });
    expect(host?.labels).toEqual({ rack: 'r1' });
    const [poolRow] = await db.store.prisma.pool.findMany({
      where: { name: 'prov', cluster: { name: cluster } },
    });
    expect(poolRow?.capacityTotal.toFixed(0)).toBe('101');
    expect(poolRow?.capacityUsed.toFixed(0)).toBe('2');

    await eventually(async () => (await allEvents(db.store, cluster)).length === 12, '12 events');
    const events = await allEvents(db.store, cluster);
    expect(duplicateKeys(events)).toEqual([]);
    // Kinds arrive on separate watches, so only the set is fixed (each watch keeps its own order).
    expect(events.map((e) => `${e.kind}/${e.name}/${e.action}/${e.source}`).sort()).toEqual(
      [
        'IPPool/prov/create/watch',
        'BareMetalHost/node-1/create/watch',
        'BareMetalHost/node-2/create/watch',
        'BareMetalHost/node-3/create/watch',
        'IPClaim/node-1-prov/create/watch',
        'IPClaim/node-2-prov/create/watch',
        'IPClaim/node-3-prov/create/watch',
        'IPAddress/prov-192-168-111-120/create/watch',
        'IPAddress/prov-192-168-111-150/create/watch',
        'IPAddress/prov-192-168-111-100/create/watch',
        'IPAddress/prov-192-168-111-100/delete/watch',
        'IPClaim/node-3-prov/delete/watch',
      ].sort(),
    );
    const addressHistory = events.filter((e) => e.name === 'prov-192-168-111-100').map((e) => e.action);
    expect(addressHistory).toEqual(['create', 'delete']);
    const metrics = await harness.registry.getSingleMetric('stableip_recorder_events_recorded_total')!.get();
    expect(metrics.values.reduce((sum, v) => sum + v.value, 0)).toBe(12);
    expect(harness.committed.filter((c) => c.created)).toHaveLength(12);
    await harness.recorder.stop();
  });

  it('keeps a host its address across an upgrade (Metal3Data replaced, claim re-created)', async () => {
    const { namespace, client, kinds } = await freshNamespace('upgrade');
    const harness = startClusterRecorder({ client, store: db.store, namespace });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await eventually(() => harness.recorder.status().synced, 'first sync');

    const pool = await kinds.IPPool.create(
      ipPool(namespace, 'prov', { preAllocations: { 'node-7-prov': '192.168.111.170' } }),
    );
    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'node-7'));

    // Generation 1: Metal3Machine m-1 on node-7, Metal3Data d-1, claim {bmh}-{pool} owned by d-1.
    const allocate = async (machine: string, data: string) => {
      await kinds.Metal3Machine.create(metal3Machine(namespace, machine, 'node-7'));
      const owner = await kinds.Metal3Data.create(metal3Data(namespace, data, machine));
      await kinds.IPClaim.create(ipClaim(namespace, 'node-7-prov', 'prov', { owner }));
      return kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'node-7-prov', '192.168.111.170'));
    };
    const release = async (machine: string, data: string, address: string) => {
      await kinds.Metal3IPAddress.delete({ namespace, name: address });
      await kinds.IPClaim.delete({ namespace, name: 'node-7-prov' });
      await kinds.Metal3Data.delete({ namespace, name: data });
      await kinds.Metal3Machine.delete({ namespace, name: machine });
    };
    const first = await allocate('m-1', 'd-1');
    await eventually(
      async () => (await db.store.assignmentsForHost({ namespace, name: 'node-7', cluster })).length === 1,
      'first interval',
    );
    await release('m-1', 'd-1', first.metadata.name!);
    await eventually(async () => (await db.store.currentAssignments({ cluster })).length === 0, 'released');
    await allocate('m-2', 'd-2');

    const intervals = await eventually(async () => {
      const rows = await db.store.assignmentsForHost({ namespace, name: 'node-7', cluster });
      return rows.length === 2 ? rows : undefined;
    }, 'second interval');
    expect(intervals.map((row) => [row.address, row.source, row.validTo === null])).toEqual([
      ['192.168.111.170', 'preallocated', false],
      ['192.168.111.170', 'preallocated', true],
    ]);
    expect(intervals[0]!.validTo!.getTime()).toBeLessThanOrEqual(intervals[1]!.validFrom.getTime());
    const holders = await db.store.holdersOfAddress({ address: '192.168.111.170', cluster });
    expect(holders.every((row) => row.host?.name === 'node-7')).toBe(true);
    expect(duplicateKeys(await allEvents(db.store, cluster))).toEqual([]);
    await harness.recorder.stop();
  });

  it('resolves hosts by label, by claim name and by the Metal3Data chain, and fills in a host found later', async () => {
    const { namespace, client, kinds } = await freshNamespace('hosts');
    const harness = startClusterRecorder({ client, store: db.store, namespace });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await eventually(() => harness.recorder.status().synced, 'first sync');

    const pool = await kinds.IPPool.create(ipPool(namespace, 'prov'));
    for (const host of ['by-label', 'by-name', 'by-chain']) {
      await kinds.BareMetalHost.create(bareMetalHost(namespace, host));
    }
    // 1. label (a CAPI claim named after its Metal3Data, as CAPM3 names IPAddressClaims)
    await kinds.IPAddressClaim.create(
      ipAddressClaim(namespace, 'data-x-prov', 'prov', { labels: hostLabel('by-label') }),
    );
    await kinds.CapiIPAddress.create(capiAddress(namespace, pool, 'data-x-prov', '192.168.111.101'));
    // 2. {bmh}-{pool}
    await kinds.IPClaim.create(ipClaim(namespace, 'by-name-prov', 'prov'));
    await kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'by-name-prov', '192.168.111.102'));
    // 3. claim → Metal3Data → Metal3Machine annotation
    await kinds.Metal3Machine.create(metal3Machine(namespace, 'machine-a', 'by-chain'));
    const data = await kinds.Metal3Data.create(metal3Data(namespace, 'data-a', 'machine-a'));
    await kinds.IPClaim.create(ipClaim(namespace, 'data-a-prov', 'prov', { owner: data }));
    await kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'data-a-prov', '192.168.111.103'));
    // 4. the Metal3Machine gets its host annotation only after the address exists
    await kinds.Metal3Machine.create(metal3Machine(namespace, 'machine-b'));
    const late = await kinds.Metal3Data.create(metal3Data(namespace, 'data-b', 'machine-b'));
    await kinds.IPClaim.create(ipClaim(namespace, 'data-b-prov', 'prov', { owner: late }));
    await kinds.Metal3IPAddress.create(metal3Address(namespace, pool, 'data-b-prov', '192.168.111.104'));
    await eventually(
      async () => (await db.store.currentAssignments({ cluster })).length === 4,
      'four assignments',
    );
    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'late-host'));
    await kinds.Metal3Machine.mergePatch(
      { namespace, name: 'machine-b' },
      { metadata: { annotations: { 'metal3.io/BareMetalHost': `${namespace}/late-host` } } },
    );

    const rows = await eventually(async () => {
      const current = summary(await db.store.currentAssignments({ cluster }));
      return current.every((row) => row.host !== null) ? current : undefined;
    }, 'every host resolved');
    expect(rows).toEqual([
      { claim: 'by-name-prov', address: '192.168.111.102', host: 'by-name', source: 'dynamic', open: true },
      { claim: 'data-a-prov', address: '192.168.111.103', host: 'by-chain', source: 'dynamic', open: true },
      { claim: 'data-b-prov', address: '192.168.111.104', host: 'late-host', source: 'dynamic', open: true },
      { claim: 'data-x-prov', address: '192.168.111.101', host: 'by-label', source: 'dynamic', open: true },
    ]);
    const capi = (await db.store.currentAssignments({ cluster })).find(
      (row) => row.claim.name === 'data-x-prov',
    );
    expect(capi?.claim.kind).toBe('IPAddressClaim');
    await harness.recorder.stop();
  });

  it('waits for a kind whose CRD is not served and records the others', async () => {
    const { namespace, client, kinds } = await freshNamespace('nocrd');
    const harness = startClusterRecorder({
      client,
      store: db.store,
      namespace,
      versions: { Metal3Data: 'v0alpha0' },
    });
    const cluster = harness.recorder.cluster;
    await harness.start;
    await eventually(() => harness.recorder.status().synced, 'first sync');
    expect(harness.recorder.status().notInstalled).toEqual(['Metal3Data']);
    await kinds.IPPool.create(ipPool(namespace, 'p'));
    await eventually(async () => (await allEvents(db.store, cluster)).length === 1, 'the pool recorded');
    expect(harness.recorder.status().running).toBe(true);
    await harness.recorder.stop();
  });
});
