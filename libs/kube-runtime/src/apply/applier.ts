// The write side of a reconcile: typed write operations applied in a crash-safe order, every
// result remembered until the informer caches show it (RecentWrites), failures classified into
// "plan again from fresh state" (transient) and real errors.
import type { ResourceClient } from '../client/client';
import { KubeApiError, isAlreadyExists, isConflict, isNotFound } from '../client/errors';
import type { KubeObject, ObjectMeta } from '../client/resource';
import type { Informer } from '../informer/informer';
import { defaultLogger, type Logger } from '../util/log';
import { RecentWrites } from './recent-writes';

export interface WriteRef<K extends string = string> {
  kind: K;
  namespace: string;
  name: string;
}

export type WriteOp<K extends string = string> =
  /** Labels, annotations, finalizers, owner references; guarded by the resourceVersion read. */
  | (WriteRef<K> & { op: 'patchMetadata'; patch: { metadata: Record<string, unknown> } })
  /** Create an object; AlreadyExists means someone holds the name (a lock for IP-derived names). */
  | (WriteRef<K> & { op: 'create'; object: KubeObject })
  /** Merge patch of the status subresource. */
  | (WriteRef<K> & { op: 'patchStatus'; patch: { status: Record<string, unknown> } })
  /** Drop our finalizer (keeping the others), then DELETE unless the object is already deleting. */
  | (WriteRef<K> & {
      op: 'release';
      finalizers: string[];
      resourceVersion: string | undefined;
      deleteObject: boolean;
    });

export interface WritePlan<K extends string = string> {
  /** Run first, one after the other; a failure skips everything else. */
  before: WriteOp<K>[];
  /** Independent chains, run in parallel; each runs in order and stops at its first failure. */
  chains: WriteOp<K>[][];
  /** Run last, only when everything before succeeded. */
  after: WriteOp<K>[];
}

export interface WriteFailure<K extends string = string> {
  op: WriteOp<K>;
  error: unknown;
  /**
   * Planning again from fresh state will do: the read was stale (Conflict, NotFound), the name is
   * held (AlreadyExists) or the API server was briefly unreachable or overloaded.
   */
  transient: boolean;
}

export interface ApplyReport<K extends string = string> {
  failures: WriteFailure<K>[];
  /** Operations that succeeded, in completion order. */
  applied: WriteOp<K>[];
}

export interface ApplierOptions<K extends string> {
  /** One client per written kind. */
  clients: Record<K, ResourceClient<KubeObject>>;
  /** Parallel chains (default 16). */
  concurrency?: number;
  /** Recent-writes lifetime (default 30 s). */
  recentTtlMs?: number;
  logger?: Logger;
}

/** What the applier remembers: objects as the API server returned them. */
export type WrittenObject = KubeObject & { metadata: ObjectMeta };

export function describeWrite(op: WriteOp): string {
  return `${op.op} ${op.kind} ${op.namespace}/${op.name}`;
}

export class Applier<K extends string> {
  /** Our writes the informer caches may not show yet, per kind. */
  readonly recent: Record<K, RecentWrites<WrittenObject>>;
  readonly #clients: Record<K, ResourceClient<KubeObject>>;
  readonly #concurrency: number;
  readonly #log: Logger;

  constructor(options: ApplierOptions<K>) {
    this.#clients = options.clients;
    this.#concurrency = options.concurrency ?? 16;
    this.#log = options.logger ?? defaultLogger();
    const recent = {} as Applier<K>['recent'];
    for (const kind of Object.keys(options.clients) as K[])
      recent[kind] = new RecentWrites(options.recentTtlMs);
    this.recent = recent;
  }

  /** Keep the recent writes of `kind` in step with an informer's cache. */
  observe<T extends KubeObject>(informer: Informer<T>, kind: K): void {
    const recent = this.recent[kind];
    const stored = (object: T) => object as WrittenObject;
    informer.addHandler({
      onAdd: (object) => recent.observe(stored(object)),
      onUpdate: (_old, object) => recent.observe(stored(object)),
      onDelete: (object) => recent.observe(stored(object), true),
    });
  }

  async applyPlan(plan: WritePlan<K>): Promise<ApplyReport<K>> {
    const report: ApplyReport<K> = { failures: [], applied: [] };
    const run = async (op: WriteOp<K>): Promise<boolean> => {
      const failure = await this.apply(op);
      if (failure) report.failures.push(failure);
      else report.applied.push(op);
      return failure === undefined;
    };
    for (const op of plan.before) if (!(await run(op))) return report;
    await runLimited(plan.chains, this.#concurrency, async (chain) => {
      for (const op of chain) if (!(await run(op))) return;
    });
    if (report.failures.length > 0) return report;
    for (const op of plan.after) if (!(await run(op))) return report;
    return report;
  }

  /** One write; resolves to its failure, or undefined on success. */
  async apply(op: WriteOp<K>): Promise<WriteFailure<K> | undefined> {
    const client = this.#clients[op.kind];
    const recent = this.recent[op.kind];
    const ref = { namespace: op.namespace, name: op.name };
    try {
      switch (op.op) {
        case 'patchMetadata':
          recent.recordWrite((await client.mergePatch(ref, op.patch)) as WrittenObject);
          break;
        case 'patchStatus':
          recent.recordWrite((await client.patchStatus(ref, op.patch)) as WrittenObject);
          break;
        case 'create':
          recent.recordWrite((await client.create(op.object)) as WrittenObject);
          break;
        case 'release': {
          const patched = await client.mergePatch(ref, {
            metadata: {
              finalizers: op.finalizers.length > 0 ? op.finalizers : null,
              resourceVersion: op.resourceVersion,
            },
          });
          if (op.deleteObject) {
            await client.delete(ref, { preconditions: { uid: patched.metadata?.uid } });
            recent.recordDeletion(op.namespace, op.name, true, patched.metadata?.uid);
          } else if (op.finalizers.length === 0) {
            recent.recordDeletion(op.namespace, op.name, true, patched.metadata?.uid);
          } else {
            recent.recordWrite(patched as WrittenObject);
          }
          break;
        }
      }
      this.#log.debug({ write: describeWrite(op) }, 'applied');
      return undefined;
    } catch (error) {
      if (isNotFound(error) && op.op === 'release') return undefined;
      if (isConflict(error) || isNotFound(error)) recent.forget(op.namespace, op.name);
      const transient =
        isAlreadyExists(error) ||
        isConflict(error) ||
        isNotFound(error) ||
        (error instanceof KubeApiError && error.transient);
      const level = transient ? 'debug' : 'error';
      this.#log[level](
        { err: error, write: describeWrite(op) },
        transient ? 'write failed; will retry' : 'write failed',
      );
      return { op, error, transient };
    }
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
