// `npx nx run operator:generate-crds` writes the CRD YAML; `-- --check` only compares and exits 1
// when a committed file is stale.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedFiles } from './render';

const workspaceRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const check = process.argv.includes('--check');
let stale = 0;
for (const [path, content] of await generatedFiles(workspaceRoot)) {
  const target = resolve(workspaceRoot, path);
  let current: string | undefined;
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === content) continue;
  if (check) {
    console.error(`stale: ${path}`);
    stale += 1;
  } else {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    console.log(`wrote ${path}`);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
