// Read side: the questions the API answers (who held an address, what a host had, state as of a
// time) and the change feed.
import { AuditStoreError } from '../errors';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { storedAddress } from './addresses';
import { assignmentInclude, toAssignmentRecord } from './current-state';
import { toAuditEvent } from './events';
import type { AssignmentFilter, AssignmentRecord, EventPage, ObjectName } from './types';

function filterWhere(filter: AssignmentFilter = {}): Prisma.AssignmentWhereInput {
  return {
    ...(filter.cluster !== undefined ? { cluster: { name: filter.cluster } } : {}),
    ...(filter.pool !== undefined
      ? {
          pool: {
            namespace: filter.pool.namespace,
            name: filter.pool.name,
            ...(filter.pool.kind !== undefined ? { kind: filter.pool.kind } : {}),
          },
        }
      : {}),
  };
}

/** Intervals that contain instant `at`: validFrom <= at < validTo (or still open). */
function validAt(at: Date): Prisma.AssignmentWhereInput {
  return { validFrom: { lte: at }, OR: [{ validTo: null }, { validTo: { gt: at } }] };
}

/** Intervals that overlap [from, to). */
function overlapping(from?: Date, to?: Date): Prisma.AssignmentWhereInput {
  return {
    ...(to !== undefined ? { validFrom: { lt: to } } : {}),
    ...(from !== undefined ? { OR: [{ validTo: null }, { validTo: { gt: from } }] } : {}),
  };
}

const chronological = [{ validFrom: 'asc' as const }, { id: 'asc' as const }];

async function findAssignments(
  prisma: PrismaClient,
  where: Prisma.AssignmentWhereInput,
): Promise<AssignmentRecord[]> {
  const rows = await prisma.assignment.findMany({
    where,
    include: assignmentInclude,
    orderBy: chronological,
  });
  return rows.map(toAssignmentRecord);
}

export interface HostQuery extends ObjectName {
  cluster?: string;
  /** Only intervals valid at this instant. */
  at?: Date;
}

/** Every address the host held (or held at `at`), oldest first. */
export function assignmentsForHost(prisma: PrismaClient, query: HostQuery): Promise<AssignmentRecord[]> {
  return findAssignments(prisma, {
    host: {
      namespace: query.namespace,
      name: query.name,
      ...(query.cluster !== undefined ? { cluster: { name: query.cluster } } : {}),
    },
    ...(query.at !== undefined ? validAt(query.at) : {}),
  });
}

export interface AddressQuery extends AssignmentFilter {
  address: string;
  /** Only intervals overlapping [from, to). */
  from?: Date;
  to?: Date;
}

/** Who held the address, oldest first. */
export function holdersOfAddress(prisma: PrismaClient, query: AddressQuery): Promise<AssignmentRecord[]> {
  const { value } = storedAddress(query.address);
  return findAssignments(prisma, {
    ...filterWhere(query),
    addressValue: value,
    ...overlapping(query.from, query.to),
  });
}

/** The assignments in force at instant `at`. */
export function stateAsOf(
  prisma: PrismaClient,
  at: Date,
  filter?: AssignmentFilter,
): Promise<AssignmentRecord[]> {
  if (Number.isNaN(at.getTime()))
    throw new AuditStoreError('INVALID_ARGUMENT', 'stateAsOf needs a valid Date');
  return findAssignments(prisma, { ...filterWhere(filter), ...validAt(at) });
}

/** The open assignments: every claim's current address. */
export function currentAssignments(
  prisma: PrismaClient,
  filter?: AssignmentFilter,
): Promise<AssignmentRecord[]> {
  return findAssignments(prisma, { ...filterWhere(filter), validTo: null });
}

export interface EventsSinceQuery {
  /** `nextCursor` of the previous page; omit to start at the beginning. */
  cursor?: string | null;
  cluster?: string;
  /** At most this many events (default 500, at most 10,000). */
  limit?: number;
}

/** Events committed after `cursor`, in commit order (ids are taken and committed in one order). */
export async function eventsSince(prisma: PrismaClient, query: EventsSinceQuery = {}): Promise<EventPage> {
  const cursor = query.cursor ?? '0';
  if (!/^\d+$/.test(cursor))
    throw new AuditStoreError('INVALID_ARGUMENT', `cursor "${cursor}" is not a cursor`);
  const limit = Math.min(Math.max(Math.trunc(query.limit ?? 500), 1), 10_000);
  const rows = await prisma.event.findMany({
    where: {
      id: { gt: BigInt(cursor) },
      ...(query.cluster !== undefined ? { cluster: { name: query.cluster } } : {}),
    },
    include: { cluster: { select: { name: true } } },
    orderBy: { id: 'asc' },
    take: limit,
  });
  const events = rows.map((row) => toAuditEvent(row, row.cluster.name));
  return { events, nextCursor: events.at(-1)?.id ?? query.cursor ?? null };
}
