// Failure paths of the informer, driven deterministically by the fake API server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../tests/fake-apiserver';
import { WidgetResource, eventually, testLogger, type Widget } from '../../tests/support';
import { KubeClient } from '../client/client';
import { resourcePath } from '../client/resource';
import { Informer, type InformerOptions } from './informer';

const ns = 'unit';
const widgets = resourcePath(WidgetResource, ns);
const w = (name: string, size = 0) => ({ metadata: { name, namespace: ns }, spec: { size } });

interface Recorded {
  type: string;
  name: string;
  finalStateUnknown?: boolean;
}

describe('Informer (fake API server)', { timeout: 20_000 }, () => {
  let fake: FakeApiServer;
  let client: KubeClient;
  let informer: Informer<Widget> | undefined;

  beforeEach(async () => {
    fake = await FakeApiServer.start();
    fake.serve(widgets);
    client = new KubeClient(fake.kubeConfig(ns));
  });
  afterEach(async () => {
    informer?.stop();
    informer = undefined;
    client.close();
    await fake.close();
  });

  function start(options: Partial<InformerOptions<Widget>> = {}) {
    const events: Recorded[] = [];
    informer = new Informer<Widget>({
      client,
      resource: WidgetResource,
      namespace: ns,
      logger: testLogger,
      backoff: { initialMs: 50, maxMs: 200 },
      pageSize: 2,
      ...options,
    });
    informer.addHandler({
      onAdd: (o) => events.push({ type: 'add', name: o.metadata!.name! }),
      onUpdate: (_o, o) => events.push({ type: 'update', name: o.metadata!.name! }),
      onDelete: (o, info) => events.push({ type: 'delete', name: o.metadata!.name!, ...info }),
      onResync: (o) => events.push({ type: 'resync', name: o.metadata!.name! }),
    });
    informer.start();
    return { informer, events };
  }
  const has = (events: Recorded[], type: string, name: string) =>
    events.some((e) => e.type === type && e.name === name);

  it('lists every page, then watches from the list resourceVersion and applies events', async () => {
    for (const name of ['a', 'b', 'c']) fake.put(widgets, w(name));
    const listRv = fake.resourceVersion;
    const { informer, events } = start();
    await informer.waitForSync();
    expect(informer.store.keys().sort()).toEqual(['unit/a', 'unit/b', 'unit/c']);
    expect(fake.listRequests(widgets).map((r) => r.query.get('continue'))).toEqual([null, '2']);
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    const watch = fake.watchRequests(widgets)[0]!;
    expect(watch.query.get('resourceVersion')).toBe(String(listRv));
    expect(watch.query.get('allowWatchBookmarks')).toBe('true');
    expect(Number(watch.query.get('timeoutSeconds'))).toBeGreaterThanOrEqual(300);

    fake.put(widgets, w('a', 5));
    fake.put(widgets, w('d'));
    fake.remove(widgets, 'b');
    await eventually(() => has(events, 'delete', 'b'), 5_000, 'events');
    expect(informer.store.get('unit/a')?.spec?.size).toBe(5);
    expect(informer.store.get('unit/d')?.kind).toBe('Widget');
    expect(events.filter((e) => e.type !== 'add' || e.name === 'd')).toEqual([
      { type: 'update', name: 'a' },
      { type: 'add', name: 'd' },
      { type: 'delete', name: 'b', finalStateUnknown: false },
    ]);
  });

  it('ignores replayed events that carry a resourceVersion it already has', async () => {
    const stored = fake.put(widgets, w('same'));
    const { informer, events } = start();
    await informer.waitForSync();
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    fake.sendEvent(widgets, 'ADDED', stored);
    fake.sendEvent(widgets, 'MODIFIED', stored);
    fake.put(widgets, w('same', 3)); // a real change after the replays
    await eventually(() => informer.store.get('unit/same')?.spec?.size === 3, 5_000, 'the real change');
    expect(events).toEqual([
      { type: 'add', name: 'same' },
      { type: 'update', name: 'same' },
    ]);
  });

  it('re-watches from the last seen resourceVersion (including bookmarks) after a normal close', async () => {
    const { informer } = start();
    await informer.waitForSync();
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    fake.put(widgets, w('x'));
    fake.sendBookmark(widgets, 4242);
    await eventually(() => informer.resourceVersion === '4242', 5_000, 'the bookmark');
    fake.closeWatches();
    await eventually(() => fake.watchRequests(widgets).length === 2, 5_000, 'a second watch');
    expect(fake.watchRequests(widgets)[1]!.query.get('resourceVersion')).toBe('4242');
    expect(fake.listRequests(widgets)).toHaveLength(1); // no relist needed
  });

  it('on a 410 ERROR event relists and synthesizes deletes for objects that vanished unseen', async () => {
    for (const name of ['keep', 'vanish']) fake.put(widgets, w(name));
    const { informer, events } = start();
    await informer.waitForSync();
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    fake.remove(widgets, 'vanish', true); // the watch never delivers this delete
    fake.put(widgets, w('keep', 7), true); // nor this update
    fake.sendWatchError(widgets, 410, 'Expired');
    await eventually(() => has(events, 'delete', 'vanish'), 5_000, 'a synthesized delete');
    expect(events.find((e) => e.type === 'delete')).toEqual({
      type: 'delete',
      name: 'vanish',
      finalStateUnknown: true,
    });
    expect(has(events, 'update', 'keep')).toBe(true);
    expect(informer.stats).toMatchObject({ relistsOnGone: 1, synthesizedDeletes: 1, lists: 2 });
    await eventually(() => informer.state === 'Watching' && fake.openWatches === 1, 5_000, 'watching again');
  });

  it('on a watch that starts with a too-old resourceVersion (410) relists', async () => {
    fake.put(widgets, w('one'));
    const { informer } = start();
    await informer.waitForSync();
    fake.oldestWatchableRv = fake.resourceVersion; // everything before the current state is compacted
    informer.restartWatchFrom('1');
    await eventually(() => informer.stats.relistsOnGone === 1, 5_000, 'relist on 410');
    await eventually(
      () => fake.watchRequests(widgets).at(-1)?.query.get('resourceVersion') === String(fake.resourceVersion),
      5_000,
      'a watch from the relisted resourceVersion',
    );
    expect(fake.listRequests(widgets)).toHaveLength(2);
  });

  it('restarts after network failures and server errors with backoff, honouring Retry-After', async () => {
    const { informer, events } = start();
    await informer.waitForSync();
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    fake.failNext.push(
      { code: 500, reason: 'InternalError' },
      { code: 429, reason: 'TooManyRequests', headers: { 'Retry-After': '1' } },
    );
    fake.destroyWatches();
    const droppedAt = Date.now();
    await eventually(
      () => fake.openWatches === 1 && informer.state === 'Watching',
      10_000,
      'a watch after failures',
    );
    expect(Date.now() - droppedAt).toBeGreaterThanOrEqual(1_000); // waited at least Retry-After
    expect(informer.stats.errors).toBeGreaterThanOrEqual(2);
    fake.put(widgets, w('after'));
    await eventually(() => has(events, 'add', 'after'), 5_000, 'events after recovery');
  });

  it('is stale while it cannot watch for longer than staleAfterMs', async () => {
    const { informer } = start({ staleAfterMs: 200, backoff: { initialMs: 400, maxMs: 400, jitter: 0 } });
    expect(informer.isStale()).toBe(true); // not synced yet
    await informer.waitForSync();
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    expect(informer.isStale()).toBe(false);
    fake.failNext.push(
      { code: 503, reason: 'ServiceUnavailable' },
      { code: 503, reason: 'ServiceUnavailable' },
    );
    fake.destroyWatches();
    await eventually(() => informer.isStale(), 5_000, 'stale');
    expect(informer.lastError?.reason).toBe('Unavailable');
    await eventually(() => !informer.isStale(), 5_000, 'fresh again');
  });

  it('abandons a silent watch after watchdogMs and relists', async () => {
    const { informer } = start({ watchdogMs: 300 });
    await informer.waitForSync();
    await eventually(() => informer.stats.watchdogRestarts >= 1, 5_000, 'a watchdog restart');
    expect(informer.stats.lists).toBeGreaterThanOrEqual(2);
    await eventually(() => fake.openWatches === 1, 5_000, 'the silent watch closed and a new one open');
  });

  it('resyncs every cached object periodically', async () => {
    fake.put(widgets, w('r1'));
    const { informer, events } = start({ resyncPeriodMs: 200 });
    await informer.waitForSync();
    await eventually(() => events.filter((e) => e.type === 'resync').length >= 2, 5_000, 'two resyncs');
  });

  it('reports an unserved resource as NotInstalled (optional: not stale) and picks it up later', async () => {
    fake.unserve(widgets);
    const { informer, events } = start({ optional: true, notInstalledRetryMs: 100 });
    await informer.waitForSync();
    expect(informer.isNotInstalled()).toBe(true);
    expect(informer.state).toBe('NotInstalled');
    expect(informer.isStale()).toBe(false);
    fake.put(widgets, w('late')); // serving starts with this object
    await eventually(() => has(events, 'add', 'late'), 5_000, 'the object once served');
    expect(informer.isNotInstalled()).toBe(false);
  });

  it('a required resource that is not installed keeps readiness failing', async () => {
    fake.unserve(widgets);
    const { informer } = start({ notInstalledRetryMs: 100 });
    await informer.waitForSync();
    expect(informer.isNotInstalled()).toBe(true);
    expect(informer.isStale()).toBe(true);
  });

  it('stops cleanly: no more requests after stop()', async () => {
    const { informer } = start();
    await informer.waitForSync();
    await eventually(() => fake.openWatches === 1, 5_000, 'a watch');
    informer.stop();
    await eventually(() => fake.openWatches === 0, 5_000, 'the watch closed');
    const count = fake.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.requests.length).toBe(count);
    expect(informer.isStale()).toBe(true);
  });
});
