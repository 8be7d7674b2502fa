import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../tests/fake-apiserver';
import { testLogger } from '../../tests/support';
import { KubeClient } from '../client/client';
import { EventResource, resourcePath, type CoreEvent } from '../client/resource';
import { EventRecorder } from './event-recorder';

const ns = 'unit';
const events = resourcePath(EventResource, ns);
const claim = {
  apiVersion: 'ipam.metal3.io/v1alpha1',
  kind: 'IPClaim',
  metadata: { name: 'claim-1', namespace: ns, uid: 'u-1', resourceVersion: '7' },
};

describe('EventRecorder (fake API server)', () => {
  let fake: FakeApiServer;
  let client: KubeClient;
  beforeEach(async () => {
    fake = await FakeApiServer.start();
    fake.serve(events);
    fake.serve(resourcePath(EventResource, 'default'));
    client = new KubeClient(fake.kubeConfig(ns));
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });

  const stored = async () =>
    (await client.resource(EventResource).list({ namespace: ns })).items as CoreEvent[];

  it('aggregates identical events into count/lastTimestamp and keeps different ones apart', async () => {
    let now = Date.parse('2026-03-01T10:00:00.700Z');
    const recorder = new EventRecorder({
      client,
      component: 'ipam',
      host: 'h1',
      logger: testLogger,
      now: () => now,
    });
    recorder.event(claim, 'Warning', 'AllocationFailed', 'pool exhausted');
    now += 60_000;
    recorder.event(claim, 'Warning', 'AllocationFailed', 'pool exhausted');
    recorder.event(claim, 'Normal', 'Allocated', '10.0.0.5');
    await recorder.flush();
    const items = await stored();
    expect(items).toHaveLength(2);
    expect(items.find((e) => e.reason === 'AllocationFailed')).toMatchObject({
      count: 2,
      firstTimestamp: '2026-03-01T10:00:00Z',
      lastTimestamp: '2026-03-01T10:01:00Z',
      involvedObject: {
        kind: 'IPClaim',
        name: 'claim-1',
        namespace: ns,
        uid: 'u-1',
        apiVersion: 'ipam.metal3.io/v1alpha1',
      },
      source: { component: 'ipam', host: 'h1' },
      reportingComponent: 'ipam',
    });
    expect(items.find((e) => e.reason === 'Allocated')?.count).toBe(1);
  });

  it('correlates a burst of similar events as client-go does: 10 apart, then one combined series, then dropped', async () => {
    const pool = { ...claim, kind: 'IPPool', metadata: { ...claim.metadata, name: 'pool-1', uid: 'u-p' } };
    const recorder = new EventRecorder({ client, component: 'ipam', logger: testLogger });
    for (let i = 0; i < 40; i++) recorder.event(pool, 'Normal', 'AddressAllocated', `Allocated 10.0.0.${i}`);
    await recorder.flush();
    const items = await stored();
    // 25 tokens: 10 distinct Events, then one combined Event carrying the other 15 occurrences.
    expect(items).toHaveLength(11);
    const combined = items.filter((e) => e.message?.startsWith('(combined from similar events): '));
    expect(combined).toHaveLength(1);
    expect(combined[0]).toMatchObject({ count: 15, message: '(combined from similar events): Allocated 10.0.0.24' });
    expect(recorder.dropped).toBe(15);
  });

  it('starts a new event when the aggregated one expired', async () => {
    const recorder = new EventRecorder({ client, component: 'ipam', logger: testLogger });
    recorder.event(claim, 'Normal', 'Allocated', 'x');
    await recorder.flush();
    const [first] = await stored();
    fake.remove(events, first!.metadata!.name!);
    recorder.event(claim, 'Normal', 'Allocated', 'x');
    await recorder.flush();
    const items = await stored();
    expect(items).toHaveLength(1);
    expect(items[0]!.metadata?.name).not.toBe(first!.metadata?.name);
    expect(items[0]!.count).toBe(1);
  });

  it('puts events of cluster-scoped objects in "default" and never throws on API errors', async () => {
    const recorder = new EventRecorder({ client, component: 'ipam', logger: testLogger });
    recorder.event({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, 'Normal', 'Seen', 'ok');
    await recorder.flush();
    expect((await client.resource(EventResource).list({ namespace: 'default' })).items).toHaveLength(1);
    fake.intercept = () => ({ code: 500, reason: 'InternalError' });
    expect(() => recorder.event(claim, 'Warning', 'Broken', 'x')).not.toThrow();
    await expect(recorder.flush()).resolves.toBeUndefined();
  });
});
