// npm run bench:api — seeds 10,000 hosts × 3 pools and 1,000,000 events (bench/seed.ts), starts
// `stableip-api serve` as a child process, drives it with autocannon from this process, and times
// the same SQL issued directly through the read model for the ratio API / SQL.
//
// Env: DATABASE_URL (server to create the bench database on; default local PostgreSQL),
// BENCH_DATABASE_URL (reuse an already seeded database, skip seeding), BENCH_DURATION (s, default 8),
// BENCH_CONNECTIONS (default 4), BENCH_KEEP=1 (keep the database).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { createTemporaryDatabase, migrate } from '@stableip/audit-store';
import autocannon from 'autocannon';
import pg from 'pg';
import { sha256Hex } from '../src/auth/tokens';
import { ReadModel } from '../src/read-model/read-model';
import { addressText, BENCH_CLUSTER, changeTime, DAY, hostName, HOSTS, seedBench, T0 } from './seed';

const TOKEN = 'bench-token';
const duration = Number(process.env['BENCH_DURATION'] ?? 8);
const connections = Number(process.env['BENCH_CONNECTIONS'] ?? 4);
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const log = (line: string) => process.stdout.write(`${line}\n`);

interface Scenario {
  name: string;
  kind: 'single-host' | 'cluster';
  request: () => { method: 'GET' | 'POST'; path: string; body?: string };
  /** The statements the API issues for one such request, run directly. */
  direct: (model: ReadModel, clusterId: number) => Promise<unknown>;
  directRuns: number;
}

const random = (n: number) => Math.floor(Math.random() * n);
const gql = (query: string, variables: Record<string, unknown>) => ({
  method: 'POST' as const,
  path: '/graphql',
  body: JSON.stringify({ query, variables }),
});
const AS_OF = new Date(changeTime(5, HOSTS, 0) + DAY / 2).toISOString();
const WINDOW = {
  from: new Date(T0 + 7 * DAY + DAY / 2).toISOString(),
  to: new Date(T0 + 8 * DAY + DAY / 2).toISOString(),
};
const page = (limit: number) => ({ limit, inverted: false });

const scenarios: Scenario[] = [
  {
    name: 'host lookup (current address per pool)',
    kind: 'single-host',
    request: () =>
      gql(
        'query HostLookup($n: String!) { host(cluster: "bench", name: $n) { name addresses { address family pool { name } } } }',
        {
          n: hostName(random(HOSTS)),
        },
      ),
    direct: async (model) => {
      const [host] = await model.hostsByName(BENCH_CLUSTER, hostName(random(HOSTS)), null);
      const addresses = await model.currentAssignmentsOfHosts([host!.id]);
      await model.poolsById([...new Set(addresses.map((a) => a.poolId))]);
    },
    directRuns: 300,
  },
  {
    name: 'address history (who held it, 16 intervals)',
    kind: 'single-host',
    request: () =>
      gql(
        'query AddressHistory($a: String!) { addressHistory(address: $a, cluster: "bench", first: 20) { edges { node { host { name } validFrom validTo } } } }',
        {
          a: addressText(1, random(HOSTS) + 1),
        },
      ),
    direct: async (model) => {
      const rows = await model.addressHistory(
        addressText(1, random(HOSTS) + 1),
        { cluster: BENCH_CLUSTER },
        page(21),
      );
      await model.hostsById([...new Set(rows.map((row) => row.hostId!))]);
    },
    directRuns: 300,
  },
  {
    name: "host history as of a timestamp (one host's intervals around it)",
    kind: 'single-host',
    request: () =>
      gql(
        'query HostAsOf($n: String!, $at: DateTime!) { host(cluster: "bench", name: $n) { history(from: $at, to: $at, first: 5) { edges { node { address validFrom pool { name } } } } } }',
        {
          n: hostName(random(HOSTS)),
          at: AS_OF,
        },
      ),
    direct: async (model) => {
      const [host] = await model.hostsByName(BENCH_CLUSTER, hostName(random(HOSTS)), null);
      const rows = await model.hostHistory(host!.id, { from: new Date(AS_OF), to: new Date(AS_OF) }, page(6));
      await model.poolsById([...new Set(rows.map((row) => row.poolId))]);
    },
    directRuns: 300,
  },
  {
    name: 'as-of snapshot of the cluster (page of 100)',
    kind: 'cluster',
    request: () =>
      gql(
        'query AsOf($at: DateTime!) { stateAsOf(at: $at, cluster: "bench", first: 100) { edges { node { address host { name } pool { name } } } } }',
        { at: AS_OF },
      ),
    direct: async (model) => {
      const rows = await model.assignmentsAt(new Date(AS_OF), { cluster: BENCH_CLUSTER }, page(101));
      await Promise.all([
        model.hostsById([...new Set(rows.map((r) => r.hostId!))]),
        model.poolsById([...new Set(rows.map((r) => r.poolId))]),
      ]);
    },
    directRuns: 50,
  },
  {
    name: 'stability report, whole cluster (30,000 host × pool pairs)',
    kind: 'cluster',
    request: () =>
      gql(
        'query Stability($from: DateTime!, $to: DateTime!) { stabilityReport(cluster: "bench", from: $from, to: $to) { stable totals { entries kept changed new gone preallocated } } }',
        WINDOW,
      ),
    direct: (model, clusterId) => model.stability(clusterId, new Date(WINDOW.from), new Date(WINDOW.to)),
    directRuns: 10,
  },
  {
    name: 'DNS export, whole cluster (external-dns JSON, 20,000 endpoints)',
    kind: 'cluster',
    request: () => ({ method: 'GET', path: '/export/external-dns?cluster=bench' }),
    direct: (model) => model.exportRows({ cluster: BENCH_CLUSTER }),
    directRuns: 10,
  },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function timeDirect(scenario: Scenario, model: ReadModel, clusterId: number) {
  for (let i = 0; i < 3; i += 1) await scenario.direct(model, clusterId);
  const times: number[] = [];
  for (let i = 0; i < scenario.directRuns; i += 1) {
    const started = performance.now();
    await scenario.direct(model, clusterId);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** CPU time (user + system, ms) the process has used: a figure a busy machine does not inflate much. */
function cpuMillis(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime in clock ticks (USER_HZ 100)
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startApi(databaseUrl: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=@stableip/source',
      'src/main.ts',
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--production',
      '--no-migrate',
    ],
    {
      cwd: new URL('..', import.meta.url).pathname,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        STABLEIP_API_TOKENS: `bench:admin:${sha256Hex(TOKEN)}`,
        STABLEIP_API_RATE_LIMIT: '100000000',
        // Per-request log lines off: the benchmark measures the API, not the log pipe.
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`stableip-api exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { child, port };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('stableip-api did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function main(): Promise<void> {
  let databaseUrl = process.env['BENCH_DATABASE_URL'];
  let drop: (() => Promise<void>) | undefined;
  if (!databaseUrl) {
    const database = await createTemporaryDatabase(serverUrl, 'stableip_bench');
    databaseUrl = database.url;
    drop = process.env['BENCH_KEEP'] ? undefined : () => database.drop();
    log(`database ${database.name}: migrating and seeding ${HOSTS} hosts × 3 pools, 1,000,000 events`);
    await migrate({ databaseUrl });
    const seeded = await seedBench(databaseUrl, log);
    log(
      `seeded ${seeded.events} events and ${seeded.assignments} assignment intervals in ${(seeded.millis / 1000).toFixed(1)} s`,
    );
  }
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
  const model = new ReadModel(pool);
  const [cluster] = await model.clustersByName([BENCH_CLUSTER]);
  const api = await startApi(databaseUrl);
  const results: Record<string, unknown>[] = [];
  try {
    for (const scenario of scenarios) {
      const warm = scenario.request();
      await fetch(`http://127.0.0.1:${api.port}${warm.path}`, {
        method: warm.method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        ...(warm.body ? { body: warm.body } : {}),
      });
      const cpuBefore = cpuMillis(api.child.pid!);
      const result = await autocannon({
        url: `http://127.0.0.1:${api.port}`,
        connections: scenario.kind === 'cluster' ? 2 : connections,
        duration,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            setupRequest: (request) => {
              const next = scenario.request();
              return {
                ...request,
                method: next.method,
                path: next.path,
                headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
                ...(next.body ? { body: next.body } : { body: undefined }),
              } as typeof request;
            },
          },
        ],
      });
      const apiCpuMs = cpuMillis(api.child.pid!) - cpuBefore;
      const direct = await timeDirect(scenario, model, cluster!.id);
      const row = {
        scenario: scenario.name,
        connections: scenario.kind === 'cluster' ? 2 : connections,
        'req/s': Math.round(result.requests.average),
        'p50 ms': result.latency.p50,
        'p99 ms': result.latency.p99,
        errors: result.errors + result.non2xx,
        'API CPU ms/req': Number((apiCpuMs / Math.max(1, result.requests.total)).toFixed(2)),
        'SQL p50 ms': Number(direct.p50.toFixed(2)),
        'SQL p99 ms': Number(direct.p99.toFixed(2)),
        'API/SQL (p50)': Number((result.latency.p50 / Math.max(direct.p50, 0.01)).toFixed(1)),
      };
      results.push(row);
      log(JSON.stringify(row));
    }
  } finally {
    api.child.kill('SIGTERM');
    await pool.end();
    await drop?.();
  }
  console.table(results);
  const out = process.env['BENCH_OUT'];
  if (out) writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
}

await main();
