// `stableip plan`: what the IPAM and CAPM3 controllers would write for the given manifests.
import { coverageCondition, plan } from '@stableip/ipam-core';
import { toSnapshot } from '../manifests/decode';
import { renderList, renderPlanTable } from '../output';
import { coverageAfterPlan } from './coverage';
import { ExitCode } from './errors';
import { type CommandIO, readObjects } from './input';

export type PlanOutput = 'yaml' | 'json' | 'table';

export interface PlanCommandOptions {
  filename: string[];
  bmhNameBasedPreallocation: boolean;
  output: PlanOutput;
}

export async function planCommand(options: PlanCommandOptions, io: CommandIO): Promise<number> {
  const objects = await readObjects(options.filename, io);
  const snapshot = toSnapshot(objects);
  const result = plan(snapshot, { bmhNameBasedPreallocation: options.bmhNameBasedPreallocation });
  for (const warning of result.warnings) io.stderr(`warning: ${warning.message}\n`);
  // preAllocation coverage (issue 6): hosts whose IP is not pinned, keys matching no host.
  let gaps = 0;
  for (const coverage of coverageAfterPlan(snapshot, result)) {
    const condition = coverageCondition(coverage);
    if (condition.status !== 'False') continue;
    gaps += 1;
    io.stderr(`coverage: IPPool ${coverage.namespace}/${coverage.pool}: ${condition.message}\n`);
  }
  if (gaps > 0 && !options.bmhNameBasedPreallocation) {
    io.stderr(
      'note: <bmh>-<pool> preAllocations keys only match claims created with BMH name-based preallocation (--bmh-name-based-preallocation here, --enable-bmh-name-based-preallocation in CAPM3 or the operator)\n',
    );
  }
  for (const deletion of result.deleted) {
    const held =
      deletion.remainingFinalizers.length > 0
        ? ` (still held by finalizers ${deletion.remainingFinalizers.join(', ')})`
        : '';
    io.stderr(
      `deleted: ${deletion.kind} ${deletion.namespace}/${deletion.name} (${deletion.apiVersion})${held}\n`,
    );
  }
  io.stdout(
    options.output === 'table' ? renderPlanTable(result.rows) : renderList(result.items, options.output),
  );
  return ExitCode.ok;
}
