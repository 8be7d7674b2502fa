// Resolvers against a real PostgreSQL with a seeded upgrade history.
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from './support/database';
import { BEFORE_UPGRADE, seedHistory, UPGRADE_FROM, UPGRADE_TO } from './support/seed';
import { ADMIN_TOKEN, useTestServer } from './support/server';

const db = useTestDatabase(seedHistory);
const api = useTestServer(db);

async function data<T = any>(
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const { status, body } = await api.graphql<T>(query, variables, token);
  expect(body.errors, JSON.stringify(body.errors)).toBeUndefined();
  expect(status).toBe(200);
  return body.data!;
}

describe('current state', () => {
  it('lists clusters with their chain heads', async () => {
    const result = await data('{ clusters { name headSeq headHash } }');
    expect(result.clusters.map((c: { name: string }) => c.name)).toEqual(['edge', 'lab']);
    expect(result.clusters[1].headSeq).toBeGreaterThan(10);
    expect(result.clusters[1].headHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('shows pools with ranges, capacity, usage, preAllocations and coverage', async () => {
    const result = await data(`{ pools(cluster: "lab") { edges { node {
      name capacity used usage ranges { start end family prefix gateway size }
      preAllocations { claimName address heldByClaim holder { claim { name } } }
      preAllocationCoverage { entries inEffect used ratio } } } } }`);
    const [v4, v6] = result.pools.edges.map((edge: { node: unknown }) => edge.node);
    expect(v4).toMatchObject({
      name: 'v4',
      capacity: '100',
      used: 4,
      usage: 0.04,
      ranges: [
        {
          start: '192.168.111.100',
          end: '192.168.111.199',
          family: 'IPV4',
          prefix: 24,
          gateway: '192.168.111.1',
          size: '100',
        },
      ],
      preAllocations: [
        { claimName: 'ghost-v4', address: '192.168.111.199', heldByClaim: false, holder: null },
        {
          claimName: 'node-0-v4',
          address: '192.168.111.100',
          heldByClaim: true,
          holder: { claim: { name: 'node-0-v4' } },
        },
      ],
      preAllocationCoverage: { entries: 2, inEffect: 1, used: 4, ratio: 0.25 },
    });
    expect(v6).toMatchObject({ name: 'v6', capacity: '256', used: 4, preAllocations: [] });
  });

  it('finds a host with its current address in each pool', async () => {
    const result = await data(`{ host(cluster: "lab", name: "node-2") { name namespace labels deletedAt
      addresses { address family prefix gateway source preallocated current pool { name } claim { kind name namespace } } } }`);
    expect(result.host).toMatchObject({
      name: 'node-2',
      namespace: 'metal3',
      labels: { role: 'worker', rack: 'a' },
      deletedAt: null,
    });
    expect(result.host.addresses).toEqual([
      expect.objectContaining({
        address: '192.168.111.150',
        family: 'IPV4',
        prefix: 24,
        gateway: '192.168.111.1',
        current: true,
        pool: { name: 'v4' },
        claim: { kind: 'IPClaim', name: 'node-2-v4', namespace: 'metal3' },
      }),
      expect.objectContaining({
        address: 'fd00::102',
        family: 'IPV6',
        prefix: 64,
        gateway: null,
        pool: { name: 'v6' },
      }),
    ]);
  });

  it('returns null for an unknown host and filters hosts by labels', async () => {
    const result = await data(`{ host(cluster: "lab", name: "nope") { name }
      hosts(cluster: "lab", labels: [{ key: "rack", value: "a" }]) { edges { node { name } } } }`);
    expect(result.host).toBeNull();
    expect(result.hosts.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      'node-0',
      'node-2',
      'node-4',
    ]);
  });

  it('lists claims holding addresses now', async () => {
    const result = await data(
      '{ claims(cluster: "lab", pool: "v4") { edges { node { name assignment { address host { name } } } } } }',
    );
    expect(
      result.claims.edges
        .map((e: any) => [e.node.name, e.node.assignment.address, e.node.assignment.host.name])
        .sort(),
    ).toEqual([
      ['node-0-v4', '192.168.111.100', 'node-0'],
      ['node-1-v4', '192.168.111.101', 'node-1'],
      ['node-2-v4', '192.168.111.150', 'node-2'],
      ['node-4-v4', '192.168.111.103', 'node-4'],
    ]);
  });
});

describe('history', () => {
  it("shows a host's assignments over time", async () => {
    const result = await data(`{ host(cluster: "lab", name: "node-2") {
      history { edges { node { address validFrom validTo pool { name } } } } } }`);
    const v4 = result.host.history.edges.map((e: any) => e.node).filter((n: any) => n.pool.name === 'v4');
    expect(v4.map((n: any) => [n.address, n.validTo === null])).toEqual([
      ['192.168.111.102', false],
      ['192.168.111.150', true],
    ]);
  });

  it('shows who held an address over time', async () => {
    const result = await data(`{ addressHistory(address: "192.168.111.103", cluster: "lab") {
      edges { node { host { name } validFrom validTo } } } }`);
    expect(result.addressHistory.edges.map((e: any) => [e.node.host.name, e.node.validTo === null])).toEqual([
      ['node-3', false],
      ['node-4', true],
    ]);
  });

  it('returns the state as of a timestamp', async () => {
    const result = await data(
      `query($at: DateTime!) { stateAsOf(at: $at, cluster: "lab", pool: "v4") {
      edges { node { address host { name } } } } }`,
      { at: BEFORE_UPGRADE.toISOString() },
    );
    expect(result.stateAsOf.edges.map((e: any) => `${e.node.host.name}=${e.node.address}`).sort()).toEqual([
      'node-0=192.168.111.100',
      'node-1=192.168.111.101',
      'node-2=192.168.111.102',
      'node-3=192.168.111.103',
    ]);
  });

  it('pages changes since a cursor without gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page += 1) {
      const result: any = await data(
        'query($c: String) { changesSince(cursor: $c, cluster: "lab", limit: 7) { events { id seq action } nextCursor hasMore } }',
        { c: cursor },
      );
      seen.push(...result.changesSince.events.map((e: { id: string }) => e.id));
      cursor = result.changesSince.nextCursor;
      if (!result.changesSince.hasMore) break;
    }
    const all = await data('{ changesSince(cluster: "lab", limit: 200) { events { id seq } hasMore } }');
    expect(all.changesSince.hasMore).toBe(false);
    expect(seen).toEqual(all.changesSince.events.map((e: { id: string }) => e.id));
    expect(all.changesSince.events.map((e: { seq: number }) => e.seq)).toEqual(
      all.changesSince.events.map((_: unknown, i: number) => i + 1),
    );
  });

  it('pages with relay cursors and enforces the maximum page size', async () => {
    const first = await data(
      '{ hosts(cluster: "lab", first: 2) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }',
    );
    expect(first.hosts.edges.map((e: any) => e.node.name)).toEqual(['node-0', 'node-1']);
    expect(first.hosts.pageInfo.hasNextPage).toBe(true);
    const second = await data(
      'query($a: String) { hosts(cluster: "lab", first: 10, after: $a) { edges { node { name } } pageInfo { hasNextPage hasPreviousPage } } }',
      { a: first.hosts.pageInfo.endCursor },
    );
    expect(second.hosts.edges.map((e: any) => e.node.name)).toEqual(['node-2', 'node-3', 'node-4']);
    expect(second.hosts.pageInfo.hasNextPage).toBe(false);
    const last = await data('{ hosts(cluster: "lab", last: 2) { edges { node { name } } } }');
    expect(last.hosts.edges.map((e: any) => e.node.name)).toEqual(['node-3', 'node-4']);

    const tooBig = await api.graphql('{ hosts(first: 201) { edges { node { name } } } }');
    expect(tooBig.body.errors?.[0]).toMatchObject({
      message: '"first" must be at most 200',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const badCursor = await api.graphql('{ hosts(first: 1, after: "garbage") { edges { node { name } } } }');
    expect(badCursor.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('upgrade stability report', () => {
  it('classifies every host and pool across the upgrade window', async () => {
    const result = await data(
      `query($from: DateTime!, $to: DateTime!) { stabilityReport(cluster: "lab", from: $from, to: $to) {
      stable totals { entries hosts kept changed new gone preallocated reallocatedKept }
      entries(first: 50) { edges { node { host { name } pool { name } outcome addressBefore addressAfter preallocated intervalsInWindow } } } } }`,
      { from: UPGRADE_FROM.toISOString(), to: UPGRADE_TO.toISOString() },
    );
    const report = result.stabilityReport;
    expect(report.stable).toBe(false);
    expect(report.totals).toEqual({
      entries: 10,
      hosts: 5,
      kept: 5,
      changed: 1,
      new: 2,
      gone: 2,
      preallocated: 1,
      reallocatedKept: 5,
    });
    const rows = Object.fromEntries(
      report.entries.edges.map((e: any) => [`${e.node.host.name}/${e.node.pool.name}`, e.node]),
    );
    expect(rows['node-0/v4']).toMatchObject({
      outcome: 'KEPT',
      addressBefore: '192.168.111.100',
      addressAfter: '192.168.111.100',
      preallocated: true,
      intervalsInWindow: 1,
    });
    expect(rows['node-2/v4']).toMatchObject({
      outcome: 'CHANGED',
      addressBefore: '192.168.111.102',
      addressAfter: '192.168.111.150',
      preallocated: false,
    });
    expect(rows['node-3/v6']).toMatchObject({
      outcome: 'GONE',
      addressBefore: 'fd00::103',
      addressAfter: null,
    });
    expect(rows['node-4/v4']).toMatchObject({
      outcome: 'NEW',
      addressBefore: null,
      addressAfter: '192.168.111.103',
    });
  });

  it('is stable for a window without changes and filters by outcome', async () => {
    const result =
      await data(`{ stabilityReport(cluster: "lab", from: "2025-11-02T00:00:00Z", to: "2025-11-09T00:00:00Z") {
      stable totals { kept changed } entries(outcomes: [CHANGED]) { edges { node { outcome } } } } }`);
    expect(result.stabilityReport).toEqual({
      stable: true,
      totals: { kept: 8, changed: 0 },
      entries: { edges: [] },
    });
  });

  it('rejects an unknown cluster and a reversed window', async () => {
    const unknown = await api.graphql(
      '{ stabilityReport(cluster: "nope", from: "2025-11-02T00:00:00Z", to: "2025-11-09T00:00:00Z") { stable } }',
    );
    expect(unknown.body.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const reversed = await api.graphql(
      '{ stabilityReport(cluster: "lab", from: "2025-11-09T00:00:00Z", to: "2025-11-02T00:00:00Z") { stable } }',
    );
    expect(reversed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('audit chain', () => {
  it('verifies the chain for an admin', async () => {
    const result = await data(
      `{ auditChain { ok eventsChecked firstBrokenLink { seq } clusters { cluster ok headSeq } } }`,
      {},
      ADMIN_TOKEN,
    );
    expect(result.auditChain.ok).toBe(true);
    expect(result.auditChain.firstBrokenLink).toBeNull();
    expect(result.auditChain.clusters.map((c: any) => c.cluster)).toEqual(['edge', 'lab']);
  });

  it('answers 403 to a reader', async () => {
    const { status, body } = await api.graphql('{ auditChain { ok } }');
    expect(status).toBe(403);
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('no N+1 SQL', () => {
  const nested = `{ hosts(cluster: "lab", first: 50) { edges { node { name
    addresses { address pool { name used preAllocations { claimName } } host { name } } } } } }`;

  async function statementsFor(query: string): Promise<number> {
    let statements = 0;
    const stop = api.server.readModel.observe(() => (statements += 1));
    try {
      await data(query);
    } finally {
      stop();
    }
    return statements;
  }

  it('resolves a nested page of hosts, addresses, pools and hosts again in a fixed number of statements', async () => {
    const result = await data(nested);
    expect(result.hosts.edges).toHaveLength(5);
    expect(result.hosts.edges.flatMap((e: any) => e.node.addresses)).toHaveLength(8);
    const small = await statementsFor(nested.replace('first: 50', 'first: 1'));
    const large = await statementsFor(nested);
    // hosts page, current addresses, pools, used counts, pool specs, preAllocation holders by claim
    // and by address: one statement each, whatever the page size.
    expect(large).toBe(small);
    expect(large).toBeLessThanOrEqual(7);
  });
});

describe('limits and errors', () => {
  it('rejects queries deeper than the limit', async () => {
    const deep =
      '{ hosts { edges { node { addresses { pool { assignments { edges { node { host { addresses { pool { name } } } } } } } } } } } }';
    const { status, body } = await api.graphql(deep);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/exceeds maximum operation depth/);
  });

  it('rejects queries costlier than the limit', async () => {
    const costly =
      '{ hosts(first: 200) { edges { node { history(first: 200) { edges { node { address } } } } } } }';
    const { status, body } = await api.graphql(costly);
    expect(status).toBe(400);
    expect(body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });

  it('never leaks SQL or stack traces', async () => {
    // A NUL byte makes PostgreSQL reject the statement.
    const { body } = await api.graphql('query($n: String!) { host(cluster: "lab", name: $n) { name } }', {
      n: 'a\u0000b',
    });
    expect(body.errors?.[0]).toEqual(
      expect.objectContaining({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      }),
    );
    expect(JSON.stringify(body)).not.toMatch(/SELECT|postgres|at .*\.ts|stacktrace/i);
  });

  it('explains a bad address', async () => {
    const { body } = await api.graphql('{ addressHistory(address: "300.1.1.1") { edges { node { id } } } }');
    expect(body.errors?.[0]).toMatchObject({
      message: '"300.1.1.1" is not an IP address',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });
});
