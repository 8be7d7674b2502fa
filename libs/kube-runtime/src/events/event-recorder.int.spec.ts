import { describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { WidgetResource, testLogger, widget } from '../../tests/support';
import { KubeClient } from '../client/client';
import { EventResource } from '../client/resource';
import { EventRecorder } from './event-recorder';

const kube = useKubeTestNamespace('kr-events');

describe('EventRecorder against a real API server', () => {
  it('writes core/v1 Events and aggregates repeats into count/lastTimestamp', async () => {
    const client = new KubeClient(kube.kubeConfig);
    try {
      const target = await client.resource(WidgetResource).create(widget(kube.namespace, 'evented'));
      let now = Date.parse('2026-01-01T00:00:00Z');
      const recorder = new EventRecorder({
        client,
        component: 'test-controller',
        host: 'node-1',
        logger: testLogger,
        now: () => now,
      });
      recorder.event(target, 'Warning', 'PoolExhausted', 'no free address in pool p1');
      now += 5_000;
      recorder.event(target, 'Warning', 'PoolExhausted', 'no free address in pool p1');
      now += 5_000;
      recorder.event(target, 'Warning', 'PoolExhausted', 'no free address in pool p1');
      recorder.event(target, 'Normal', 'Allocated', 'allocated 192.168.0.10');
      await recorder.flush();

      const { items } = await client.resource(EventResource).list({
        namespace: kube.namespace,
        fieldSelector: `involvedObject.name=evented`,
      });
      expect(items).toHaveLength(2);
      const exhausted = items.find((e) => e.reason === 'PoolExhausted');
      expect(exhausted).toMatchObject({
        type: 'Warning',
        message: 'no free address in pool p1',
        count: 3,
        firstTimestamp: '2026-01-01T00:00:00Z',
        lastTimestamp: '2026-01-01T00:00:10Z',
        source: { component: 'test-controller', host: 'node-1' },
        involvedObject: {
          kind: 'Widget',
          apiVersion: 'test.stableip.dev/v1',
          name: 'evented',
          uid: target.metadata?.uid,
        },
      });
      expect(items.find((e) => e.reason === 'Allocated')?.count).toBe(1);
    } finally {
      client.close();
    }
  });
});
