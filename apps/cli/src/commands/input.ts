// Shared input handling of the commands: load, decode, and turn problems into one UserError.
import { type DecodedObject, decodeDocuments, formatProblem } from '../manifests/decode';
import { loadManifests } from '../manifests/load';
import { UserError } from './errors';

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

export async function readObjects(paths: string[], io: CommandIO): Promise<DecodedObject[]> {
  const loaded = await loadManifests(paths, io.readStdin);
  const decoded = decodeDocuments(loaded.documents);
  const problems = [...loaded.problems, ...decoded.problems];
  if (problems.length > 0) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new UserError(`cannot read the input (${count}):\n${problems.map((p) => `- ${formatProblem(p)}`).join('\n')}`);
  }
  return decoded.objects;
}
