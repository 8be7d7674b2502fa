// Row shapes the read model returns (snake_case SQL mapped to the API's camelCase).
import type { JsonValue } from '@stableip/audit-store';

export interface ClusterRow {
  id: number;
  name: string;
  headSeq: number;
  headHash: string;
  createdAt: Date;
}

export interface HostRow {
  id: number;
  clusterId: number;
  cluster: string;
  namespace: string;
  name: string;
  uid: string | null;
  labels: Record<string, string>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

export interface PoolRangeRow {
  start: string;
  end: string;
  family: 4 | 6;
  prefix: number | null;
  gateway: string | null;
  size: string;
}

export interface PoolRow {
  id: number;
  clusterId: number;
  cluster: string;
  namespace: string;
  name: string;
  kind: string;
  apiGroup: string;
  uid: string | null;
  ranges: PoolRangeRow[];
  capacityTotal: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

export type AssignmentSource = 'preallocated' | 'requested' | 'dynamic';

export interface AssignmentRow {
  id: string;
  clusterId: number;
  poolId: number;
  hostId: number | null;
  namespace: string;
  claimName: string;
  claimKind: 'IPClaim' | 'IPAddressClaim';
  addressName: string | null;
  address: string;
  prefix: number;
  gateway: string | null;
  family: 4 | 6;
  source: AssignmentSource;
  validFrom: Date;
  validTo: Date | null;
  openedByEventId: string | null;
  closedByEventId: string | null;
}

export interface EventRow {
  id: string;
  cluster: string;
  seq: number;
  namespace: string;
  kind: string;
  apiGroup: string;
  name: string;
  uid: string;
  resourceVersion: string;
  action: 'create' | 'update' | 'delete';
  before: JsonValue | null;
  after: JsonValue | null;
  observedAt: Date;
  recordedAt: Date;
  source: 'watch' | 'relist';
  deletionObservedOnRelist: boolean;
  correlationId: string | null;
  hash: string;
}

/** One current address of one host, flattened for the exporters. */
export interface ExportRow {
  cluster: string;
  namespace: string;
  host: string;
  labels: Record<string, string>;
  pool: string;
  address: string;
  family: 4 | 6;
  prefix: number;
}
