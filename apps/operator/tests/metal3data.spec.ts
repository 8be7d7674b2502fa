// End-to-end: the metal3data controllers with BMH name-based preallocation on, the IPAM
// controllers in the same operator, against a real API server. CAPM3's rolling-upgrade scenario
// (3 hosts, a template using two pools, every Metal3Data replaced with swapped indexes), coverage,
// auto-pin, and upstream's edge cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useKubeTestNamespace } from '@stableip/kube-testenv/vitest';
import { createTestNamespace } from '@stableip/kube-testenv';
import { EventResource, KubeClient, type CoreEvent } from '@stableip/kube-runtime';
import type { Condition, IPClaim } from '@stableip/ipam-core';
import { clients, ipClaim, runOperator, waitFor, type Clients, type OperatorProcess } from './support';
import {
  capm3Clients,
  createChain,
  createCluster,
  createHost,
  createPools,
  createTemplate,
  decodeSecret,
  deleteChain,
  firstGeneration,
  readyData,
  rollingUpgrade,
  waitGone,
  type Capm3Clients,
} from './metal3data-support';

const kube = useKubeTestNamespace('m3d-on');
let c: Clients;
let m: Capm3Clients;
let operator: OperatorProcess;
let ns: string;
let metricsPort: number;

const pools = { provisioning: 'provisioning-pool', baremetal: 'baremetalv4-pool' };
const hosts = ['node-0', 'node-1', 'node-2'];

beforeAll(async () => {
  ns = kube.namespace;
  c = clients(kube.kubeConfig);
  m = capm3Clients(c.client);
  operator = runOperator(kube.info.kubeconfig, [
    `--namespace=${ns}`,
    '--controllers=ipam,metal3data',
    '--enable-bmh-name-based-preallocation',
    '--leader-elect=false',
    '--enable-webhooks=false',
  ]);
  const started = await operator.started;
  metricsPort = started['metricsPort'] as number;
  await createCluster(c, ns);
});

afterAll(async () => {
  expect(await operator?.kill('SIGTERM')).toBe(0);
  c?.client.close();
});

const events = async (name: string): Promise<CoreEvent[]> =>
  (await c.client.resource(EventResource).list({ namespace: ns })).items.filter(
    (e) => e.involvedObject.name === name,
  );

describe('metal3data with --enable-bmh-name-based-preallocation', () => {
  it('logs the effective flag at start-up', () => {
    expect(
      operator.logs.some(
        (l) => l['enableBmhNameBasedPreallocation'] === true && l['msg'] === 'starting stableip operator',
      ),
    ).toBe(true);
  });

  it('rolling upgrade with preAllocations: every host keeps both IPs, claims and secrets as CAPM3 makes them', async () => {
    const preAllocations = {
      provisioning: Object.fromEntries(
        hosts.map((h, i) => [`${h}-${pools.provisioning}`, `172.22.0.${40 + i}`]),
      ),
      baremetal: Object.fromEntries(
        hosts.map((h, i) => [`${h}-${pools.baremetal}`, `192.168.111.${140 + i}`]),
      ),
    };
    await createPools(c, ns, pools, {
      provisioningRange: ['172.22.0.10', '172.22.0.60'],
      baremetalRange: ['192.168.111.100', '192.168.111.200'],
      preAllocations,
    });
    await createTemplate(m, ns, 'workers-template', pools);
    for (const host of hosts) await createHost(m, ns, host);

    const before = await firstGeneration(c, m, ns, { hosts, template: 'workers-template', pools, gen: 'g1' });
    for (const [i, host] of hosts.entries()) {
      expect(before.get(host)).toEqual({
        provisioning: `172.22.0.${40 + i}`,
        baremetal: `192.168.111.${140 + i}`,
      });
    }

    // The claim, the Metal3Data and the secrets of node-1 (index 1 in the first generation).
    const data = await readyData(m, ns, 'g1-node-1');
    expect(data.metadata.name).toBe('workers-template-1');
    expect(data.metadata.labels).toMatchObject({
      'cluster.x-k8s.io/cluster-name': 'c1',
      'infrastructure.cluster.x-k8s.io/data-name': 'workers-template-1',
      'stableip.dev/baremetalhost': 'node-1',
    });
    expect(data.metadata.finalizers).toEqual(
      expect.arrayContaining([
        'metal3dataclaim.infrastructure.cluster.x-k8s.io',
        'metal3data.infrastructure.cluster.x-k8s.io',
      ]),
    );
    const claim = await c.claims.get({ namespace: ns, name: 'node-1-baremetalv4-pool' });
    expect(claim.metadata.labels).toMatchObject({
      'cluster.x-k8s.io/cluster-name': 'c1',
      'infrastructure.cluster.x-k8s.io/data-name': 'workers-template-1',
      'infrastructure.cluster.x-k8s.io/pool-name': 'baremetalv4-pool',
      'stableip.dev/baremetalhost': 'node-1',
    });
    expect(claim.metadata.finalizers).toEqual(
      expect.arrayContaining(['metal3data.infrastructure.cluster.x-k8s.io', 'ipclaim.ipam.metal3.io']),
    );
    expect(claim.metadata.ownerReferences).toEqual([
      expect.objectContaining({
        kind: 'Metal3Data',
        name: 'workers-template-1',
        uid: data.metadata.uid,
        controller: true,
      }),
    ]);
    expect(claim.spec.pool).toEqual({ name: 'baremetalv4-pool', namespace: ns });
    expect(data.spec.metaData).toEqual({ name: 'g1-node-1-metadata', namespace: ns });
    const metaData = await m.secrets.get({ namespace: ns, name: 'g1-node-1-metadata' });
    expect(metaData.type).toBe('infrastructure.cluster.x-k8s.io/secret');
    expect(decodeSecret(metaData, 'metaData')).toBe(
      `providerid: ${ns}/node-1/g1-node-1\nprovisioningCIDR: "24"\nprovisioningIP: 172.22.0.41\n`,
    );
    const networkData = decodeSecret(
      await m.secrets.get({ namespace: ns, name: 'g1-node-1-networkdata' }),
      'networkData',
    );
    expect(networkData).toBe(
      [
        'links: []',
        'networks:',
        '- id: baremetalv4',
        '  ip_address: 192.168.111.141',
        '  link: enp2s0',
        '  netmask: 255.255.255.0',
        '  routes:',
        '  - gateway: 192.168.111.1',
        '    netmask: 0.0.0.0',
        '    network: 0.0.0.0',
        '    services:',
        '    - address: 192.168.111.53',
        '      type: dns',
        '  type: ipv4',
        'services: []',
        '',
      ].join('\n'),
    );
    const template = await m.templates.get({ namespace: ns, name: 'workers-template' });
    expect(template.status?.indexes).toEqual([
      { name: 'g1-node-0', index: 0 },
      { name: 'g1-node-1', index: 1 },
      { name: 'g1-node-2', index: 2 },
    ]);

    // Replace every Metal3Data; the new generation is created in reversed order (indexes swap).
    const after = await rollingUpgrade(c, m, ns, {
      hosts,
      template: 'workers-template',
      pools,
      from: 'g1',
      to: 'g2',
    });
    expect((await readyData(m, ns, 'g2-node-2')).metadata.name).toBe('workers-template-0');
    expect((await readyData(m, ns, 'g2-node-0')).metadata.name).toBe('workers-template-2');
    for (const host of hosts) expect(after.get(host)).toEqual(before.get(host));

    const pool = await c.pools.get({ namespace: ns, name: pools.baremetal });
    const covered = (pool.status?.['conditions'] as Condition[] | undefined)?.find(
      (cond) => cond.type === 'PreAllocationsCovered',
    );
    expect(covered).toMatchObject({ status: 'True', reason: 'Covered' });
  });

  it('reports coverage gaps and typos on the pool: condition, events naming the key, metric', async () => {
    const gapPools = { provisioning: 'gap-prov', baremetal: 'gap-bm' };
    await createPools(c, ns, gapPools, {
      provisioningRange: ['172.23.0.10', '172.23.0.60'],
      baremetalRange: ['192.168.112.100', '192.168.112.200'],
      // node-0's key is the docs' typo; node-1 has none at all
      preAllocations: { baremetal: { 'node-0-pool0': '192.168.112.150' } },
    });
    await createTemplate(m, ns, 'gap-template', gapPools);
    await createChain(m, ns, 'gap-node-0', 'node-0', 'gap-template');
    await readyData(m, ns, 'gap-node-0');
    const condition = await waitFor('coverage condition', async () => {
      const pool = await c.pools.get({ namespace: ns, name: 'gap-bm' });
      const found = (pool.status?.['conditions'] as Condition[] | undefined)?.find(
        (cond) => cond.type === 'PreAllocationsCovered',
      );
      return found?.status === 'False' && found.message?.includes('node-0-pool0') ? found : undefined;
    });
    expect(condition.reason).toBe('MissingPreAllocations');
    expect(condition.message).toMatch(/add node-0-gap-bm: 192\.168\.112\.\d+/);
    expect(condition.message).toContain(
      'node-0-pool0 matches no BareMetalHost (keys are <bmh>-gap-bm); did you mean node-0-gap-bm?',
    );
    const poolEvents = await waitFor('coverage events', async () => {
      const list = await events('gap-bm');
      return list.some((e) => e.reason === 'PreAllocationKeyUnknown') &&
        list.some(
          (e) =>
            e.reason === 'PreAllocationMissing' &&
            /add node-0-gap-bm: 192\.168\.112\.\d+/.test(e.message ?? ''),
        )
        ? list
        : undefined;
    });
    expect(poolEvents.find((e) => e.reason === 'PreAllocationKeyUnknown')?.message).toBe(
      'spec.preAllocations key node-0-pool0 matches no BareMetalHost (keys are <bmh>-gap-bm); did you mean node-0-gap-bm?',
    );
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toContain(
      `stableip_ippool_preallocation_gaps{namespace="${ns}",pool="gap-bm",key="node-0-pool0",problem="unknown",suggestion="node-0-gap-bm"} 1`,
    );
    expect(metrics).toContain(
      `stableip_ippool_preallocation_gaps{namespace="${ns}",pool="gap-bm",key="node-0-gap-bm",problem="missing",suggestion="node-0-gap-bm"} 1`,
    );
    await deleteChain(
      m,
      ns,
      'gap-node-0',
      (await m.dataClaims.get({ namespace: ns, name: 'gap-node-0' }).catch(() => undefined))?.status
        ?.renderedData?.name ?? 'gap-template-0',
    );
  });

  it('auto-pin: without manual preAllocations the second upgrade keeps the IPs', async () => {
    const apPools = { provisioning: 'ap-prov', baremetal: 'ap-bm' };
    const apHosts = ['ap-0', 'ap-1', 'ap-2'];
    await createPools(c, ns, apPools, {
      provisioningRange: ['172.24.0.10', '172.24.0.60'],
      baremetalRange: ['192.168.113.100', '192.168.113.200'],
      annotations: { 'stableip.dev/auto-pin': 'true' },
    });
    // A user-written entry for ap-2 that differs from what it would get: never overwritten.
    await c.pools.mergePatch(
      { namespace: ns, name: 'ap-bm' },
      {
        spec: { preAllocations: { 'ap-2-ap-bm': '192.168.113.199' } },
      },
    );
    await createTemplate(m, ns, 'ap-template', apPools);
    for (const host of apHosts) await createHost(m, ns, host);
    const first = await firstGeneration(c, m, ns, {
      hosts: apHosts,
      template: 'ap-template',
      pools: apPools,
      gen: 'a1',
    });
    expect(first.get('ap-2')?.baremetal).toBe('192.168.113.199');
    const pinned = await waitFor('auto-pinned preAllocations', async () => {
      const [prov, bm] = await Promise.all([
        c.pools.get({ namespace: ns, name: 'ap-prov' }),
        c.pools.get({ namespace: ns, name: 'ap-bm' }),
      ]);
      const keys = [
        ...Object.keys(prov.spec.preAllocations ?? {}),
        ...Object.keys(bm.spec.preAllocations ?? {}),
      ];
      return keys.length === 6 ? { prov, bm } : undefined;
    });
    for (const host of apHosts) {
      expect(pinned.prov.spec.preAllocations?.[`${host}-ap-prov`]).toBe(first.get(host)?.provisioning);
      expect(pinned.bm.spec.preAllocations?.[`${host}-ap-bm`]).toBe(first.get(host)?.baremetal);
    }
    expect(pinned.bm.spec.preAllocations?.['ap-2-ap-bm']).toBe('192.168.113.199');
    const managers = (
      pinned.bm.metadata.managedFields as Array<{ manager?: string; operation?: string }>
    ).map((f) => `${f.manager}/${f.operation}`);
    expect(managers).toContain('stableip-autopin/Apply');

    const second = await rollingUpgrade(c, m, ns, {
      hosts: apHosts,
      template: 'ap-template',
      pools: apPools,
      from: 'a1',
      to: 'a2',
    });
    for (const host of apHosts) expect(second.get(host)).toEqual(first.get(host));
  });

  it('a claim owned by another uid blocks the Metal3Data until it is deleted (reported as an event)', async () => {
    await createHost(m, ns, 'node-x');
    const foreign: IPClaim = ipClaim(ns, 'node-x-provisioning-pool', 'provisioning-pool', {
      ownerReferences: [
        {
          apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
          kind: 'Metal3Data',
          name: 'other-0',
          uid: '00000000-0000-4000-8000-000000000001',
        },
      ],
    });
    await c.claims.create(foreign);
    await createChain(m, ns, 'gx-node-x', 'node-x', 'workers-template');
    const dataName = await waitFor(
      'renderedData',
      async () => (await m.dataClaims.get({ namespace: ns, name: 'gx-node-x' })).status?.renderedData?.name,
    );
    const taken = await waitFor('IPClaimNameTaken event', async () =>
      (await events(dataName)).find((e) => e.reason === 'IPClaimNameTaken'),
    );
    expect(taken.message).toContain(
      'IPClaim node-x-provisioning-pool for IPPool provisioning-pool exists but is not owned by this Metal3Data (owner Metal3Data other-0)',
    );
    const waiting = await m.data.get({ namespace: ns, name: dataName });
    expect(waiting.status?.ready ?? false).toBe(false);
    expect(waiting.status?.errorMessage ?? '').toBe('');
    await c.claims.delete({ namespace: ns, name: 'node-x-provisioning-pool' });
    const ready = await readyData(m, ns, 'gx-node-x');
    const adopted = await waitFor('new claim', async () => {
      const claim = await c.claims.get({ namespace: ns, name: 'node-x-provisioning-pool' });
      return claim.metadata.ownerReferences?.[0]?.uid === ready.metadata.uid ? claim : undefined;
    });
    expect(adopted.metadata.labels?.['stableip.dev/baremetalhost']).toBe('node-x');
  });

  it('a deleting foreign claim loses our finalizer and is replaced', async () => {
    await createHost(m, ns, 'node-y');
    await c.claims.create(
      ipClaim(ns, 'node-y-baremetalv4-pool', 'baremetalv4-pool', {
        finalizers: ['metal3data.infrastructure.cluster.x-k8s.io'],
        ownerReferences: [
          {
            apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
            kind: 'Metal3Data',
            name: 'old-9',
            uid: '00000000-0000-4000-8000-000000000002',
          },
        ],
      }),
    );
    const old = await waitFor('IPAM served the foreign claim', async () => {
      const claim = await c.claims.get({ namespace: ns, name: 'node-y-baremetalv4-pool' });
      return claim.status?.address ? claim : undefined;
    });
    await c.claims.delete({ namespace: ns, name: 'node-y-baremetalv4-pool' });
    await createChain(m, ns, 'gy-node-y', 'node-y', 'workers-template');
    const ready = await readyData(m, ns, 'gy-node-y');
    const replaced = await c.claims.get({ namespace: ns, name: 'node-y-baremetalv4-pool' });
    expect(replaced.metadata.uid).not.toBe(old.metadata.uid);
    expect(replaced.metadata.ownerReferences?.[0]?.uid).toBe(ready.metadata.uid);
  });

  it('a missing BareMetalHost makes the Metal3Data wait without an error; it proceeds once the host exists', async () => {
    await createChain(m, ns, 'gz-ghost', 'ghost', 'workers-template');
    const dataName = await waitFor(
      'renderedData',
      async () => (await m.dataClaims.get({ namespace: ns, name: 'gz-ghost' })).status?.renderedData?.name,
    );
    await new Promise((r) => setTimeout(r, 2000));
    const waiting = await m.data.get({ namespace: ns, name: dataName });
    expect(waiting.status?.ready ?? false).toBe(false);
    expect(waiting.status?.errorMessage ?? '').toBe('');
    expect(
      (await c.claims.list({ namespace: ns })).items.filter((cl) => cl.metadata.name?.startsWith('ghost-')),
    ).toEqual([]);
    await createHost(m, ns, 'ghost');
    await readyData(m, ns, 'gz-ghost');
    expect(
      (await c.claims.get({ namespace: ns, name: 'ghost-baremetalv4-pool' })).status?.address?.name,
    ).toBeTruthy();
  });

  it('surfaces IPAM failures as "IP Allocation for <pool> failed : <message>"', async () => {
    await createHost(m, ns, 'node-oob');
    const pool = await c.pools.get({ namespace: ns, name: 'provisioning-pool' });
    await c.pools.mergePatch(
      { namespace: ns, name: 'provisioning-pool' },
      {
        spec: { preAllocations: { 'node-oob-provisioning-pool': '10.99.0.1' } },
        metadata: { resourceVersion: pool.metadata.resourceVersion },
      },
    );
    await createChain(m, ns, 'go-node-oob', 'node-oob', 'workers-template');
    const dataName = await waitFor(
      'renderedData',
      async () => (await m.dataClaims.get({ namespace: ns, name: 'go-node-oob' })).status?.renderedData?.name,
    );
    const failed = await waitFor('errorMessage', async () => {
      const data = await m.data.get({ namespace: ns, name: dataName });
      return data.status?.errorMessage ? data : undefined;
    });
    expect(failed.status?.errorMessage).toBe(
      'IP Allocation for provisioning-pool failed : Pre-allocated IP out of bounds',
    );
    expect(failed.status?.ready ?? false).toBe(false);
  });

  it('Cluster API pools always get {metal3data}-{pool} IPAddressClaims, read back and released', async () => {
    await createHost(m, ns, 'node-capi');
    await m.templates.create({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'Metal3DataTemplate',
      metadata: { name: 'capi-template', namespace: ns },
      spec: {
        networkData: {
          networks: {
            ipv4: [
              {
                id: 'incluster',
                link: 'eth0',
                fromPoolRef: {
                  apiGroup: 'ipam.cluster.x-k8s.io',
                  kind: 'InClusterIPPool',
                  name: 'incluster',
                },
              },
            ],
          },
        },
      },
    });
    await createChain(m, ns, 'gc-node-capi', 'node-capi', 'capi-template');
    const dataName = await waitFor(
      'renderedData',
      async () =>
        (await m.dataClaims.get({ namespace: ns, name: 'gc-node-capi' })).status?.renderedData?.name,
    );
    const claimName = `${dataName}-incluster`;
    const claim = await waitFor('IPAddressClaim', async () =>
      c.capiClaims.get({ namespace: ns, name: claimName }),
    );
    expect(claim.spec.poolRef).toEqual({
      apiGroup: 'ipam.cluster.x-k8s.io',
      kind: 'InClusterIPPool',
      name: 'incluster',
    });
    expect(claim.metadata.finalizers).toContain('metal3data.infrastructure.cluster.x-k8s.io');
    // Play the in-cluster provider: an address and the claim's addressRef.
    await c.capiAddresses.create({
      apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
      kind: 'IPAddress',
      metadata: { name: claimName, namespace: ns },
      spec: {
        claimRef: { name: claimName },
        poolRef: { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: 'incluster' },
        address: '10.50.0.5',
        prefix: 24,
        gateway: '10.50.0.1',
      },
    });
    await c.capiClaims.patchStatus(
      { namespace: ns, name: claimName },
      { status: { addressRef: { name: claimName } } },
    );
    await readyData(m, ns, 'gc-node-capi');
    const networkData = decodeSecret(
      await m.secrets.get({ namespace: ns, name: 'gc-node-capi-networkdata' }),
      'networkData',
    );
    expect(networkData).toContain('ip_address: 10.50.0.5');
    expect(networkData).toContain('netmask: 255.255.255.0');
    await deleteChain(m, ns, 'gc-node-capi', dataName);
    await waitGone('IPAddressClaim released', () => c.capiClaims.get({ namespace: ns, name: claimName }));
  });

  it('release deletes labelled claims only in the Metal3Data namespace', async () => {
    const other = await createTestNamespace(kube.info, 'm3d-other');
    const otherClient = new KubeClient(other.kubeConfig, { fieldManager: 'e2e' });
    try {
      await createHost(m, ns, 'node-r');
      await createChain(m, ns, 'gr-node-r', 'node-r', 'workers-template');
      const data = await readyData(m, ns, 'gr-node-r');
      const dataName = data.metadata.name ?? '';
      // An identically labelled claim in another namespace (issue #1250): must survive.
      const twin = clients(other.kubeConfig).claims;
      await twin.create(
        ipClaim(other.name, 'node-r-provisioning-pool', 'provisioning-pool', {
          labels: {
            'infrastructure.cluster.x-k8s.io/data-name': dataName,
            'infrastructure.cluster.x-k8s.io/pool-name': 'provisioning-pool',
          },
        }),
      );
      await deleteChain(m, ns, 'gr-node-r', dataName);
      await waitGone('released claim', () =>
        c.claims.get({ namespace: ns, name: 'node-r-provisioning-pool' }),
      );
      expect(
        (await twin.get({ namespace: other.name, name: 'node-r-provisioning-pool' })).metadata.name,
      ).toBe('node-r-provisioning-pool');
    } finally {
      otherClient.close();
    }
  });
});
