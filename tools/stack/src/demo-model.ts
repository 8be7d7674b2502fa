// Pure parts of the demo: reading the example into host chains, renaming a chain for the next
// generation, CAPM3's lowest-free index, a seeded shuffle and the local before/after comparison.
import type { Obj } from './kube';

export const HOST_ANNOTATION = 'metal3.io/BareMetalHost';

/** One host's Machine → Metal3Machine → Metal3DataClaim chain, as in examples/demo/machines.yaml. */
export interface HostChain {
  host: string;
  /** The Metal3Machine's name (the Machine and Metal3DataClaim share it in the example). */
  name: string;
  machine: Obj;
  metal3Machine: Obj;
  dataClaim: Obj;
}

export interface DemoModel {
  namespace: string;
  /** Objects applied once, in this order: Namespace, Cluster, BareMetalHosts, IPPools, templates. */
  base: Obj[];
  hosts: string[];
  pools: string[];
  template: string;
  chains: HostChain[];
}

const ORDER = ['Namespace', 'Cluster', 'BareMetalHost', 'IPPool', 'Metal3DataTemplate'];

export function demoModel(objects: Obj[]): DemoModel {
  const base = objects
    .filter((o) => ORDER.includes(o.kind!))
    .sort((a, b) => ORDER.indexOf(a.kind!) - ORDER.indexOf(b.kind!));
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind);
  const namespace = byKind('Namespace')[0]?.metadata?.name ?? byKind('IPPool')[0]?.metadata?.namespace;
  if (!namespace) throw new Error('the demo needs a Namespace (or namespaced IPPools)');
  const templates = byKind('Metal3DataTemplate');
  if (templates.length !== 1)
    throw new Error(`the demo needs exactly one Metal3DataTemplate, found ${templates.length}`);
  const chains = byKind('Metal3Machine').map((m3m): HostChain => {
    const name = m3m.metadata!.name!;
    const annotation = m3m.metadata?.annotations?.[HOST_ANNOTATION];
    if (!annotation) throw new Error(`Metal3Machine ${name} has no ${HOST_ANNOTATION} annotation`);
    const host = annotation.split('/').pop()!;
    const machineName = m3m.metadata?.ownerReferences?.find((r) => r.kind === 'Machine')?.name;
    const machine = byKind('Machine').find((m) => m.metadata?.name === machineName);
    const dataClaim = byKind('Metal3DataClaim').find((c) => c.metadata?.name === name);
    if (!machine)
      throw new Error(`Metal3Machine ${name}: its Machine ${machineName ?? '(no owner)'} is missing`);
    if (!dataClaim) throw new Error(`Metal3Machine ${name}: Metal3DataClaim ${name} is missing`);
    return { host, name, machine, metal3Machine: m3m, dataClaim };
  });
  const hosts = byKind('BareMetalHost').map((h) => h.metadata!.name!);
  for (const chain of chains) {
    if (!hosts.includes(chain.host))
      throw new Error(`Metal3Machine ${chain.name} points at unknown host ${chain.host}`);
  }
  return {
    namespace,
    base,
    hosts,
    pools: byKind('IPPool').map((p) => p.metadata!.name!),
    template: templates[0]!.metadata!.name!,
    chains,
  };
}

/** The same chain under a new name (Machine, Metal3Machine and Metal3DataClaim share it). */
export function renameChain(chain: HostChain, name: string): HostChain {
  const rename = (object: Obj): Obj => {
    const copy = structuredClone(object);
    delete copy.metadata!.uid;
    delete copy.metadata!.resourceVersion;
    delete copy.metadata!.creationTimestamp;
    delete copy.metadata!.managedFields;
    delete copy.status;
    return JSON.parse(JSON.stringify(copy).replaceAll(chain.name, name)) as Obj;
  };
  return {
    host: chain.host,
    name,
    machine: rename(chain.machine),
    metal3Machine: rename(chain.metal3Machine),
    dataClaim: rename(chain.dataClaim),
  };
}

/** CAPM3's Metal3Data index: the lowest non-negative integer not in use. */
export function lowestFreeIndex(used: Iterable<number>): number {
  const taken = new Set(used);
  let index = 0;
  while (taken.has(index)) index += 1;
  return index;
}

/** mulberry32: a small seeded generator, so a run's shuffle can be reproduced with --seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates with a seeded generator; never returns the input order for more than one item. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  for (let attempt = 0; attempt < 16; attempt += 1) {
    const result = [...items];
    for (let i = result.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [result[i], result[j]] = [result[j]!, result[i]!];
    }
    if (items.length < 2 || result.some((item, i) => item !== items[i])) return result;
  }
  return [...items].reverse();
}

/** A lowercase alphanumeric suffix like the ones MachineDeployments generate. */
export function nameSuffix(random: () => number, length = 5): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < length; i += 1) suffix += alphabet[Math.floor(random() * alphabet.length)];
  return suffix;
}

/** host → pool → address */
export type Snapshot = Map<string, Map<string, string>>;

export interface HostComparison {
  host: string;
  pool: string;
  before: string | undefined;
  after: string | undefined;
  kept: boolean;
}

export function compareSnapshots(
  before: Snapshot,
  after: Snapshot,
  hosts: string[],
  pools: string[],
): HostComparison[] {
  return hosts.flatMap((host) =>
    pools.map((pool) => {
      const b = before.get(host)?.get(pool);
      const a = after.get(host)?.get(pool);
      return { host, pool, before: b, after: a, kept: b !== undefined && a === b };
    }),
  );
}
