import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { WidgetResource, eventually, testLogger, widget } from '../../tests/support';
import { KubeClient } from '../client/client';
import { parseObjectKey } from '../client/resource';
import { isNotFound } from '../client/errors';
import { Informer } from '../informer/informer';
import { Controller } from './controller';

const kube = useKubeTestNamespace('kr-controller');

describe('Controller against a real API server', () => {
  it('maps events to keys and reconciles status until it matches spec', async () => {
    const client = new KubeClient(kube.kubeConfig);
    const widgets = client.resource(WidgetResource);
    const informer = new Informer({
      client,
      resource: WidgetResource,
      namespace: kube.namespace,
      logger: testLogger,
    });
    const registry = new Registry();
    const controller = new Controller({
      name: 'widget',
      concurrency: 3,
      registry,
      logger: testLogger,
      reconcile: async (key) => {
        const { namespace, name } = parseObjectKey(key);
        const current = informer.store.get(key);
        if (!current) return; // deleted
        if (current.status?.observedSize === current.spec?.size) return;
        try {
          await widgets.patchStatus(
            { name, namespace },
            { status: { observedSize: current.spec?.size ?? 0 } },
          );
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      },
    }).watch(informer);
    informer.start();
    await controller.start();
    try {
      for (let i = 0; i < 5; i += 1) await widgets.create(widget(kube.namespace, `cw-${i}`, { size: i }));
      await eventually(
        () => informer.store.list().filter((w) => w.status?.observedSize === w.spec?.size).length === 5,
        15_000,
        'every widget reconciled',
      );
      await widgets.mergePatch({ name: 'cw-2', namespace: kube.namespace }, { spec: { size: 42 } });
      await eventually(
        () => informer.store.get(`${kube.namespace}/cw-2`)?.status?.observedSize === 42,
        15_000,
        'cw-2 re-reconciled',
      );
      const metrics = await registry.metrics();
      expect(metrics).toMatch(
        /controller_runtime_reconcile_total\{controller="widget",result="success"\} \d+/,
      );
      expect(metrics).toContain('workqueue_depth{name="widget"} 0');
    } finally {
      await controller.stop();
      informer.stop();
      client.close();
    }
  });
});
