// End-to-end admission: the API server itself calls the operator's HTTPS webhooks. The operator
// generates a self-signed certificate and patches the caBundle of webhook configurations that
// point at https://127.0.0.1:<port> (scoped to this file's namespace by a namespaceSelector).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { defineResource, type KubeObject } from '@stableip/kube-runtime';
import {
  clients,
  freePort,
  ipClaim,
  ipPool,
  runOperator,
  waitFor,
  type Clients,
  type OperatorProcess,
} from './support';

const kube = useKubeTestNamespace('webhook');
let c: Clients;
let operator: OperatorProcess;
let ns: string;
let names: { validating: string; mutating: string };

interface WebhookConfiguration extends KubeObject {
  webhooks: Array<Record<string, unknown> & { clientConfig: { url?: string; caBundle?: string } }>;
}
const Validating = defineResource<WebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
});
const Mutating = defineResource<WebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  namespaced: false,
});

const KINDS = [
  ['ippool', 'ippools'],
  ['ipclaim', 'ipclaims'],
  ['ipaddress', 'ipaddresses'],
] as const;

function configuration(name: string, action: 'validate' | 'mutate', port: number): WebhookConfiguration {
  return {
    metadata: { name },
    webhooks: KINDS.map(([kind, plural]) => ({
      name: `${action === 'validate' ? 'validation' : 'default'}.${kind}.ipam.metal3.io`,
      admissionReviewVersions: ['v1'],
      clientConfig: { url: `https://127.0.0.1:${port}/${action}-ipam-metal3-io-v1alpha1-${kind}` },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      timeoutSeconds: 5,
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
      rules: [
        {
          apiGroups: ['ipam.metal3.io'],
          apiVersions: ['v1alpha1'],
          operations: ['CREATE', 'UPDATE'],
          resources: [plural],
        },
      ],
    })),
  };
}

beforeAll(async () => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
  const port = await freePort();
  names = { validating: `stableip-e2e-validating-${ns}`, mutating: `stableip-e2e-mutating-${ns}` };
  await c.client.resource(Validating).create(configuration(names.validating, 'validate', port));
  await c.client.resource(Mutating).create(configuration(names.mutating, 'mutate', port));
  operator = runOperator(kube.info.kubeconfig, [
    `--namespace=${ns}`,
    '--leader-elect=false',
    '--webhook-self-signed',
    '--webhook-host=127.0.0.1',
    `--webhook-port=${port}`,
    '--webhook-service=127.0.0.1,localhost',
    `--webhook-configuration-names=${names.validating},${names.mutating}`,
  ]);
  await operator.started;
});

afterAll(async () => {
  await c?.client
    .resource(Validating)
    .delete({ name: names.validating })
    .catch(() => undefined);
  await c?.client
    .resource(Mutating)
    .delete({ name: names.mutating })
    .catch(() => undefined);
  // Graceful shutdown must not hang on the API server's keep-alive connections to the webhook.
  const t0 = Date.now();
  expect(await operator?.kill('SIGTERM')).toBe(0);
  expect(Date.now() - t0).toBeLessThan(10_000);
  c?.client.close();
});

async function rejection(write: () => Promise<unknown>): Promise<string> {
  try {
    await write();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('the API server accepted the object');
}

describe('admission webhooks called by the API server', () => {
  it('patched its CA into every webhook of both configurations', async () => {
    const validating = await c.client.resource(Validating).get({ name: names.validating });
    expect(validating.webhooks.every((w) => (w.clientConfig.caBundle ?? '').length > 0)).toBe(true);
  });

  it.each([
    {
      name: 'start after end',
      spec: { pools: [{ start: '10.0.0.9', end: '10.0.0.1' }] },
      message:
        'admission webhook "validation.ippool.ipam.metal3.io" denied the request: IPPool.ipam.metal3.io "bad" is invalid: spec.pools[0]: Invalid value: "": end IP 10.0.0.1 is before start IP 10.0.0.9',
    },
    {
      name: 'preAllocation out of bounds (create keeps upstream typo)',
      spec: { pools: [{ start: '10.0.0.1', end: '10.0.0.5' }], preAllocations: { a: '10.1.0.1' } },
      message:
        'admission webhook "validation.ippool.ipam.metal3.io" denied the request: IPPool.ipam.metal3.io "bad" is invalid: spec.preAllocations: Invalid value: "10.1.0.1": is out of bonds of the pools given',
    },
  ])('rejects an IPPool: $name', async ({ spec, message }) => {
    const text = await waitFor('webhook reachable', async () => {
      const m = await rejection(() => c.pools.create(ipPool(ns, 'bad', spec)));
      return m.includes('denied the request') ? m : undefined;
    });
    expect(text).toContain(message);
  });

  it('rejects an immutable namePrefix change and defaults allocationStrategy', async () => {
    const created = await c.pools.create(
      ipPool(ns, 'good', { pools: [{ start: '10.0.0.1', end: '10.0.0.5' }] }),
    );
    expect(created.spec.allocationStrategy).toBe('sequential');
    const text = await rejection(() =>
      c.pools.mergePatch({ namespace: ns, name: 'good' }, { spec: { namePrefix: 'other' } }),
    );
    expect(text).toContain(
      'admission webhook "validation.ippool.ipam.metal3.io" denied the request: IPPool.ipam.metal3.io "good" is invalid: spec.namePrefix: Invalid value: "other": cannot be modified',
    );
  });

  it('rejects an IPClaim with an invalid ipAddress annotation', async () => {
    const text = await rejection(() =>
      c.claims.create(ipClaim(ns, 'c', 'good', { annotations: { ipAddress: 'nope' } })),
    );
    expect(text).toContain(
      'admission webhook "validation.ipclaim.ipam.metal3.io" denied the request: IPClaim.ipam.metal3.io "c" is invalid: metadata.annotations.ipAddress: Invalid value: "nope": is not a valid IP address',
    );
  });
});
