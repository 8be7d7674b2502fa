// End-to-end: the metal3data controllers with BMH name-based preallocation off (CAPM3's default),
// then switched on with the legacy claims still present.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { EventResource } from '@stableip/kube-runtime';
import { clients, runOperator, waitFor, type Clients, type OperatorProcess } from './support';
import {
  capm3Clients,
  createChain,
  createCluster,
  createHost,
  createPools,
  createTemplate,
  deleteChain,
  firstGeneration,
  hostIPs,
  readyData,
  rollingUpgrade,
  waitGone,
  type Capm3Clients,
} from './metal3data-support';

const kube = useKubeTestNamespace('m3d-off');
let c: Clients;
let m: Capm3Clients;
let operator: OperatorProcess | undefined;
let ns: string;

const pools = { provisioning: 'provisioning-pool', baremetal: 'baremetalv4-pool' };
const hosts = ['node-0', 'node-1', 'node-2'];

function start(args: string[], env: Record<string, string> = {}): OperatorProcess {
  return runOperator(
    kube.info.kubeconfig,
    [
      `--namespace=${ns}`,
      '--controllers=ipam,metal3data',
      '--leader-elect=false',
      '--enable-webhooks=false',
      ...args,
    ],
    env,
  );
}

beforeAll(async () => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
  m = capm3Clients(c.client);
  operator = start([]);
  await operator.started;
  await createCluster(c, ns);
});

afterAll(async () => {
  expect(await operator?.kill('SIGTERM')).toBe(0);
  c?.client.close();
});

describe('metal3data without BMH name-based preallocation', () => {
  it('claims are named {metal3data}-{pool} and IPs can move when indexes swap', async () => {
    expect(
      operator?.logs.some(
        (l) => l['msg'] === 'starting stableip operator' && l['enableBmhNameBasedPreallocation'] === false,
      ),
    ).toBe(true);
    await createPools(c, ns, pools, {
      provisioningRange: ['172.22.0.10', '172.22.0.60'],
      baremetalRange: ['192.168.111.100', '192.168.111.200'],
    });
    await createTemplate(m, ns, 'workers-template', pools);
    for (const host of hosts) await createHost(m, ns, host);
    const before = await firstGeneration(c, m, ns, { hosts, template: 'workers-template', pools, gen: 'g1' });
    const claim = await c.claims.get({ namespace: ns, name: 'workers-template-0-provisioning-pool' });
    // Flag off: the Metal3Data's labels only (plus stableip's host label), no data-name/pool-name.
    expect(claim.metadata.labels).toEqual({
      'cluster.x-k8s.io/cluster-name': 'c1',
      'stableip.dev/baremetalhost': 'node-0',
    });

    const after = await rollingUpgrade(c, m, ns, {
      hosts,
      template: 'workers-template',
      pools,
      from: 'g1',
      to: 'g2',
    });
    // Same addresses in use, but not by the same hosts: node-2 now has index 0.
    const sorted = (map: Map<string, { provisioning: string }>) =>
      [...map.values()].map((v) => v.provisioning).sort();
    expect(sorted(after)).toEqual(sorted(before));
    const moved = hosts.filter((h) => after.get(h)?.provisioning !== before.get(h)?.provisioning);
    expect(moved.length).toBeGreaterThan(0);
    expect(after.get('node-2')).toEqual(before.get('node-0'));
  });

  it('switching the flag on keeps legacy claims, names new ones {bmh}-{pool} and releases legacy ones by name', async () => {
    expect(await operator?.kill('SIGTERM')).toBe(0);
    // The env variable of the manifest (upstream only templates it; stableip also reads it).
    operator = start([], { ENABLE_BMH_NAME_BASED_PREALLOCATION: 'true' });
    await operator.started;
    expect(
      operator.logs.some(
        (l) => l['msg'] === 'starting stableip operator' && l['enableBmhNameBasedPreallocation'] === true,
      ),
    ).toBe(true);

    // Existing Metal3Data keep their legacy claims (nothing is renamed or migrated).
    const legacyData = await readyData(m, ns, 'g2-node-1');
    const legacyName = `${legacyData.metadata.name}-provisioning-pool`;
    const legacyClaim = await c.claims.get({ namespace: ns, name: legacyName });
    expect(legacyClaim.metadata.ownerReferences?.[0]?.uid).toBe(legacyData.metadata.uid);
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      (await c.claims.list({ namespace: ns })).items.some(
        (cl) => cl.metadata.name === 'node-1-provisioning-pool',
      ),
    ).toBe(false);

    // A new host gets BMH-named claims with upstream's labels.
    await createHost(m, ns, 'node-3');
    await createChain(m, ns, 'g2-node-3', 'node-3', 'workers-template');
    const fresh = await readyData(m, ns, 'g2-node-3');
    const named = await c.claims.get({ namespace: ns, name: 'node-3-baremetalv4-pool' });
    expect(named.metadata.labels).toMatchObject({
      'infrastructure.cluster.x-k8s.io/data-name': fresh.metadata.name,
      'infrastructure.cluster.x-k8s.io/pool-name': 'baremetalv4-pool',
      'stableip.dev/baremetalhost': 'node-3',
    });

    // Replacing node-1's machine: its unlabelled legacy claims are released by name.
    await deleteChain(m, ns, 'g2-node-1', legacyData.metadata.name ?? '');
    await waitGone('legacy claim released', () => c.claims.get({ namespace: ns, name: legacyName }));
    await createChain(m, ns, 'g3-node-1', 'node-1', 'workers-template');
    const replaced = await readyData(m, ns, 'g3-node-1');
    const ips = await hostIPs(c, ns, replaced, pools);
    expect(ips.provisioning).toMatch(/^172\.22\.0\./);
    expect(
      (await c.claims.get({ namespace: ns, name: 'node-1-provisioning-pool' })).metadata.ownerReferences?.[0]
        ?.uid,
    ).toBe(replaced.metadata.uid);
  });

  it('reports a claim-name collision (BMH a-b + pool c versus BMH a + pool b-c) and waits', async () => {
    await createPools(
      c,
      ns,
      { provisioning: 'c', baremetal: 'b-c' },
      {
        provisioningRange: ['172.25.0.10', '172.25.0.60'],
        baremetalRange: ['192.168.115.100', '192.168.115.200'],
      },
    );
    await createTemplate(m, ns, 'collide-template', { provisioning: 'c', baremetal: 'b-c' });
    await createHost(m, ns, 'a');
    await createHost(m, ns, 'a-b');
    await createChain(m, ns, 'x-a', 'a', 'collide-template');
    const first = await readyData(m, ns, 'x-a');
    expect((await c.claims.get({ namespace: ns, name: 'a-b-c' })).metadata.ownerReferences?.[0]?.uid).toBe(
      first.metadata.uid,
    );
    await createChain(m, ns, 'x-a-b', 'a-b', 'collide-template');
    const dataName = await waitFor(
      'renderedData',
      async () => (await m.dataClaims.get({ namespace: ns, name: 'x-a-b' })).status?.renderedData?.name,
    );
    const event = await waitFor('collision event', async () =>
      (await c.client.resource(EventResource).list({ namespace: ns })).items.find(
        (e) => e.involvedObject.name === dataName && e.reason === 'IPClaimNameTaken',
      ),
    );
    expect(event.message).toContain(
      `IPClaim a-b-c for IPPool c exists but is not owned by this Metal3Data (owner Metal3Data ${first.metadata.name})`,
    );
    expect((await m.data.get({ namespace: ns, name: dataName })).status?.ready ?? false).toBe(false);
  });
});
