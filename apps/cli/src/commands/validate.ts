// `stableip validate`: the ip-address-manager admission webhooks, offline. Create checks, or update
// checks where --old holds an object of the same group, kind, namespace and name.
import {
  type KubeObject,
  type ValidationResult,
  defaultObject,
  formatValidationText,
  toStatus,
  validateCreate,
  validateUpdate,
  validatedKindOf,
} from '@stableip/ipam-core';
import type { DecodedObject } from '../manifests/decode';
import { groupOfApiVersion } from '../manifests/kinds';
import { renderList } from '../output';
import { ExitCode } from './errors';
import { type CommandIO, readObjects } from './input';

export type ValidateOutput = 'text' | 'json';

export interface ValidateCommandOptions {
  filename: string[];
  old?: string[];
  output: ValidateOutput;
}

function keyOf(object: KubeObject): string {
  return `${groupOfApiVersion(object.apiVersion)}/${object.kind}/${object.metadata.namespace}/${object.metadata.name}`;
}

export interface Verdict {
  object: KubeObject;
  operation: 'create' | 'update';
  result: ValidationResult;
}

/** Admission as the API server runs it: the mutating default first, then validation. */
export function judge(objects: DecodedObject[], oldObjects: DecodedObject[]): Verdict[] {
  const olds = new Map(oldObjects.map(({ object }) => [keyOf(object), object]));
  const verdicts: Verdict[] = [];
  for (const { object } of objects) {
    if (validatedKindOf(object) === undefined) continue;
    const old = olds.get(keyOf(object));
    verdicts.push(
      old
        ? { object, operation: 'update', result: validateUpdate(defaultObject(old), defaultObject(object)) }
        : { object, operation: 'create', result: validateCreate(defaultObject(object)) },
    );
  }
  return verdicts;
}

export async function validateCommand(options: ValidateCommandOptions, io: CommandIO): Promise<number> {
  const objects = await readObjects(options.filename, io);
  const oldObjects = options.old && options.old.length > 0 ? await readObjects(options.old, io) : [];
  const verdicts = judge(objects, oldObjects);
  if (verdicts.length === 0) {
    io.stderr('warning: no IPPool, IPClaim or IPAddress (ipam.metal3.io) objects to validate\n');
  }
  const rejected = verdicts.filter((verdict) => !verdict.result.allowed);
  if (options.output === 'json') {
    io.stdout(
      renderList(
        rejected.map((verdict) => (verdict.result.allowed ? undefined : toStatus(verdict.result))),
        'json',
      ),
    );
  } else {
    for (const verdict of verdicts) {
      const { object, operation, result } = verdict;
      if (result.allowed) {
        const resource = `${object.kind.toLowerCase()}.${groupOfApiVersion(object.apiVersion)}/${object.metadata.name}`;
        io.stdout(`${resource} valid (${operation}, namespace ${object.metadata.namespace})\n`);
      } else {
        io.stdout(`${formatValidationText(result)}\n`);
      }
    }
  }
  return rejected.length > 0 ? ExitCode.rejected : ExitCode.ok;
}
