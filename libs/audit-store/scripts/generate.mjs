// Nx `generate` target: Prisma Client into src/generated/prisma, without Prisma's native engines.
// - `prisma generate` is WASM-only, but Prisma 7's CLI first tries to download a native schema
//   engine (impossible offline); pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable skips it.
// - @prisma/internals loads the WASM schema engine (used by `migrate`) from its build/ folder,
//   which its package does not ship: copy it from the matching @prisma/schema-engine-wasm.
//   (src/migrate/schema-engine-wasm.ts does the same at run time, for installs that skip this.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(projectRoot, 'package.json'));

const internalsManifest = require.resolve('@prisma/internals/package.json');
const wasmTarget = join(dirname(internalsManifest), 'build', 'schema_engine_bg.wasm');
const wasmSource = join(
  dirname(createRequire(internalsManifest).resolve('@prisma/schema-engine-wasm')),
  'schema_engine_bg.wasm',
);
const sizeOf = (path) => {
  try {
    return statSync(path).size;
  } catch {
    return -1;
  }
};
if (sizeOf(wasmTarget) !== sizeOf(wasmSource)) {
  mkdirSync(dirname(wasmTarget), { recursive: true });
  copyFileSync(wasmSource, wasmTarget);
}

const prismaCli = join(dirname(require.resolve('prisma/package.json')), 'build', 'index.js');
const result = spawnSync(process.execPath, [prismaCli, 'generate'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? '/bin/true',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    CHECKPOINT_DISABLE: '1',
  },
});
process.exit(result.status ?? 1);
