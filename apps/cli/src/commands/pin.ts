// `stableip pin`: the merge patch that pins an IPPool's current allocations of BareMetalHost-named
// claims (`<bmh>-<pool>`) into `spec.preAllocations`, for
// `kubectl patch ippool P --type merge --patch-file pin.yaml`. Existing keys are never repeated
// or changed; `--all` pins every allocated claim, Metal3Data-named ones included.
import { autoPinEntries, plan, unknownKeyAdvice, type IPPool } from '@stableip/ipam-core';
import { toSnapshot } from '../manifests/decode';
import { toYaml } from '../yaml-emit';
import { afterPlan, coverageAfterPlan } from './coverage';
import { ExitCode, UserError } from './errors';
import { type CommandIO, readObjects } from './input';

export interface PinCommandOptions {
  filename: string[];
  pool: string;
  namespace?: string;
  all: boolean;
  bmhNameBasedPreallocation: boolean;
  output: 'yaml' | 'json';
}

export async function pinCommand(options: PinCommandOptions, io: CommandIO): Promise<number> {
  const snapshot = toSnapshot(await readObjects(options.filename, io));
  const result = plan(snapshot, { bmhNameBasedPreallocation: options.bmhNameBasedPreallocation });
  const pools = afterPlan<IPPool>(snapshot.ipPools, 'IPPool', result).filter(
    (p) =>
      p.metadata.name === options.pool &&
      (options.namespace === undefined || (p.metadata.namespace ?? 'default') === options.namespace),
  );
  if (pools.length === 0) {
    throw new UserError(
      `IPPool ${options.namespace ? `${options.namespace}/` : ''}${options.pool} is not in the input`,
    );
  }
  if (pools.length > 1) {
    const namespaces = pools.map((p) => p.metadata.namespace ?? 'default').join(', ');
    throw new UserError(
      `IPPool ${options.pool} exists in several namespaces (${namespaces}): pass --namespace`,
    );
  }
  const pool = pools[0] as IPPool;
  const namespace = pool.metadata.namespace ?? 'default';
  const existing = pool.spec.preAllocations ?? {};
  let pins: Record<string, string>;
  if (options.all) {
    pins = Object.fromEntries(
      Object.entries(pool.status?.indexes ?? {}).filter(([claim]) => !(claim in existing)),
    );
  } else {
    const coverage = coverageAfterPlan(snapshot, result).find(
      (c) => c.namespace === namespace && c.pool === options.pool,
    );
    pins = coverage ? autoPinEntries(coverage, pool) : {};
    for (const entry of coverage?.unknownKeys ?? [])
      io.stderr(`note: key ${unknownKeyAdvice(entry, options.pool)} (left unchanged)\n`);
    for (const entry of coverage?.missing ?? []) {
      if (entry.address === undefined)
        io.stderr(`note: ${entry.key} has no address yet (host ${entry.host}); nothing to pin for it\n`);
    }
  }
  const sorted = Object.fromEntries(Object.entries(pins).sort(([a], [b]) => a.localeCompare(b)));
  const count = Object.keys(sorted).length;
  io.stderr(
    count === 0
      ? `IPPool ${namespace}/${options.pool}: nothing to pin\n`
      : `IPPool ${namespace}/${options.pool}: pinning ${count} allocation${count === 1 ? '' : 's'}; apply with: kubectl -n ${namespace} patch ippool ${options.pool} --type merge --patch-file <file>\n`,
  );
  const patch = count === 0 ? {} : { spec: { preAllocations: sorted } };
  io.stdout(options.output === 'json' ? `${JSON.stringify(patch, null, 2)}\n` : toYaml(patch));
  return ExitCode.ok;
}
