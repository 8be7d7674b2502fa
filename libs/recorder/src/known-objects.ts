// What the audit log already says about each object of one cluster (its last recorded state),
// so that a watch event, a relist or a restart records only real differences: the log stays
// idempotent on (cluster, uid, resourceVersion) without asking the database for every event.
import type { EventAction, NewEvent } from '@stableip/audit-store';
import type { KubeObject } from '@stableip/kube-runtime';
import { KINDS } from '@stableip/ipam-core';
import { WATCHED_KINDS, type WatchedKind } from './resources';

export interface KnownObject {
  kind: WatchedKind;
  uid: string;
  namespace: string;
  name: string;
  resourceVersion: string;
  /** The last recorded snapshot (managedFields stripped). */
  snapshot: KubeObject;
}

export interface ObservedChange {
  kind: WatchedKind;
  action: EventAction;
  object: KubeObject;
  before: KubeObject | null;
  after: KubeObject | null;
}

/** A recorded event's kind and API group → the watched kind (IPAddress exists in two groups). */
export function watchedKindOf(kind: string, apiGroup: string): WatchedKind | undefined {
  return WATCHED_KINDS.find((id) => KINDS[id].kind === kind && KINDS[id].group === apiGroup);
}

export class KnownObjects {
  readonly #byUid = new Map<string, KnownObject>();

  get size(): number {
    return this.#byUid.size;
  }

  get(uid: string): KnownObject | undefined {
    return this.#byUid.get(uid);
  }

  /** Seeds from the log (the last event of every object not deleted). */
  load(objects: Iterable<KnownObject>): void {
    this.#byUid.clear();
    for (const known of objects) this.#byUid.set(known.uid, known);
  }

  /** An object exists with this state: a create, an update, or nothing new (same resourceVersion). */
  observe(kind: WatchedKind, obj: KubeObject): ObservedChange | undefined {
    const meta = obj.metadata;
    if (!meta?.uid || !meta.resourceVersion || !meta.name) return undefined;
    const known = this.#byUid.get(meta.uid);
    if (known?.resourceVersion === meta.resourceVersion) return undefined;
    this.#byUid.set(meta.uid, {
      kind,
      uid: meta.uid,
      namespace: meta.namespace ?? '',
      name: meta.name,
      resourceVersion: meta.resourceVersion,
      snapshot: obj,
    });
    return known
      ? { kind, action: 'update', object: obj, before: known.snapshot, after: obj }
      : { kind, action: 'create', object: obj, before: null, after: obj };
  }

  /**
   * The object is gone. A watch delivers its final state (with the deletion's resourceVersion);
   * a relist only knows it vanished, so the last recorded state stands in for it.
   */
  observeGone(kind: WatchedKind, obj: KubeObject, finalStateKnown: boolean): ObservedChange | undefined {
    const uid = obj.metadata?.uid;
    if (!uid) return undefined;
    const known = this.#byUid.get(uid);
    if (!known) return undefined;
    this.#byUid.delete(uid);
    const last = finalStateKnown && obj.metadata?.resourceVersion ? obj : known.snapshot;
    return { kind, action: 'delete', object: last, before: last, after: null };
  }

  /** Known objects of `kind` whose uid is not in `present`: deleted while nobody watched. */
  missingFrom(kind: WatchedKind, present: ReadonlySet<string>): KnownObject[] {
    const missing: KnownObject[] = [];
    for (const known of this.#byUid.values()) {
      if (known.kind === kind && !present.has(known.uid)) missing.push(known);
    }
    return missing;
  }
}

/** NewEvent identity fields of an observed change. */
export function eventObject(kind: WatchedKind, obj: KubeObject): NewEvent['object'] {
  const meta = obj.metadata ?? {};
  return {
    namespace: meta.namespace ?? '',
    kind: KINDS[kind].kind,
    apiGroup: KINDS[kind].group,
    name: meta.name ?? '',
    uid: meta.uid ?? '',
    resourceVersion: meta.resourceVersion ?? '',
  };
}
