// Walks each cluster's chain in sequence order, recomputing every hash; stops a cluster at its first
// broken link, since nothing after it can be trusted.
import { AuditStoreError } from '../errors';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { BrokenLink, ChainVerification, ClusterChainResult } from '../store/types';
import { eventHash, GENESIS_HASH, type JsonValue } from './hash';

const BATCH = 1_000;

async function verifyCluster(
  prisma: PrismaClient,
  cluster: { id: number; name: string; headSeq: number; headHash: string },
): Promise<ClusterChainResult> {
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  let eventsChecked = 0;
  const result = (brokenLink: BrokenLink | null): ClusterChainResult => ({
    cluster: cluster.name,
    ok: brokenLink === null,
    eventsChecked,
    headSeq: expectedSeq - 1,
    headHash: previousHash,
    brokenLink,
  });
  for (;;) {
    const rows = await prisma.event.findMany({
      // Up to the head read before: events appended meanwhile are the next run's business.
      where: { clusterId: cluster.id, seq: { gte: expectedSeq, lte: cluster.headSeq } },
      orderBy: { seq: 'asc' },
      take: BATCH,
    });
    for (const row of rows) {
      const link = { cluster: cluster.name, eventId: row.id.toString(), seq: row.seq };
      if (row.seq !== expectedSeq) {
        return result({ ...link, check: 'seq', expected: String(expectedSeq), actual: String(row.seq) });
      }
      if (row.prevHash !== previousHash) {
        return result({ ...link, check: 'prevHash', expected: previousHash, actual: row.prevHash });
      }
      const recomputed = eventHash({
        cluster: cluster.name,
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
        source: row.source,
        deletionObservedOnRelist: row.deletionObservedOnRelist,
        correlationId: row.correlationId,
        prevHash: row.prevHash,
      });
      if (recomputed !== row.hash) {
        return result({ ...link, check: 'hash', expected: recomputed, actual: row.hash });
      }
      previousHash = row.hash;
      expectedSeq += 1;
      eventsChecked += 1;
    }
    if (rows.length < BATCH) break;
  }
  // The head on the cluster row catches deleted tail events, which leave no gap behind them.
  const headSeq = expectedSeq - 1;
  if (cluster.headSeq !== headSeq || cluster.headHash !== previousHash) {
    return result({
      cluster: cluster.name,
      eventId: null,
      seq: cluster.headSeq,
      check: 'head',
      expected: `${headSeq}:${previousHash}`,
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
