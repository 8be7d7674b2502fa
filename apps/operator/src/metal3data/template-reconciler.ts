// The Metal3DataTemplate reconciler: CAPM3's template controller
// (baremetal/metal3datatemplate_manager.go). One reconcile per template key serializes index
// allocation: every Metal3DataClaim of the template gets a Metal3Data `<template>-<index>` with
// the lowest free index, owned by the claim (controller) and its Metal3Machine; the claim gets
// `status.renderedData` and a finalizer; `status.indexes` lists the table. Deleting a claim
// deletes its Metal3Data.
import {
  CAPM3_API_VERSION,
  CAPM3_GROUP,
  Finalizers,
  Labels,
  PAUSED_ANNOTATION,
  type Cluster,
  type KubeObject,
  type Metal3Data,
  type Metal3DataClaim,
  type Metal3DataTemplate,
} from '@stableip/ipam-core';
import {
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  type Logger,
  type ReconcileResult,
  type ResourceClient,
  type Store,
} from '@stableip/kube-runtime';
import { Metal3DataClaimResource, Metal3DataResource, Metal3DataTemplateResource } from './resources';

export const TemplateIndexes = {
  /** Metal3Data / Metal3DataClaim → "namespace/template". */
  template: 'template',
} as const;

export function templateKeyOf(object: Metal3Data | Metal3DataClaim): string[] {
  const ref = object.spec?.template;
  if (!ref?.name) return [];
  const namespace = object.metadata.namespace ?? '';
  // The template must live in the object's namespace (CAPM3 compares both).
  if (ref.namespace && ref.namespace !== namespace) return [];
  return [`${namespace}/${ref.name}`];
}

export interface TemplateCaches {
  templates: Store<Metal3DataTemplate>;
  data: Store<Metal3Data>;
  dataClaims: Store<Metal3DataClaim>;
  clusters: () => Store<Cluster> | undefined;
}

export interface TemplateReconcilerOptions {
  client: KubeClient;
  caches: TemplateCaches;
  logger: Logger;
  now?: () => Date;
}

const RECENT_TTL_MS = 60_000;

/** Lowest non-negative integer not in `used`. */
export function lowestFreeIndex(used: ReadonlySet<number>): number {
  let index = 0;
  while (used.has(index)) index += 1;
  return index;
}

const groupOf = (apiVersion: string | undefined) => (apiVersion ?? '').split('/')[0] ?? '';
const refOf = (object: KubeObject) => ({
  namespace: object.metadata.namespace ?? '',
  name: object.metadata.name ?? '',
});

export class TemplateReconciler {
  readonly #o: TemplateReconcilerOptions;
  readonly #templates: ResourceClient<Metal3DataTemplate>;
  readonly #data: ResourceClient<Metal3Data>;
  readonly #dataClaims: ResourceClient<Metal3DataClaim>;
  /**
   * Metal3Data we created that the cache may not show yet (name → object), per template key;
   * dropped once cached or after RECENT_TTL_MS (an object deleted before the cache saw it).
   */
  readonly #recent = new Map<string, Map<string, { data: Metal3Data; at: number }>>();

  constructor(options: TemplateReconcilerOptions) {
    this.#o = options;
    this.#templates = options.client.resource(Metal3DataTemplateResource);
    this.#data = options.client.resource(Metal3DataResource);
    this.#dataClaims = options.client.resource(Metal3DataClaimResource);
  }

  async reconcile(key: string): Promise<ReconcileResult> {
    const { caches } = this.#o;
    const template = caches.templates.get(key);
    const log = this.#o.logger.child({ metal3datatemplate: key });
    if (!template) {
      this.#recent.delete(key);
      return {};
    }
    const namespace = template.metadata.namespace ?? '';
    const templateName = template.metadata.name ?? '';

    // The index table, from the Metal3Data objects (plus our creations the cache lacks).
    const cached = caches.data.byIndex(TemplateIndexes.template, key);
    const recent = this.#recent.get(key) ?? new Map<string, { data: Metal3Data; at: number }>();
    const now = Date.now();
    for (const [name, entry] of [...recent.entries()]) {
      if (now - entry.at > RECENT_TTL_MS || cached.some((d) => d.metadata.name === name)) recent.delete(name);
    }
    const all = [...cached, ...[...recent.values()].map((entry) => entry.data)];
    const indexByClaim = new Map<string, number>();
    const used = new Set<number>();
    const dataByClaim = new Map<string, Metal3Data>();
    for (const data of all) {
      const claim = data.spec?.claim?.name;
      const index = data.spec?.index;
      if (!claim || index === undefined) continue;
      indexByClaim.set(claim, index);
      dataByClaim.set(claim, data);
      used.add(index);
    }

    let requeue = false;
    const claims = caches.dataClaims
      .byIndex(TemplateIndexes.template, key)
      .sort(
        (a, b) =>
          (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? '') ||
          (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
      );
    for (const claim of claims) {
      const claimName = claim.metadata.name ?? '';
      if (claim.metadata.deletionTimestamp) {
        if (!claim.metadata.finalizers?.includes(Finalizers.metal3DataClaim)) continue;
        await this.#deleteData(dataByClaim.get(claimName), namespace, claim.status?.renderedData?.name);
        indexByClaim.delete(claimName);
        await this.#patchClaim(claim, false, null);
        log.info({ claim: claimName }, 'Metal3DataClaim released');
        continue;
      }
      if (claim.status?.renderedData?.name) {
        if (!claim.metadata.finalizers?.includes(Finalizers.metal3DataClaim))
          await this.#patchClaim(claim, true);
        continue;
      }
      if (this.#paused(claim)) continue;
      const existingIndex = indexByClaim.get(claimName);
      if (existingIndex !== undefined) {
        await this.#patchClaim(claim, true, { name: `${templateName}-${existingIndex}`, namespace });
        continue;
      }
      const machineRef = (claim.metadata.ownerReferences ?? []).find(
        (owner) => owner.kind === 'Metal3Machine' && groupOf(owner.apiVersion) === CAPM3_GROUP,
      );
      if (!machineRef) {
        await this.#setClaimError(claim, 'metal3Machine not found in owner references');
        continue;
      }
      const index = lowestFreeIndex(used);
      const name = `${templateName}-${index}`;
      const data: Metal3Data = {
        apiVersion: CAPM3_API_VERSION,
        kind: 'Metal3Data',
        metadata: {
          name,
          namespace,
          finalizers: [Finalizers.metal3DataClaim],
          labels: { ...(claim.metadata.labels ?? {}) },
          ownerReferences: [
            {
              apiVersion: claim.apiVersion || CAPM3_API_VERSION,
              kind: 'Metal3DataClaim',
              name: claimName,
              uid: claim.metadata.uid ?? '',
              controller: true,
            },
            {
              apiVersion: machineRef.apiVersion,
              kind: 'Metal3Machine',
              name: machineRef.name,
              uid: machineRef.uid,
            },
          ],
        },
        spec: { index, template: { name: templateName, namespace }, claim: { name: claimName, namespace } },
      };
      try {
        const created = await this.#data.create(data);
        recent.set(name, { data: created, at: Date.now() });
        this.#recent.set(key, recent);
      } catch (error) {
        if (isAlreadyExists(error)) {
          // The cache is behind: an index we thought free is taken. Plan again from fresh state.
          requeue = true;
          break;
        }
        await this.#setClaimError(claim, 'Failed to create associated Metal3Data object');
        throw error;
      }
      used.add(index);
      indexByClaim.set(claimName, index);
      await this.#patchClaim(claim, true, { name, namespace });
      log.info({ claim: claimName, metal3data: name, index }, 'Metal3Data created');
    }

    await this.#patchIndexes(template, indexByClaim);
    return requeue ? { requeue: true } : {};
  }

  #paused(claim: Metal3DataClaim): boolean {
    if (PAUSED_ANNOTATION in (claim.metadata.annotations ?? {})) return true;
    const clusterName = claim.metadata.labels?.[Labels.clusterName];
    const cluster = clusterName
      ? this.#o.caches.clusters()?.get(`${claim.metadata.namespace}/${clusterName}`)
      : undefined;
    return cluster?.spec?.paused === true;
  }

  async #deleteData(data: Metal3Data | undefined, namespace: string, renderedName: string | undefined) {
    const name = data?.metadata.name ?? renderedName;
    if (!name) return;
    try {
      const current = data ?? (await this.#data.get({ namespace, name }));
      const finalizers = (current.metadata.finalizers ?? []).filter((f) => f !== Finalizers.metal3DataClaim);
      if (finalizers.length !== (current.metadata.finalizers ?? []).length) {
        await this.#data.mergePatch(refOf(current), {
          metadata: { finalizers: finalizers.length > 0 ? finalizers : null },
        });
      }
      if (!current.metadata.deletionTimestamp) await this.#data.delete(refOf(current));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Finalizer on (true) / off (false), and renderedData (null clears it). */
  async #patchClaim(
    claim: Metal3DataClaim,
    finalizer: boolean,
    renderedData?: { name: string; namespace: string } | null,
  ): Promise<void> {
    const finalizers = claim.metadata.finalizers ?? [];
    const has = finalizers.includes(Finalizers.metal3DataClaim);
    try {
      // Status first: once the finalizer is gone the claim may vanish.
      if (renderedData !== undefined && claim.status?.renderedData?.name !== renderedData?.name) {
        await this.#dataClaims.patchStatus(refOf(claim), {
          status: { renderedData, ...(renderedData ? { errorMessage: null } : {}) },
        });
      }
      if (finalizer !== has) {
        const next = finalizer
          ? [...finalizers, Finalizers.metal3DataClaim]
          : finalizers.filter((f) => f !== Finalizers.metal3DataClaim);
        await this.#dataClaims.mergePatch(refOf(claim), {
          metadata: {
            finalizers: next.length > 0 ? next : null,
            resourceVersion: claim.metadata.resourceVersion,
          },
        });
      }
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async #setClaimError(claim: Metal3DataClaim, message: string): Promise<void> {
    if (claim.status?.errorMessage === message) return;
    await this.#dataClaims.patchStatus(refOf(claim), { status: { errorMessage: message } });
  }

  async #patchIndexes(
    template: Metal3DataTemplate,
    indexByClaim: ReadonlyMap<string, number>,
  ): Promise<void> {
    const indexes = [...indexByClaim.entries()]
      .map(([name, index]) => ({ name, index }))
      .sort((a, b) => a.index - b.index);
    if (JSON.stringify(template.status?.indexes ?? []) === JSON.stringify(indexes)) return;
    const now = (this.#o.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await this.#templates.patchStatus(refOf(template), { status: { indexes, lastUpdated: now } });
  }
}
