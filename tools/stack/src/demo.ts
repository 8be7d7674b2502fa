// The demo seeder: applies examples/demo, renders the Metal3Data as CAPM3's template controller
// would (lowest free index), waits until every host holds one address per pool, then performs a
// rolling upgrade — every chain deleted, the next generation created in shuffled order, so indexes
// land on different hosts — and compares the addresses before and after.
//
// When the operator build has no `metal3data` controller group, `simulateCapm3Claims` makes the
// seeder also create and release the `{bmh}-{pool}` IPClaims (CAPM3's Metal3Data controller), and
// when nobody auto-pins within a grace period the seeder pins itself; both are announced.
import { isAlreadyExists, isNotFound, type KubeClient, type OwnerReference } from '@stableip/kube-runtime';
import {
  compareSnapshots,
  lowestFreeIndex,
  nameSuffix,
  renameChain,
  seededRandom,
  shuffled,
  type DemoModel,
  type HostChain,
  type HostComparison,
  type Snapshot,
} from './demo-model';
import { Resources, sleep, waitUntil, type Obj } from './kube';
import type { StepUpdate } from './progress';

export const AUTO_PIN_ANNOTATION = 'stableip.dev/auto-pin';
export const HOST_LABEL = 'stableip.dev/baremetalhost';
const DATA_NAME_LABEL = 'infrastructure.cluster.x-k8s.io/data-name';
const POOL_NAME_LABEL = 'infrastructure.cluster.x-k8s.io/pool-name';

export interface DemoContext {
  client: KubeClient;
  model: DemoModel;
  /** Play CAPM3's Metal3Data controller for the IPClaims (operator without `metal3data`). */
  simulateCapm3Claims: boolean;
  /** The operator runs a Metal3DataTemplate controller (the `metal3data` group): it renders Metal3Data. */
  operatorRendersData: boolean;
  renderTimeoutMs?: number;
  /** Claims left unallocated without an error this long get their pools touched (default 30 s). */
  nudgeAfterMs?: number;
  /** How many times the pools had to be touched (reported: it means the operator missed a claim). */
  nudges?: number;
  /** Announcements for the terminal (fallbacks taken, indexes, ...). */
  note: (line: string) => void;
  timeoutMs?: number;
}

export interface Generation {
  /** host → its chain and rendered Metal3Data */
  chains: Map<string, HostChain & { metal3Data: string; index: number; uid: string }>;
}

function ownerRef(object: Obj, controller: boolean): OwnerReference {
  return {
    apiVersion: object.apiVersion!,
    kind: object.kind!,
    name: object.metadata!.name!,
    uid: object.metadata!.uid!,
    ...(controller ? { controller: true, blockOwnerDeletion: true } : {}),
  };
}

/** Server-side applies the base objects (idempotent: a re-run against a real cluster is fine). */
export async function applyBase(ctx: DemoContext): Promise<void> {
  for (const object of ctx.model.base) {
    const resource = Object.values(Resources).find((r) => r.kind === object.kind)!;
    const { status, ...spec } = object;
    const applied = await ctx.client.resource(resource).apply(spec as Obj, { force: true });
    // BareMetalHosts carry what inspection found (hardwareDetails: CAPM3 renders MACs from it).
    if (status && resource.kind === 'BareMetalHost') {
      const meta = { name: applied.metadata!.name, namespace: applied.metadata!.namespace };
      await ctx.client
        .resource(resource)
        .applyStatus(
          { apiVersion: applied.apiVersion, kind: applied.kind, metadata: meta, status },
          { force: true },
        );
    }
  }
}

async function createOrGet(ctx: DemoContext, object: Obj): Promise<Obj> {
  const resource = Object.values(Resources).find((r) => r.kind === object.kind)!;
  const client = ctx.client.resource(resource);
  try {
    return await client.create(object);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    return client.get({ namespace: object.metadata!.namespace!, name: object.metadata!.name! });
  }
}

/** Creates Machine → Metal3Machine → Metal3DataClaim with owner uids, points the host at the new machine. */
async function createChain(ctx: DemoContext, chain: HostChain): Promise<{ m3m: Obj; claim: Obj }> {
  const machine = await createOrGet(ctx, chain.machine);
  const m3m = structuredClone(chain.metal3Machine);
  m3m.metadata!.ownerReferences = [ownerRef(machine, true)];
  const createdM3m = await createOrGet(ctx, m3m);
  const claim = structuredClone(chain.dataClaim);
  claim.metadata!.ownerReferences = [ownerRef(createdM3m, true)];
  const createdClaim = await createOrGet(ctx, claim);
  await ctx.client.resource(Resources.BareMetalHost).mergePatch(
    { namespace: ctx.model.namespace, name: chain.host },
    {
      spec: {
        consumerRef: {
          apiVersion: createdM3m.apiVersion,
          kind: 'Metal3Machine',
          name: createdM3m.metadata!.name,
          namespace: ctx.model.namespace,
        },
      },
    },
  );
  return { m3m: createdM3m, claim: createdClaim };
}

/**
 * CAPM3's template controller for one Metal3DataClaim: Metal3Data `<template>-<lowest free index>`
 * owned by the claim (controller) and the Metal3Machine, labels copied from the claim, then the
 * claim's `status.renderedData` and the template's `status.indexes`. If something else (a template
 * controller) already rendered the claim, its Metal3Data is used.
 */
async function renderedFor(ctx: DemoContext, claim: Obj): Promise<{ mine?: Obj; existing: Obj[] }> {
  const { namespace, template } = ctx.model;
  const existing = (await ctx.client.resource(Resources.Metal3Data).list({ namespace })).items.filter(
    (d) => (d.spec?.['template'] as { name?: string } | undefined)?.name === template,
  );
  const mine = existing.find(
    (d) =>
      (d.spec?.['claim'] as { name?: string } | undefined)?.name === claim.metadata!.name &&
      d.metadata?.ownerReferences?.some((r) => r.uid === claim.metadata!.uid),
  );
  return { existing, ...(mine ? { mine } : {}) };
}

async function renderMetal3Data(ctx: DemoContext, claim: Obj, m3m: Obj): Promise<Obj> {
  const { namespace, template } = ctx.model;
  const datas = ctx.client.resource(Resources.Metal3Data);
  if (ctx.operatorRendersData) {
    // The operator's metal3datatemplate controller does CAPM3's job: wait for its Metal3Data.
    try {
      return await waitUntil(
        `the operator to render a Metal3Data for ${claim.metadata!.name}`,
        async () => (await renderedFor(ctx, claim)).mine,
        { timeoutMs: ctx.renderTimeoutMs ?? 60_000, intervalMs: 250 },
      );
    } catch {
      ctx.note(`the operator did not render ${claim.metadata!.name} in time: the seeder renders it`);
    }
  }
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { existing, mine } = await renderedFor(ctx, claim);
    if (mine) return mine;
    const index = lowestFreeIndex(existing.map((d) => Number(d.spec?.['index'])));
    const data: Obj = {
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta2',
      kind: 'Metal3Data',
      metadata: {
        name: `${template}-${index}`,
        namespace,
        labels: { ...claim.metadata!.labels },
        ownerReferences: [ownerRef(claim, true), ownerRef(m3m, false)],
      },
      spec: {
        index,
        template: { name: template, namespace },
        claim: { name: claim.metadata!.name, namespace },
      },
    };
    try {
      const created = await datas.create(data);
      await ctx.client
        .resource(Resources.Metal3DataClaim)
        .patchStatus(
          { namespace, name: claim.metadata!.name! },
          { status: { renderedData: { name: created.metadata!.name, namespace } } },
        );
      return created;
    } catch (error) {
      if (!isAlreadyExists(error)) throw error; // a template controller took this index: look again
    }
  }
  throw new Error(`could not render a Metal3Data for ${claim.metadata!.name}`);
}

async function updateTemplateIndexes(ctx: DemoContext): Promise<void> {
  const { namespace, template } = ctx.model;
  const datas = (await ctx.client.resource(Resources.Metal3Data).list({ namespace })).items.filter(
    (d) =>
      (d.spec?.['template'] as { name?: string } | undefined)?.name === template &&
      !d.metadata?.deletionTimestamp,
  );
  const indexes = datas
    .map((d) => ({ name: (d.spec!['claim'] as { name: string }).name, index: Number(d.spec!['index']) }))
    .sort((a, b) => a.index - b.index);
  await ctx.client
    .resource(Resources.Metal3DataTemplate)
    .patchStatus(
      { namespace, name: template },
      { status: { indexes, lastUpdated: new Date().toISOString() } },
    );
}

/** CAPM3 (BMH name-based preallocation) for one Metal3Data: claim `{bmh}-{pool}` per pool. */
async function simulateClaims(ctx: DemoContext, data: Obj, host: string): Promise<void> {
  const claims = ctx.client.resource(Resources.IPClaim);
  for (const pool of ctx.model.pools) {
    const name = `${host}-${pool}`;
    await waitUntil(
      `the previous IPClaim ${name} to be released`,
      async () => {
        try {
          const old = await claims.get({ namespace: ctx.model.namespace, name });
          return old.metadata?.ownerReferences?.some((r) => r.uid === data.metadata!.uid) ? true : false;
        } catch (error) {
          if (isNotFound(error)) return true;
          throw error;
        }
      },
      { timeoutMs: ctx.timeoutMs ?? 180_000 },
    );
    await createOrGet(ctx, {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPClaim',
      metadata: {
        name,
        namespace: ctx.model.namespace,
        labels: {
          ...data.metadata!.labels,
          [DATA_NAME_LABEL]: data.metadata!.name!,
          [POOL_NAME_LABEL]: pool,
          [HOST_LABEL]: host,
        },
        ownerReferences: [ownerRef(data, true)],
      },
      spec: { pool: { name: pool, namespace: ctx.model.namespace } },
    });
  }
}

async function createGeneration(
  ctx: DemoContext,
  chains: HostChain[],
  update: StepUpdate,
): Promise<Generation> {
  const generation: Generation = { chains: new Map() };
  for (const chain of chains) {
    const { m3m, claim } = await createChain(ctx, chain);
    const data = await renderMetal3Data(ctx, claim, m3m);
    if (ctx.simulateCapm3Claims) await simulateClaims(ctx, data, chain.host);
    const index = Number(data.spec!['index']);
    generation.chains.set(chain.host, {
      ...chain,
      metal3Data: data.metadata!.name!,
      index,
      uid: data.metadata!.uid!,
    });
    update(`${chain.host} → ${chain.name} → ${data.metadata!.name}`);
  }
  await updateTemplateIndexes(ctx);
  return generation;
}

/** Reads host → pool → address from the IPClaims `{bmh}-{pool}` owned by the current Metal3Data. */
async function readAllocations(ctx: DemoContext, generation: Generation): Promise<Snapshot | undefined> {
  const { namespace, pools } = ctx.model;
  const claims = ctx.client.resource(Resources.IPClaim);
  const addresses = ctx.client.resource(Resources.Metal3IPAddress);
  const snapshot: Snapshot = new Map();
  for (const [host, chain] of generation.chains) {
    const perPool = new Map<string, string>();
    for (const pool of pools) {
      const claim = await claims.get({ namespace, name: `${host}-${pool}` }).catch((error: unknown) => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
      if (!claim || !claim.metadata?.ownerReferences?.some((r) => r.uid === chain.uid)) return undefined;
      const status = claim.status as { address?: { name?: string }; errorMessage?: string } | undefined;
      if (status?.errorMessage) throw new Error(`IPClaim ${host}-${pool}: ${status.errorMessage}`);
      if (!status?.address?.name) return undefined;
      const address = await addresses.get({ namespace, name: status.address.name });
      perPool.set(pool, String(address.spec!['address']));
    }
    snapshot.set(host, perPool);
  }
  return snapshot;
}

export const RECONCILE_REQUEST_ANNOTATION = 'stableip.dev/reconcile-requested-at';

export async function waitForAllocations(
  ctx: DemoContext,
  generation: Generation,
  update: StepUpdate,
): Promise<Snapshot> {
  const expected = generation.chains.size * ctx.model.pools.length;
  const started = Date.now();
  let lastNudge = started;
  return waitUntil(
    `${expected} IPClaims ({bmh}-{pool}) to hold an address`,
    async () => {
      const snapshot = await readAllocations(ctx, generation);
      if (snapshot) return snapshot;
      update('waiting for the operator to allocate');
      if (Date.now() - lastNudge > (ctx.nudgeAfterMs ?? 30_000)) {
        // A claim left without an address (and without an error) for this long means the operator
        // missed it. Touching the pools triggers a reconcile; the run reports it (DemoSummary).
        lastNudge = Date.now();
        ctx.nudges = (ctx.nudges ?? 0) + 1;
        ctx.note(
          `claims still unallocated after ${Math.round((lastNudge - started) / 1000)}s with no error: ` +
            `annotating the pools (${RECONCILE_REQUEST_ANNOTATION}) to trigger a reconcile`,
        );
        for (const pool of ctx.model.pools) {
          await ctx.client
            .resource(Resources.IPPool)
            .mergePatch(
              { namespace: ctx.model.namespace, name: pool },
              { metadata: { annotations: { [RECONCILE_REQUEST_ANNOTATION]: new Date().toISOString() } } },
            );
        }
      }
      return undefined;
    },
    { timeoutMs: ctx.timeoutMs ?? 240_000, intervalMs: 500 },
  );
}

/** Every pool with the auto-pin annotation pins each BMH-named claim's address (operator or seeder). */
export async function ensureAutoPinned(
  ctx: DemoContext,
  snapshot: Snapshot,
  graceMs = 15_000,
): Promise<'operator' | 'seeder' | 'none'> {
  const { namespace } = ctx.model;
  const pools = ctx.client.resource(Resources.IPPool);
  const missing = async () => {
    const result: Array<{ pool: string; key: string; address: string }> = [];
    for (const pool of ctx.model.pools) {
      const object = await pools.get({ namespace, name: pool });
      if (object.metadata?.annotations?.[AUTO_PIN_ANNOTATION] !== 'true') continue;
      const pinned = (object.spec?.['preAllocations'] ?? {}) as Record<string, string>;
      for (const [host, perPool] of snapshot) {
        const address = perPool.get(pool);
        if (address && pinned[`${host}-${pool}`] === undefined)
          result.push({ pool, key: `${host}-${pool}`, address });
      }
    }
    return result;
  };
  // examples/demo pins only node-0..2: anything else already pinned was pinned by the operator.
  if ((await missing()).length === 0) return 'operator';
  try {
    await waitUntil('the operator to auto-pin', async () => (await missing()).length === 0, {
      timeoutMs: graceMs,
      intervalMs: 500,
    });
    return 'operator';
  } catch {
    const todo = await missing();
    ctx.note(
      `the operator did not auto-pin ${todo.map((t) => t.key).join(', ')} within ${graceMs / 1000}s: ` +
        'the seeder pins them (server-side apply, field manager stableip-demo-auto-pin)',
    );
    for (const pool of new Set(todo.map((t) => t.pool))) {
      const entries = Object.fromEntries(todo.filter((t) => t.pool === pool).map((t) => [t.key, t.address]));
      await pools.apply(
        {
          apiVersion: 'ipam.metal3.io/v1alpha1',
          kind: 'IPPool',
          metadata: { name: pool, namespace },
          spec: { preAllocations: entries },
        },
        { fieldManager: 'stableip-demo-auto-pin' },
      );
    }
    return 'seeder';
  }
}

async function deleteAndWait(
  ctx: DemoContext,
  resource: keyof typeof Resources,
  name: string,
): Promise<void> {
  const client = ctx.client.resource(Resources[resource]);
  const ref = { namespace: ctx.model.namespace, name };
  try {
    await client.delete(ref, { propagationPolicy: 'Background' });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    return;
  }
  await waitUntil(
    `${resource} ${name} to be deleted`,
    async () => {
      try {
        await client.get(ref);
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    },
    { timeoutMs: ctx.timeoutMs ?? 180_000, intervalMs: 300 },
  );
}

/** Deprovisions one host: Metal3DataClaim, Metal3Data (its IPClaims are released), Metal3Machine, Machine. */
async function deleteChain(
  ctx: DemoContext,
  host: string,
  chain: HostChain & { metal3Data: string },
): Promise<void> {
  if (ctx.simulateCapm3Claims) {
    for (const pool of ctx.model.pools) await deleteAndWait(ctx, 'IPClaim', `${host}-${pool}`);
  }
  // The claim first: CAPM3 cleans a Metal3Data up only once its Metal3DataClaim is gone (#1478).
  await deleteAndWait(ctx, 'Metal3DataClaim', chain.name);
  await deleteAndWait(ctx, 'Metal3Data', chain.metal3Data);
  await deleteAndWait(ctx, 'Metal3Machine', chain.name);
  await deleteAndWait(ctx, 'Machine', chain.machine.metadata!.name!);
}

/**
 * A demo run against an existing cluster may find the chains of an earlier run in the demo's
 * namespace: they are deprovisioned first (claims released), so hosts start unclaimed.
 */
async function removePreviousRun(ctx: DemoContext, update: StepUpdate): Promise<number> {
  const { namespace } = ctx.model;
  const list = async (resource: keyof typeof Resources) =>
    (await ctx.client.resource(Resources[resource]).list({ namespace })).items.map((o) => o.metadata!.name!);
  const claims = await list('Metal3DataClaim');
  const datas = await list('Metal3Data');
  if (claims.length === 0 && datas.length === 0) return 0;
  update(`removing ${claims.length} chain(s) of an earlier demo run in ${namespace}`);
  for (const name of claims) await deleteAndWait(ctx, 'Metal3DataClaim', name);
  for (const name of await list('Metal3Data')) await deleteAndWait(ctx, 'Metal3Data', name);
  for (const name of await list('Metal3Machine')) await deleteAndWait(ctx, 'Metal3Machine', name);
  for (const name of await list('Machine')) await deleteAndWait(ctx, 'Machine', name);
  for (const name of await list('IPClaim')) await deleteAndWait(ctx, 'IPClaim', name);
  return claims.length;
}

export async function seedFirstGeneration(ctx: DemoContext, update: StepUpdate): Promise<Generation> {
  const namespaces = ctx.client.resource(Resources.Namespace);
  const existing = await namespaces.get({ name: ctx.model.namespace }).catch((error: unknown) => {
    if (isNotFound(error)) return undefined;
    throw error;
  });
  if (existing) {
    const removed = await removePreviousRun(ctx, update);
    if (removed > 0)
      ctx.note(`removed ${removed} Machine chain(s) left by an earlier demo run in ${ctx.model.namespace}`);
  }
  await applyBase(ctx);
  return createGeneration(ctx, ctx.model.chains, update);
}

export interface UpgradeResult {
  order: string[];
  next: Generation;
}

/**
 * The rolling upgrade: every chain deleted (each host's claims released), then the next generation
 * created in shuffled host order with fresh names, so each host gets a different Metal3Data index.
 */
export async function rollingUpgrade(
  ctx: DemoContext,
  current: Generation,
  seed: number,
  update: StepUpdate,
): Promise<UpgradeResult> {
  const order = shuffled([...current.chains.keys()], seed);
  for (const host of order) {
    update(`deprovisioning ${host} (${current.chains.get(host)!.metal3Data})`);
    await deleteChain(ctx, host, current.chains.get(host)!);
  }
  // Wait until every released IPAddress is gone, as a real rollout would before hosts come back.
  await waitUntil(
    'the released IPAddresses to be deleted',
    async () => {
      const claims = await ctx.client.resource(Resources.IPClaim).list({ namespace: ctx.model.namespace });
      return claims.items.length === 0;
    },
    { timeoutMs: ctx.timeoutMs ?? 180_000, intervalMs: 300 },
  );
  const random = seededRandom(seed ^ 0x9e3779b9);
  const chains = order.map((host) => {
    const chain = current.chains.get(host)!;
    const prefix = chain.name.replace(/-[^-]+$/, '');
    return renameChain(chain, `${prefix}-${nameSuffix(random)}`);
  });
  const next = await createGeneration(ctx, chains, update);
  return { order, next };
}

export { compareSnapshots, type HostComparison };

export async function settle(ms: number): Promise<void> {
  await sleep(ms);
}
