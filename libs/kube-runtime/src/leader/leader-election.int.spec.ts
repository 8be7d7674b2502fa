import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { TcpProxy, eventually, testLogger } from '../../tests/support';
import { KubeClient } from '../client/client';
import { LeaseResource } from '../client/resource';
import { LeaderElector } from './leader-election';

const kube = useKubeTestNamespace('kr-leader');

const timing = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 400 };

function candidate(client: KubeClient, identity: string, lease: string) {
  const elector = new LeaderElector({
    client,
    name: lease,
    namespace: kube.namespace,
    identity,
    logger: testLogger,
    ...timing,
  });
  const log: string[] = [];
  const stop = new AbortController();
  const running = elector.run(
    {
      onStartedLeading: () => void log.push('started'),
      onStoppedLeading: () => void log.push('stopped'),
    },
    stop.signal,
  );
  return { elector, log, stop, running };
}

describe('LeaderElector against a real API server', () => {
  let proxy: TcpProxy;
  beforeAll(async () => {
    proxy = await TcpProxy.start(kube.info.server);
  });
  afterAll(() => proxy.close());

  it('elects exactly one of two candidates and hands over on release', async () => {
    const clientA = new KubeClient(kube.kubeConfig);
    const clientB = new KubeClient(kube.kubeConfig);
    const a = candidate(clientA, 'replica-a', 'handover');
    const b = candidate(clientB, 'replica-b', 'handover');
    try {
      const first = await eventually(
        () => (a.elector.isLeader ? a : b.elector.isLeader ? b : undefined),
        10_000,
        'a leader',
      );
      const second = first === a ? b : a;
      await new Promise((r) => setTimeout(r, 1_500)); // several retry periods: still exactly one leader
      expect([a.elector.isLeader, b.elector.isLeader].filter(Boolean)).toHaveLength(1);
      expect(second.log).toEqual([]);
      const lease = await clientA
        .resource(LeaseResource)
        .get({ name: 'handover', namespace: kube.namespace });
      expect(lease.spec?.holderIdentity).toBe(first === a ? 'replica-a' : 'replica-b');

      const releasedAt = Date.now();
      first.stop.abort();
      await first.running;
      expect(first.log).toEqual(['started', 'stopped']);
      await eventually(() => second.elector.isLeader, 5_000, 'takeover by the standby');
      // Released, not expired: the standby took over well before leaseDuration ran out.
      expect(Date.now() - releasedAt).toBeLessThan(timing.leaseDurationMs);
      const after = await clientA
        .resource(LeaseResource)
        .get({ name: 'handover', namespace: kube.namespace });
      expect(after.spec?.holderIdentity).toBe(first === a ? 'replica-b' : 'replica-a');
      expect(after.spec?.leaseTransitions).toBe(1);
    } finally {
      a.stop.abort();
      b.stop.abort();
      await Promise.all([a.running, b.running]);
      clientA.close();
      clientB.close();
    }
  });

  it('fences: a leader that cannot renew stops leading, and the other takes over after expiry', async () => {
    const cut = new KubeClient(proxy.kubeConfig(kube.kubeConfig));
    const healthy = new KubeClient(kube.kubeConfig);
    const a = candidate(cut, 'partitioned', 'fencing');
    try {
      await eventually(() => a.elector.isLeader, 10_000, 'first leader');
      const b = candidate(healthy, 'standby', 'fencing');
      try {
        proxy.pause();
        const cutAt = Date.now();
        await eventually(() => a.log.includes('stopped'), 10_000, 'the partitioned leader to step down');
        expect(a.elector.isLeader).toBe(false);
        expect(Date.now() - cutAt).toBeLessThan(timing.renewDeadlineMs + timing.retryPeriodMs * 3);
        await eventually(() => b.elector.isLeader, 10_000, 'takeover after the lease expired');
        const lease = await healthy
          .resource(LeaseResource)
          .get({ name: 'fencing', namespace: kube.namespace });
        expect(lease.spec?.holderIdentity).toBe('standby');
        expect(lease.spec?.leaseTransitions).toBe(1);
      } finally {
        b.stop.abort();
        await b.running;
      }
    } finally {
      proxy.resume();
      a.stop.abort();
      await a.running;
      cut.close();
      healthy.close();
    }
  });
});
