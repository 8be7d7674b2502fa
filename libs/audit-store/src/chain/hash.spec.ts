import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH, HASH_FORMAT_VERSION, normalizeJson, type HashedEventFields } from './hash';

const base: HashedEventFields = {
  cluster: 'lab',
  seq: 1,
  namespace: 'metal3',
  kind: 'IPAddress',
  apiGroup: 'ipam.metal3.io',
  name: 'node-7-provisioning',
  uid: '5b0c1c4e-1111-4d7a-9a55-000000000001',
  resourceVersion: '1001',
  action: 'create',
  before: null,
  after: { spec: { address: '192.168.111.120', prefix: 24 }, metadata: { labels: { a: '1' } } },
  observedAt: new Date('2025-11-25T06:00:00.123Z'),
  recordedAt: new Date('2025-11-25T06:00:00.456Z'),
  source: 'watch',
  deletionObservedOnRelist: false,
  correlationId: null,
  changedBy: [{ manager: 'kubectl-client-side-apply', operation: 'Update', time: '2025-11-25T06:00:00Z' }],
  prevHash: GENESIS_HASH,
};

describe('eventHash', () => {
  it('is a lowercase hex SHA-256', () => {
    expect(eventHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order (RFC 8785 canonical JSON)', () => {
    const reordered: HashedEventFields = {
      ...base,
      after: { metadata: { labels: { a: '1' } }, spec: { prefix: 24, address: '192.168.111.120' } },
    };
    expect(eventHash(reordered)).toBe(eventHash(base));
  });

  const changes: [string, Partial<HashedEventFields>][] = [
    ['cluster', { cluster: 'lab-2' }],
    ['seq', { seq: 2 }],
    ['namespace', { namespace: 'other' }],
    ['kind', { kind: 'IPClaim' }],
    ['apiGroup', { apiGroup: 'ipam.cluster.x-k8s.io' }],
    ['name', { name: 'node-8-provisioning' }],
    ['uid', { uid: '5b0c1c4e-1111-4d7a-9a55-000000000002' }],
    ['resourceVersion', { resourceVersion: '1002' }],
    ['action', { action: 'update' }],
    ['before', { before: {} }],
    ['after', { after: { spec: { address: '192.168.111.121', prefix: 24 } } }],
    ['observedAt', { observedAt: new Date('2025-11-25T06:00:00.124Z') }],
    ['source', { source: 'relist' }],
    ['deletionObservedOnRelist', { deletionObservedOnRelist: true }],
    ['correlationId', { correlationId: 'req-1' }],
    ['prevHash', { prevHash: 'f'.repeat(64) }],
    ['recordedAt', { recordedAt: new Date('2025-11-25T06:00:00.457Z') }],
    ['changedBy', { changedBy: [{ manager: 'stableip-autopin', operation: 'Apply' }] }],
  ];
  it.each(changes)('changes when %s changes', (_field, change) => {
    expect(eventHash({ ...base, ...change })).not.toBe(eventHash(base));
  });

  it('hashes new events with version 2', () => {
    expect(HASH_FORMAT_VERSION).toBe(2);
    expect(eventHash(base)).toBe(eventHash(base, 2));
    expect(eventHash(base, 1)).not.toBe(eventHash(base, 2));
  });

  it('keeps version 1 hashes exactly as chains written before versioning stored them', () => {
    // Computed by the hash function as it was before version 2 existed.
    expect(eventHash(base, 1)).toBe('919ba8a6781eef703bd5fc90ee016210457f4f8a2ea5c71867a72d55d940e76c');
  });

  it('version 1 does not cover recordedAt or changedBy (hence version 2)', () => {
    const later = { ...base, recordedAt: new Date('2030-01-01T00:00:00Z'), changedBy: null };
    expect(eventHash(later, 1)).toBe(eventHash(base, 1));
  });
});

describe('normalizeJson', () => {
  it.each([
    ['undefined', undefined, null],
    ['null', null, null],
    ['undefined members', { a: 1, b: undefined }, { a: 1 }],
    ['dates', { at: new Date('2025-01-01T00:00:00Z') }, { at: '2025-01-01T00:00:00.000Z' }],
    ['arrays', [1, 'two', { three: 3 }], [1, 'two', { three: 3 }]],
  ])('normalizes %s as jsonb will return it', (_name, input, expected) => {
    expect(normalizeJson(input)).toEqual(expected);
  });
});
