// Property: on generated worlds, the Metal3Data reconciler (its own read path over the objects)
// and `stableip plan` (its snapshot store) reach the same CAPM3 decision for the Metal3Data:
// which claims to create (names, labels, owner, finalizer, pool), adopt, wait for or strip, which
// to release, and which labels the Metal3Data ends up with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideMetal3Data,
  planMetal3DataDecisions,
  type BareMetalHost,
  type Cluster,
  type IPAddressClaim,
  type IPClaim,
  type KubeObject,
  type Machine,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
  type Metal3Machine,
  type PlanSnapshot,
} from '@stableip/ipam-core';
import { readMetal3DataWorld, type Metal3DataReads } from './world-reader';

const NS = 'ns1';
const CAPM3 = 'infrastructure.cluster.x-k8s.io/v1beta2';
const DATA = 'tmpl-0';
const UID = 'uid-data';
const CAPM3_FINALIZER = 'metal3data.infrastructure.cluster.x-k8s.io';
const IPAM_FINALIZER = 'ipclaim.ipam.metal3.io';
const POOLS = ['pa', 'pb', 'b-pc'];
const HOSTS = ['node-0', 'a', 'a-b'];

interface WorldSpec {
  flag: boolean;
  pools: Array<{ name: string; capi: boolean }>;
  clusterLabel: boolean;
  cluster: 'present' | 'absent' | 'paused';
  deleting: boolean;
  dataFinalizer: boolean;
  dataClaim: boolean;
  metal3Machine: boolean;
  annotation: 'host' | 'none' | 'malformed';
  templateMatches: boolean;
  machine: boolean;
  host: string;
  hostExists: boolean;
  claims: Array<{
    name: string;
    pool: string;
    owner: 'this' | 'other' | 'none';
    deleting: boolean;
    capmFinalizer: boolean;
    labelled: boolean;
    namespace: string;
  }>;
}

const worldSpec: fc.Arbitrary<WorldSpec> = fc
  .record({
    flag: fc.boolean(),
    pools: fc.uniqueArray(
      fc.record({ name: fc.constantFrom(...POOLS), capi: fc.constantFrom(false, false, true) }),
      { minLength: 1, maxLength: 3, selector: (p) => p.name },
    ),
    clusterLabel: fc.boolean(),
    cluster: fc.constantFrom('present', 'present', 'present', 'absent', 'paused'),
    deleting: fc.boolean(),
    dataFinalizer: fc.boolean(),
    dataClaim: fc.boolean(),
    metal3Machine: fc.constantFrom(true, true, true, false),
    annotation: fc.constantFrom('host', 'host', 'host', 'none', 'malformed'),
    templateMatches: fc.constantFrom(true, true, true, false),
    machine: fc.constantFrom(true, true, true, false),
    host: fc.constantFrom(...HOSTS),
    hostExists: fc.constantFrom(true, true, true, false),
    claimSeeds: fc.array(
      fc.record({
        form: fc.constantFrom('data', 'host', 'otherHost'),
        pool: fc.constantFrom(...POOLS),
        owner: fc.constantFrom('this', 'other', 'none'),
        deleting: fc.boolean(),
        capmFinalizer: fc.boolean(),
        labelled: fc.boolean(),
        namespace: fc.constantFrom(NS, NS, 'ns2'),
      }),
      { maxLength: 5 },
    ),
  })
  .map(({ claimSeeds, ...rest }) => {
    const seen = new Set<string>();
    const claims: WorldSpec['claims'] = [];
    for (const seed of claimSeeds) {
      const prefix = seed.form === 'data' ? DATA : seed.form === 'host' ? rest.host : 'node-9';
      const name = `${prefix}-${seed.pool}`;
      if (seen.has(`${seed.namespace}/${name}`)) continue;
      seen.add(`${seed.namespace}/${name}`);
      claims.push({ name, ...seed });
    }
    return { ...rest, claims };
  });

function snapshotOf(spec: WorldSpec): PlanSnapshot {
  const clusterLabels = spec.clusterLabel ? { 'cluster.x-k8s.io/cluster-name': 'c1' } : undefined;
  const clusters: Cluster[] =
    spec.cluster === 'absent'
      ? []
      : [
          {
            apiVersion: 'cluster.x-k8s.io/v1beta2',
            kind: 'Cluster',
            metadata: { name: 'c1', namespace: NS },
            spec: { paused: spec.cluster === 'paused' },
          },
        ];
  const metal3Pools = spec.pools.filter((p) => !p.capi);
  const capiPools = spec.pools.filter((p) => p.capi);
  const template: Metal3DataTemplate = {
    apiVersion: CAPM3,
    kind: 'Metal3DataTemplate',
    metadata: { name: 'tmpl', namespace: NS },
    spec: {
      metaData: { ipAddressesFromPool: metal3Pools.map((p) => ({ key: `ip-${p.name}`, name: p.name })) },
      networkData: {
        networks: {
          ipv4: capiPools.map((p) => ({
            id: p.name,
            link: 'eth0',
            fromPoolRef: { name: p.name, apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool' },
          })),
        },
      },
    },
  };
  const machine: Machine = {
    apiVersion: 'cluster.x-k8s.io/v1beta2',
    kind: 'Machine',
    metadata: { name: 'm0', namespace: NS, uid: 'uid-machine' },
    spec: { clusterName: 'c1' },
  };
  // One unrelated Machine, so the planner applies CAPM3's Machine gate as the operator does.
  const machines: Machine[] = [
    { ...machine, metadata: { name: 'unrelated', namespace: NS } },
    ...(spec.machine ? [machine] : []),
  ];
  const annotations: Record<string, string> | undefined =
    spec.annotation === 'host'
      ? { 'metal3.io/BareMetalHost': `${NS}/${spec.host}` }
      : spec.annotation === 'malformed'
        ? { 'metal3.io/BareMetalHost': 'x/y/z' }
        : undefined;
  const metal3Machine: Metal3Machine = {
    apiVersion: CAPM3,
    kind: 'Metal3Machine',
    metadata: {
      name: 'm0',
      namespace: NS,
      ...(annotations ? { annotations } : {}),
      ownerReferences: [
        { apiVersion: 'cluster.x-k8s.io/v1beta2', kind: 'Machine', name: 'm0', uid: 'uid-machine' },
      ],
    },
    spec: { dataTemplate: { name: spec.templateMatches ? 'tmpl' : 'other' } },
  };
  const dataClaim: Metal3DataClaim = {
    apiVersion: CAPM3,
    kind: 'Metal3DataClaim',
    metadata: {
      name: 'm0',
      namespace: NS,
      ownerReferences: [{ apiVersion: CAPM3, kind: 'Metal3Machine', name: 'm0', uid: 'uid-m3m' }],
    },
    spec: { template: { name: 'tmpl' } },
  };
  const host: BareMetalHost = {
    apiVersion: 'metal3.io/v1alpha1',
    kind: 'BareMetalHost',
    metadata: { name: spec.host, namespace: NS },
  };
  const data: Metal3Data = {
    apiVersion: CAPM3,
    kind: 'Metal3Data',
    metadata: {
      name: DATA,
      namespace: NS,
      uid: UID,
      ...(clusterLabels ? { labels: clusterLabels } : {}),
      ...(spec.dataFinalizer ? { finalizers: [CAPM3_FINALIZER] } : {}),
      ...(spec.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { index: 0, template: { name: 'tmpl' }, claim: { name: 'm0' } },
  };
  const ipClaims: IPClaim[] = [];
  const ipAddressClaims: IPAddressClaim[] = [];
  for (const claim of spec.claims) {
    const owner =
      claim.owner === 'none'
        ? []
        : [
            {
              apiVersion: CAPM3,
              kind: 'Metal3Data',
              name: claim.owner === 'this' ? DATA : 'tmpl-9',
              uid: claim.owner === 'this' ? UID : 'uid-other',
              controller: true,
            },
          ];
    const metadata = {
      name: claim.name,
      namespace: claim.namespace,
      ...(claim.labelled
        ? {
            labels: {
              'infrastructure.cluster.x-k8s.io/data-name': DATA,
              'infrastructure.cluster.x-k8s.io/pool-name': claim.pool,
            },
          }
        : {}),
      ownerReferences: owner,
      finalizers: claim.capmFinalizer ? [CAPM3_FINALIZER, IPAM_FINALIZER] : [IPAM_FINALIZER],
      ...(claim.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    };
    if (spec.pools.find((p) => p.name === claim.pool)?.capi) {
      ipAddressClaims.push({
        apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
        kind: 'IPAddressClaim',
        metadata,
        spec: { poolRef: { apiGroup: 'ipam.cluster.x-k8s.io', kind: 'InClusterIPPool', name: claim.pool } },
      });
    } else {
      ipClaims.push({
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata,
        spec: { pool: { name: claim.pool, namespace: NS } },
      });
    }
  }
  return {
    clusters,
    metal3Data: [data],
    metal3DataClaims: spec.dataClaim ? [dataClaim] : [],
    metal3DataTemplates: [template],
    metal3Machines: spec.metal3Machine ? [metal3Machine] : [],
    machines,
    bareMetalHosts: spec.hostExists ? [host] : [],
    ipClaims,
    ipAddressClaims,
  };
}

/** The reads the reconciler makes, answered from the snapshot's objects (a cluster holding exactly them). */
function snapshotReads(snapshot: PlanSnapshot): Metal3DataReads {
  const find = <T extends KubeObject>(items: readonly T[] | undefined, namespace: string, name: string) =>
    Promise.resolve(
      (items ?? []).find((o) => (o.metadata.namespace ?? '') === namespace && o.metadata.name === name),
    );
  return {
    cluster: (ns, name) => find(snapshot.clusters, ns, name),
    template: (ns, name) => find(snapshot.metal3DataTemplates, ns, name),
    dataClaim: (ns, name) => find(snapshot.metal3DataClaims, ns, name),
    metal3Machine: (ns, name) => find(snapshot.metal3Machines, ns, name),
    machine: (ns, name) => find(snapshot.machines, ns, name),
    host: (ns, name) => find(snapshot.bareMetalHosts, ns, name),
    claim: (kind, ns, name) =>
      kind === 'IPClaim' ? find(snapshot.ipClaims, ns, name) : find(snapshot.ipAddressClaims, ns, name),
    claimsLabelled: (ns, selector) => {
      const [key, value] = selector.split('=');
      return Promise.resolve(
        (snapshot.ipClaims ?? []).filter(
          (c) => c.metadata.namespace === ns && key !== undefined && c.metadata.labels?.[key] === value,
        ),
      );
    },
    secretExists: () => Promise.resolve(false),
  };
}

describe('the operator and the planner share one CAPM3 model', () => {
  it('decide the same for every generated Metal3Data world', async () => {
    await fc.assert(
      fc.asyncProperty(worldSpec, async (spec) => {
        const snapshot = snapshotOf(spec);
        const planned = planMetal3DataDecisions(snapshot, { bmhNameBasedPreallocation: spec.flag });
        const data = snapshot.metal3Data![0]!;
        const world = await readMetal3DataWorld(snapshotReads(snapshot), data, spec.flag);
        expect(decideMetal3Data(world)).toEqual(planned.get(`${NS}/${DATA}`));
      }),
      { numRuns: 300 },
    );
  });

  it('the generated worlds reach every kind of decision', () => {
    const kinds = new Set<string>();
    const actions = new Set<string>();
    fc.assert(
      fc.property(worldSpec, (spec) => {
        const decision = planMetal3DataDecisions(snapshotOf(spec), {
          bmhNameBasedPreallocation: spec.flag,
        }).get(`${NS}/${DATA}`);
        kinds.add(decision?.kind ?? 'none');
        if (decision?.kind === 'ensure')
          for (const pool of decision.pools) actions.add(`${pool.kind}:${pool.action}`);
        if (decision?.kind === 'release' && decision.claims.length > 0) actions.add('release');
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...kinds].sort()).toEqual(['ensure', 'fail', 'ignore', 'release', 'wait']);
    expect([...actions].sort()).toEqual(
      expect.arrayContaining([
        'IPClaim:create',
        'IPClaim:use',
        'IPClaim:wait',
        'IPAddressClaim:create',
        'release',
      ]),
    );
  });
});
