// The API's read side: parameterized SQL over the audit-store tables on a pg pool of its own.
// Hand-written SQL rather than Prisma for the hot paths: batched lookups (`= ANY($1)`) for the
// DataLoaders, keyset pages, DISTINCT ON for the stability report, and one round trip each, which
// keeps single-host queries well under the latency goal.
import type { JsonValue } from '@stableip/audit-store';
import { parseIP } from '@stableip/ipam-core';
import pg from 'pg';
import { ApiError } from '../errors';
import { keysetClause, type PageArgs, type SortKey } from './keyset';
import type { AssignmentRow, ClusterRow, EventRow, ExportRow, HostRow, PoolRow } from './rows';
import { ASSIGNMENT_COLUMNS, ASSIGNMENT_FIELDS, EVENT_COLUMNS, HOST_COLUMNS, POOL_COLUMNS } from './sql';

// numeric(39,0) and bigint come back as text: keep them as strings (ids are decimal strings).
const BY_VALID_FROM: SortKey = { columns: ['a.valid_from', 'a.id'], types: ['timestamptz', 'bigint'] };

export interface HostFilter {
  cluster?: string | null;
  namespace?: string | null;
  /** Every label must match (JSONB containment, uses equality only). */
  labels?: Record<string, string> | null;
}

export interface AssignmentScope {
  cluster?: string | null;
  /** Pool name (any namespace/kind). */
  pool?: string | null;
}

export interface ExportSelector extends AssignmentScope {
  hostLabels?: Record<string, string> | null;
  namespace?: string | null;
}

export interface StabilityRow {
  hostId: number;
  poolId: number;
  before: AssignmentRow | null;
  after: AssignmentRow | null;
  /** Intervals of this host and pool that started inside (from, to]. */
  intervalsInWindow: number;
}

export interface QueryObserver {
  (statement: { text: string; durationMs: number }): void;
}

export class ReadModel {
  private readonly observers = new Set<QueryObserver>();

  constructor(readonly pool: pg.Pool) {}

  /** Called after every statement (metrics, and tests counting statements). */
  observe(observer: QueryObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  async query<T>(text: string, params: unknown[] = []): Promise<T[]> {
    const started = performance.now();
    try {
      const result = await this.pool.query(text, params);
      return result.rows as T[];
    } finally {
      const durationMs = performance.now() - started;
      for (const observer of this.observers) observer({ text, durationMs });
    }
  }

  ping(): Promise<unknown> {
    return this.query('SELECT 1');
  }

  // ---- clusters ----

  clusters(): Promise<ClusterRow[]> {
    return this.query<ClusterRow>(
      `SELECT id, name, head_seq AS "headSeq", head_hash AS "headHash", created_at AS "createdAt" FROM cluster ORDER BY name`,
    );
  }

  clustersByName(names: readonly string[]): Promise<ClusterRow[]> {
    return this.query<ClusterRow>(
      `SELECT id, name, head_seq AS "headSeq", head_hash AS "headHash", created_at AS "createdAt" FROM cluster WHERE name = ANY($1)`,
      [names],
    );
  }

  // ---- hosts ----

  hostsById(ids: readonly number[]): Promise<HostRow[]> {
    return this.query<HostRow>(
      `SELECT ${HOST_COLUMNS} FROM host h JOIN cluster c ON c.id = h.cluster_id WHERE h.id = ANY($1::int[])`,
      [ids],
    );
  }

  /**
   * Hosts by (cluster, namespace, name); a null namespace matches any (the caller checks
   * ambiguity). Without a namespace, the cluster's namespaces are walked with a loose index scan
   * over host(cluster_id, namespace, name), so the lookup stays an index probe per namespace
   * instead of a scan of the cluster's hosts.
   */
  hostsByName(cluster: string, name: string, namespace: string | null): Promise<HostRow[]> {
    if (namespace !== null) {
      return this.query<HostRow>(
        `SELECT ${HOST_COLUMNS} FROM host h JOIN cluster c ON c.id = h.cluster_id
         WHERE c.name = $1 AND h.namespace = $3 AND h.name = $2`,
        [cluster, name, namespace],
      );
    }
    return this.query<HostRow>(
      `WITH RECURSIVE cl AS (SELECT id FROM cluster WHERE name = $1),
       ns(namespace) AS (
         SELECT (SELECT min(namespace) FROM host WHERE cluster_id = (SELECT id FROM cl))
         UNION ALL
         SELECT (SELECT min(namespace) FROM host WHERE cluster_id = (SELECT id FROM cl) AND namespace > ns.namespace)
         FROM ns WHERE ns.namespace IS NOT NULL)
       SELECT ${HOST_COLUMNS} FROM ns
       CROSS JOIN LATERAL (SELECT * FROM host
         WHERE cluster_id = (SELECT id FROM cl) AND namespace = ns.namespace AND name = $2 OFFSET 0) h
       JOIN cluster c ON c.id = h.cluster_id
       ORDER BY h.namespace LIMIT 2`,
      [cluster, name],
    );
  }

  hosts(filter: HostFilter, page: PageArgs): Promise<HostRow[]> {
    const params: unknown[] = [filter.cluster ?? null, filter.namespace ?? null, labelsParam(filter.labels)];
    const { where, tail } = keysetClause({ columns: ['h.id'], types: ['int'] }, page, params);
    return this.query<HostRow>(
      `SELECT ${HOST_COLUMNS} FROM host h JOIN cluster c ON c.id = h.cluster_id
       WHERE ($1::text IS NULL OR c.name = $1) AND ($2::text IS NULL OR h.namespace = $2)
         AND ($3::jsonb IS NULL OR h.labels @> $3::jsonb) AND ${where} ${tail}`,
      params,
    );
  }

  // ---- pools ----

  poolsById(ids: readonly number[]): Promise<PoolRow[]> {
    return this.query<PoolRow>(
      `SELECT ${POOL_COLUMNS} FROM pool p JOIN cluster c ON c.id = p.cluster_id WHERE p.id = ANY($1::int[])`,
      [ids],
    );
  }

  pools(
    filter: { cluster?: string | null; namespace?: string | null; name?: string | null },
    page: PageArgs,
  ): Promise<PoolRow[]> {
    const params: unknown[] = [filter.cluster ?? null, filter.namespace ?? null, filter.name ?? null];
    const { where, tail } = keysetClause({ columns: ['p.id'], types: ['int'] }, page, params);
    return this.query<PoolRow>(
      `SELECT ${POOL_COLUMNS} FROM pool p JOIN cluster c ON c.id = p.cluster_id
       WHERE ($1::text IS NULL OR c.name = $1) AND ($2::text IS NULL OR p.namespace = $2)
         AND ($3::text IS NULL OR p.name = $3) AND ${where} ${tail}`,
      params,
    );
  }

  /** Pool specs (they can be large: preAllocations), fetched only when a query asks for them. */
  async poolSpecsById(ids: readonly number[]): Promise<Map<number, JsonValue>> {
    const rows = await this.query<{ id: number; spec: JsonValue }>(
      `SELECT id, spec FROM pool WHERE id = ANY($1::int[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.spec]));
  }

  /** Open assignments per pool (live, not the cached capacity_used). */
  async usedByPoolId(ids: readonly number[]): Promise<Map<number, number>> {
    const rows = await this.query<{ poolId: number; used: string }>(
      `SELECT pool_id AS "poolId", count(*)::text AS used FROM assignment
       WHERE pool_id = ANY($1::int[]) AND valid_to IS NULL GROUP BY pool_id`,
      [ids],
    );
    return new Map(rows.map((row) => [row.poolId, Number(row.used)]));
  }

  /** Open assignments of the pools whose claim names are given (preAllocation coverage). */
  openAssignmentsOfClaims(
    poolIds: readonly number[],
    claimNames: readonly string[],
  ): Promise<AssignmentRow[]> {
    return this.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
       WHERE a.pool_id = ANY($1::int[]) AND a.valid_to IS NULL AND a.claim_name = ANY($2::text[])`,
      [poolIds, claimNames],
    );
  }

  /** Open assignments holding any of these addresses (numeric values) in these pools. */
  openAssignmentsOfAddresses(
    poolIds: readonly number[],
    values: readonly string[],
  ): Promise<AssignmentRow[]> {
    return this.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
       WHERE a.pool_id = ANY($1::int[]) AND a.valid_to IS NULL AND a.address_value = ANY($2::numeric[])`,
      [poolIds, values],
    );
  }

  // ---- assignments ----

  currentAssignmentsOfHosts(hostIds: readonly number[]): Promise<AssignmentRow[]> {
    return this.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
       WHERE a.host_id = ANY($1::int[]) AND a.valid_to IS NULL ORDER BY a.host_id, a.pool_id, a.id`,
      [hostIds],
    );
  }

  hostHistory(
    hostId: number,
    window: { from?: Date | null; to?: Date | null },
    page: PageArgs,
  ): Promise<AssignmentRow[]> {
    const params: unknown[] = [hostId, window.from ?? null, window.to ?? null];
    const { where, tail } = keysetClause(BY_VALID_FROM, page, params);
    return this.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
       WHERE a.host_id = $1 AND ($3::timestamptz IS NULL OR a.valid_from < $3)
         AND ($2::timestamptz IS NULL OR a.valid_to IS NULL OR a.valid_to > $2) AND ${where} ${tail}`,
      params,
    );
  }

  addressHistory(
    address: string,
    scope: AssignmentScope & { from?: Date | null; to?: Date | null },
    page: PageArgs,
  ): Promise<AssignmentRow[]> {
    const ip = parseIP(address);
    if (ip === undefined) throw new ApiError('BAD_USER_INPUT', `"${address}" is not an IP address`);
    const params: unknown[] = [
      ip.value.toString(),
      scope.cluster ?? null,
      scope.pool ?? null,
      scope.from ?? null,
      scope.to ?? null,
    ];
    const { where, tail } = keysetClause(BY_VALID_FROM, page, params);
    return this.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
       WHERE a.address_value = $1::numeric
         AND ($2::text IS NULL OR a.cluster_id = (SELECT id FROM cluster WHERE name = $2))
         AND ($3::text IS NULL OR a.pool_id IN (SELECT id FROM pool WHERE name = $3))
         AND ($5::timestamptz IS NULL OR a.valid_from < $5)
         AND ($4::timestamptz IS NULL OR a.valid_to IS NULL OR a.valid_to > $4) AND ${where} ${tail}`,
      params,
    );
  }

  /** Assignments in force at `at` (validFrom <= at < validTo), or the open ones when `at` is null. */
  assignmentsAt(at: Date | null, scope: AssignmentScope, page: PageArgs): Promise<AssignmentRow[]> {
    const params: unknown[] = [at, scope.cluster ?? null, scope.pool ?? null];
    const { where, tail } = keysetClause({ columns: ['a.id'], types: ['bigint'] }, page, params);
    return this.query<AssignmentRow>(
      `SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
       WHERE ($1::timestamptz IS NULL AND a.valid_to IS NULL
              OR $1::timestamptz IS NOT NULL AND a.valid_from <= $1 AND (a.valid_to IS NULL OR a.valid_to > $1))
         AND ($2::text IS NULL OR a.cluster_id = (SELECT id FROM cluster WHERE name = $2))
         AND ($3::text IS NULL OR a.pool_id IN (SELECT id FROM pool WHERE name = $3)) AND ${where} ${tail}`,
      params,
    );
  }

  assignmentsOpenedOrClosedBy(
    eventIds: readonly string[],
  ): Promise<(AssignmentRow & { changedByEventId: string })[]> {
    return this.query(
      `SELECT ${ASSIGNMENT_COLUMNS}, e.id::text AS "changedByEventId" FROM unnest($1::bigint[]) AS e(id)
       JOIN assignment a ON a.opened_by_event_id = e.id OR a.closed_by_event_id = e.id ORDER BY e.id, a.id`,
      [eventIds],
    );
  }

  /**
   * Per host and pool of the cluster: the assignment in force at `from` and at `to`, and how many
   * intervals started in between (a host that got its address back after a release still counts as
   * kept, with intervalsInWindow > 0). Each host × pool pair is three probes of the
   * assignment(host_id, valid_from) index — the latest interval starting by each instant — so the
   * cost follows the number of pairs, not the length of the history.
   */
  async stability(clusterId: number, from: Date, to: Date): Promise<StabilityRow[]> {
    const latestBy = (alias: string, at: string) =>
      `LEFT JOIN LATERAL (SELECT ${ASSIGNMENT_COLUMNS} FROM assignment a
         WHERE a.host_id = pr.host_id AND a.pool_id = pr.pool_id AND a.valid_from <= ${at}
         ORDER BY a.valid_from DESC, a.id DESC LIMIT 1) ${alias}
       ON ${alias}."validTo" IS NULL OR ${alias}."validTo" > ${at}`;
    const prefixed = (alias: string) =>
      ASSIGNMENT_FIELDS.map((field) => `${alias}."${field}" AS "${alias}.${field}"`).join(', ');
    const rows = await this.query<Record<string, unknown>>(
      `WITH pairs AS (
         SELECT h.id AS host_id, p.id AS pool_id FROM host h JOIN pool p ON p.cluster_id = h.cluster_id
         WHERE h.cluster_id = $1)
       SELECT pr.host_id AS "hostId", pr.pool_id AS "poolId", ${prefixed('f')}, ${prefixed('t')},
              (SELECT count(*)::int FROM assignment a
               WHERE a.host_id = pr.host_id AND a.pool_id = pr.pool_id AND a.valid_from > $2 AND a.valid_from <= $3) AS intervals
       FROM pairs pr
       ${latestBy('f', '$2::timestamptz')}
       ${latestBy('t', '$3::timestamptz')}
       WHERE f.id IS NOT NULL OR t.id IS NOT NULL
       ORDER BY 1, 2`,
      [clusterId, from, to],
    );
    const pick = (row: Record<string, unknown>, alias: string): AssignmentRow | null => {
      if (row[`${alias}.id`] === null) return null;
      return Object.fromEntries(
        ASSIGNMENT_FIELDS.map((field) => [field, row[`${alias}.${field}`]]),
      ) as unknown as AssignmentRow;
    };
    return rows.map((row) => ({
      hostId: row['hostId'] as number,
      poolId: row['poolId'] as number,
      before: pick(row, 'f'),
      after: pick(row, 't'),
      intervalsInWindow: row['intervals'] as number,
    }));
  }

  // ---- events ----

  eventsSince(cursor: string, cluster: string | null, limit: number): Promise<EventRow[]> {
    return this.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM event e JOIN cluster c ON c.id = e.cluster_id
       WHERE e.id > $1::bigint AND ($2::text IS NULL OR c.name = $2) ORDER BY e.id LIMIT $3`,
      [cursor, cluster, limit],
    );
  }

  /** The id of the newest event (the subscription feed starts after it). */
  async latestEventId(): Promise<string> {
    const [row] = await this.query<{ id: string | null }>(`SELECT max(id)::text AS id FROM event`);
    return row?.id ?? '0';
  }

  // ---- exports ----

  /** When the newest event (of one cluster, or of all) was recorded: the exports' Last-Modified. */
  async latestRecordedAt(cluster: string | null): Promise<Date | null> {
    const [row] = await this.query<{ at: Date | null }>(
      `SELECT max(e.recorded_at) AS at FROM event e JOIN cluster c ON c.id = e.cluster_id
       WHERE ($1::text IS NULL OR c.name = $1)`,
      [cluster],
    );
    return row?.at ?? null;
  }

  exportRows(selector: ExportSelector): Promise<ExportRow[]> {
    return this.query<ExportRow>(
      `SELECT c.name AS cluster, h.namespace, h.name AS host, h.labels, p.name AS pool, a.address, a.family, a.prefix
       FROM assignment a JOIN host h ON h.id = a.host_id JOIN pool p ON p.id = a.pool_id JOIN cluster c ON c.id = a.cluster_id
       WHERE a.valid_to IS NULL AND h.deleted_at IS NULL
         AND ($1::text IS NULL OR c.name = $1) AND ($2::text IS NULL OR p.name = $2)
         AND ($3::jsonb IS NULL OR h.labels @> $3::jsonb) AND ($4::text IS NULL OR h.namespace = $4)
       ORDER BY c.name, h.namespace, h.name, p.name, a.address_value`,
      [
        selector.cluster ?? null,
        selector.pool ?? null,
        labelsParam(selector.hostLabels),
        selector.namespace ?? null,
      ],
    );
  }
}

function labelsParam(labels: Record<string, string> | null | undefined): string | null {
  return labels && Object.keys(labels).length > 0 ? JSON.stringify(labels) : null;
}
