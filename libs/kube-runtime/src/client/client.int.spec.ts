import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { describe, expect, it } from 'vitest';
import { WidgetResource, widget, type Widget } from '../../tests/support';
import { KubeClient } from './client';
import { KubeApiError, isConflict } from './errors';
import { defineResource } from './resource';
import { retryOnConflict } from './retry';

const kube = useKubeTestNamespace('kr-client');

describe('KubeClient against a real API server', () => {
  const client = () => new KubeClient(kube.kubeConfig, { fieldManager: 'kube-runtime-test' });

  it('creates, gets, and maps duplicate creates to AlreadyExists', async () => {
    const widgets = client().resource(WidgetResource);
    const created = await widgets.create(widget(kube.namespace, 'w-create', { size: 1 }));
    expect(created.metadata?.uid).toBeTruthy();
    expect((await widgets.get({ name: 'w-create', namespace: kube.namespace })).spec?.size).toBe(1);
    const err = await widgets.create(widget(kube.namespace, 'w-create')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApiError);
    expect((err as KubeApiError).reason).toBe('AlreadyExists');
    expect((err as KubeApiError).code).toBe(409);
  });

  it('maps schema violations to Invalid with field causes', async () => {
    const err = (await client()
      .resource(WidgetResource)
      .create(widget(kube.namespace, 'w-invalid', { size: 1000 }))
      .catch((e: unknown) => e)) as KubeApiError;
    expect(err.reason).toBe('Invalid');
    expect(err.code).toBe(422);
    expect(err.causes.map((c) => c.field)).toContain('spec.size');
  });

  it('maps missing objects and unserved resources to NotFound', async () => {
    const widgets = client().resource(WidgetResource);
    const missing = (await widgets
      .get({ name: 'nope', namespace: kube.namespace })
      .catch((e: unknown) => e)) as KubeApiError;
    expect(missing.reason).toBe('NotFound');
    const unserved = client().resource(
      defineResource({
        group: 'nope.example.com',
        version: 'v1',
        plural: 'things',
        kind: 'Thing',
        namespaced: true,
      }),
    );
    expect(
      ((await unserved.list({ namespace: kube.namespace }).catch((e: unknown) => e)) as KubeApiError).reason,
    ).toBe('NotFound');
  });

  it('lists every page with limit + continue', async () => {
    const widgets = client().resource(WidgetResource);
    for (let i = 0; i < 7; i += 1)
      await widgets.create({
        ...widget(kube.namespace, `page-${i}`),
        metadata: { name: `page-${i}`, namespace: kube.namespace, labels: { set: 'paging' } },
      });
    const first = await widgets.listPage({
      namespace: kube.namespace,
      labelSelector: 'set=paging',
      limit: 3,
    });
    expect(first.items).toHaveLength(3);
    expect(first.continue).toBeTruthy();
    const all = await widgets.list({ namespace: kube.namespace, labelSelector: 'set=paging', limit: 3 });
    expect(all.items.map((w) => w.metadata?.name).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `page-${i}`),
    );
    expect(all.items.every((w) => w.kind === 'Widget' && w.apiVersion === 'test.stableip.dev/v1')).toBe(true);
    expect(all.resourceVersion).not.toBe('');
  });

  it('merge-patches, JSON-patches, and patches status through the subresource only', async () => {
    const widgets = client().resource(WidgetResource);
    const ref = { name: 'w-patch', namespace: kube.namespace };
    await widgets.create(widget(kube.namespace, 'w-patch', { size: 2, color: 'red' }));
    const merged = await widgets.mergePatch(ref, { spec: { color: null, size: 3 } });
    expect(merged.spec).toEqual({ size: 3 });
    const patched = await widgets.jsonPatch(ref, [
      { op: 'test', path: '/spec/size', value: 3 },
      { op: 'add', path: '/metadata/labels', value: { tier: 'gold' } },
    ]);
    expect(patched.metadata?.labels).toEqual({ tier: 'gold' });
    const failedTest = (await widgets
      .jsonPatch(ref, [{ op: 'test', path: '/spec/size', value: 99 }])
      .catch((e: unknown) => e)) as KubeApiError;
    expect(failedTest).toBeInstanceOf(KubeApiError);
    expect(failedTest.code).toBeGreaterThanOrEqual(400);

    const withStatus = await widgets.patchStatus(ref, {
      status: { observedSize: 3, phase: 'Ready' },
      spec: { size: 50 },
    });
    expect(withStatus.status).toEqual({ observedSize: 3, phase: 'Ready' });
    expect(withStatus.spec?.size).toBe(3); // spec changes are ignored on /status
    const specOnly = await widgets.mergePatch(ref, { status: { phase: 'Ignored' } });
    expect(specOnly.status?.phase).toBe('Ready'); // and status changes are ignored on the main resource
  });

  it('server-side applies with field ownership, conflicts between managers, and force', async () => {
    const widgets = client().resource(WidgetResource);
    const intent = (color: string): Widget => ({
      metadata: { name: 'w-apply', namespace: kube.namespace },
      spec: { color },
    });
    const applied = await widgets.apply(intent('blue'), { fieldManager: 'alice' });
    expect(applied.spec?.color).toBe('blue');
    const conflict = (await widgets
      .apply(intent('green'), { fieldManager: 'bob' })
      .catch((e: unknown) => e)) as KubeApiError;
    expect(conflict.reason).toBe('Conflict');
    expect(conflict.causes.some((c) => c.field === '.spec.color')).toBe(true);
    const forced = await widgets.apply(intent('green'), { fieldManager: 'bob', force: true });
    expect(forced.spec?.color).toBe('green');

    const status = await widgets.applyStatus(
      { metadata: { name: 'w-apply', namespace: kube.namespace }, status: { phase: 'Applied' } },
      { fieldManager: 'status-writer' },
    );
    expect(status.status?.phase).toBe('Applied');
  });

  it('updates with optimistic concurrency: stale writes conflict, retryOnConflict re-reads and wins', async () => {
    const widgets = client().resource(WidgetResource);
    const ref = { name: 'w-update', namespace: kube.namespace };
    const original = await widgets.create(widget(kube.namespace, 'w-update', { size: 1 }));
    await widgets.mergePatch(ref, { spec: { color: 'changed-behind-our-back' } });
    const stale = await widgets.update({ ...original, spec: { size: 2 } }).catch((e: unknown) => e);
    expect(isConflict(stale)).toBe(true);

    let attempts = 0;
    const result = await retryOnConflict(async () => {
      attempts += 1;
      const fresh = attempts === 1 ? original : await widgets.get(ref); // first attempt deliberately stale
      return widgets.update({ ...fresh, spec: { ...fresh.spec, size: 5 } });
    });
    expect(attempts).toBe(2);
    expect(result.spec).toEqual({ size: 5, color: 'changed-behind-our-back' });
  });

  it('deletes with preconditions and reports NotFound afterwards', async () => {
    const widgets = client().resource(WidgetResource);
    const ref = { name: 'w-delete', namespace: kube.namespace };
    const created = await widgets.create(widget(kube.namespace, 'w-delete'));
    const wrongUid = await widgets
      .delete(ref, { preconditions: { uid: 'not-the-uid' } })
      .catch((e: unknown) => e);
    expect(isConflict(wrongUid)).toBe(true);
    await widgets.delete(ref, { preconditions: { uid: created.metadata?.uid } });
    expect(((await widgets.get(ref).catch((e: unknown) => e)) as KubeApiError).reason).toBe('NotFound');
  });
});
