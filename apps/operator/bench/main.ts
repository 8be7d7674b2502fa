// `npm run bench:operator`: the operator (a child process) against a real API server (kube-testenv).
// For N IPClaims created at once, in one pool and spread over P pools, it measures claims/s to
// all-allocated, p50/p99 claim-to-allocated latency, the operator's CPU per claim, its RSS growth
// per cached claim+address, the API writes per claim (from the API server's own request counter),
// and — in the same run, against the same server — the raw throughput of creating as many
// IPAddress objects from one Node client (the physical limit of this machine), as a ratio. After
// the one-pool burst it creates claims one at a time into that now steady pool (p99 latency).
// It fails when the operator logged an error-level line or a transport error.
// Options: --sizes=1000,10000  --pools=1,100  --steady=100  --json  --concurrency=50
//          --operator-bundle=dist/main.js (compare another build against the same server)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Informer, KubeClient } from '@stableip/kube-runtime';
import { createTestNamespace, kubeRequest, loadKubeConfig, startKubeTestEnv } from '@stableip/kube-testenv';
import type { IPClaim, Metal3IPAddress } from '@stableip/ipam-core';
import { IPClaimResource, IPPoolResource, Metal3IPAddressResource } from '../src/resources';
import { installOperatorCrds } from '../tests/crds';
import { ipClaim, ipPool, runOperator, waitFor } from '../tests/support';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = flag('sizes', '1000,10000').split(',').map(Number);
const poolCounts = flag('pools', '1,100').split(',').map(Number);
const steadyClaims = Number(flag('steady', '100'));
const operatorBundle = args.some((a) => a.startsWith('--operator-bundle='))
  ? join(process.cwd(), flag('operator-bundle', ''))
  : undefined;
const concurrency = Number(flag('concurrency', '50'));
const asJson = args.includes('--json');
const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Scenario {
  claims: number;
  pools: number;
  createMs: number;
  allocateMs: number;
  claimsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  operatorPeakRssMb: number;
  operatorCpuSeconds: number;
  cpuMsPerClaim: number;
  rssKbPerClaim: number;
  writesPerClaim: number;
  /** Claims created one by one into the steady pool afterwards (one-pool runs only). */
  steadyP99Ms: number | undefined;
  errorLines: number;
  transportErrors: number;
  rawAddressesPerSecond: number;
  ratio: number;
}

/** Mutating requests the API server has served so far (apiserver_request_total). */
async function apiWrites(kubeconfig: string): Promise<number> {
  const text = String(await kubeRequest(loadKubeConfig(kubeconfig), 'GET', '/metrics'));
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    if (!/verb="(POST|PATCH|PUT|DELETE)"/.test(line)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function runLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** Peak RSS (VmHWM) and CPU seconds (utime + stime) of a live process, from /proc. */
function procStats(pid: number): { peakRssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return { peakRssMb: hwm / 1024, cpuSeconds: ticks / 100 };
}

function currentRssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
}

/** The physical limit: one Node client creating `count` IPAddress objects, same parallelism. */
async function rawCreateRate(client: KubeClient, namespace: string, count: number): Promise<number> {
  const api = client.resource(Metal3IPAddressResource);
  const indexes = Array.from({ length: count }, (_, i) => i);
  const started = performance.now();
  await runLimited(indexes, concurrency, async (i) => {
    const address: Metal3IPAddress = {
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: { name: `raw-${i}`, namespace, finalizers: ['ipaddress.ipam.metal3.io'] },
      spec: {
        address: `10.${200 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${i % 256}`,
        pool: { name: 'raw', namespace },
        claim: { name: `raw-${i}`, namespace },
      },
    };
    await api.create(address);
  });
  return count / ((performance.now() - started) / 1000);
}

async function scenario(kubeconfig: string, claims: number, pools: number): Promise<Scenario> {
  const info = { kubeconfig, controllers: [] as string[] };
  const ns = await createTestNamespace(info, `bench-${claims}-${pools}`);
  const rawNs = await createTestNamespace(info, `raw-${claims}-${pools}`);
  const client = new KubeClient(ns.kubeConfig, { fieldManager: 'bench' });
  try {
    for (let p = 0; p < pools; p++) {
      await client
        .resource(IPPoolResource)
        .create(ipPool(ns.name, `pool-${p}`, { pools: [{ subnet: `10.${p}.0.0/16` }] }));
    }
    const operator = runOperator(
      kubeconfig,
      [
        `--namespace=${ns.name}`,
        '--leader-elect=false',
        '--enable-webhooks=false',
        `--log-level=${process.env['BENCH_LOG_LEVEL'] ?? 'info'}`,
      ],
      {},
      operatorBundle,
    );
    await operator.started;
    const baselineRssKb = currentRssKb(operator.child.pid!);

    // Watch allocations as the operator's users would see them.
    const createdAt = new Map<string, number>();
    const allocatedAt = new Map<string, number>();
    const watcher = new Informer<IPClaim>({
      client,
      resource: IPClaimResource,
      namespace: ns.name,
      resyncPeriodMs: 0,
    });
    const seen = (claim: IPClaim) => {
      const name = claim.metadata.name ?? '';
      if (claim.status?.address?.name && !allocatedAt.has(name)) allocatedAt.set(name, performance.now());
    };
    watcher.addHandler({ onAdd: seen, onUpdate: (_old, claim) => seen(claim) });
    watcher.start();
    await watcher.waitForSync();
    process.stderr.write(`  operator up, watching claims; creating ${claims} claims...\n`);

    const names = Array.from({ length: claims }, (_, i) => `claim-${String(i).padStart(5, '0')}`);
    const writesBefore = await apiWrites(kubeconfig);
    const started = performance.now();
    await runLimited(names, concurrency, async (name) => {
      const i = Number(name.slice(6));
      await client.resource(IPClaimResource).create(ipClaim(ns.name, name, `pool-${i % pools}`));
      createdAt.set(name, performance.now());
    });
    const createMs = performance.now() - started;
    process.stderr.write(`  created in ${(createMs / 1000).toFixed(1)} s; waiting for allocation...\n`);
    await waitFor('all claims allocated', async () => allocatedAt.size === claims, {
      timeoutMs: 900_000,
      intervalMs: 100,
    });
    const allocateMs = Math.max(...allocatedAt.values()) - started;
    const stats = procStats(operator.child.pid!);
    // Let trailing status and Event writes land before counting.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const writes = (await apiWrites(kubeconfig)) - writesBefore - claims; // minus our own creates
    let steadyP99Ms: number | undefined;
    if (pools === 1 && steadyClaims > 0) {
      const steady: number[] = [];
      for (let i = 0; i < steadyClaims; i++) {
        const name = `steady-${String(i).padStart(5, '0')}`;
        const at = performance.now();
        await client.resource(IPClaimResource).create(ipClaim(ns.name, name, 'pool-0'));
        await waitFor(`steady claim ${name}`, async () => allocatedAt.has(name), {
          timeoutMs: 120_000,
          intervalMs: 2,
        });
        steady.push(allocatedAt.get(name)! - at);
      }
      steadyP99Ms = percentile(steady.sort((a, b) => a - b), 99);
    }
    watcher.stop();
    await operator.kill('SIGTERM');
    const errorLines = operator.logs.filter((l) => typeof l['level'] === 'number' && (l['level'] as number) >= 50);
    const transportErrors = operator.logs.filter((l) => /Premature close|ECONNRESET|socket hang up/.test(JSON.stringify(l)));
    for (const line of [...errorLines, ...transportErrors].slice(0, 5))
      process.stderr.write(`  operator: ${JSON.stringify(line).slice(0, 400)}\n`);

    const latencies = names.map((n) => allocatedAt.get(n)! - createdAt.get(n)!).sort((a, b) => a - b);
    const rawAddressesPerSecond = await rawCreateRate(
      new KubeClient(rawNs.kubeConfig, { fieldManager: 'bench' }),
      rawNs.name,
      claims,
    );
    const claimsPerSecond = claims / (allocateMs / 1000);
    return {
      claims,
      pools,
      createMs,
      allocateMs,
      claimsPerSecond,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      operatorPeakRssMb: stats.peakRssMb,
      operatorCpuSeconds: stats.cpuSeconds,
      cpuMsPerClaim: (stats.cpuSeconds * 1000) / claims,
      rssKbPerClaim: (stats.peakRssMb * 1024 - baselineRssKb) / claims,
      writesPerClaim: writes / claims,
      steadyP99Ms,
      errorLines: errorLines.length,
      transportErrors: transportErrors.length,
      rawAddressesPerSecond,
      ratio: claimsPerSecond / rawAddressesPerSecond,
    };
  } finally {
    client.close();
  }
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  process.stderr.write('starting kube-testenv...\n');
  const env = await startKubeTestEnv({ controllers: false });
  const results: Scenario[] = [];
  try {
    await installOperatorCrds(env.info.kubeconfig);
    loadKubeConfig(env.info); // fail early on a broken kubeconfig
    for (const claims of sizes) {
      for (const pools of poolCounts) {
        process.stderr.write(`running ${claims} claims in ${pools} pool(s)...\n`);
        results.push(await scenario(env.info.kubeconfig, claims, pools));
      }
    }
  } finally {
    await env.stop();
  }
  const out = join(workspaceRoot, 'reports/bench/operator.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
  if (asJson) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const header = [
    'claims',
    'pools',
    'claims/s (to all allocated)',
    'p50 ms',
    'p99 ms',
    'operator peak RSS MB',
    'RSS KB/claim',
    'CPU ms/claim',
    'writes/claim',
    'steady p99 ms',
    'errors',
    'raw IPAddress creates/s',
    'ratio',
  ];
  const rows = results.map((r) => [
    fmt(r.claims),
    String(r.pools),
    fmt(r.claimsPerSecond, 1),
    fmt(r.p50Ms),
    fmt(r.p99Ms),
    fmt(r.operatorPeakRssMb),
    fmt(r.rssKbPerClaim, 2),
    fmt(r.cpuMsPerClaim, 2),
    fmt(r.writesPerClaim, 2),
    r.steadyP99Ms === undefined ? '-' : fmt(r.steadyP99Ms),
    String(r.errorLines + r.transportErrors),
    fmt(r.rawAddressesPerSecond, 1),
    `${fmt(r.ratio * 100)}%`,
  ]);
  console.log(
    `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`,
  );
  console.log(`\n(${out})`);
  const failing = results.filter((r) => r.errorLines + r.transportErrors > 0);
  if (failing.length > 0) {
    console.error(`FAIL: error-level log lines or transport errors in ${failing.length} scenario(s)`);
    process.exit(1);
  }
}

await main();
process.exit(0);
