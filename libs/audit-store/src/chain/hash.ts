// Tamper evidence: every event carries the SHA-256 of its cluster's previous event and its own
// SHA-256 over an RFC 8785 canonical JSON (JCS) rendering of its recorded fields.
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** The previous hash of a cluster's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the hashed field set ever changes, so old chains stay verifiable. */
export const HASH_FORMAT_VERSION = 1;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Exactly the fields an event's hash covers. */
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
  source: string;
  deletionObservedOnRelist: boolean;
  correlationId: string | null;
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

export function eventHash(fields: HashedEventFields): string {
  const canonical = canonicalize({
    v: HASH_FORMAT_VERSION,
    ...fields,
    observedAt: fields.observedAt.toISOString(),
  });
  if (canonical === undefined) throw new TypeError('event fields have no JSON form');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
