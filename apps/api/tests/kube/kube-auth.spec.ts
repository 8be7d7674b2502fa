// ServiceAccount tokens against a real API server: TokenReview authenticates, SubjectAccessReview
// on the virtual resource stableip.dev/auditrecords authorizes (get/list → reader, admin → admin).
import { CoreV1Api, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticate';
import { KubernetesAuthenticator, VIRTUAL_RESOURCE } from '../../src/auth/kubernetes';
import { useTestDatabase } from '../support/database';
import { seedHistory } from '../support/seed';
import { testTokens, useTestServer } from '../support/server';

const kube = useKubeTestNamespace('api-auth');
const db = useTestDatabase(seedHistory);
const tokens: Record<'reader' | 'admin' | 'nobody', string> = { reader: '', admin: '', nobody: '' };

// The authenticator needs the kube config, which exists only after the namespace hook ran.
const authenticator = {
  inner: undefined as ReturnType<typeof createAuthenticator> | undefined,
  authenticate(header: string | undefined) {
    this.inner ??= createAuthenticator({
      tokens: testTokens,
      kubernetes: new KubernetesAuthenticator({ kubeConfig: kube.kubeConfig, cacheTtlMs: 1_000 }),
    });
    return this.inner.authenticate(header);
  },
};
const api = useTestServer(db, { authenticator });

beforeAll(async () => {
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const rbac = kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api);
  const namespace = kube.namespace;
  const roles = { reader: ['get', 'list'], admin: ['get', 'list', 'admin'] } as const;
  for (const [role, verbs] of Object.entries(roles)) {
    await rbac.createClusterRole({
      body: {
        metadata: { name: `${namespace}-${role}` },
        rules: [
          { apiGroups: [VIRTUAL_RESOURCE.group], resources: [VIRTUAL_RESOURCE.resource], verbs: [...verbs] },
        ],
      },
    });
    await rbac.createClusterRoleBinding({
      body: {
        metadata: { name: `${namespace}-${role}` },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${namespace}-${role}` },
        subjects: [{ kind: 'ServiceAccount', name: role, namespace }],
      },
    });
  }
  for (const name of ['reader', 'admin', 'nobody'] as const) {
    await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } });
    const request = await core.createNamespacedServiceAccountToken({
      name,
      namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600 } },
    });
    tokens[name] = request.status!.token;
  }
});

describe('Kubernetes ServiceAccount tokens', () => {
  it('lets a ServiceAccount with get on auditrecords read, but not verify the chain', async () => {
    const exported = await fetch(`${api.url}/export/external-dns?cluster=lab`, {
      headers: { authorization: `Bearer ${tokens.reader}` },
    });
    expect(exported.status).toBe(200);
    expect(((await exported.json()) as unknown[]).length).toBeGreaterThan(0);
    const chain = await api.graphql('{ auditChain { ok } }', {}, tokens.reader);
    expect(chain.status).toBe(403);
  });

  it('gives the admin verb the admin role', async () => {
    const chain = await api.graphql<{ auditChain: { ok: boolean } }>(
      '{ auditChain { ok } }',
      {},
      tokens.admin,
    );
    expect(chain.status).toBe(200);
    expect(chain.body.data?.auditChain.ok).toBe(true);
  });

  it('answers 403 to a valid ServiceAccount without RBAC on auditrecords', async () => {
    const response = await fetch(`${api.url}/export/external-dns`, {
      headers: { authorization: `Bearer ${tokens.nobody}` },
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toEqual({
      code: 'FORBIDDEN',
      message: `system:serviceaccount:${kube.namespace}:nobody may not get stableip.dev/auditrecords`,
    });
  });

  it('answers 401 to a token the API server does not know', async () => {
    const forged = `${tokens.reader.slice(0, -4)}AAAA`;
    const response = await fetch(`${api.url}/export/external-dns`, {
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(response.status).toBe(401);
  });
});
