// Public shapes of the audit store. Ids of rows are decimal strings (JSON- and GraphQL-friendly).
import type { FieldManagerChange, HashVersion, JsonValue } from '../chain/hash';

export type { FieldManagerChange, HashVersion, JsonValue };

export const EVENT_ACTIONS = ['create', 'update', 'delete'] as const;
export type EventAction = (typeof EVENT_ACTIONS)[number];

export const EVENT_SOURCES = ['watch', 'relist'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const ASSIGNMENT_SOURCES = ['preallocated', 'requested', 'dynamic'] as const;
/** How the address was chosen: a pool preAllocation, an address the claim asked for, or the allocator's pick. */
export type AssignmentSource = (typeof ASSIGNMENT_SOURCES)[number];

export type ClaimKind = 'IPClaim' | 'IPAddressClaim';

/** The Kubernetes object an event is about. */
export interface ObjectIdentity {
  /** Empty for cluster-scoped objects. */
  namespace?: string;
  kind: string;
  /** API group without version, e.g. `ipam.metal3.io`; empty for the core group. */
  apiGroup: string;
  name: string;
  uid: string;
  resourceVersion: string;
}

export interface NewEvent {
  cluster: string;
  object: ObjectIdentity;
  action: EventAction;
  /** Object snapshot before the change (null for create). */
  before?: unknown;
  /** Object snapshot after the change (null for delete). */
  after?: unknown;
  /** When the recorder saw the change. */
  observedAt: Date;
  source: EventSource;
  /** A deletion found by a relist (it happened while nobody watched); observedAt is when it was noticed. */
  deletionObservedOnRelist?: boolean;
  /** Groups the events caused by one change (NetBox's request_id). */
  correlationId?: string;
  /** Who made the change: the field managers whose managedFields entries it added or touched. */
  changedBy?: FieldManagerChange[];
}

export interface AuditEvent {
  id: string;
  cluster: string;
  seq: number;
  namespace: string;
  kind: string;
  apiGroup: string;
  name: string;
  uid: string;
  resourceVersion: string;
  action: EventAction;
  before: JsonValue | null;
  after: JsonValue | null;
  observedAt: Date;
  recordedAt: Date;
  source: EventSource;
  deletionObservedOnRelist: boolean;
  correlationId: string | null;
  /** Null when not known (events recorded before attribution, or a change no manager claims). */
  changedBy: FieldManagerChange[] | null;
  hashVersion: HashVersion;
  prevHash: string;
  hash: string;
}

export interface AppendResult {
  event: AuditEvent;
  /** False when an event with the same (cluster, uid, resourceVersion, action) already existed. */
  created: boolean;
}

export interface ObjectName {
  namespace: string;
  name: string;
}

export interface HostInput extends ObjectName {
  cluster: string;
  uid?: string;
  labels?: Record<string, string>;
  observedAt: Date;
  /** The BareMetalHost is gone. */
  deleted?: boolean;
}

export interface HostRecord extends ObjectName {
  id: number;
  cluster: string;
  uid: string | null;
  labels: Record<string, string>;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

export interface PoolRangeInput {
  start: string;
  end: string;
  prefix?: number;
  gateway?: string;
}

export interface PoolRange {
  start: string;
  end: string;
  family: 4 | 6;
  prefix: number | null;
  gateway: string | null;
  /** Addresses in [start, end], as decimal text (IPv6 ranges exceed 2^53). */
  size: string;
}

export interface PoolRef extends ObjectName {
  /** `IPPool` (ipam.metal3.io) unless told otherwise. */
  kind?: string;
}

export interface PoolInput extends PoolRef {
  cluster: string;
  apiGroup?: string;
  uid?: string;
  spec?: unknown;
  /** Address ranges the pool hands out (resolved by the caller from the spec). */
  ranges?: PoolRangeInput[];
  observedAt: Date;
  deleted?: boolean;
}

export interface PoolRecord extends ObjectName {
  id: number;
  cluster: string;
  kind: string;
  apiGroup: string;
  uid: string | null;
  spec: JsonValue;
  ranges: PoolRange[];
  /** Decimal text: addresses in all ranges. */
  capacityTotal: string;
  /** Decimal text: addresses held by open assignments. */
  capacityUsed: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

export interface ClaimRef extends ObjectName {
  kind: ClaimKind;
}

export interface AddressInput {
  /** Any form parseIP accepts; stored canonical. */
  address: string;
  prefix: number;
  gateway?: string | null;
  /** Name of the IPAddress object, when known. */
  addressName?: string | null;
}

export interface OpenAssignmentInput {
  cluster: string;
  pool: PoolRef;
  claim: ClaimRef;
  host?: ObjectName | null;
  address: AddressInput;
  source: AssignmentSource;
  validFrom: Date;
  eventId?: string | null;
}

export interface AssignmentChange {
  cluster: string;
  pool: PoolRef;
  claim: ClaimRef;
  host?: ObjectName | null;
  /** The address the claim holds from `at` on; null when it holds none (released). */
  address: AddressInput | null;
  source: AssignmentSource;
  at: Date;
  /** The event that caused the change (links the interval to the change log). */
  eventId?: string | null;
}

export interface AssignmentChangeResult {
  opened: AssignmentRecord | null;
  closed: AssignmentRecord[];
  /** The open assignment that already matched (host filled in when it was unknown). */
  unchanged: AssignmentRecord | null;
}

export interface AssignmentRecord {
  id: string;
  cluster: string;
  pool: { namespace: string; name: string; kind: string };
  host: ObjectName | null;
  claim: ClaimRef;
  addressName: string | null;
  /** Canonical text. */
  address: string;
  /** 128-bit value as decimal text (IPv4 in ::ffff:0:0/96). */
  addressValue: string;
  prefix: number;
  gateway: string | null;
  family: 4 | 6;
  source: AssignmentSource;
  validFrom: Date;
  /** Null while the claim still holds the address. */
  validTo: Date | null;
  openedByEventId: string | null;
  closedByEventId: string | null;
}

export interface AssignmentFilter {
  cluster?: string;
  pool?: PoolRef;
}

export interface EventPage {
  events: AuditEvent[];
  /** Pass to the next eventsSince call (the given cursor again when this page is empty; null before any event). */
  nextCursor: string | null;
}

export interface BrokenLink {
  cluster: string;
  /** Id of the first event that fails verification; null when the cluster row's head is what fails. */
  eventId: string | null;
  seq: number;
  /** `hash`: the row's content no longer matches its hash; `prevHash`: it does not link to its predecessor; `seq`: a gap or reordering; `head`: the cluster's recorded head disagrees with its last event; `hashVersion`: an event hashed with an older field set than its predecessor (a downgrade). */
  check: 'hash' | 'prevHash' | 'seq' | 'head' | 'hashVersion';
  expected: string;
  actual: string;
}

export interface ClusterChainResult {
  cluster: string;
  ok: boolean;
  eventsChecked: number;
  headSeq: number;
  headHash: string;
  /** The chain in the database starts after this position (0: nothing was ever pruned). */
  prunedThroughSeq: number;
  brokenLink: BrokenLink | null;
}

export interface ChainVerification {
  ok: boolean;
  eventsChecked: number;
  clusters: ClusterChainResult[];
  /** The first broken link of the first failing cluster (clusters in name order). */
  firstBrokenLink: BrokenLink | null;
}
