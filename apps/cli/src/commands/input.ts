// Shared input handling of the commands: load, decode, and turn problems into one UserError.
import { type DecodeProblem, type DecodedObject, decodeDocuments, formatProblem } from '../manifests/decode';
import { loadManifests } from '../manifests/load';
import { UserError } from './errors';

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

/** Problems in input order: by file (as first seen), then by document and item number. */
function sortProblems(problems: DecodeProblem[], paths: string[]): DecodeProblem[] {
  const sourceOrder = new Map<string, number>();
  for (const problem of problems)
    if (!sourceOrder.has(problem.source)) sourceOrder.set(problem.source, sourceOrder.size);
  for (const [i, path] of paths.entries())
    if (sourceOrder.has(path)) sourceOrder.set(path, -paths.length + i);
  const numbers = (location: string) => (location.match(/\d+/g) ?? []).map(Number);
  return [...problems].sort((a, b) => {
    const bySource = (sourceOrder.get(a.source) ?? 0) - (sourceOrder.get(b.source) ?? 0);
    if (bySource !== 0) return bySource;
    const [na, nb] = [numbers(a.location), numbers(b.location)];
    for (let i = 0; i < Math.max(na.length, nb.length); i++) {
      const diff = (na[i] ?? -1) - (nb[i] ?? -1);
      if (diff !== 0) return diff;
    }
    return 0;
  });
}

/** Warnings shown before the rest are summed up (a generated file may repeat one on every line). */
const MAX_WARNINGS_SHOWN = 20;
/** Problems listed in the error; the count still says how many there are. */
const MAX_PROBLEMS_SHOWN = 100;

function printWarnings(warnings: DecodeProblem[], io: CommandIO): void {
  for (const warning of warnings.slice(0, MAX_WARNINGS_SHOWN))
    io.stderr(`warning: ${formatProblem(warning)}\n`);
  if (warnings.length > MAX_WARNINGS_SHOWN)
    io.stderr(`warning: ${warnings.length - MAX_WARNINGS_SHOWN} more like these not shown\n`);
}

export async function readObjects(paths: string[], io: CommandIO): Promise<DecodedObject[]> {
  const loaded = await loadManifests(paths, io.readStdin);
  printWarnings(loaded.warnings, io);
  const decoded = decodeDocuments(loaded.documents);
  const problems = sortProblems([...loaded.problems, ...decoded.problems], paths);
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const shown = problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `- ${formatProblem(p)}`);
    if (problems.length > MAX_PROBLEMS_SHOWN)
      shown.push(`- … and ${problems.length - MAX_PROBLEMS_SHOWN} more (fix these first)`);
    throw new UserError(`cannot read the input (${count}):\n${shown.join('\n')}`);
  }
  return decoded.objects;
}
