// One active recorder per cluster: two replicas campaign for the cluster's Lease; only the holder
// records, and the standby takes over when the holder stops.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LeaseResource } from '@stableip/kube-runtime';
import { Registry } from 'prom-client';
import { startRecorder, type Recorder } from '../src/recorder';
import {
  allEvents,
  bareMetalHost,
  duplicateKeys,
  eventually,
  freshNamespace,
  testLogger,
  useRecorderDatabase,
} from './support';

const db = useRecorderDatabase();

describe('leader election', () => {
  it('records each cluster from one replica at a time and hands over on stop', async () => {
    const { namespace, client, kinds } = await freshNamespace('leader');
    const kubeConfig = client.kubeConfig;
    const cluster = `leader-${randomUUID().slice(0, 8)}`;
    const replica = (identity: string): Recorder =>
      startRecorder({
        clusters: [{ name: cluster, kubeConfig }],
        store: db.store,
        registry: new Registry(),
        logger: testLogger,
        leaderElection: {
          namespace,
          identity,
          leaseDurationMs: 3_000,
          renewDeadlineMs: 2_000,
          retryPeriodMs: 500,
        },
        settings: { namespace, notInstalledRetryMs: 1_000 },
      });
    const a = replica('replica-a');
    const b = replica('replica-b');
    const leaderOf = () => [a, b].filter((r) => r.status()[0]!.leader);
    const [first] = await eventually(() => (leaderOf().length === 1 ? leaderOf() : undefined), 'one leader');
    const standby = first === a ? b : a;
    expect(await standby.readyCheck()).toBe(true);
    await eventually(async () => (await first!.readyCheck()) === true, 'leader ready');

    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'h1'));
    await eventually(async () => (await allEvents(db.store, cluster)).length === 1, 'h1 recorded');
    expect(standby.clusters[0]!.running).toBe(false);

    const lease = await client.resource(LeaseResource).get({ namespace, name: 'stableip-recorder' });
    expect(lease.spec?.holderIdentity).toBe(first === a ? 'replica-a' : 'replica-b');

    await first!.stop();
    await eventually(() => standby.status()[0]!.leader && standby.clusters[0]!.running, 'standby took over');
    await kinds.BareMetalHost.create(bareMetalHost(namespace, 'h2'));
    const events = await eventually(async () => {
      const all = await allEvents(db.store, cluster);
      return all.length === 2 ? all : undefined;
    }, 'h2 recorded by the new leader');
    expect(events.map((e) => e.name)).toEqual(['h1', 'h2']);
    expect(duplicateKeys(events)).toEqual([]);
    await standby.stop();
  });
});
