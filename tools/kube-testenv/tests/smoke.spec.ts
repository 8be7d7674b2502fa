// Proves the harness is a real kube-apiserver (not a mock): watch semantics, patch flavours,
// optimistic concurrency, CRDs with a status subresource, RBAC with ServiceAccount tokens, and the
// in-process garbage-collector / namespace controllers.
import { describe, expect, it } from 'vitest';
import {
  ApiException,
  AuthenticationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  PatchStrategy,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  VersionApi,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { kubeRequest } from '../ts/index.js';
import { useKubeTestNamespace } from '../ts/vitest.js';

const kube = useKubeTestNamespace('smoke');
const core = () => kube.kubeConfig.makeApiClient(CoreV1Api);

async function apiError(p: Promise<unknown>): Promise<ApiException<unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiException) return err;
    throw err;
  }
  throw new Error('expected the request to fail');
}

async function eventually<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);

describe('kube-testenv smoke', () => {
  it('serves /version of the pinned Kubernetes release', async () => {
    const v = await kube.kubeConfig.makeApiClient(VersionApi).getCode();
    expect(v.gitVersion).toMatch(/^v1\.\d+\.\d+$/);
    expect(v.gitVersion).toBe(kube.info.version);
    expect(v.major).toBe('1');
    expect(`v${v.major}.${v.minor}.`).toBe(v.gitVersion.replace(/\d+$/, ''));
  });

  it('creates, then watches ADDED and MODIFIED events from a list resourceVersion', async () => {
    const ns = kube.namespace;
    const list = await core().listNamespacedConfigMap({ namespace: ns });
    const events: string[] = [];
    let seen: (() => void) | undefined;
    const done = new Promise<void>((r) => (seen = r));
    const watch = await new Watch(kube.kubeConfig).watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: false },
      (phase, obj: V1ConfigMap) => {
        if (obj.metadata?.name !== 'watched') return;
        events.push(`${phase}:${obj.data?.['k']}`);
        if (events.length === 2) seen?.();
      },
      () => undefined,
    );
    try {
      await core().createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: 'watched' }, data: { k: '1' } },
      });
      await core().patchNamespacedConfigMap(
        { name: 'watched', namespace: ns, body: { data: { k: '2' } } },
        merge,
      );
      await done;
      expect(events).toEqual(['ADDED:1', 'MODIFIED:2']);
    } finally {
      watch.abort();
    }
  });

  it('applies merge patches and server-side apply with field ownership conflicts', async () => {
    const ns = kube.namespace;
    await core().createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'patched' }, data: { a: '1' } },
    });

    const merged = await core().patchNamespacedConfigMap(
      { name: 'patched', namespace: ns, body: { data: { b: '2' } } },
      merge,
    );
    expect(merged.data).toEqual({ a: '1', b: '2' });

    const body = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'applied', namespace: ns },
      data: { x: '1' },
    };
    const applied = await core().patchNamespacedConfigMap(
      { name: 'applied', namespace: ns, body, fieldManager: 'smoke-a' },
      apply,
    );
    expect(applied.data).toEqual({ x: '1' });
    expect(applied.metadata?.managedFields?.map((f) => [f.manager, f.operation])).toContainEqual([
      'smoke-a',
      'Apply',
    ]);

    // A second manager setting the same field conflicts unless it forces.
    const conflicting = { ...body, data: { x: '2' } };
    const conflict = await apiError(
      core().patchNamespacedConfigMap(
        { name: 'applied', namespace: ns, body: conflicting, fieldManager: 'smoke-b' },
        apply,
      ),
    );
    expect(conflict.code).toBe(409);
    const forced = await core().patchNamespacedConfigMap(
      { name: 'applied', namespace: ns, body: conflicting, fieldManager: 'smoke-b', force: true },
      apply,
    );
    expect(forced.data).toEqual({ x: '2' });
  });

  it('rejects an update with a stale resourceVersion (409 Conflict)', async () => {
    const ns = kube.namespace;
    const created = await core().createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'optimistic' }, data: { n: '0' } },
    });
    const updated = await core().replaceNamespacedConfigMap({
      name: 'optimistic',
      namespace: ns,
      body: { ...created, data: { n: '1' } },
    });
    expect(updated.metadata?.resourceVersion).not.toBe(created.metadata?.resourceVersion);
    const err = await apiError(
      core().replaceNamespacedConfigMap({
        name: 'optimistic',
        namespace: ns,
        body: { ...created, data: { n: '2' } },
      }),
    );
    expect(err.code).toBe(409);
    expect(String(err.body)).toContain('the object has been modified');
  });

  it('serves a CRD with validation and a status subresource', async () => {
    const ns = kube.namespace;
    const custom = kube.kubeConfig.makeApiClient(CustomObjectsApi);
    const ref = { group: 'testenv.stableip.dev', version: 'v1alpha1', namespace: ns, plural: 'widgets' };
    const widget = (size: number) => ({
      apiVersion: 'testenv.stableip.dev/v1alpha1',
      kind: 'Widget',
      metadata: { name: 'w1' },
      spec: { size },
    });

    // installCrds applied the manifest verbatim (x-kubernetes-map-type is not in client-node's model).
    const crd = (await kubeRequest(
      kube.kubeConfig,
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.testenv.stableip.dev',
    )) as { spec: { versions: { schema: { openAPIV3Schema: unknown } }[] } };
    expect(crd.spec.versions[0]?.schema.openAPIV3Schema).toMatchObject({
      properties: { spec: { properties: { labels: { 'x-kubernetes-map-type': 'atomic' } } } },
    });

    const invalid = await apiError(custom.createNamespacedCustomObject({ ...ref, body: widget(0) }));
    expect(invalid.code).toBe(422);

    const created = (await custom.createNamespacedCustomObject({ ...ref, body: widget(3) })) as {
      metadata: { generation: number };
    };
    expect(created.metadata.generation).toBe(1);

    // Status goes through /status only and does not bump the generation...
    const withStatus = (await custom.patchNamespacedCustomObjectStatus(
      { ...ref, name: 'w1', body: { status: { phase: 'Ready' } } },
      merge,
    )) as { metadata: { generation: number }; status: { phase: string } };
    expect(withStatus.status.phase).toBe('Ready');
    expect(withStatus.metadata.generation).toBe(1);

    // ...and the main endpoint ignores status while a spec change bumps the generation.
    const viaMain = (await custom.patchNamespacedCustomObject(
      { ...ref, name: 'w1', body: { spec: { size: 4 }, status: { phase: 'Hacked' } } },
      merge,
    )) as { metadata: { generation: number }; spec: { size: number }; status: { phase: string } };
    expect(viaMain.spec.size).toBe(4);
    expect(viaMain.status.phase).toBe('Ready');
    expect(viaMain.metadata.generation).toBe(2);
  });

  it('authenticates ServiceAccount tokens (TokenRequest) and enforces RBAC on them', async () => {
    const ns = kube.namespace;
    await core().createNamespacedServiceAccount({ namespace: ns, body: { metadata: { name: 'nobody' } } });
    const tr = await core().createNamespacedServiceAccountToken({
      name: 'nobody',
      namespace: ns,
      body: { spec: { audiences: [], expirationSeconds: 600 } },
    });
    const token = tr.status?.token;
    expect(token).toBeTruthy();

    const admin = kube.kubeConfig;
    const cluster = admin.getCurrentCluster()!;
    const sa = new KubeConfig();
    sa.loadFromOptions({
      clusters: [cluster],
      users: [{ name: 'nobody', token }],
      contexts: [{ name: 'sa', cluster: cluster.name, user: 'nobody', namespace: ns }],
      currentContext: 'sa',
    });

    const review = await sa.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: {} });
    expect(review.status?.userInfo?.username).toBe(`system:serviceaccount:${ns}:nobody`);

    const denied = await apiError(sa.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns }));
    expect(denied.code).toBe(403);
    const deniedAll = await apiError(sa.makeApiClient(CoreV1Api).listNamespace());
    expect(deniedAll.code).toBe(403);

    // Granting a Role makes the same token work (RBAC is evaluated, not bypassed).
    const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRole({
      namespace: ns,
      body: {
        metadata: { name: 'read-configmaps' },
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }],
      },
    });
    await rbac.createNamespacedRoleBinding({
      namespace: ns,
      body: {
        metadata: { name: 'nobody-reads-configmaps' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'read-configmaps' },
        subjects: [{ kind: 'ServiceAccount', name: 'nobody', namespace: ns }],
      },
    });
    const allowed = await eventually(() =>
      sa.makeApiClient(CoreV1Api).listNamespacedConfigMap({ namespace: ns }),
    );
    expect(allowed.items).toBeInstanceOf(Array);
    const stillDenied = await apiError(sa.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: ns }));
    expect(stillDenied.code).toBe(403);
  });

  it('runs the garbage collector: dependents of a deleted owner are removed', async (ctx) => {
    if (!kube.info.controllers.includes('garbagecollector')) ctx.skip();
    const ns = kube.namespace;
    const owner = await core().createNamespacedConfigMap({
      namespace: ns,
      body: { metadata: { name: 'owner' } },
    });
    await core().createNamespacedConfigMap({
      namespace: ns,
      body: {
        metadata: {
          name: 'dependent',
          ownerReferences: [
            { apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata!.uid! },
          ],
        },
      },
    });
    await core().deleteNamespacedConfigMap({ name: 'owner', namespace: ns });
    const gone = await eventually(async () => {
      const err = await apiError(core().readNamespacedConfigMap({ name: 'dependent', namespace: ns }));
      if (err.code !== 404) throw err;
      return err.code;
    }, 30_000);
    expect(gone).toBe(404);
  });

  it('runs the namespace controller: a deleted namespace and its contents go away', async (ctx) => {
    if (!kube.info.controllers.includes('namespace')) ctx.skip();
    const admin = core();
    const name = `${kube.namespace}-doomed`;
    await admin.createNamespace({ body: { metadata: { name } } });
    await admin.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'content' } } });
    await admin.deleteNamespace({ name });
    const gone = await eventually(async () => {
      const err = await apiError(admin.readNamespace({ name }));
      if (err.code !== 404) throw err;
      return err.code;
    }, 30_000);
    expect(gone).toBe(404);
  });
});
