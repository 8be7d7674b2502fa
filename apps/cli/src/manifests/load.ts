// Reading manifests from files, directories (recursively) and stdin. The I/O half of the loader;
// parsing lives in parse.ts, decoding in decode.ts. Only regular files are read: a FIFO, socket or
// device would block the read (or never end), so it is reported instead.
import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DecodeProblem, SourceDocument } from './decode';
import { parseManifestText } from './parse';

export { parseManifestText } from './parse';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface LoadResult {
  documents: SourceDocument[];
  problems: DecodeProblem[];
  warnings: DecodeProblem[];
}

function fileType(info: Stats): string {
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isDirectory()) return 'a directory';
  return 'not a regular file';
}

const NOT_REGULAR_HINT =
  'pass regular files or directories to -f; stream other input through stdin with -f -';

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) for (const file of await walk(path)) files.push(file);
    // Whatever else carries a manifest name is read only if it is a regular file (checked there).
    else if (MANIFEST_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) files.push(path);
  }
  return files;
}

function describeIOError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ELOOP') return 'too many levels of symbolic links';
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads a regular file. Opened non-blocking so that a FIFO cannot stall the open itself, then
 * checked on the open handle (no window between the check and the read).
 */
async function readRegularFile(path: string): Promise<{ text: string } | { notRegular: string }> {
  const named = await stat(path); // opening a socket fails and a FIFO may block: look first
  if (!named.isFile()) return { notRegular: fileType(named) };
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { notRegular: fileType(info) };
    return { text: await handle.readFile('utf8') };
  } finally {
    await handle.close();
  }
}

/** Expands paths (`-` is stdin, directories are walked) and parses every file found. */
export async function loadManifests(paths: string[], readStdin: () => Promise<string>): Promise<LoadResult> {
  const result: LoadResult = { documents: [], problems: [], warnings: [] };
  const fail = (source: string, message: string, hint: string) =>
    result.problems.push({ source, location: 'file', message, hint });
  // Appended one by one: spreading 260,000 documents into push() overflows the call stack.
  const add = (parsed: LoadResult) => {
    for (const document of parsed.documents) result.documents.push(document);
    for (const problem of parsed.problems) result.problems.push(problem);
    for (const warning of parsed.warnings) result.warnings.push(warning);
  };
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      add(parseManifestText('-', await readStdin()));
      continue;
    }
    let files: string[];
    try {
      const info = await stat(path);
      files = info.isDirectory() ? await walk(path) : [path];
      if (info.isDirectory() && files.length === 0) {
        fail(
          path,
          'the directory holds no *.yaml, *.yml or *.json files',
          'point -f at a directory or file with manifests',
        );
        continue;
      }
    } catch (error) {
      fail(path, `cannot read: ${describeIOError(error)}`, 'check the path given to -f (use - for stdin)');
      continue;
    }
    for (const file of files) {
      let read: Awaited<ReturnType<typeof readRegularFile>>;
      try {
        read = await readRegularFile(file);
      } catch (error) {
        fail(file, `cannot read: ${describeIOError(error)}`, 'check the file exists and is readable');
        continue;
      }
      if ('notRegular' in read) {
        fail(file, `cannot read: ${read.notRegular}, not a regular file`, NOT_REGULAR_HINT);
        continue;
      }
      add(parseManifestText(file, read.text));
    }
  }
  return result;
}
