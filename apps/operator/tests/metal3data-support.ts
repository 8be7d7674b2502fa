// e2e helpers for the metal3data controllers: the CAPM3 object chain as CAPI and CAPM3 would
// create it (Cluster, BareMetalHost, Machine → Metal3Machine with the host annotation →
// Metal3DataClaim), a two-pool template, and a rolling upgrade that replaces every Metal3Data.
import { isNotFound, type KubeClient, type ResourceClient } from '@stableip/kube-runtime';
import type {
  BareMetalHost,
  IPPool,
  Machine,
  Metal3Data,
  Metal3DataClaim,
  Metal3DataTemplate,
  Metal3Machine,
} from '@stableip/ipam-core';
import {
  BareMetalHostResource,
  MachineResource,
  Metal3DataClaimResource,
  Metal3DataResource,
  Metal3DataTemplateResource,
  Metal3MachineResource,
  SecretResource,
  type Secret,
} from '../src/metal3data/resources';
import { claimAddress, ipPool, waitFor, type Clients } from './support';

export const CLUSTER = 'c1';
const CAPM3 = 'infrastructure.cluster.x-k8s.io/v1beta2';

export interface Capm3Clients {
  hosts: ResourceClient<BareMetalHost>;
  machines: ResourceClient<Machine>;
  metal3Machines: ResourceClient<Metal3Machine>;
  dataClaims: ResourceClient<Metal3DataClaim>;
  data: ResourceClient<Metal3Data>;
  templates: ResourceClient<Metal3DataTemplate>;
  secrets: ResourceClient<Secret>;
}

export function capm3Clients(client: KubeClient): Capm3Clients {
  return {
    hosts: client.resource(BareMetalHostResource),
    machines: client.resource(MachineResource),
    metal3Machines: client.resource(Metal3MachineResource),
    dataClaims: client.resource(Metal3DataClaimResource),
    data: client.resource(Metal3DataResource),
    templates: client.resource(Metal3DataTemplateResource),
    secrets: client.resource(SecretResource),
  };
}

export async function createCluster(c: Clients, ns: string): Promise<void> {
  await c.clusters.create({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Cluster',
    metadata: { name: CLUSTER, namespace: ns },
    spec: {},
  });
}

export async function createHost(m: Capm3Clients, ns: string, name: string): Promise<void> {
  await m.hosts.create({
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name, namespace: ns },
    spec: {},
  });
}

export interface TwoPools {
  provisioning: string;
  baremetal: string;
}

/** Two pools as in CAPM3's e2e: a provisioning network and a baremetal network with gateway/DNS. */
export async function createPools(
  c: Clients,
  ns: string,
  pools: TwoPools,
  options: {
    provisioningRange: [string, string];
    baremetalRange: [string, string];
    preAllocations?: Partial<Record<keyof TwoPools, Record<string, string>>>;
    annotations?: Record<string, string>;
  },
): Promise<void> {
  const make = (name: string, spec: Partial<IPPool['spec']>): IPPool => {
    const pool = ipPool(ns, name, spec);
    if (options.annotations) pool.metadata.annotations = options.annotations;
    return pool;
  };
  await c.pools.create(
    make(pools.provisioning, {
      pools: [{ start: options.provisioningRange[0], end: options.provisioningRange[1] }],
      prefix: 24,
      ...(options.preAllocations?.provisioning
        ? { preAllocations: options.preAllocations.provisioning }
        : {}),
    }),
  );
  await c.pools.create(
    make(pools.baremetal, {
      pools: [{ start: options.baremetalRange[0], end: options.baremetalRange[1] }],
      prefix: 24,
      gateway: '192.168.111.1',
      dnsServers: ['192.168.111.53'],
      ...(options.preAllocations?.baremetal ? { preAllocations: options.preAllocations.baremetal } : {}),
    }),
  );
}

/** A template using both pools: metaData ip from provisioning, networkData ipv4 + route + DNS from baremetal. */
export async function createTemplate(
  m: Capm3Clients,
  ns: string,
  name: string,
  pools: TwoPools,
): Promise<void> {
  await m.templates.create({
    apiVersion: CAPM3,
    kind: 'Metal3DataTemplate',
    metadata: { name, namespace: ns, labels: { 'cluster.x-k8s.io/cluster-name': CLUSTER } },
    spec: {
      clusterName: CLUSTER,
      metaData: {
        ipAddressesFromPool: [{ key: 'provisioningIP', name: pools.provisioning }],
        prefixesFromPool: [{ key: 'provisioningCIDR', name: pools.provisioning }],
      },
      networkData: {
        networks: {
          ipv4: [
            {
              id: 'baremetalv4',
              link: 'enp2s0',
              ipAddressFromIPPool: pools.baremetal,
              routes: [
                {
                  network: '0.0.0.0',
                  prefix: 0,
                  gateway: { fromIPPool: pools.baremetal },
                  services: { dnsFromIPPool: pools.baremetal },
                },
              ],
            },
          ],
        },
      },
    },
  });
}

/**
 * One machine of a generation as CAPI/CAPM3 create it: Machine, Metal3Machine (owned by the
 * Machine, annotated with the host, pointing at the template), Metal3DataClaim named like the
 * Metal3Machine and owned by it.
 */
export async function createChain(
  m: Capm3Clients,
  ns: string,
  machineName: string,
  host: string,
  template: string,
): Promise<void> {
  const labels = { 'cluster.x-k8s.io/cluster-name': CLUSTER };
  const machine = await m.machines.create({
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Machine',
    metadata: { name: machineName, namespace: ns, labels },
    spec: { clusterName: CLUSTER },
  });
  const metal3Machine = await m.metal3Machines.create({
    apiVersion: CAPM3,
    kind: 'Metal3Machine',
    metadata: {
      name: machineName,
      namespace: ns,
      labels,
      annotations: { 'metal3.io/BareMetalHost': `${ns}/${host}` },
      ownerReferences: [
        {
          apiVersion: 'cluster.x-k8s.io/v1beta2',
          kind: 'Machine',
          name: machineName,
          uid: machine.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: { dataTemplate: { name: template } },
  });
  await m.dataClaims.create({
    apiVersion: CAPM3,
    kind: 'Metal3DataClaim',
    metadata: {
      name: machineName,
      namespace: ns,
      labels,
      ownerReferences: [
        {
          apiVersion: CAPM3,
          kind: 'Metal3Machine',
          name: machineName,
          uid: metal3Machine.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: { template: { name: template } },
  });
}

/** The Metal3Data rendered for a Metal3DataClaim, once it is ready. */
export async function readyData(
  m: Capm3Clients,
  ns: string,
  claimName: string,
  timeoutMs = 90_000,
): Promise<Metal3Data> {
  return waitFor(
    `Metal3Data of ${claimName} ready`,
    async () => {
      const claim = await m.dataClaims.get({ namespace: ns, name: claimName });
      const name = claim.status?.renderedData?.name;
      if (!name) return undefined;
      const data = await m.data.get({ namespace: ns, name });
      return data.status?.ready ? data : undefined;
    },
    { timeoutMs, intervalMs: 300 },
  );
}

/** Deletes a generation's chain (claim first, as CAPM3's Metal3Machine does) and waits until its Metal3Data are gone. */
export async function deleteChain(
  m: Capm3Clients,
  ns: string,
  machineName: string,
  dataName: string,
): Promise<void> {
  for (const client of [m.dataClaims, m.metal3Machines, m.machines] as Array<
    ResourceClient<Metal3DataClaim>
  >) {
    try {
      await client.delete({ namespace: ns, name: machineName });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  await waitFor(
    `Metal3Data ${dataName} gone`,
    async () => {
      try {
        await m.data.get({ namespace: ns, name: dataName });
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    },
    { timeoutMs: 90_000, intervalMs: 300 },
  );
}

export async function waitGone(
  what: string,
  probe: () => Promise<unknown>,
  timeoutMs = 90_000,
): Promise<void> {
  await waitFor(
    what,
    async () => {
      try {
        await probe();
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    },
    { timeoutMs, intervalMs: 300 },
  );
}

export interface HostIPs {
  provisioning: string;
  baremetal: string;
}

/** The two IPs a host holds, from the claims of its Metal3Data (whatever their names). */
export async function hostIPs(c: Clients, ns: string, data: Metal3Data, pools: TwoPools): Promise<HostIPs> {
  const claims = (await c.claims.list({ namespace: ns })).items.filter((claim) =>
    (claim.metadata.ownerReferences ?? []).some(
      (r) => r.kind === 'Metal3Data' && r.uid === data.metadata.uid,
    ),
  );
  const ipOf = async (pool: string) => {
    const claim = claims.find((cl) => cl.spec.pool.name === pool);
    if (!claim) throw new Error(`no claim of ${data.metadata.name} for ${pool}`);
    const ip = await claimAddress(c, ns, claim.metadata.name ?? '');
    if (!ip) throw new Error(`claim ${claim.metadata.name} has no address`);
    return ip;
  };
  return { provisioning: await ipOf(pools.provisioning), baremetal: await ipOf(pools.baremetal) };
}

export function decodeSecret(secret: Secret, key: string): string {
  return Buffer.from(secret.data?.[key] ?? '', 'base64').toString('utf8');
}

/**
 * CAPM3's e2e rolling upgrade: generation `from` exists for every host; delete every chain
 * (waiting until the claims are released), then create generation `to` in reversed host order so
 * the Metal3Data indexes swap. Returns each host's IPs after the upgrade.
 */
export async function rollingUpgrade(
  c: Clients,
  m: Capm3Clients,
  ns: string,
  options: { hosts: string[]; template: string; pools: TwoPools; from: string; to: string },
): Promise<Map<string, HostIPs>> {
  const old = new Map<string, Metal3Data>();
  for (const host of options.hosts) old.set(host, await readyData(m, ns, `${options.from}-${host}`));
  for (const host of options.hosts) {
    await deleteChain(m, ns, `${options.from}-${host}`, old.get(host)?.metadata.name ?? '');
  }
  // Every claim of the old generation is released before the new one starts (maxSurge 0).
  for (const data of old.values()) {
    await waitFor(
      `claims of ${data.metadata.name} released`,
      async () =>
        (await c.claims.list({ namespace: ns })).items.every(
          (claim) => !(claim.metadata.ownerReferences ?? []).some((r) => r.uid === data.metadata.uid),
        ),
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  }
  for (const host of [...options.hosts].reverse()) {
    await createChain(m, ns, `${options.to}-${host}`, host, options.template);
    // One at a time, as a rollout with maxSurge 0 would: index order follows creation order.
    await waitFor(
      `Metal3Data for ${options.to}-${host}`,
      async () =>
        (await m.dataClaims.get({ namespace: ns, name: `${options.to}-${host}` })).status?.renderedData?.name,
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  }
  const result = new Map<string, HostIPs>();
  for (const host of options.hosts) {
    const data = await readyData(m, ns, `${options.to}-${host}`);
    result.set(host, await hostIPs(c, ns, data, options.pools));
  }
  return result;
}

/** Creates generation `gen` in host order and returns each host's IPs once ready. */
export async function firstGeneration(
  c: Clients,
  m: Capm3Clients,
  ns: string,
  options: { hosts: string[]; template: string; pools: TwoPools; gen: string },
): Promise<Map<string, HostIPs>> {
  for (const host of options.hosts) {
    await createChain(m, ns, `${options.gen}-${host}`, host, options.template);
    await waitFor(
      `Metal3Data for ${options.gen}-${host}`,
      async () =>
        (await m.dataClaims.get({ namespace: ns, name: `${options.gen}-${host}` })).status?.renderedData
          ?.name,
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  }
  const result = new Map<string, HostIPs>();
  for (const host of options.hosts) {
    const data = await readyData(m, ns, `${options.gen}-${host}`);
    result.set(host, await hostIPs(c, ns, data, options.pools));
  }
  return result;
}
