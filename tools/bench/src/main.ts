// `npm run bench:ipam`: runs every workload on stableip's engine and on the naive model of upstream's
// linear scan, each in its own process, and prints two tables: the workloads with their ratio, and
// the per-allocation cost as the number of claims grows.
// Options: --cap-ms=N (time box of each naive run, default 10000), --json (raw measurements).
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FLAT_SIZES, mainWorkloads, workloads } from './registry';
import { bound, costOf, extrapolateMs, formatDuration, formatNumber, ratio, renderTable } from './report';
import type { Engine, Measurement } from './workloads';

interface Result extends Measurement {
  peakRssKb: number;
}

const args = process.argv.slice(2);
const capMs = Number(args.find((arg) => arg.startsWith('--cap-ms='))?.slice('--cap-ms='.length) ?? 10_000);
const asJson = args.includes('--json');
const worker = fileURLToPath(new URL('./worker.ts', import.meta.url));

function run(id: string, engine: Engine): Result {
  const child = spawnSync(
    process.execPath,
    ['--conditions=@stableip/source', '--expose-gc', '--import', 'tsx', worker, id, engine, String(capMs)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`workload ${id} (${engine}) failed:\n${child.stderr}${child.stdout}`);
  }
  return JSON.parse(line) as Result;
}

const results = new Map<string, Result>();
const measure = (id: string, engine: Engine): Result => {
  const key = `${id}/${engine}`;
  let result = results.get(key);
  if (!result) {
    process.stderr.write(`running ${key}...\n`);
    result = run(id, engine);
    results.set(key, result);
  }
  return result;
};

const ops = (m: Measurement): string =>
  m.complete
    ? m.ops.toLocaleString('en-US')
    : `${m.ops.toLocaleString('en-US')} of ${m.target.toLocaleString('en-US')}`;
const mb = (r: Result): string => (r.peakRssKb / 1024).toFixed(0);
const nsCell = (m: Measurement): string => {
  const cost = costOf(m);
  return bound(formatNumber(cost.nsPerOp), cost.lowerBound);
};
const msCell = (m: Measurement): string => bound(formatNumber(m.totalMs), !m.complete);
const cpuCell = (m: Measurement): string => bound(formatNumber(m.cpuMs), !m.complete);
const ratioCell = (naive: Measurement, fast: Measurement): string => {
  const r = ratio(naive, fast);
  return bound(`${formatNumber(r.value)}x`, r.lowerBound);
};

const mainRows: string[][] = [];
for (const workload of mainWorkloads) {
  const fast = measure(workload.id, 'stableip');
  const naive = measure(workload.id, 'naive');
  mainRows.push([
    workload.title,
    'stableip',
    ops(fast),
    msCell(fast),
    cpuCell(fast),
    nsCell(fast),
    mb(fast),
    '',
    fast.note ?? '',
  ]);
  const estimate = naive.complete ? undefined : extrapolateMs(naive, workload.naiveSteps);
  const note = estimate === undefined ? '' : `est. ${formatDuration(estimate)} for all`;
  mainRows.push([
    '',
    'naive scan',
    ops(naive),
    msCell(naive),
    cpuCell(naive),
    nsCell(naive),
    mb(naive),
    ratioCell(naive, fast),
    note,
  ]);
}

const flatRows: string[][] = [];
for (const size of FLAT_SIZES) {
  const workload = workloads.find((w) => w.id === `allocate-${size}`)!;
  const fast = measure(workload.id, 'stableip');
  const naive = measure(workload.id, 'naive');
  flatRows.push([
    size.toLocaleString('en-US'),
    nsCell(fast),
    fast.tailNsPerOp === undefined ? '' : formatNumber(fast.tailNsPerOp),
    nsCell(naive),
    naive.tailNsPerOp === undefined ? '(capped)' : formatNumber(naive.tailNsPerOp),
    ratioCell(naive, fast),
    naive.complete ? '' : formatDuration(extrapolateMs(naive, workload.naiveSteps) ?? 0),
  ]);
}

if (asJson) {
  console.log(JSON.stringify(Object.fromEntries(results), null, 2));
} else {
  const [load1] = loadavg();
  console.log(
    `\nstableip IPAM benchmark — node ${process.version}, ${availableParallelism()} CPUs, load ${load1!.toFixed(1)}, naive runs capped at ${capMs} ms\n`,
  );
  console.log(
    renderTable(
      [
        'workload',
        'engine',
        'ops',
        'wall ms',
        'cpu ms',
        'ns/op (cpu)',
        'peak RSS MB',
        'naive/stableip',
        'note',
      ],
      mainRows,
    ),
  );
  console.log('\nPer-allocation CPU cost (ns) as n grows (sequential, /16 + IPv6 /64):\n');
  console.log(
    renderTable(
      [
        'n claims',
        'stableip ns/op',
        'stableip last-1k',
        'naive ns/op',
        'naive last-1k',
        'naive/stableip',
        'naive est. total',
      ],
      flatRows,
    ),
  );
  console.log(
    '\nns/op and ratios use CPU time (user + system). "> x": the naive run hit the time cap, so x is a lower bound;',
  );
  console.log(
    '"est." extrapolates the exact number of scan steps at the measured CPU cost per step (tools/bench/README.md).',
  );
}
