// End-to-end: `--controllers=ipam,coverage` next to CAPM3 (which creates the claims itself):
// coverage and auto-pin work on CAPM3's BMH-named claims, with no Metal3Data controller running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import type { Condition } from '@stableip/ipam-core';
import {
  claimAddress,
  clients,
  ipClaim,
  ipPool,
  runOperator,
  waitFor,
  type Clients,
  type OperatorProcess,
} from './support';
import { capm3Clients, createHost, type Capm3Clients } from './metal3data-support';

const kube = useKubeTestNamespace('m3d-cov');
let c: Clients;
let m: Capm3Clients;
let operator: OperatorProcess;
let ns: string;

beforeAll(async () => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
  m = capm3Clients(c.client);
  operator = runOperator(kube.info.kubeconfig, [
    `--namespace=${ns}`,
    '--controllers=ipam,coverage',
    '--leader-elect=false',
    '--enable-webhooks=false',
  ]);
  await operator.started;
});

afterAll(async () => {
  expect(await operator?.kill('SIGTERM')).toBe(0);
  c?.client.close();
});

const coverageOf = async (pool: string) =>
  (
    (await c.pools.get({ namespace: ns, name: pool })).status?.['conditions'] as Condition[] | undefined
  )?.find((cond) => cond.type === 'PreAllocationsCovered');

describe('coverage group next to CAPM3', () => {
  it('runs only the ipam and coverage controllers', () => {
    const started = operator.logs.find((l) => l['msg'] === 'starting controllers');
    expect(started?.['controllers']).toEqual(['ippool', 'ippool-coverage']);
  });

  it('auto-pins CAPM3-made BMH-named claims and reports the pool covered', async () => {
    const pool = ipPool(ns, 'bm', { pools: [{ start: '10.7.0.10', end: '10.7.0.20' }] });
    pool.metadata.annotations = { 'stableip.dev/auto-pin': 'true' };
    await c.pools.create(pool);
    await c.pools.create(ipPool(ns, 'manual', { pools: [{ start: '10.8.0.10', end: '10.8.0.20' }] }));
    await createHost(m, ns, 'node-0');
    // As CAPM3 names and labels them with its flag on (no stableip label).
    const labels = { 'infrastructure.cluster.x-k8s.io/data-name': 'tmpl-3' };
    await c.claims.create(
      ipClaim(ns, 'node-0-bm', 'bm', {
        labels: { ...labels, 'infrastructure.cluster.x-k8s.io/pool-name': 'bm' },
      }),
    );
    await c.claims.create(
      ipClaim(ns, 'node-0-manual', 'manual', {
        labels: { ...labels, 'infrastructure.cluster.x-k8s.io/pool-name': 'manual' },
      }),
    );
    const ip = await waitFor('address', () => claimAddress(c, ns, 'node-0-bm'));
    const pinned = await waitFor('auto-pin', async () => {
      const p = await c.pools.get({ namespace: ns, name: 'bm' });
      return p.spec.preAllocations?.['node-0-bm'] ? p : undefined;
    });
    expect(pinned.spec.preAllocations).toEqual({ 'node-0-bm': ip });
    expect(
      await waitFor('covered', async () =>
        (await coverageOf('bm'))?.reason === 'Covered' ? true : undefined,
      ),
    ).toBe(true);
    // Without the annotation nothing is written to the spec; the condition says what to add.
    const manualIP = await waitFor('address', () => claimAddress(c, ns, 'node-0-manual'));
    const missing = await waitFor('missing', async () => {
      const cond = await coverageOf('manual');
      return cond?.reason === 'MissingPreAllocations' && cond.message?.includes(manualIP) ? cond : undefined;
    });
    expect(missing.message).toContain(`add node-0-manual: ${manualIP}`);
    expect((await c.pools.get({ namespace: ns, name: 'manual' })).spec.preAllocations).toBeUndefined();
  });
});
