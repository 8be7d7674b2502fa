// Tamper evidence: every event carries the SHA-256 of its cluster's previous event and its own
// SHA-256 over an RFC 8785 canonical JSON (JCS) rendering of its recorded fields.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The previous hash of a cluster's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Hashed field sets. Each event stores the version it was hashed with, so chains written before a
 * change keep verifying: 1 = the object fields; 2 adds `recordedAt` and `changedBy`.
 */
export const HASH_VERSIONS = [1, 2] as const;
export type HashVersion = (typeof HASH_VERSIONS)[number];
/** The version new events are hashed with. */
export const HASH_FORMAT_VERSION: HashVersion = 2;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One field manager that changed an object, from the object's `metadata.managedFields`. */
export interface FieldManagerChange {
  /** e.g. `kubectl-client-side-apply`, `stableip-autopin`, `manager` (CAPM3). */
  manager: string;
  /** `Apply` (server-side apply) or `Update`. */
  operation: string;
  /** Set when the manager wrote a subresource, e.g. `status`. */
  subresource?: string;
  /** The managedFields entry's timestamp (RFC 3339, second precision), when it has one. */
  time?: string;
}

/** Exactly the fields an event's hash covers (`recordedAt` and `changedBy` from version 2 on). */
export interface HashedEventFields {
  cluster: string;
  seq: number;
  namespace: string;
  kind: string;
  apiGroup: string;
  name: string;
  uid: string;
  resourceVersion: string;
  action: string;
  before: JsonValue | null;
  after: JsonValue | null;
  observedAt: Date;
  recordedAt: Date;
  source: string;
  deletionObservedOnRelist: boolean;
  correlationId: string | null;
  changedBy: FieldManagerChange[] | null;
  prevHash: string;
}

/**
 * JSON as it will read back from a jsonb column: undefined members dropped, dates as strings.
 * Hashing this form makes a stored event verify exactly as it was hashed.
 */
export function normalizeJson(value: unknown): JsonValue | null {
  if (value === undefined || value === null) return null;
  return JSON.parse(JSON.stringify(value)) as JsonValue;
}

function versionedFields(fields: HashedEventFields, version: HashVersion): Record<string, unknown> {
  const { recordedAt, changedBy, ...objectFields } = fields;
  const common = { v: version, ...objectFields, observedAt: fields.observedAt.toISOString() };
  if (version === 1) return common;
  return { ...common, recordedAt: recordedAt.toISOString(), changedBy: normalizeJson(changedBy) };
}

export function eventHash(fields: HashedEventFields, version: HashVersion = HASH_FORMAT_VERSION): string {
  const canonical = canonicalize(versionedFields(fields, version));
  if (canonical === undefined) throw new TypeError('event fields have no JSON form');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
