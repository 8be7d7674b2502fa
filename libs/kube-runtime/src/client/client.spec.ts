// Request shapes and pagination of the typed client, on the in-memory fake API server.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeApiServer } from '../../tests/fake-apiserver';
import { WidgetResource, type Widget } from '../../tests/support';
import { KubeClient } from './client';
import { KubeApiError } from './errors';
import { defineResource, resourcePath } from './resource';

const ns = 'unit';
const widgets = resourcePath(WidgetResource, ns);

describe('KubeClient (fake API server)', () => {
  let fake: FakeApiServer;
  let client: KubeClient;
  beforeEach(async () => {
    fake = await FakeApiServer.start();
    fake.serve(widgets);
    for (let i = 0; i < 5; i += 1) fake.put(widgets, { metadata: { name: `w${i}`, namespace: ns } });
    client = new KubeClient(fake.kubeConfig(ns), { fieldManager: 'unit-test' });
  });
  afterEach(async () => {
    client.close();
    await fake.close();
  });
  const lastRequest = () => fake.requests.at(-1)!;

  it('follows continue tokens until the last page', async () => {
    const { items, resourceVersion } = await client
      .resource(WidgetResource)
      .list({ namespace: ns, limit: 2 });
    expect(items.map((w) => w.metadata?.name)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
    expect(resourceVersion).toBe(String(fake.resourceVersion));
    expect(fake.listRequests(widgets).map((r) => [r.query.get('limit'), r.query.get('continue')])).toEqual([
      ['2', null],
      ['2', '2'],
      ['2', '4'],
    ]);
  });

  it('falls back to one unpaginated list when a continue token expired (410)', async () => {
    fake.expireContinueTokens = true;
    const { items } = await client.resource(WidgetResource).list({ namespace: ns, limit: 2 });
    expect(items).toHaveLength(5);
    expect(fake.listRequests(widgets).map((r) => [r.query.get('limit'), r.query.get('continue')])).toEqual([
      ['2', null],
      ['2', '2'],
      [null, null],
    ]);
  });

  it.each([
    ['mergePatch', 'application/merge-patch+json', undefined],
    ['jsonPatch', 'application/json-patch+json', undefined],
    ['apply', 'application/apply-patch+yaml', 'true'],
  ] as const)('%s sends %s with the field manager', async (verb, contentType, force) => {
    const resource = client.resource(WidgetResource);
    const ref = { name: 'w1', namespace: ns };
    if (verb === 'mergePatch') await resource.mergePatch(ref, { spec: { size: 1 } });
    if (verb === 'jsonPatch')
      await resource.jsonPatch(ref, [{ op: 'replace', path: '/spec/size', value: 1 }]);
    if (verb === 'apply') {
      const intent: Widget = { metadata: { ...ref, managedFields: [{}] }, spec: { size: 1 } };
      await resource.apply(intent, { force: true });
      expect(lastRequest().body).toMatchObject({ apiVersion: 'test.stableip.dev/v1', kind: 'Widget' });
      expect((lastRequest().body as Widget).metadata?.managedFields).toBeUndefined();
    }
    expect(lastRequest()).toMatchObject({ method: 'PATCH', path: `${widgets}/w1`, contentType });
    expect(lastRequest().query.get('fieldManager')).toBe('unit-test');
    expect(lastRequest().query.get('force') ?? undefined).toBe(force);
  });

  it('addresses the status subresource and defaults the namespace from the kubeconfig', async () => {
    await client.resource(WidgetResource).patchStatus({ name: 'w2' }, { status: { phase: 'Ready' } });
    expect(lastRequest().path).toBe(`${widgets}/w2/status`);
  });

  it('sends delete preconditions and propagation policy in DeleteOptions', async () => {
    await client
      .resource(WidgetResource)
      .delete(
        { name: 'w3', namespace: ns },
        { preconditions: { uid: 'uid-w3' }, propagationPolicy: 'Foreground' },
      );
    expect(lastRequest().body).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: 'uid-w3' },
      propagationPolicy: 'Foreground',
    });
  });

  it('builds core-group and cluster-scoped paths and maps a plain-text 404', async () => {
    const Namespaces = defineResource({
      group: '',
      version: 'v1',
      plural: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
    });
    const err = (await client
      .resource(Namespaces)
      .get({ name: 'x' })
      .catch((e: unknown) => e)) as KubeApiError;
    expect(lastRequest().path).toBe('/api/v1/namespaces/x');
    expect(err.reason).toBe('NotFound');
  });
});
