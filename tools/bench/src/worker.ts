// Runs one workload on one engine in a fresh process (so its peak RSS is its own) and prints the
// measurement as one JSON line. Usage: worker.ts <workload-id> <stableip|naive> <cap-ms>
import { type Engine, type Workload, allocateClaims } from './workloads';
import { workloads } from './registry';

const [id, engine, capText] = process.argv.slice(2);
const workload: Workload | undefined = workloads.find((candidate) => candidate.id === id);
if (!workload || (engine !== 'stableip' && engine !== 'naive')) {
  console.error(`usage: worker.ts <${workloads.map((w) => w.id).join('|')}> <stableip|naive> <cap-ms>`);
  process.exit(2);
}

// Warm the JIT on a throwaway run so small workloads measure steady-state cost, not compilation.
allocateClaims(engine === 'stableip' ? 3_000 : 300).run(engine as Engine, 2_000);
(globalThis as { gc?: () => void }).gc?.();

const measurement = workload.run(engine as Engine, Number(capText ?? 10_000));
console.log(JSON.stringify({ ...measurement, peakRssKb: process.resourceUsage().maxRSS }));
