// The benchmark workloads. Each runs on one engine: `stableip` (PoolAllocator / plan) or `naive`
// (UpstreamScanAllocator, a literal model of upstream's linear scan). Naive runs are time-boxed: a
// run that hits the cap reports how far it got and is shown as a lower bound.
import {
  type IPAddressClaim,
  type IPClaim,
  type IPPool,
  type IPPoolSpec,
  type Metal3IPAddress,
  type PlanSnapshot,
  PoolAllocator,
  SCAN_ABORTED,
  UpstreamScanAllocator,
  formatIP,
  formatAddressName,
  parseIP,
  plan,
} from '@stableip/ipam-core';

export type Engine = 'stableip' | 'naive';

export interface Measurement {
  /** Operations completed (claims allocated or attempted, or claims planned). */
  ops: number;
  /** Operations the workload asks for. */
  target: number;
  totalMs: number;
  /** CPU time (user + system) of the same span: robust against a busy, shared machine. */
  cpuMs: number;
  /** False when the time cap stopped the run before `target` operations. */
  complete: boolean;
  /** ns per operation over the last `tailOps` operations (to show the marginal cost). */
  tailNsPerOp?: number;
  tailOps?: number;
  /** Free-form facts worth printing (e.g. the plan's pass count). */
  note?: string;
  /** Naive engine: candidates generated (upstream's unit of work). */
  steps?: number;
}

export interface Workload {
  id: string;
  title: string;
  run(engine: Engine, capMs: number): Measurement;
  /** Candidates upstream's scan generates for the whole workload, to extrapolate capped runs. */
  naiveSteps: bigint;
}

const now = (): number => performance.now();
const cpuNow = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1_000;
};

/** One /16 then one IPv6 /64, subnet-only, sequential: 65,535 IPv4 addresses then IPv6. */
export const v4AndV6Pool: IPPoolSpec = {
  namePrefix: 'bench',
  pools: [{ subnet: '10.0.0.0/16' }, { subnet: '2001:db8::/64' }],
};

const engineFor = (engine: Engine, spec: IPPoolSpec, capMs: number, started: () => number) =>
  engine === 'stableip'
    ? new PoolAllocator(spec)
    : new UpstreamScanAllocator(spec, { shouldStop: () => now() - started() > capMs });

/** Candidates the sequential scan generates for claim `i` of a fresh /16 + /64 pool. */
function sequentialSteps(i: bigint): bigint {
  const v4 = 65_535n;
  // claim i < 65,535 walks i used addresses then takes index i; later claims walk the whole /16
  // (plus the index that fails) before walking the IPv6 range.
  return i < v4 ? i + 1n : v4 + 1n + (i - v4 + 1n);
}

/** Allocates `count` fresh claims one after another; records the cost of the last 1,000. */
export function allocateClaims(count: number): Workload {
  let naiveSteps = 0n;
  for (let i = 0n; i < BigInt(count); i++) naiveSteps += sequentialSteps(i);
  const once = (engine: Engine, capMs: number): Measurement => {
    let start = 0;
    const allocator = engineFor(engine, v4AndV6Pool, capMs, () => start);
    const tailOps = Math.min(1_000, count);
    let tailStart = 0;
    start = now();
    const cpuStart = cpuNow();
    let ops = 0;
    for (; ops < count; ops++) {
      if (ops === count - tailOps) tailStart = cpuNow();
      const result = allocator.allocate({ claimName: `claim-${ops}` });
      if (result === SCAN_ABORTED) break;
      if (!result.ok) throw new Error(`unexpected failure at claim ${ops}: ${result.error.message}`);
    }
    const end = now();
    const cpuEnd = cpuNow();
    const complete = ops === count;
    return {
      ops,
      target: count,
      totalMs: end - start,
      cpuMs: cpuEnd - cpuStart,
      complete,
      ...(complete ? { tailNsPerOp: ((cpuEnd - tailStart) * 1e6) / tailOps, tailOps } : {}),
      ...(allocator instanceof UpstreamScanAllocator ? { steps: allocator.steps } : {}),
    };
  };
  return {
    id: `allocate-${count}`,
    title: `allocate ${count.toLocaleString('en-US')} claims (/16 + IPv6 /64)`,
    naiveSteps,
    run(engine, capMs) {
      if (engine === 'naive' || count >= 100_000) return once(engine, capMs);
      // CPU time is sampled at scheduler-tick granularity: a 1k-claim run (a few ms) is too short
      // to measure alone, so small sizes report the mean over fresh pools totalling 100k claims.
      const repeats = Math.ceil(100_000 / count);
      const runs = Array.from({ length: repeats }, () => once(engine, capMs));
      const mean = (pick: (m: Measurement) => number): number =>
        runs.reduce((sum, m) => sum + pick(m), 0) / repeats;
      return {
        ...runs[0]!,
        totalMs: mean((m) => m.totalMs),
        cpuMs: mean((m) => m.cpuMs),
        tailNsPerOp: mean((m) => m.tailNsPerOp ?? 0),
        note: `mean of ${repeats} fresh pools`,
      };
    },
  };
}

/** A /16 whose 65,535 addresses are all taken; every claim must come back "Exhausted IP Pools". */
export function exhaustion(attempts: number): Workload {
  return {
    id: 'exhaustion',
    title: 'exhaustion detection on a full /16',
    // Every attempt walks all 65,535 addresses and the index that fails.
    naiveSteps: 65_536n * BigInt(attempts),
    run(engine, capMs) {
      const spec: IPPoolSpec = { namePrefix: 'bench', pools: [{ subnet: '10.0.0.0/16' }] };
      let start = 0;
      const allocator = engineFor(engine, spec, capMs, () => start);
      const base = parseIP('10.0.0.0')!.value;
      for (let i = 1; i <= 65_535; i++) allocator.markInUse(formatIP(base + BigInt(i)), `existing-${i}`);
      start = now();
      const cpuStart = cpuNow();
      let ops = 0;
      for (; ops < attempts; ops++) {
        const result = allocator.allocate({ claimName: `late-${ops}` });
        if (result === SCAN_ABORTED) break;
        if (result.ok || result.error.message !== 'Exhausted IP Pools')
          throw new Error('pool should be exhausted');
        if (engine === 'naive' && now() - start > capMs) {
          ops++;
          break;
        }
      }
      return {
        ops,
        target: attempts,
        totalMs: now() - start,
        cpuMs: cpuNow() - cpuStart,
        complete: ops === attempts,
        ...(allocator instanceof UpstreamScanAllocator ? { steps: allocator.steps } : {}),
      };
    },
  };
}

/** Nine IPv6 /64 ranges before the IPv4 range that holds each claim's preAllocation. */
export function preallocatedBehindV6(claims: number): Workload {
  return {
    id: 'prealloc-last-range',
    title: 'preallocated IP in range 10 of 10 (9 x IPv6 /64 first)',
    // Each claim walks nine /64s completely (2^64 - 1 candidates and the failing index each).
    naiveSteps: BigInt(claims) * 9n * (1n << 64n),
    run(engine, capMs) {
      const preAllocations: Record<string, string> = {};
      for (let i = 0; i < claims; i++)
        preAllocations[`host-${i}`] = formatIP(parseIP('10.9.0.0')!.value + BigInt(i + 1));
      const spec: IPPoolSpec = {
        namePrefix: 'bench',
        pools: [
          ...Array.from({ length: 9 }, (_, i) => ({ subnet: `2001:db8:${i.toString(16)}::/64` })),
          { subnet: '10.9.0.0/16' },
        ],
        preAllocations,
      };
      let start = 0;
      const allocator = engineFor(engine, spec, capMs, () => start);
      start = now();
      const cpuStart = cpuNow();
      let ops = 0;
      for (; ops < claims; ops++) {
        const result = allocator.allocate({ claimName: `host-${ops}` });
        if (result === SCAN_ABORTED) break;
        if (!result.ok || result.allocation.rangeIndex !== 9)
          throw new Error('expected the preallocated address');
      }
      return {
        ops,
        target: claims,
        totalMs: now() - start,
        cpuMs: cpuNow() - cpuStart,
        complete: ops === claims,
        ...(allocator instanceof UpstreamScanAllocator ? { steps: allocator.steps } : {}),
      };
    },
  };
}

const NS = 'bench';

/**
 * A namespace with one /16 pool, `existing` claims that already hold addresses (every other
 * address, as churn leaves them) and `fresh` new claims, half IPClaims and half CAPI IPAddressClaims.
 */
export function planSnapshot(existing: number, fresh: number): PlanSnapshot {
  const poolName = 'pool';
  const prefix = 'pool';
  const base = parseIP('10.0.0.0')!.value;
  const indexes: Record<string, string> = {};
  const ipClaims: IPClaim[] = [];
  const ipAddresses: Metal3IPAddress[] = [];
  const ipAddressClaims: IPAddressClaim[] = [];
  for (let i = 0; i < existing; i++) {
    const name = `old-${String(i).padStart(6, '0')}`;
    const address = formatIP(base + BigInt(2 * i + 1));
    indexes[name] = address;
    ipClaims.push({
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPClaim',
      metadata: { name, namespace: NS, uid: `uid-${name}`, finalizers: ['ipclaim.ipam.metal3.io'] },
      spec: { pool: { name: poolName, namespace: NS } },
      status: { address: { name: formatAddressName(prefix, address), namespace: NS } },
    });
    ipAddresses.push({
      apiVersion: 'ipam.metal3.io/v1alpha1',
      kind: 'IPAddress',
      metadata: {
        name: formatAddressName(prefix, address),
        namespace: NS,
        uid: `uid-addr-${name}`,
        finalizers: ['ipaddress.ipam.metal3.io'],
      },
      spec: {
        address,
        prefix: 16,
        pool: { name: poolName, namespace: NS },
        claim: { name, namespace: NS },
      },
    });
  }
  for (let i = 0; i < fresh; i++) {
    const name = `new-${String(i).padStart(6, '0')}`;
    if (i % 2 === 0) {
      ipClaims.push({
        apiVersion: 'ipam.metal3.io/v1alpha1',
        kind: 'IPClaim',
        metadata: { name, namespace: NS, uid: `uid-${name}` },
        spec: { pool: { name: poolName, namespace: NS } },
      });
    } else {
      ipAddressClaims.push({
        apiVersion: 'ipam.cluster.x-k8s.io/v1beta2',
        kind: 'IPAddressClaim',
        metadata: { name, namespace: NS, uid: `uid-${name}` },
        spec: { poolRef: { apiGroup: 'ipam.metal3.io', kind: 'IPPool', name: poolName } },
      });
    }
  }
  const pool: IPPool = {
    apiVersion: 'ipam.metal3.io/v1alpha1',
    kind: 'IPPool',
    metadata: { name: poolName, namespace: NS, uid: 'uid-pool', finalizers: ['ippool.ipam.metal3.io'] },
    spec: { namePrefix: prefix, pools: [{ subnet: '10.0.0.0/16' }], prefix: 16 },
    status: { indexes },
  };
  return { ipPools: [pool], ipClaims, ipAddresses, ipAddressClaims };
}

/**
 * `plan` on `fresh` new claims next to `existing` allocated ones. The naive engine cannot run the
 * planner, so it replays the plan's allocation work (mark the existing addresses, allocate every
 * new claim in order) through the linear scan: a lower bound of what a scanning planner would cost.
 */
function planNaiveSteps(existing: number, fresh: number): bigint {
  // New claim j walks indices 0..2j+1 while the existing addresses fill every other index.
  let steps = 0n;
  for (let j = 0n; j < BigInt(fresh); j++)
    steps += j < BigInt(existing) ? 2n * j + 2n : BigInt(existing) + j + 1n;
  return steps;
}

/** The allocation work inside that plan: mark the existing addresses, allocate each new claim in order. */
function replayPlanAllocations(
  engine: Engine,
  capMs: number,
  snapshot: PlanSnapshot,
  fresh: number,
): Measurement {
  let start = 0;
  const allocator = engineFor(engine, snapshot.ipPools![0]!.spec, capMs, () => start);
  start = now();
  const cpuStart = cpuNow();
  for (const address of snapshot.ipAddresses ?? [])
    allocator.markInUse(address.spec.address, address.spec.claim.name!);
  const names = [...(snapshot.ipClaims ?? []), ...(snapshot.ipAddressClaims ?? [])]
    .filter((claim) => claim.status === undefined)
    .map((claim) => claim.metadata.name!);
  let ops = 0;
  for (const claimName of names) {
    const result = allocator.allocate({ claimName });
    if (result === SCAN_ABORTED) break;
    if (!result.ok) throw new Error(`unexpected failure for ${claimName}: ${result.error.message}`);
    ops++;
  }
  return {
    ops,
    target: fresh,
    totalMs: now() - start,
    cpuMs: cpuNow() - cpuStart,
    complete: ops === fresh,
    ...(allocator instanceof UpstreamScanAllocator ? { steps: allocator.steps } : {}),
  };
}

/** Only the allocator's share of the plan workload, on both engines. */
export function planAllocations(existing: number, fresh: number): Workload {
  return {
    id: 'plan-allocations',
    title: '  (its allocation work alone, replayed)',
    naiveSteps: planNaiveSteps(existing, fresh),
    run: (engine, capMs) => replayPlanAllocations(engine, capMs, planSnapshot(existing, fresh), fresh),
  };
}

export function planWorkload(existing: number, fresh: number): Workload {
  return {
    id: 'plan',
    title: `plan ${fresh.toLocaleString('en-US')} new claims, ${existing.toLocaleString('en-US')} existing addresses`,
    naiveSteps: planNaiveSteps(existing, fresh),
    run(engine, capMs) {
      const snapshot = planSnapshot(existing, fresh);
      if (engine === 'stableip') {
        const start = now();
        const cpuStart = cpuNow();
        const result = plan(snapshot);
        const totalMs = now() - start;
        const cpuMs = cpuNow() - cpuStart;
        const allocated = result.rows.filter(
          (row) => row.address !== '' && row.claim.startsWith('new-'),
        ).length;
        if (allocated !== fresh) throw new Error(`plan allocated ${allocated} of ${fresh} claims`);
        return {
          ops: fresh,
          target: fresh,
          totalMs,
          cpuMs,
          complete: true,
          note: `${result.passes} passes, ${result.items.length} objects written`,
        };
      }
      return replayPlanAllocations(engine, capMs, snapshot, fresh);
    },
  };
}
