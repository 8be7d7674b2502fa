// `stableip plan`: what the IPAM and CAPM3 controllers would write for the given manifests.
import { plan } from '@stableip/ipam-core';
import { toSnapshot } from '../manifests/decode';
import { renderList, renderPlanTable } from '../output';
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
  const result = plan(toSnapshot(objects), { bmhNameBasedPreallocation: options.bmhNameBasedPreallocation });
  for (const warning of result.warnings) io.stderr(`warning: ${warning.message}\n`);
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
