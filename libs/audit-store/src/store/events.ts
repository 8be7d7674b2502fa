// The append-only change log: idempotent, hash-chained appends serialized per cluster.
import {
  eventHash,
  HASH_FORMAT_VERSION,
  normalizeJson,
  type FieldManagerChange,
  type HashVersion,
  type JsonValue,
} from '../chain/hash';
import { AuditStoreError } from '../errors';
import { Prisma } from '../generated/prisma/client.js';
import type { Event as EventRow } from '../generated/prisma/client.js';
import type { TransactionClient } from './tx';
import {
  EVENT_ACTIONS,
  EVENT_SOURCES,
  type AppendResult,
  type AuditEvent,
  type EventAction,
  type EventSource,
  type NewEvent,
} from './types';

/**
 * Every event is inserted while this transaction-scoped advisory lock is held (after the cluster
 * row lock, so the lock order is always cluster → feed): event ids are then taken and committed
 * in one order, and a reader paging by id (eventsSince) can never skip a late-committing event.
 */
const EVENT_FEED_LOCK = 0x5354_4950; // "STIP"

export interface LockedCluster {
  id: number;
  name: string;
  headSeq: number;
  headHash: string;
}

/** Creates the cluster row when missing and locks it for the rest of the transaction. */
export async function lockCluster(tx: TransactionClient, name: string): Promise<LockedCluster> {
  if (name === '') throw new AuditStoreError('INVALID_ARGUMENT', 'cluster name must not be empty');
  const select = (): Promise<{ id: number; head_seq: number; head_hash: string }[]> => tx.$queryRaw`
    SELECT id, head_seq, head_hash FROM cluster WHERE name = ${name} FOR UPDATE`;
  let rows = await select();
  if (rows.length === 0) {
    await tx.$executeRaw`INSERT INTO cluster (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`;
    rows = await select();
  }
  const row = rows[0];
  if (!row) throw new AuditStoreError('UNKNOWN_CLUSTER', `cluster "${name}" vanished while being locked`);
  return { id: row.id, name, headSeq: row.head_seq, headHash: row.head_hash };
}

function assertOneOf<T extends string>(
  value: string,
  allowed: readonly T[],
  what: string,
): asserts value is T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new AuditStoreError('INVALID_ARGUMENT', `${what} "${value}" is not one of ${allowed.join(', ')}`);
  }
}

function validate(input: NewEvent): void {
  assertOneOf(input.action, EVENT_ACTIONS, 'action');
  assertOneOf(input.source, EVENT_SOURCES, 'source');
  const { uid, resourceVersion, kind, name } = input.object;
  for (const [field, value] of Object.entries({ uid, resourceVersion, kind, name })) {
    if (!value) throw new AuditStoreError('INVALID_ARGUMENT', `event object ${field} must not be empty`);
  }
  if (!(input.observedAt instanceof Date) || Number.isNaN(input.observedAt.getTime())) {
    throw new AuditStoreError('INVALID_ARGUMENT', 'observedAt must be a valid Date');
  }
  for (const [index, entry] of (input.changedBy ?? []).entries()) {
    if (typeof entry?.manager !== 'string' || entry.manager === '' || typeof entry.operation !== 'string') {
      throw new AuditStoreError(
        'INVALID_ARGUMENT',
        `changedBy[${index}] needs a non-empty manager and an operation (from managedFields)`,
      );
    }
  }
  if (input.deletionObservedOnRelist && (input.action !== 'delete' || input.source !== 'relist')) {
    throw new AuditStoreError(
      'INVALID_ARGUMENT',
      'only a delete found by a relist can be flagged deletionObservedOnRelist',
    );
  }
}

export function toAuditEvent(row: EventRow, cluster: string): AuditEvent {
  return {
    id: row.id.toString(),
    cluster,
    seq: row.seq,
    namespace: row.namespace,
    kind: row.kind,
    apiGroup: row.apiGroup,
    name: row.name,
    uid: row.uid,
    resourceVersion: row.resourceVersion,
    action: row.action as EventAction,
    before: (row.before ?? null) as JsonValue | null,
    after: (row.after ?? null) as JsonValue | null,
    observedAt: row.observedAt,
    recordedAt: row.recordedAt,
    source: row.source as EventSource,
    deletionObservedOnRelist: row.deletionObservedOnRelist,
    correlationId: row.correlationId,
    changedBy: (row.changedBy ?? null) as FieldManagerChange[] | null,
    hashVersion: row.hashVersion as HashVersion,
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

function jsonColumn(value: JsonValue | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/** The attribution as jsonb will return it; an empty list is "nobody known", stored as null. */
function changedByOf(input: NewEvent): FieldManagerChange[] | null {
  if (!input.changedBy || input.changedBy.length === 0) return null;
  return normalizeJson(input.changedBy) as unknown as FieldManagerChange[];
}

function idempotencyKey(uid: string, resourceVersion: string, action: string): string {
  return JSON.stringify([uid, resourceVersion, action]);
}

/** Appends inside `tx`; returns the stored event when (cluster, uid, resourceVersion, action) exists. */
export async function appendEventIn(tx: TransactionClient, input: NewEvent): Promise<AppendResult> {
  const [result] = await appendEventsIn(tx, [input]);
  if (!result) throw new AuditStoreError('INVALID_ARGUMENT', 'no event appended');
  return result;
}

/**
 * Appends a batch inside `tx` with one lock, one lookup and one insert per cluster: a relist or a
 * burst of changes costs one commit instead of one per event. Results are in input order; an
 * event repeated within the batch or already stored comes back with `created: false`.
 */
export async function appendEventsIn(
  tx: TransactionClient,
  inputs: readonly NewEvent[],
): Promise<AppendResult[]> {
  inputs.forEach(validate);
  const results = new Array<AppendResult | undefined>(inputs.length);
  const byCluster = new Map<string, number[]>();
  inputs.forEach((input, index) =>
    byCluster.set(input.cluster, [...(byCluster.get(input.cluster) ?? []), index]),
  );
  let feedLocked = false;
  // Clusters in name order, so two batches never wait on each other's cluster locks in a cycle.
  for (const clusterName of [...byCluster.keys()].sort()) {
    const indexes = byCluster.get(clusterName) ?? [];
    const cluster = await lockCluster(tx, clusterName);
    const existing = await tx.event.findMany({
      where: {
        clusterId: cluster.id,
        OR: indexes.map((index) => {
          const { object, action } = inputs[index] as NewEvent;
          return { uid: object.uid, resourceVersion: object.resourceVersion, action };
        }),
      },
    });
    const known = new Map<string, AppendResult>(
      existing.map((row) => [
        idempotencyKey(row.uid, row.resourceVersion, row.action),
        { event: toAuditEvent(row, cluster.name), created: false },
      ]),
    );

    // One recording time per batch and cluster, hashed (version 2) rather than left to a column default.
    const recordedAt = new Date();
    let headSeq = cluster.headSeq;
    let headHash = cluster.headHash;
    const pending: { index: number; key: string; data: Prisma.EventCreateManyInput }[] = [];
    const batchKeys = new Map<string, number>();
    for (const index of indexes) {
      const input = inputs[index] as NewEvent;
      const { object } = input;
      const key = idempotencyKey(object.uid, object.resourceVersion, input.action);
      const stored = known.get(key);
      if (stored) {
        results[index] = stored;
        continue;
      }
      if (batchKeys.has(key)) continue; // filled from the first occurrence below
      batchKeys.set(key, index);
      const fields = {
        cluster: cluster.name,
        seq: headSeq + 1,
        namespace: object.namespace ?? '',
        kind: object.kind,
        apiGroup: object.apiGroup,
        name: object.name,
        uid: object.uid,
        resourceVersion: object.resourceVersion,
        action: input.action,
        before: normalizeJson(input.before),
        after: normalizeJson(input.after),
        observedAt: input.observedAt,
        recordedAt,
        source: input.source,
        deletionObservedOnRelist: input.deletionObservedOnRelist ?? false,
        correlationId: input.correlationId ?? null,
        changedBy: changedByOf(input),
        prevHash: headHash,
      };
      const hash = eventHash(fields, HASH_FORMAT_VERSION);
      const { cluster: _name, before, after, changedBy, ...columns } = fields;
      pending.push({
        index,
        key,
        data: {
          ...columns,
          clusterId: cluster.id,
          before: jsonColumn(before),
          after: jsonColumn(after),
          changedBy: jsonColumn(changedBy as JsonValue | null),
          hashVersion: HASH_FORMAT_VERSION,
          hash,
        },
      });
      headSeq = fields.seq;
      headHash = hash;
    }
    if (pending.length === 0) {
      fillRepeats(indexes, inputs, results);
      continue;
    }
    if (!feedLocked) {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_FEED_LOCK}::bigint)`;
      feedLocked = true;
    }
    const rows = await tx.event.createManyAndReturn({ data: pending.map((entry) => entry.data) });
    const rowsBySeq = new Map(rows.map((row) => [row.seq, row]));
    for (const entry of pending) {
      const row = rowsBySeq.get(entry.data.seq);
      if (!row)
        throw new AuditStoreError(
          'INVALID_ARGUMENT',
          `event ${entry.data.seq} was not returned by the insert`,
        );
      results[entry.index] = { event: toAuditEvent(row, cluster.name), created: true };
    }
    await tx.cluster.update({ where: { id: cluster.id }, data: { headSeq, headHash } });
    fillRepeats(indexes, inputs, results);
  }
  return results.map((result) => {
    if (!result) throw new AuditStoreError('INVALID_ARGUMENT', 'an event of the batch was not appended');
    return result;
  });
}

/** Later copies of an event within one batch return the first copy's result, as duplicates. */
function fillRepeats(
  indexes: number[],
  inputs: readonly NewEvent[],
  results: (AppendResult | undefined)[],
): void {
  const firstByKey = new Map<string, AppendResult>();
  for (const index of indexes) {
    const { object, action } = inputs[index] as NewEvent;
    const key = idempotencyKey(object.uid, object.resourceVersion, action);
    const result = results[index];
    const first = firstByKey.get(key);
    if (result && !first) firstByKey.set(key, result);
    else if (!result && first) results[index] = { event: first.event, created: false };
  }
}
