// Turns the planner's answer for one pool (the objects it would create, change or delete) into the
// API writes that get there from the objects the operator actually read, in a crash-safe order.
import type { Condition, KubeObject, PlanResult } from '@stableip/ipam-core';
import {
  createMergePatch,
  jsonEqual,
  type WriteOp as RuntimeWriteOp,
  type WritePlan as RuntimeWritePlan,
  type WriteRef,
} from '@stableip/kube-runtime';
import { writtenKindOf, type WrittenKind } from '../resources';

export type ObjectRef = WriteRef<WrittenKind>;

/** IPAddress creates rely on the API server's AlreadyExists on their IP-derived name as the lock. */
export type WriteOp = RuntimeWriteOp<WrittenKind>;

export function refKey(ref: { kind: string; namespace: string; name: string }): string {
  return `${ref.kind}/${ref.namespace}/${ref.name}`;
}

export function refOf(object: KubeObject): ObjectRef | undefined {
  const kind = writtenKindOf(object);
  if (!kind) return undefined;
  return { kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name ?? '' };
}

const METADATA_FIELDS = ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const;

/**
 * Conditions with Kubernetes semantics: lastTransitionTime moves only when the status changes.
 * The planner never writes timestamps; CAPI v1beta2 requires reason and message, so a missing
 * reason becomes the condition type (e.g. Ready=True reason "Ready") and a missing message "".
 */
export function withTransitionTimes(
  desired: readonly Condition[],
  existing: readonly Condition[] | undefined,
  now: string,
): Condition[] {
  return desired.map((condition) => {
    const previous = existing?.find((c) => c.type === condition.type);
    const filled: Condition = {
      ...condition,
      reason: condition.reason || condition.type,
      message: condition.message ?? '',
    };
    filled.lastTransitionTime =
      previous && previous.status === condition.status && previous.lastTransitionTime
        ? previous.lastTransitionTime
        : (condition.lastTransitionTime ?? now);
    return filled;
  });
}

function statusOf(object: KubeObject | undefined): Record<string, unknown> | undefined {
  return (object as { status?: Record<string, unknown> } | undefined)?.status;
}

/**
 * `before`: pool metadata (finalizer, cluster labels and owner reference). `chains`: one per
 * claim, in a crash-safe order: the claim carries our finalizer before an address exists for it
 * (no orphan if the claim is deleted meanwhile), the address exists before the claim points at
 * it, and the address is gone before the claim lets go. `after`: the pool releasing its finalizer.
 */
export interface WritePlan extends RuntimeWritePlan<WrittenKind> {
  /**
   * Claims left for the next reconcile: their new IPAddress has the name of one this plan
   * releases (an IP freed and handed out again in one pass). Creating it must wait until the
   * old object is gone, or the claim would point at an address that is about to disappear.
   */
  deferredClaims: string[];
}

const CHAIN_ORDER = { patchMetadata: 0, create: 1, patchStatus: 2, release: 3 } as const;

/** The claim an address belongs to (its chain key). */
function claimChainOfAddress(
  kind: WrittenKind,
  address: KubeObject | undefined,
  fallbackName: string,
): string {
  const spec = (address as { spec?: { claim?: { name?: string }; claimRef?: { name?: string } } } | undefined)
    ?.spec;
  if (kind === 'Metal3IPAddress') return `IPClaim/${spec?.claim?.name ?? `?${fallbackName}`}`;
  return `IPAddressClaim/${spec?.claimRef?.name ?? `?${fallbackName}`}`;
}

/**
 * Diff of one plan against the objects it was computed from (`originals`, keyed by refKey; the
 * real objects, before any in-memory adjustment such as clearing a sticky error to retry it).
 * The IPPool's own status is left to the caller (it adds stableip's counters and conditions).
 */
export function planToWrites(
  result: Pick<PlanResult, 'items' | 'deleted'>,
  originals: ReadonlyMap<string, KubeObject>,
  now: string,
): WritePlan {
  const plan: WritePlan = { before: [], chains: [], after: [], deferredClaims: [] };
  const deferred = new Set<string>();
  const chains = new Map<string, WriteOp[]>();
  const addToChain = (chainKey: string, op: WriteOp) => {
    let chain = chains.get(chainKey);
    if (!chain) chains.set(chainKey, (chain = []));
    chain.push(op);
  };

  const releasedKeys = new Set<string>();
  for (const deletion of result.deleted) {
    const kind = writtenKindOf(deletion);
    if (!kind) continue;
    const ref: ObjectRef = { kind, namespace: deletion.namespace, name: deletion.name };
    const original = originals.get(refKey(ref));
    if (!original) continue; // created and deleted within the plan: nothing to do
    releasedKeys.add(refKey(ref));
    const op: WriteOp = {
      ...ref,
      op: 'release',
      finalizers: deletion.remainingFinalizers,
      resourceVersion: original.metadata.resourceVersion,
      deleteObject: !original.metadata.deletionTimestamp,
    };
    if (kind === 'IPPool') plan.after.push(op);
    else if (kind === 'Metal3IPAddress' || kind === 'CapiIPAddress')
      addToChain(claimChainOfAddress(kind, original, ref.name), op);
    else addToChain(`${kind}/${ref.name}`, op);
  }

  for (const item of result.items) {
    const ref = refOf(item);
    if (!ref) continue;
    const isAddress = ref.kind === 'Metal3IPAddress' || ref.kind === 'CapiIPAddress';
    if (releasedKeys.has(refKey(ref))) {
      if (isAddress) deferred.add(claimChainOfAddress(ref.kind, item, ref.name));
      continue;
    }
    const original = originals.get(refKey(ref));
    if (!original) {
      if (isAddress)
        addToChain(claimChainOfAddress(ref.kind, item, ref.name), { ...ref, op: 'create', object: item });
      continue;
    }
    const chainKey = isAddress
      ? claimChainOfAddress(ref.kind, original, ref.name)
      : `${ref.kind}/${ref.name}`;
    const wantedMetadata: Record<string, unknown> = {};
    const readMetadata: Record<string, unknown> = {};
    for (const field of METADATA_FIELDS) {
      wantedMetadata[field] = item.metadata[field];
      readMetadata[field] = original.metadata[field];
    }
    const metadataPatch = createMergePatch(readMetadata, wantedMetadata);
    if (metadataPatch) {
      // Arrays are replaced whole by a merge patch: the resourceVersion guard makes sure we never
      // drop a finalizer or owner reference someone else added since we read the object.
      const op: WriteOp = {
        ...ref,
        op: 'patchMetadata',
        patch: { metadata: { ...metadataPatch, resourceVersion: original.metadata.resourceVersion } },
      };
      if (ref.kind === 'IPPool') plan.before.push(op);
      else addToChain(chainKey, op);
    }
    if (ref.kind === 'IPPool' || isAddress) continue;
    const wantedStatus = { ...statusOf(item) };
    if (ref.kind === 'IPAddressClaim' && Array.isArray(wantedStatus['conditions'])) {
      wantedStatus['conditions'] = withTransitionTimes(
        wantedStatus['conditions'] as Condition[],
        statusOf(original)?.['conditions'] as Condition[] | undefined,
        now,
      );
    }
    const statusPatch = createMergePatch(statusOf(original), wantedStatus);
    if (statusPatch) addToChain(chainKey, { ...ref, op: 'patchStatus', patch: { status: statusPatch } });
  }

  for (const key of [...chains.keys()].sort()) {
    if (deferred.has(key)) {
      plan.deferredClaims.push(key);
      continue;
    }
    const chain = chains.get(key)!;
    // Stable sort by phase; releases keep address-before-claim (addresses were added first).
    chain.sort((a, b) => CHAIN_ORDER[a.op] - CHAIN_ORDER[b.op] || releaseRank(a) - releaseRank(b));
    plan.chains.push(chain);
  }
  return plan;
}

function releaseRank(op: WriteOp): number {
  return op.op === 'release' && (op.kind === 'IPClaim' || op.kind === 'IPAddressClaim') ? 1 : 0;
}

/** True when two statuses are equal as JSON (for "patch only when changed"). */
export const sameStatus = (a: unknown, b: unknown): boolean => jsonEqual(a ?? {}, b ?? {});
