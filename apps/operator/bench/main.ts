// `npm run bench:operator`: the operator (a child process) against a real API server (kube-testenv).
// For 1,000 and 5,000 IPClaims created at once, in one pool and spread over 10 pools, it measures
// claims/s to all-allocated, p50/p99 claim-to-allocated latency, the operator's peak RSS and CPU,
// and — in the same run, against the same server — the raw throughput of creating as many
// IPAddress objects from one Node client (the physical limit of this machine), as a ratio.
// Options: --sizes=1000,5000  --pools=1,10  --json  --concurrency=50 (client-side create parallelism)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Informer, KubeClient } from '@stableip/kube-runtime';
import { createTestNamespace, loadKubeConfig, startKubeTestEnv } from '@stableip/kube-testenv';
import type { IPClaim, Metal3IPAddress } from '@stableip/ipam-core';
import { IPClaimResource, IPPoolResource, Metal3IPAddressResource } from '../src/resources';
import { installOperatorCrds } from '../tests/crds';
import { ipClaim, ipPool, runOperator, waitFor } from '../tests/support';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const sizes = flag('sizes', '1000,5000').split(',').map(Number);
const poolCounts = flag('pools', '1,10').split(',').map(Number);
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
  rawAddressesPerSecond: number;
  ratio: number;
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
    const operator = runOperator(kubeconfig, [
      `--namespace=${ns.name}`,
      '--leader-elect=false',
      '--enable-webhooks=false',
      `--log-level=${process.env['BENCH_LOG_LEVEL'] ?? 'info'}`,
    ]);
    await operator.started;

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
    watcher.stop();
    await operator.kill('SIGTERM');

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
    'operator CPU s',
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
    fmt(r.operatorCpuSeconds, 1),
    fmt(r.rawAddressesPerSecond, 1),
    `${fmt(r.ratio * 100)}%`,
  ]);
  console.log(
    `| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|\n${rows.map((r) => `| ${r.join(' | ')} |`).join('\n')}`,
  );
  console.log(`\n(${out})`);
}

await main();
process.exit(0);
