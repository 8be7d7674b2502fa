import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import {
  GadgetResource,
  TcpProxy,
  WidgetResource,
  eventually,
  testLogger,
  widget,
  type Widget,
} from '../../tests/support';
import { KubeClient } from '../client/client';
import { defineResource, type KubeObject } from '../client/resource';
import { Informer, type InformerOptions } from './informer';

const kube = useKubeTestNamespace('kr-informer');

interface Crd extends KubeObject {
  spec: Record<string, unknown>;
  status?: { conditions?: Array<{ type: string; status: string }> };
}
const CrdResource = defineResource<Crd>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  plural: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
});
/** Installed by the test while an informer already waits for it. */
const gadgetCrd: Crd = {
  metadata: { name: 'gadgets.test.stableip.dev' },
  spec: {
    group: 'test.stableip.dev',
    names: { kind: 'Gadget', listKind: 'GadgetList', plural: 'gadgets', singular: 'gadget' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

interface Recorded {
  type: 'add' | 'update' | 'delete' | 'resync';
  name: string;
  finalStateUnknown?: boolean;
}

describe('Informer against a real API server', () => {
  let proxy: TcpProxy;
  let direct: KubeClient;
  const informers: Informer<Widget>[] = [];

  beforeAll(async () => {
    proxy = await TcpProxy.start(kube.info.server);
    direct = new KubeClient(kube.kubeConfig);
  });
  afterEach(async () => {
    for (const informer of informers.splice(0)) informer.stop();
    proxy.resume();
    // Each test starts from an empty namespace, whatever the previous one left behind.
    const { items } = await widgets().list({ namespace: kube.namespace });
    for (const item of items)
      await widgets().delete({ name: item.metadata!.name!, namespace: kube.namespace });
  });
  afterAll(async () => {
    await proxy.close();
    direct.close();
  });

  /** An informer whose traffic goes through the proxy, recording every event. */
  function startInformer(options: Partial<InformerOptions<Widget>> = {}) {
    const client = new KubeClient(proxy.kubeConfig(kube.kubeConfig));
    const informer = new Informer<Widget>({
      client,
      resource: WidgetResource,
      namespace: kube.namespace,
      logger: testLogger,
      backoff: { initialMs: 100, maxMs: 500 },
      indexers: { pool: (w) => (w.spec?.pool?.name ? [w.spec.pool.name] : []) },
      ...options,
    });
    const events: Recorded[] = [];
    informer.addHandler({
      onAdd: (o) => events.push({ type: 'add', name: o.metadata!.name! }),
      onUpdate: (_old, o) => events.push({ type: 'update', name: o.metadata!.name! }),
      onDelete: (o, info) =>
        events.push({ type: 'delete', name: o.metadata!.name!, finalStateUnknown: info.finalStateUnknown }),
      onResync: (o) => events.push({ type: 'resync', name: o.metadata!.name! }),
    });
    informers.push(informer);
    informer.start();
    return { informer, events };
  }
  const widgets = () => direct.resource(WidgetResource);
  const seen = (events: Recorded[], type: Recorded['type'], name: string) =>
    events.some((e) => e.type === type && e.name === name);

  it('lists, then sees create, update and delete; caches without managedFields; indexes', async () => {
    await widgets().create(widget(kube.namespace, 'pre-existing', { pool: { name: 'p1' } }));
    const { informer, events } = startInformer();
    await informer.waitForSync();
    expect(seen(events, 'add', 'pre-existing')).toBe(true);
    expect(informer.isStale()).toBe(false);

    await widgets().create(widget(kube.namespace, 'live', { size: 1, pool: { name: 'p1' } }));
    await eventually(() => seen(events, 'add', 'live'), 10_000, 'ADDED live');
    await widgets().mergePatch(
      { name: 'live', namespace: kube.namespace },
      { spec: { size: 2, pool: { name: 'p2' } } },
    );
    await eventually(
      () => informer.store.get(`${kube.namespace}/live`)?.spec?.size === 2,
      10_000,
      'MODIFIED live',
    );
    expect(seen(events, 'update', 'live')).toBe(true);
    expect(informer.store.get(`${kube.namespace}/live`)?.metadata?.managedFields).toBeUndefined();
    expect(informer.store.byIndex('pool', 'p1').map((w) => w.metadata?.name)).toEqual(['pre-existing']);
    expect(informer.store.byIndex('pool', 'p2').map((w) => w.metadata?.name)).toEqual(['live']);

    await widgets().delete({ name: 'live', namespace: kube.namespace });
    await eventually(() => seen(events, 'delete', 'live'), 10_000, 'DELETED live');
    expect(events.find((e) => e.type === 'delete' && e.name === 'live')?.finalStateUnknown).toBe(false);
    expect(informer.store.has(`${kube.namespace}/live`)).toBe(false);
    await widgets().delete({ name: 'pre-existing', namespace: kube.namespace });
  });

  it('restarts the watch after the connection drops and misses nothing', async () => {
    const { informer, events } = startInformer();
    await informer.waitForSync();
    await eventually(() => informer.state === 'Watching', 5_000, 'watching');
    await new Promise((r) => setTimeout(r, 300)); // let the watch request reach the server
    const watchStarts = informer.stats.watchStarts;
    expect(proxy.dropConnections()).toBeGreaterThan(0);
    await widgets().create(widget(kube.namespace, 'after-drop'));
    await eventually(() => seen(events, 'add', 'after-drop'), 15_000, 'ADDED after the drop');
    expect(informer.stats.watchStarts).toBeGreaterThan(watchStarts);
    expect(informer.stats.relistsOnGone).toBe(0); // resumed from its resourceVersion
    await widgets().delete({ name: 'after-drop', namespace: kube.namespace });
  });

  it('reports stale while it cannot reach the API server, and recovers', async () => {
    const { informer, events } = startInformer({ staleAfterMs: 300 });
    await informer.waitForSync();
    proxy.pause();
    await eventually(() => informer.isStale(), 10_000, 'stale while disconnected');
    expect(informer.state).toBe('Backoff');
    expect(informer.lastError?.reason).toBe('Unavailable');
    await widgets().create(widget(kube.namespace, 'while-down'));
    proxy.resume();
    await eventually(() => seen(events, 'add', 'while-down'), 15_000, 'ADDED after reconnecting');
    await eventually(() => !informer.isStale(), 5_000, 'fresh again');
    await widgets().delete({ name: 'while-down', namespace: kube.namespace });
  });

  it('relists on 410 Gone and synthesizes deletes for objects that vanished meanwhile', async () => {
    await widgets().create(widget(kube.namespace, 'doomed'));
    await widgets().create(widget(kube.namespace, 'survivor'));
    const { informer, events } = startInformer();
    await informer.waitForSync();
    proxy.pause();
    await widgets().delete({ name: 'doomed', namespace: kube.namespace });
    await widgets().create(widget(kube.namespace, 'newcomer'));
    // Resume from a long-gone resourceVersion: the API server answers 410 Gone.
    informer.restartWatchFrom('1');
    proxy.resume();
    await eventually(() => informer.stats.relistsOnGone > 0, 15_000, 'a relist after 410');
    await eventually(() => seen(events, 'add', 'newcomer'), 15_000, 'newcomer from the relist');
    const deleted = events.find((e) => e.type === 'delete' && e.name === 'doomed');
    expect(deleted?.finalStateUnknown).toBe(true);
    expect(informer.stats.synthesizedDeletes).toBe(1);
    expect(informer.store.keys().sort()).toEqual([
      `${kube.namespace}/newcomer`,
      `${kube.namespace}/survivor`,
    ]);
    expect(seen(events, 'delete', 'survivor')).toBe(false);
    for (const name of ['survivor', 'newcomer']) await widgets().delete({ name, namespace: kube.namespace });
  });

  it('abandons a silent watch after the watchdog period and resyncs periodically', async () => {
    await widgets().create(widget(kube.namespace, 'quiet'));
    const { informer, events } = startInformer({ watchdogMs: 1_000, resyncPeriodMs: 700 });
    await informer.waitForSync();
    await eventually(() => informer.stats.watchdogRestarts > 0, 10_000, 'a watchdog restart');
    expect(informer.stats.lists).toBeGreaterThanOrEqual(2);
    await eventually(() => seen(events, 'resync', 'quiet'), 5_000, 'a resync of the cached object');
    await widgets().create(widget(kube.namespace, 'loud'));
    await eventually(() => seen(events, 'add', 'loud'), 10_000, 'events after the watchdog restart');
    for (const name of ['quiet', 'loud']) await widgets().delete({ name, namespace: kube.namespace });
  });

  it('reports a resource whose CRD is absent as not installed, and picks it up once installed', async () => {
    const client = new KubeClient(kube.kubeConfig);
    const gadgets = new Informer({
      client,
      resource: GadgetResource,
      namespace: kube.namespace,
      optional: true,
      notInstalledRetryMs: 300,
      logger: testLogger,
    });
    const added: string[] = [];
    gadgets.addHandler({ onAdd: (o) => added.push(o.metadata!.name!) });
    gadgets.start();
    try {
      await gadgets.waitForSync();
      expect(gadgets.isNotInstalled()).toBe(true);
      expect(gadgets.state).toBe('NotInstalled');
      expect(gadgets.isStale()).toBe(false); // optional: readiness is not blocked
      await client.resource(CrdResource).apply(gadgetCrd, { fieldManager: 'kube-runtime-test' });
      await eventually(
        async () =>
          (
            await client.resource(CrdResource).get({ name: gadgetCrd.metadata!.name! })
          ).status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'),
        15_000,
        'the Gadget CRD established',
      );
      await client
        .resource(GadgetResource)
        .create({ metadata: { name: 'g1', namespace: kube.namespace }, spec: {} });
      await eventually(() => added.includes('g1'), 15_000, 'the gadget after the CRD appeared');
      expect(gadgets.isNotInstalled()).toBe(false);
      expect(gadgets.state).toBe('Watching');
    } finally {
      gadgets.stop();
      client.close();
    }
  });
});
