// Leader election on the fake API server: deterministic handover and fencing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../tests/fake-apiserver';
import { eventually, testLogger } from '../../tests/support';
import { KubeClient } from '../client/client';
import { LeaseResource, resourcePath, type Lease } from '../client/resource';
import { LeaderElector } from './leader-election';

const ns = 'unit';
const leases = resourcePath(LeaseResource, ns);
const timing = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

describe('LeaderElector (fake API server)', { timeout: 20_000 }, () => {
  let fake: FakeApiServer;
  const clients: KubeClient[] = [];
  const stops: Array<() => Promise<void>> = [];

  beforeEach(async () => {
    fake = await FakeApiServer.start();
    fake.serve(leases);
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const client of clients.splice(0)) client.close();
    await fake.close();
  });

  function candidate(identity: string) {
    const client = new KubeClient(fake.kubeConfig(ns, identity));
    clients.push(client);
    const elector = new LeaderElector({
      client,
      name: 'lock',
      namespace: ns,
      identity,
      logger: testLogger,
      ...timing,
    });
    const log: string[] = [];
    const leaders: string[] = [];
    const controller = new AbortController();
    let leadership: AbortSignal | undefined;
    const running = elector.run(
      {
        onStartedLeading: (signal) => {
          leadership = signal;
          log.push('started');
        },
        onStoppedLeading: () => void log.push('stopped'),
        onNewLeader: (leader) => leaders.push(leader),
      },
      controller.signal,
    );
    const stop = async () => {
      controller.abort();
      await running;
    };
    stops.push(stop);
    return { elector, log, leaders, stop, leadership: () => leadership };
  }
  const lease = () => fake.get(leases, 'lock') as unknown as Lease | undefined;

  it('creates the lease, keeps exactly one leader, and hands over on release', async () => {
    const a = candidate('a');
    await eventually(() => a.elector.isLeader, 5_000, 'a leads');
    const b = candidate('b');
    await new Promise((r) => setTimeout(r, 800)); // several retry periods
    expect(b.elector.isLeader).toBe(false);
    expect(b.leaders).toEqual(['a']);
    expect(lease()?.spec).toMatchObject({
      holderIdentity: 'a',
      leaseDurationSeconds: 2,
      leaseTransitions: 0,
    });
    expect(lease()?.spec?.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const releasedAt = Date.now();
    await a.stop();
    expect(a.log).toEqual(['started', 'stopped']);
    expect(a.leadership()?.aborted).toBe(true);
    await eventually(() => b.elector.isLeader, 5_000, 'b takes over');
    expect(Date.now() - releasedAt).toBeLessThan(timing.leaseDurationMs); // released, not expired
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
  });

  it('fences a leader that cannot renew, and the standby takes over only after the lease expired', async () => {
    const a = candidate('a');
    await eventually(() => a.elector.isLeader, 5_000, 'a leads');
    const b = candidate('b');
    await new Promise((r) => setTimeout(r, 300));
    const cutAt = Date.now();
    fake.intercept = (req) =>
      req.headers.authorization === 'Bearer a' ? { code: 503, reason: 'ServiceUnavailable' } : undefined;
    await eventually(() => a.log.includes('stopped'), 5_000, 'a steps down');
    const steppedDown = Date.now() - cutAt;
    expect(steppedDown).toBeGreaterThanOrEqual(timing.renewDeadlineMs - timing.retryPeriodMs);
    expect(steppedDown).toBeLessThan(timing.renewDeadlineMs + 2 * timing.retryPeriodMs);
    expect(a.leadership()?.aborted).toBe(true);
    await eventually(() => b.elector.isLeader, 5_000, 'b takes over');
    expect(Date.now() - cutAt).toBeGreaterThanOrEqual(timing.leaseDurationMs - timing.retryPeriodMs);
    expect(lease()?.spec).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    fake.intercept = undefined;
    await new Promise((r) => setTimeout(r, 600));
    expect(a.elector.isLeader).toBe(false); // b keeps renewing, so a stays a candidate
  });

  it('rejects timings where renewDeadline does not fit in leaseDuration', () => {
    const client = new KubeClient(fake.kubeConfig(ns));
    clients.push(client);
    expect(
      () =>
        new LeaderElector({
          client,
          name: 'x',
          namespace: ns,
          identity: 'x',
          leaseDurationMs: 1000,
          renewDeadlineMs: 1000,
        }),
    ).toThrow(RangeError);
  });
});
