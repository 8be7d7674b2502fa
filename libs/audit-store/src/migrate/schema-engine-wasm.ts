// Prisma's WASM schema engine, usable without the native engine download Prisma's CLI attempts.
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const WASM_FILE = 'schema_engine_bg.wasm';

/**
 * @prisma/internals loads the engine's WebAssembly from its own `build/` folder, which its npm
 * package does not ship; the file lives in @prisma/schema-engine-wasm (the version @prisma/internals
 * itself depends on). Copies it there when missing or different. Idempotent; returns the path.
 */
export async function ensureSchemaEngineWasm(): Promise<string> {
  const require = createRequire(import.meta.url);
  const internalsManifest = require.resolve('@prisma/internals/package.json');
  const target = join(dirname(internalsManifest), 'build', WASM_FILE);
  const engineEntry = createRequire(internalsManifest).resolve('@prisma/schema-engine-wasm');
  const source = join(dirname(engineEntry), WASM_FILE);
  const [sourceStat, targetStat] = await Promise.all([stat(source), stat(target).catch(() => undefined)]);
  if (targetStat?.size !== sourceStat.size) {
    await mkdir(dirname(target), { recursive: true });
    await copyFile(source, target);
  }
  return target;
}
