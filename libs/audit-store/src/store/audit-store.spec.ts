import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { eventHash, GENESIS_HASH } from '../chain/hash';
import { isAuditStoreError } from '../errors';
import { useMigratedStore } from '../test-support/database';
import type { AssignmentChange, NewEvent } from './types';

const ctx = useMigratedStore();

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: ctx.url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function ipAddressEvent(
  cluster: string,
  resourceVersion: string,
  overrides: Partial<NewEvent> = {},
): NewEvent {
  return {
    cluster,
    object: {
      namespace: 'metal3',
      kind: 'IPAddress',
      apiGroup: 'ipam.metal3.io',
      name: 'pool-192-168-111-120',
      uid: `uid-${cluster}`,
      resourceVersion,
    },
    action: 'update',
    before: { spec: { address: '192.168.111.120' } },
    after: { spec: { address: '192.168.111.120', prefix: 24 } },
    observedAt: new Date('2025-11-25T06:00:00.000Z'),
    source: 'watch',
    ...overrides,
  };
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isAuditStoreError(error) ? error.code : error).toBe(code);
}

describe('appendEvent', () => {
  it('chains events per cluster from the genesis hash', async () => {
    const first = await ctx.store.appendEvent(
      ipAddressEvent('chain-a', '1', { action: 'create', before: null }),
    );
    const second = await ctx.store.appendEvent(ipAddressEvent('chain-a', '2'));

    expect(first.created).toBe(true);
    expect(first.event).toMatchObject({ cluster: 'chain-a', seq: 1, prevHash: GENESIS_HASH, before: null });
    expect(second.event).toMatchObject({ seq: 2, prevHash: first.event.hash });
    expect(second.event.hash).not.toBe(first.event.hash);
  });

  it('is idempotent on (cluster, uid, resourceVersion, action)', async () => {
    const event = ipAddressEvent('idem', '7');
    const first = await ctx.store.appendEvent(event);
    const again = await ctx.store.appendEvent({
      ...event,
      observedAt: new Date('2025-11-25T07:00:00Z'),
      source: 'relist',
    });

    expect(again.created).toBe(false);
    expect(again.event).toEqual(first.event);
    const rows = await sql<{ count: string }>(
      "SELECT count(*) FROM event e JOIN cluster c ON c.id = e.cluster_id WHERE c.name = 'idem'",
    );
    expect(rows[0]?.count).toBe('1');
  });

  it('treats another action on the same resourceVersion as another event', async () => {
    await ctx.store.appendEvent(ipAddressEvent('idem-action', '9', { action: 'update' }));
    const deletion = await ctx.store.appendEvent(
      ipAddressEvent('idem-action', '9', { action: 'delete', after: null }),
    );
    expect(deletion).toMatchObject({ created: true, event: { seq: 2, action: 'delete', after: null } });
  });

  it('stores relist deletions with their flag', async () => {
    const { event } = await ctx.store.appendEvent(
      ipAddressEvent('relist', '3', {
        action: 'delete',
        after: null,
        source: 'relist',
        deletionObservedOnRelist: true,
      }),
    );
    expect(event).toMatchObject({ source: 'relist', deletionObservedOnRelist: true });
  });

  it.each([
    ['an unknown action', { action: 'patch' as never }],
    ['an unknown source', { source: 'poll' as never }],
    ['a relist flag on a watch event', { action: 'delete' as const, deletionObservedOnRelist: true }],
    ['an invalid date', { observedAt: new Date('not a date') }],
  ])('rejects %s', async (_name, overrides) => {
    await expectCode(ctx.store.appendEvent(ipAddressEvent('invalid', '1', overrides)), 'INVALID_ARGUMENT');
  });

  it('appends a batch across clusters in one transaction, deduplicating within it and against the log', async () => {
    const stored = await ctx.store.appendEvent(ipAddressEvent('batch-a', '1'));
    const batch = [
      ipAddressEvent('batch-b', '1'),
      ipAddressEvent('batch-a', '1'), // already stored
      ipAddressEvent('batch-a', '2'),
      ipAddressEvent('batch-a', '2'), // repeated within the batch
      ipAddressEvent('batch-a', '3', { action: 'delete', after: null }),
    ];

    const results = await ctx.store.appendEvents(batch);

    expect(results.map((result) => [result.event.cluster, result.event.seq, result.created])).toEqual([
      ['batch-b', 1, true],
      ['batch-a', 1, false],
      ['batch-a', 2, true],
      ['batch-a', 2, false],
      ['batch-a', 3, true],
    ]);
    expect(results[1]?.event).toEqual(stored.event);
    expect(results[2]?.event.prevHash).toBe(stored.event.hash);
    expect(results[4]?.event.prevHash).toBe(results[2]?.event.hash);
    expect(await ctx.store.verifyChain('batch-a')).toMatchObject({ ok: true, eventsChecked: 3 });
    expect(await ctx.store.verifyChain('batch-b')).toMatchObject({ ok: true, eventsChecked: 1 });
  });

  it('keeps one gap-free chain under concurrent appends to one cluster', async () => {
    const appends = Array.from({ length: 40 }, (_, index) =>
      ctx.store.appendEvent(ipAddressEvent('busy', String(index + 1), { correlationId: `req-${index % 4}` })),
    );
    const results = await Promise.all(appends);

    expect(results.every((result) => result.created)).toBe(true);
    expect(results.map((result) => result.event.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, index) => index + 1),
    );
    expect(await ctx.store.verifyChain('busy')).toMatchObject({
      ok: true,
      eventsChecked: 40,
      firstBrokenLink: null,
    });
  });
});

describe('verifyChain', () => {
  it('reports ok with the head of every cluster', async () => {
    const { event } = await ctx.store.appendEvent(ipAddressEvent('verify-ok', '1'));
    const result = await ctx.store.verifyChain('verify-ok');
    expect(result).toEqual({
      ok: true,
      eventsChecked: 1,
      firstBrokenLink: null,
      clusters: [
        {
          cluster: 'verify-ok',
          ok: true,
          eventsChecked: 1,
          headSeq: 1,
          headHash: event.hash,
          prunedThroughSeq: 0,
          brokenLink: null,
        },
      ],
    });
    expect(event.hashVersion).toBe(2);
  });

  it('covers recordedAt (hash version 2): moving the recording time breaks the chain', async () => {
    const { event } = await ctx.store.appendEvent(ipAddressEvent('v2-recorded-at', '1'));
    await sql(`
      BEGIN;
      ALTER TABLE event DISABLE TRIGGER event_append_only;
      UPDATE event SET recorded_at = recorded_at - interval '30 days' WHERE id = ${event.id};
      ALTER TABLE event ENABLE TRIGGER event_append_only;
      COMMIT;`);
    const result = await ctx.store.verifyChain('v2-recorded-at');
    expect(result.firstBrokenLink).toMatchObject({ eventId: event.id, check: 'hash' });
  });

  it('still verifies a chain written before versioning (version 1) and continues it in version 2', async () => {
    const observedAt = new Date('2025-11-20T10:00:00.000Z');
    const fields = {
      cluster: 'v1-legacy',
      seq: 1,
      namespace: 'metal3',
      kind: 'IPPool',
      apiGroup: 'ipam.metal3.io',
      name: 'pool',
      uid: 'uid-legacy',
      resourceVersion: '5',
      action: 'create',
      before: null,
      after: { spec: { namePrefix: 'pool' } },
      observedAt,
      recordedAt: new Date('2025-11-20T10:00:01.000Z'),
      source: 'watch',
      deletionObservedOnRelist: false,
      correlationId: null,
      changedBy: null,
      prevHash: GENESIS_HASH,
    };
    const legacyHash = eventHash(fields, 1);
    // As the recorder wrote it before version 2: recorded_at from the column default, version 1.
    await sql(
      `WITH c AS (INSERT INTO cluster (name, head_seq, head_hash) VALUES ('v1-legacy', 1, $1) RETURNING id)
       INSERT INTO event (cluster_id, seq, namespace, kind, api_group, name, uid, resource_version, action,
                          after, observed_at, source, prev_hash, hash)
       SELECT id, 1, 'metal3', 'IPPool', 'ipam.metal3.io', 'pool', 'uid-legacy', '5', 'create',
              '{"spec": {"namePrefix": "pool"}}', $2, 'watch', $3, $1 FROM c`,
      [legacyHash, observedAt, GENESIS_HASH],
    );
    const { event } = await ctx.store.appendEvent(
      ipAddressEvent('v1-legacy', '6', {
        changedBy: [
          { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2025-11-20T10:05:00Z' },
        ],
      }),
    );
    expect(event).toMatchObject({ seq: 2, prevHash: legacyHash, hashVersion: 2 });
    expect(event.changedBy).toEqual([
      { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2025-11-20T10:05:00Z' },
    ]);
    const result = await ctx.store.verifyChain('v1-legacy');
    expect(result).toMatchObject({ ok: true, eventsChecked: 2 });
  });

  it('rejects a downgrade to hash version 1 after a version 2 event', async () => {
    await ctx.store.appendEvent(ipAddressEvent('v2-downgrade', '1'));
    const { event } = await ctx.store.appendEvent(ipAddressEvent('v2-downgrade', '2'));
    await sql(`
      BEGIN;
      ALTER TABLE event DISABLE TRIGGER event_append_only;
      UPDATE event SET hash_version = 1 WHERE id = ${event.id};
      ALTER TABLE event ENABLE TRIGGER event_append_only;
      COMMIT;`);
    const result = await ctx.store.verifyChain('v2-downgrade');
    expect(result.firstBrokenLink).toMatchObject({ eventId: event.id, check: 'hashVersion' });
  });

  it('refuses to change the log through SQL (append-only trigger)', async () => {
    await ctx.store.appendEvent(ipAddressEvent('guarded', '1'));
    await expect(
      sql("UPDATE event SET after = '{}' WHERE cluster_id = (SELECT id FROM cluster WHERE name = 'guarded')"),
    ).rejects.toThrow(/append-only/);
  });

  it('finds a row whose snapshot was edited behind its back', async () => {
    await ctx.store.appendEvent(ipAddressEvent('tampered', '1'));
    const { event: victim } = await ctx.store.appendEvent(ipAddressEvent('tampered', '2'));
    await ctx.store.appendEvent(ipAddressEvent('tampered', '3'));
    // A superuser can switch the trigger off; the hash chain still shows the edit.
    await sql(`
      BEGIN;
      ALTER TABLE event DISABLE TRIGGER event_append_only;
      UPDATE event SET after = '{"spec": {"address": "192.168.111.99"}}' WHERE id = ${victim.id};
      ALTER TABLE event ENABLE TRIGGER event_append_only;
      COMMIT;`);

    const result = await ctx.store.verifyChain('tampered');

    expect(result.ok).toBe(false);
    expect(result.clusters[0]?.eventsChecked).toBe(1);
    expect(result.firstBrokenLink).toMatchObject({
      cluster: 'tampered',
      eventId: victim.id,
      seq: 2,
      check: 'hash',
      actual: victim.hash,
    });
    expect(result.firstBrokenLink?.expected).not.toBe(victim.hash);
  });

  it('finds a row that was deleted from the middle of the chain', async () => {
    await ctx.store.appendEvent(ipAddressEvent('gap', '1'));
    const { event: removed } = await ctx.store.appendEvent(ipAddressEvent('gap', '2'));
    const { event: next } = await ctx.store.appendEvent(ipAddressEvent('gap', '3'));
    await sql(`
      BEGIN;
      ALTER TABLE event DISABLE TRIGGER event_append_only;
      DELETE FROM event WHERE id = ${removed.id};
      ALTER TABLE event ENABLE TRIGGER event_append_only;
      COMMIT;`);

    const result = await ctx.store.verifyChain('gap');

    expect(result.firstBrokenLink).toMatchObject({
      eventId: next.id,
      check: 'seq',
      expected: '2',
      actual: '3',
    });
  });

  it('checks every cluster when none is named, and names unknown clusters', async () => {
    const all = await ctx.store.verifyChain();
    expect(all.clusters.map((entry) => entry.cluster)).toEqual(
      [...all.clusters.map((entry) => entry.cluster)].sort(),
    );
    expect(all.ok).toBe(false);
    expect(all.firstBrokenLink?.cluster).toBe('gap');
    await expectCode(ctx.store.verifyChain('no-such-cluster'), 'UNKNOWN_CLUSTER');
  });
});

describe('assignment intervals', () => {
  const pool = { namespace: 'metal3', name: 'provisioning' };
  const t = (minute: number): Date => new Date(Date.UTC(2025, 10, 18, 10, minute));
  const change = (overrides: Partial<AssignmentChange>): AssignmentChange => ({
    cluster: 'lab',
    pool,
    claim: { namespace: 'metal3', name: 'node-7-provisioning', kind: 'IPClaim' },
    host: { namespace: 'metal3', name: 'node-7' },
    address: { address: '192.168.111.120', prefix: 24, gateway: '192.168.111.1' },
    source: 'preallocated',
    at: t(0),
    ...overrides,
  });

  it('records allocation, release and re-allocation after an upgrade as intervals', async () => {
    await ctx.store.upsertPool({
      cluster: 'lab',
      ...pool,
      spec: { namePrefix: 'provisioning' },
      ranges: [{ start: '192.168.111.100', end: '192.168.111.199', prefix: 24, gateway: '192.168.111.1' }],
      observedAt: t(0),
    });
    await ctx.store.upsertHost({
      cluster: 'lab',
      namespace: 'metal3',
      name: 'node-7',
      labels: { rack: 'r1' },
      observedAt: t(0),
    });

    const allocated = await ctx.store.applyAssignmentChange(change({ at: t(0) }));
    expect(allocated.opened).toMatchObject({
      address: '192.168.111.120',
      family: 4,
      host: { namespace: 'metal3', name: 'node-7' },
      validTo: null,
    });
    const repeated = await ctx.store.applyAssignmentChange(change({ at: t(1) }));
    expect(repeated).toMatchObject({ opened: null, closed: [], unchanged: { id: allocated.opened?.id } });

    const released = await ctx.store.applyAssignmentChange(change({ address: null, at: t(10) }));
    expect(released.closed.map((entry) => entry.validTo)).toEqual([t(10)]);

    // The upgrade re-creates the claim, which gets the same preallocated address back.
    const reallocated = await ctx.store.applyAssignmentChange(change({ at: t(12) }));
    expect(reallocated.opened?.id).not.toBe(allocated.opened?.id);

    const history = await ctx.store.assignmentsForHost({
      cluster: 'lab',
      namespace: 'metal3',
      name: 'node-7',
    });
    expect(history.map((entry) => [entry.address, entry.validFrom, entry.validTo])).toEqual([
      ['192.168.111.120', t(0), t(10)],
      ['192.168.111.120', t(12), null],
    ]);
    const poolRow = await ctx.store.upsertPool({ cluster: 'lab', ...pool, observedAt: t(13) });
    expect(poolRow).toMatchObject({ capacityTotal: '100', capacityUsed: '1' });
  });

  it('answers who held an address before, and the state as of an instant', async () => {
    await ctx.store.applyAssignmentChange(
      change({
        claim: { namespace: 'metal3', name: 'node-3-provisioning', kind: 'IPClaim' },
        host: { namespace: 'metal3', name: 'node-3' },
        address: { address: '192.168.111.130', prefix: 24 },
        source: 'dynamic',
        at: t(0),
      }),
    );
    await ctx.store.applyAssignmentChange(
      change({
        claim: { namespace: 'metal3', name: 'node-3-provisioning', kind: 'IPClaim' },
        host: { namespace: 'metal3', name: 'node-3' },
        address: null,
        source: 'dynamic',
        at: t(20),
      }),
    );
    await ctx.store.applyAssignmentChange(
      change({
        claim: { namespace: 'metal3', name: 'node-4-provisioning', kind: 'IPClaim' },
        host: { namespace: 'metal3', name: 'node-4' },
        address: { address: '192.168.111.130', prefix: 24 },
        source: 'dynamic',
        at: t(25),
      }),
    );

    const holders = await ctx.store.holdersOfAddress({ cluster: 'lab', address: '192.168.111.130' });
    expect(holders.map((entry) => [entry.host?.name, entry.validFrom, entry.validTo])).toEqual([
      ['node-3', t(0), t(20)],
      ['node-4', t(25), null],
    ]);
    const window = await ctx.store.holdersOfAddress({ address: '192.168.111.130', from: t(21), to: t(30) });
    expect(window.map((entry) => entry.host?.name)).toEqual(['node-4']);

    const at5 = await ctx.store.stateAsOf(t(5), { cluster: 'lab', pool });
    expect(at5.map((entry) => [entry.host?.name, entry.address])).toEqual([
      ['node-7', '192.168.111.120'],
      ['node-3', '192.168.111.130'],
    ]);
    const at11 = await ctx.store.stateAsOf(t(11), { cluster: 'lab', pool });
    expect(at11.map((entry) => entry.host?.name)).toEqual(['node-3']);
    // Half-open intervals: node-3's release at minute 20 means it no longer holds the address then.
    const at20 = await ctx.store.stateAsOf(t(20), { cluster: 'lab' });
    expect(at20.map((entry) => [entry.host?.name, entry.validFrom])).toEqual([['node-7', t(12)]]);
    const now = await ctx.store.currentAssignments({ cluster: 'lab' });
    expect(now.map((entry) => entry.host?.name).sort()).toEqual(['node-4', 'node-7']);
  });

  it('rejects a second open assignment of one address in a pool (partial unique index)', async () => {
    await expectCode(
      ctx.store.applyAssignmentChange(
        change({
          claim: { namespace: 'metal3', name: 'intruder', kind: 'IPClaim' },
          host: null,
          address: { address: '192.168.111.120', prefix: 24 },
          at: t(30),
        }),
      ),
      'ASSIGNMENT_CONFLICT',
    );
    await expect(
      sql(`INSERT INTO assignment (cluster_id, pool_id, namespace, claim_name, claim_kind, address, address_value, prefix, family, source, valid_from)
           SELECT cluster_id, pool_id, namespace, 'raw', claim_kind, address, address_value, prefix, family, source, now()
           FROM assignment WHERE address = '192.168.111.120' AND valid_to IS NULL`),
    ).rejects.toThrow(/assignment_open_address_key/);
    // Closed intervals of the same address do not count.
    const closedTwice = await ctx.store.holdersOfAddress({ cluster: 'lab', address: '192.168.111.120' });
    expect(closedTwice.filter((entry) => entry.validTo === null)).toHaveLength(1);
  });

  // A valid closed IPv6 interval, with one column at a time made invalid. (PostgreSQL tests CHECK
  // constraints in name order, so each case breaks exactly the constraint it names first.)
  const validRow: Record<string, string> = {
    cluster_id: "(SELECT id FROM cluster WHERE name = 'lab')",
    pool_id: "(SELECT id FROM pool WHERE name = 'provisioning')",
    namespace: "'metal3'",
    claim_name: "'check'",
    claim_kind: "'IPClaim'",
    address: "'::1'",
    address_value: '1',
    prefix: '64',
    family: '6',
    source: "'dynamic'",
    valid_from: 'now()',
    valid_to: 'now()',
  };
  const insertRow = (overrides: Record<string, string>): Promise<unknown> => {
    const row = { ...validRow, ...overrides };
    return sql(
      `INSERT INTO assignment (${Object.keys(row).join(', ')}) VALUES (${Object.values(row).join(', ')})`,
    );
  };

  it('accepts the valid row the CHECK cases start from', async () => {
    await expect(insertRow({})).resolves.toEqual([]);
  });

  it.each([
    ['family outside 4 and 6', { family: '5' }, 'assignment_family_check'],
    ['an unknown source', { source: "'guessed'" }, 'assignment_source_check'],
    ['an unknown claim kind', { claim_kind: "'Claim'" }, 'assignment_claim_kind_check'],
    [
      'an interval that ends before it starts',
      { valid_to: "now() - interval '1 minute'" },
      'assignment_interval_check',
    ],
    ['a prefix too long for IPv6', { prefix: '129' }, 'assignment_prefix_check'],
    [
      'a value beyond 128 bits',
      { address_value: '340282366920938463463374607431768211456' },
      'assignment_address_value_check',
    ],
    [
      'an IPv6 family on an IPv4-mapped value',
      { address_value: '281473902969089' },
      'assignment_address_value_check',
    ],
  ])('enforces CHECK constraints: %s', async (_name, overrides, constraint) => {
    await expect(insertRow(overrides)).rejects.toThrow(constraint);
  });

  it('stores IPv6 canonically with an exact 128-bit sort key', async () => {
    const v6Pool = { namespace: 'metal3', name: 'v6', kind: 'IPPool' };
    const result = await ctx.store.openAssignment({
      cluster: 'lab',
      pool: v6Pool,
      claim: { namespace: 'metal3', name: 'node-9-v6', kind: 'IPAddressClaim' },
      address: { address: 'FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF', prefix: 64 },
      source: 'requested',
      validFrom: t(0),
    });
    expect(result).toMatchObject({
      address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      addressValue: ((1n << 128n) - 1n).toString(),
      family: 6,
      host: null,
    });
    const found = await ctx.store.holdersOfAddress({ address: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff' });
    expect(found.map((entry) => entry.id)).toEqual([result.id]);
    const closed = await ctx.store.closeAssignment(result.id, t(1));
    expect(closed?.validTo).toEqual(t(1));
    expect(await ctx.store.closeAssignment(result.id, t(2))).toBeNull();
  });

  it.each([
    ['a non-address', { address: '192.168.111.300', prefix: 24 }, 'INVALID_ADDRESS'],
    ['a prefix too long', { address: '192.168.111.5', prefix: 40 }, 'INVALID_ARGUMENT'],
    ['a bad gateway', { address: '192.168.111.5', prefix: 24, gateway: 'router' }, 'INVALID_ADDRESS'],
  ])('rejects %s before touching the database', async (_name, address, code) => {
    await expectCode(ctx.store.applyAssignmentChange(change({ address, at: t(40) })), code);
  });

  it('links intervals to the events that opened and closed them, atomically', async () => {
    const claim = { namespace: 'metal3', name: 'node-11-provisioning', kind: 'IPClaim' as const };
    const opened = await ctx.store.transaction(async (writer) => {
      const { event } = await writer.appendEvent(
        ipAddressEvent('lab', '501', { action: 'create', before: null }),
      );
      const result = await writer.applyAssignmentChange(
        change({
          claim,
          host: null,
          address: { address: '192.168.111.140', prefix: 24 },
          at: t(50),
          eventId: event.id,
        }),
      );
      return { event, assignment: result.opened };
    });
    expect(opened.assignment?.openedByEventId).toBe(opened.event.id);

    // A failing step rolls back the event too.
    await expectCode(
      ctx.store.transaction(async (writer) => {
        await writer.appendEvent(ipAddressEvent('lab', '502'));
        await writer.applyAssignmentChange(
          change({
            claim: { ...claim, name: 'dup' },
            host: null,
            address: { address: '192.168.111.140', prefix: 24 },
            at: t(51),
          }),
        );
      }),
      'ASSIGNMENT_CONFLICT',
    );
    const stored = await sql<{ resource_version: string }>(
      "SELECT resource_version FROM event e JOIN cluster c ON c.id = e.cluster_id WHERE c.name = 'lab' ORDER BY seq",
    );
    expect(stored.map((row) => row.resource_version)).toEqual(['501']);
  });
});

describe('eventsSince', () => {
  it('pages through events in commit order and resumes from a cursor', async () => {
    const first = await ctx.store.eventsSince({ limit: 5 });
    expect(first.events).toHaveLength(5);
    const ids = first.events.map((event) => BigInt(event.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : 1)));

    const second = await ctx.store.eventsSince({ cursor: first.nextCursor, limit: 5 });
    expect(BigInt(second.events[0]!.id)).toBeGreaterThan(ids.at(-1)!);

    const lab = await ctx.store.eventsSince({ cluster: 'chain-a' });
    expect(lab.events.map((event) => event.seq)).toEqual([1, 2]);
    const drained = await ctx.store.eventsSince({ cluster: 'chain-a', cursor: lab.nextCursor });
    expect(drained).toEqual({ events: [], nextCursor: lab.nextCursor });
  });
});
