// Reading manifests from files, directories (recursively) and stdin, and parsing them as YAML
// (JSON is YAML too). The I/O half of the loader; decoding lives in decode.ts.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { DecodeProblem, SourceDocument } from './decode';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

export interface LoadResult {
  documents: SourceDocument[];
  problems: DecodeProblem[];
}

async function walk(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(path)));
    else if (MANIFEST_EXTENSIONS.some((extension) => entry.name.endsWith(extension))) files.push(path);
  }
  return files;
}

function describeIOError(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return error instanceof Error ? error.message : String(error);
}

/** Parses one file's text into its documents; YAML errors become problems with line and column. */
export function parseManifestText(source: string, text: string): LoadResult {
  const documents: SourceDocument[] = [];
  const problems: DecodeProblem[] = [];
  // JSON is YAML, but JSON.parse is an order of magnitude faster on big dumps (kubectl get -o
  // json); on a JSON syntax error the YAML parser runs anyway and reports line and column.
  if (/^\s*[{[]/.test(text)) {
    try {
      documents.push({ source, index: 1, value: JSON.parse(text) as unknown });
      return { documents, problems };
    } catch {
      // fall through to the YAML parser
    }
  }
  const parsed = parseAllDocuments(text, { prettyErrors: true, uniqueKeys: true });
  const list = Array.isArray(parsed) ? parsed : [parsed];
  list.forEach((document, i) => {
    const index = i + 1;
    if (document.errors.length > 0) {
      // Only the first error: the ones after it are usually consequences of the first.
      for (const error of document.errors.slice(0, 1)) {
        const position = error.linePos?.[0];
        const at = position ? ` at line ${position.line}, column ${position.col}` : '';
        const detail = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        problems.push({
          source,
          location: `document ${index}`,
          message: `YAML syntax error${at}: ${detail}`,
          hint: 'fix the YAML (indentation, quoting, a missing colon) or validate the file with a YAML linter',
        });
      }
      return;
    }
    documents.push({ source, index, value: document.toJS({ maxAliasCount: 1000 }) as unknown });
  });
  return { documents, problems };
}

/** Expands paths (`-` is stdin, directories are walked) and parses every file found. */
export async function loadManifests(paths: string[], readStdin: () => Promise<string>): Promise<LoadResult> {
  const documents: SourceDocument[] = [];
  const problems: DecodeProblem[] = [];
  const fail = (source: string, message: string, hint: string) =>
    problems.push({ source, location: 'file', message, hint });
  let stdinRead = false;
  for (const path of paths) {
    if (path === '-') {
      if (stdinRead) continue;
      stdinRead = true;
      const parsed = parseManifestText('-', await readStdin());
      documents.push(...parsed.documents);
      problems.push(...parsed.problems);
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
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        fail(file, `cannot read: ${describeIOError(error)}`, 'check the file exists and is readable');
        continue;
      }
      const parsed = parseManifestText(file, text);
      documents.push(...parsed.documents);
      problems.push(...parsed.problems);
    }
  }
  return { documents, problems };
}
