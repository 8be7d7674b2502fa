// Column lists shared by the read model's statements (one place to keep mapping and SQL aligned).
export const HOST_COLUMNS = `h.id, h.cluster_id AS "clusterId", c.name AS cluster, h.namespace, h.name, h.uid, h.labels,
  h.first_seen_at AS "firstSeenAt", h.last_seen_at AS "lastSeenAt", h.deleted_at AS "deletedAt"`;

export const POOL_COLUMNS = `p.id, p.cluster_id AS "clusterId", c.name AS cluster, p.namespace, p.name, p.kind,
  p.api_group AS "apiGroup", p.uid, p.ranges, p.capacity_total::text AS "capacityTotal",
  p.first_seen_at AS "firstSeenAt", p.last_seen_at AS "lastSeenAt", p.deleted_at AS "deletedAt"`;

export const ASSIGNMENT_COLUMNS = `a.id::text AS id, a.cluster_id AS "clusterId", a.pool_id AS "poolId", a.host_id AS "hostId",
  a.namespace, a.claim_name AS "claimName", a.claim_kind AS "claimKind", a.address_name AS "addressName",
  a.address, a.prefix, a.gateway, a.family, a.source, a.valid_from AS "validFrom", a.valid_to AS "validTo",
  a.opened_by_event_id::text AS "openedByEventId", a.closed_by_event_id::text AS "closedByEventId"`;

export const EVENT_COLUMNS = `e.id::text AS id, c.name AS cluster, e.seq, e.namespace, e.kind, e.api_group AS "apiGroup",
  e.name, e.uid, e.resource_version AS "resourceVersion", e.action, e.before, e.after,
  e.observed_at AS "observedAt", e.recorded_at AS "recordedAt", e.source,
  e.deletion_observed_on_relist AS "deletionObservedOnRelist", e.correlation_id AS "correlationId", e.hash`;

/** The output names of ASSIGNMENT_COLUMNS (for selecting them from a subquery under a prefix). */
export const ASSIGNMENT_FIELDS = ASSIGNMENT_COLUMNS.split(',').map((column) => {
  const name = /(?:AS\s+"?(\w+)"?|\.(\w+))\s*$/.exec(column.trim());
  return name![1] ?? name![2]!;
});
