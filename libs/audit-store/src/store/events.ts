// The append-only change log: idempotent, hash-chained appends serialized per cluster.
import { eventHash, normalizeJson, type JsonValue } from '../chain/hash';
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
  await tx.$executeRaw`INSERT INTO cluster (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: number; head_seq: number; head_hash: string }[]>`
    SELECT id, head_seq, head_hash FROM cluster WHERE name = ${name} FOR UPDATE`;
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
    prevHash: row.prevHash,
    hash: row.hash,
  };
}

function jsonColumn(value: JsonValue | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : (value as Prisma.InputJsonValue);
}

/** Appends inside `tx`; returns the stored event when (cluster, uid, resourceVersion, action) exists. */
export async function appendEventIn(tx: TransactionClient, input: NewEvent): Promise<AppendResult> {
  validate(input);
  const cluster = await lockCluster(tx, input.cluster);
  const { object } = input;
  const existing = await tx.event.findUnique({
    where: {
      idempotencyKey: {
        clusterId: cluster.id,
        uid: object.uid,
        resourceVersion: object.resourceVersion,
        action: input.action,
      },
    },
  });
  if (existing) return { event: toAuditEvent(existing, cluster.name), created: false };

  const fields = {
    cluster: cluster.name,
    seq: cluster.headSeq + 1,
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
    source: input.source,
    deletionObservedOnRelist: input.deletionObservedOnRelist ?? false,
    correlationId: input.correlationId ?? null,
    prevHash: cluster.headHash,
  };
  const hash = eventHash(fields);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${EVENT_FEED_LOCK}::bigint)`;
  const { cluster: _name, before, after, ...columns } = fields;
  const row = await tx.event.create({
    data: { ...columns, clusterId: cluster.id, before: jsonColumn(before), after: jsonColumn(after), hash },
  });
  await tx.cluster.update({ where: { id: cluster.id }, data: { headSeq: fields.seq, headHash: hash } });
  return { event: toAuditEvent(row, cluster.name), created: true };
}
