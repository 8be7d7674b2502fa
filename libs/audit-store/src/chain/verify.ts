// Walks each cluster's chain in sequence order, recomputing every hash; stops a cluster at its first
// broken link, since nothing after it can be trusted. After a retention prune the walk starts from
// the newest prune's boundary (whose signed checkpoint `verifyAuditTrail` checks).
import { AuditStoreError } from '../errors';
import type { Event as EventRow, PrismaClient } from '../generated/prisma/client.js';
import type { BrokenLink, ChainVerification, ClusterChainResult } from '../store/types';
import { eventHash, GENESIS_HASH, type FieldManagerChange, type HashVersion, type JsonValue } from './hash';

const BATCH = 1_000;

/** A verified position of a chain: the walk continues after it. */
export interface ChainPosition {
  seq: number;
  hash: string;
  hashVersion: HashVersion;
}

export const GENESIS_POSITION: ChainPosition = { seq: 0, hash: GENESIS_HASH, hashVersion: 1 };

export function recomputeHash(row: EventRow, cluster: string): string {
  return eventHash(
    {
      cluster,
      seq: row.seq,
      namespace: row.namespace,
      kind: row.kind,
      apiGroup: row.apiGroup,
      name: row.name,
      uid: row.uid,
      resourceVersion: row.resourceVersion,
      action: row.action,
      before: (row.before ?? null) as JsonValue | null,
      after: (row.after ?? null) as JsonValue | null,
      observedAt: row.observedAt,
      recordedAt: row.recordedAt,
      source: row.source,
      deletionObservedOnRelist: row.deletionObservedOnRelist,
      correlationId: row.correlationId,
      changedBy: (row.changedBy ?? null) as FieldManagerChange[] | null,
      prevHash: row.prevHash,
    },
    row.hashVersion as HashVersion,
  );
}

export interface ChainWalk {
  eventsChecked: number;
  last: ChainPosition;
  brokenLink: BrokenLink | null;
}

/**
 * Verifies the events of one cluster after `from` up to `throughSeq`. Events missing at the end of
 * the range end the walk early without a broken link: callers compare `last.seq` with the head.
 */
export async function walkChain(
  prisma: PrismaClient,
  cluster: { id: number; name: string },
  from: ChainPosition,
  throughSeq: number,
): Promise<ChainWalk> {
  let last = from;
  let eventsChecked = 0;
  const done = (brokenLink: BrokenLink | null): ChainWalk => ({ eventsChecked, last, brokenLink });
  for (;;) {
    const rows = await prisma.event.findMany({
      where: { clusterId: cluster.id, seq: { gt: last.seq, lte: throughSeq } },
      orderBy: { seq: 'asc' },
      take: BATCH,
    });
    for (const row of rows) {
      const link = { cluster: cluster.name, eventId: row.id.toString(), seq: row.seq };
      const expectedSeq = last.seq + 1;
      if (row.seq !== expectedSeq) {
        return done({ ...link, check: 'seq', expected: String(expectedSeq), actual: String(row.seq) });
      }
      if (row.prevHash !== last.hash) {
        return done({ ...link, check: 'prevHash', expected: last.hash, actual: row.prevHash });
      }
      // Once a chain hashes recordedAt, an event claiming the older field set is a downgrade.
      if (row.hashVersion < last.hashVersion) {
        return done({
          ...link,
          check: 'hashVersion',
          expected: `>= ${last.hashVersion}`,
          actual: String(row.hashVersion),
        });
      }
      const recomputed = recomputeHash(row, cluster.name);
      if (recomputed !== row.hash) {
        return done({ ...link, check: 'hash', expected: recomputed, actual: row.hash });
      }
      last = { seq: row.seq, hash: row.hash, hashVersion: row.hashVersion as HashVersion };
      eventsChecked += 1;
    }
    if (rows.length < BATCH) break;
  }
  return done(null);
}

/** Where a cluster's chain in the database starts: after its newest prune, else at genesis. */
export async function chainStart(prisma: PrismaClient, clusterId: number): Promise<ChainPosition> {
  const prune = await prisma.eventPrune.findFirst({
    where: { clusterId },
    orderBy: { throughSeq: 'desc' },
  });
  if (!prune) return GENESIS_POSITION;
  return {
    seq: prune.throughSeq,
    hash: prune.throughHash,
    hashVersion: prune.throughHashVersion as HashVersion,
  };
}

async function verifyCluster(
  prisma: PrismaClient,
  cluster: { id: number; name: string; headSeq: number; headHash: string },
): Promise<ClusterChainResult> {
  const start = await chainStart(prisma, cluster.id);
  // Up to the head read before: events appended meanwhile are the next run's business.
  const walk = await walkChain(prisma, cluster, start, cluster.headSeq);
  const result = (brokenLink: BrokenLink | null): ClusterChainResult => ({
    cluster: cluster.name,
    ok: brokenLink === null,
    eventsChecked: walk.eventsChecked,
    headSeq: walk.last.seq,
    headHash: walk.last.hash,
    prunedThroughSeq: start.seq,
    brokenLink,
  });
  if (walk.brokenLink) return result(walk.brokenLink);
  // The head on the cluster row catches deleted tail events, which leave no gap behind them.
  if (cluster.headSeq !== walk.last.seq || cluster.headHash !== walk.last.hash) {
    return result({
      cluster: cluster.name,
      eventId: null,
      seq: cluster.headSeq,
      check: 'head',
      expected: `${walk.last.seq}:${walk.last.hash}`,
      actual: `${cluster.headSeq}:${cluster.headHash}`,
    });
  }
  return result(null);
}

/** Verifies one cluster's chain, or every cluster's (in name order) when `cluster` is omitted. */
export async function verifyChain(prisma: PrismaClient, cluster?: string): Promise<ChainVerification> {
  const clusters = await prisma.cluster.findMany({
    where: cluster !== undefined ? { name: cluster } : {},
    orderBy: { name: 'asc' },
  });
  if (cluster !== undefined && clusters.length === 0) {
    throw new AuditStoreError('UNKNOWN_CLUSTER', `no events were recorded for cluster "${cluster}"`);
  }
  const results: ClusterChainResult[] = [];
  for (const row of clusters) results.push(await verifyCluster(prisma, row));
  const firstBrokenLink = results.find((entry) => entry.brokenLink)?.brokenLink ?? null;
  return {
    ok: firstBrokenLink === null,
    eventsChecked: results.reduce((sum, entry) => sum + entry.eventsChecked, 0),
    clusters: results,
    firstBrokenLink,
  };
}
