// Kubernetes access for the stack: the resources the demo touches, CRD installation (server-side
// apply of raw JSON, then wait for Established) and a presence check for an existing cluster.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KINDS, type KindId } from '@stableip/ipam-core';
import { KubeClient, defineResource, isNotFound, type KubeObject } from '@stableip/kube-runtime';
import YAML from 'yaml';

export type Obj = KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };

const domain = (id: KindId) => defineResource<Obj>(KINDS[id]);

export const Resources = {
  Namespace: defineResource<Obj>({
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
  }),
  Crd: defineResource<Obj>({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    kind: 'CustomResourceDefinition',
    namespaced: false,
  }),
  Cluster: domain('Cluster'),
  Machine: domain('Machine'),
  BareMetalHost: domain('BareMetalHost'),
  Metal3Machine: domain('Metal3Machine'),
  Metal3DataTemplate: domain('Metal3DataTemplate'),
  Metal3DataClaim: domain('Metal3DataClaim'),
  Metal3Data: domain('Metal3Data'),
  IPPool: domain('IPPool'),
  IPClaim: domain('IPClaim'),
  Metal3IPAddress: domain('Metal3IPAddress'),
} as const;

export type ResourceName = keyof typeof Resources;

/** The descriptor of a manifest's apiVersion/kind among the kinds the demo uses. */
export function resourceOf(object: KubeObject): (typeof Resources)[ResourceName] {
  const found = Object.values(Resources).find((r) => r.kind === object.kind);
  if (!found) throw new Error(`the demo does not know kind ${object.kind}`);
  return found;
}

export function loadKubeConfig(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

/** Every object of the YAML files of `dir` (file name order, then document order). */
export function readManifests(dir: string, filter: (file: string) => boolean = () => true): Obj[] {
  const objects: Obj[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f) && filter(f))
    .sort()) {
    const docs = YAML.parseAllDocuments(readFileSync(join(dir, file), 'utf8'));
    for (const doc of Array.isArray(docs) ? docs : []) {
      if (doc.errors.length > 0) throw new Error(`${join(dir, file)}: ${doc.errors[0]!.message}`);
      const object = (doc as YAML.Document).toJS() as Obj | null;
      if (object?.kind) objects.push(object);
    }
  }
  return objects;
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Polls `probe` until it returns a value (not undefined/false), or throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 120_000, intervalMs = 250 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${what}${last ? ` (${String(last)})` : ''}`,
      );
    }
    await sleep(intervalMs);
  }
}

/** Server-side applies every CRD of the directories (force) and waits until all are Established. */
export async function installCrds(
  client: KubeClient,
  dirs: string[],
  timeoutMs = 120_000,
): Promise<string[]> {
  const crds = client.resource(Resources.Crd);
  const names: string[] = [];
  for (const dir of dirs) {
    for (const crd of readManifests(dir).filter((o) => o.kind === 'CustomResourceDefinition')) {
      await crds.apply(crd, { force: true });
      names.push(crd.metadata!.name!);
    }
  }
  await waitUntil(
    `${names.length} CRDs to be Established`,
    async () => {
      for (const name of names) {
        const crd = await crds.get({ name });
        const conditions = (crd.status?.['conditions'] ?? []) as Array<{ type: string; status: string }>;
        if (!conditions.some((c) => c.type === 'Established' && c.status === 'True')) return false;
      }
      return true;
    },
    { timeoutMs },
  );
  return names;
}

/** Names of the CRDs in `dirs` that the cluster does not have. */
export async function missingCrds(client: KubeClient, dirs: string[]): Promise<string[]> {
  const crds = client.resource(Resources.Crd);
  const missing: string[] = [];
  for (const dir of dirs) {
    for (const crd of readManifests(dir).filter((o) => o.kind === 'CustomResourceDefinition')) {
      try {
        await crds.get({ name: crd.metadata!.name! });
      } catch (error) {
        if (isNotFound(error)) missing.push(crd.metadata!.name!);
        else throw error;
      }
    }
  }
  return missing;
}

export function newClient(kubeconfig: string, fieldManager = 'stableip-stack'): KubeClient {
  return new KubeClient(loadKubeConfig(kubeconfig), { fieldManager });
}
