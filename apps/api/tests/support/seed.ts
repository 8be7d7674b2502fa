// A small history with an upgrade in it, for resolver and export tests.
//
// Cluster "lab", namespace "metal3", pools v4 (192.168.111.100-199/24, node-0 preallocated) and
// v6 (fd00::100-1ff/64). From T0 nodes 0-3 hold .100+i and fd00::100+i. During the upgrade
// window [UPGRADE_FROM, UPGRADE_TO]: every claim is released and re-allocated — node-0 and node-1
// get their addresses back, node-2 gets 192.168.111.150 (changed), node-3 is deleted (gone) and
// the new node-4 gets node-3's old 192.168.111.103 (new). A second cluster "edge" has one host.
import type { AssignmentSource, AuditStore, AuditWriter } from '@stableip/audit-store';

export const CLUSTER = 'lab';
export const NAMESPACE = 'metal3';
export const T0 = new Date('2025-11-01T00:00:00.000Z');
export const UPGRADE_FROM = new Date('2025-11-10T10:00:00.000Z');
export const UPGRADE_TO = new Date('2025-11-10T11:00:00.000Z');
export const BEFORE_UPGRADE = new Date('2025-11-05T00:00:00.000Z');

let counter = 0;

export async function recordChange(
  writer: AuditWriter,
  change: {
    cluster?: string;
    host: string;
    pool: 'v4' | 'v6';
    address: string | null;
    at: Date;
    source?: AssignmentSource;
  },
): Promise<string> {
  counter += 1;
  const cluster = change.cluster ?? CLUSTER;
  const claim = `${change.host}-${change.pool}`;
  const { event } = await writer.appendEvent({
    cluster,
    object: {
      namespace: NAMESPACE,
      kind: 'IPClaim',
      apiGroup: 'ipam.metal3.io',
      name: claim,
      uid: `uid-${claim}-${counter}`,
      resourceVersion: String(counter),
    },
    action: change.address === null ? 'delete' : 'create',
    after: change.address === null ? null : { status: { address: { name: `${claim}-addr` } } },
    observedAt: change.at,
    source: 'watch',
  });
  await writer.applyAssignmentChange({
    cluster,
    pool: { namespace: NAMESPACE, name: change.pool },
    claim: { namespace: NAMESPACE, name: claim, kind: 'IPClaim' },
    host: { namespace: NAMESPACE, name: change.host },
    address:
      change.address === null
        ? null
        : {
            address: change.address,
            prefix: change.pool === 'v4' ? 24 : 64,
            gateway: change.pool === 'v4' ? '192.168.111.1' : null,
            addressName: `${claim}-addr`,
          },
    source: change.source ?? 'dynamic',
    at: change.at,
    eventId: event.id,
  });
  return event.id;
}

const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

export async function seedHistory(store: AuditStore): Promise<void> {
  await store.transaction(async (writer) => {
    for (const cluster of [CLUSTER, 'edge']) {
      await writer.upsertPool({
        cluster,
        namespace: NAMESPACE,
        name: 'v4',
        spec: { preAllocations: { 'node-0-v4': '192.168.111.100', 'ghost-v4': '192.168.111.199' } },
        ranges: [{ start: '192.168.111.100', end: '192.168.111.199', prefix: 24, gateway: '192.168.111.1' }],
        observedAt: T0,
      });
      await writer.upsertPool({
        cluster,
        namespace: NAMESPACE,
        name: 'v6',
        spec: {},
        ranges: [{ start: 'fd00::100', end: 'fd00::1ff', prefix: 64 }],
        observedAt: T0,
      });
    }
    for (let i = 0; i < 5; i += 1) {
      await writer.upsertHost({
        cluster: CLUSTER,
        namespace: NAMESPACE,
        name: `node-${i}`,
        uid: `bmh-${i}`,
        labels: { role: i === 0 ? 'control-plane' : 'worker', rack: i % 2 === 0 ? 'a' : 'b' },
        observedAt: i === 4 ? minutes(UPGRADE_FROM, 20) : T0,
      });
    }
    await writer.upsertHost({
      cluster: 'edge',
      namespace: NAMESPACE,
      name: 'edge-0',
      labels: {},
      observedAt: T0,
    });
  });
  for (let i = 0; i < 4; i += 1) {
    await store.transaction(async (writer) => {
      await recordChange(writer, {
        host: `node-${i}`,
        pool: 'v4',
        address: `192.168.111.${100 + i}`,
        at: minutes(T0, i),
        source: i === 0 ? 'preallocated' : 'dynamic',
      });
      await recordChange(writer, {
        host: `node-${i}`,
        pool: 'v6',
        address: `fd00::${100 + i}`,
        at: minutes(T0, i),
      });
    });
  }
  await store.transaction((writer) =>
    recordChange(writer, { cluster: 'edge', host: 'edge-0', pool: 'v4', address: '192.168.111.100', at: T0 }),
  );
  // The rolling upgrade: release, then re-allocate.
  const reallocate: [string, 'v4' | 'v6', string | null, AssignmentSource][] = [
    ['node-0', 'v4', '192.168.111.100', 'preallocated'],
    ['node-0', 'v6', 'fd00::100', 'dynamic'],
    ['node-1', 'v4', '192.168.111.101', 'dynamic'],
    ['node-1', 'v6', 'fd00::101', 'dynamic'],
    ['node-2', 'v4', '192.168.111.150', 'dynamic'],
    ['node-2', 'v6', 'fd00::102', 'dynamic'],
    ['node-3', 'v4', null, 'dynamic'],
    ['node-3', 'v6', null, 'dynamic'],
  ];
  let step = 0;
  for (const [host, pool, address, source] of reallocate) {
    step += 1;
    await store.transaction(async (writer) => {
      await recordChange(writer, { host, pool, address: null, at: minutes(UPGRADE_FROM, step) });
      if (address !== null) {
        await recordChange(writer, { host, pool, address, source, at: minutes(UPGRADE_FROM, step + 0.5) });
      }
    });
  }
  await store.upsertHost({
    cluster: CLUSTER,
    namespace: NAMESPACE,
    name: 'node-3',
    observedAt: minutes(UPGRADE_FROM, 15),
    deleted: true,
  });
  await store.transaction(async (writer) => {
    await recordChange(writer, {
      host: 'node-4',
      pool: 'v4',
      address: '192.168.111.103',
      at: minutes(UPGRADE_FROM, 30),
    });
    await recordChange(writer, {
      host: 'node-4',
      pool: 'v6',
      address: 'fd00::104',
      at: minutes(UPGRADE_FROM, 30),
    });
  });
}
