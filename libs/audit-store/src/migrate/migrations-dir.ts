// Reads a Prisma migrations folder into the shape the schema engine takes, as Prisma's CLI does.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList } from '@prisma/schema-engine-wasm';

/**
 * The prisma/ folder: `STABLEIP_PRISMA_DIR` when set; libs/audit-store/prisma when running from
 * src/migrate or dist/migrate; or a copy beside an app's bundle (apps/api's build puts one in
 * dist/prisma), where the library's relative path no longer exists.
 */
function findPrismaDir(): string {
  const candidates = [
    process.env['STABLEIP_PRISMA_DIR'],
    fileURLToPath(new URL('../../prisma/', import.meta.url)),
    fileURLToPath(new URL('./prisma/', import.meta.url)),
  ].filter((dir): dir is string => Boolean(dir));
  return candidates.find((dir) => existsSync(join(dir, 'migrations'))) ?? candidates[0]!;
}

const prismaDir = findPrismaDir();

export const defaultMigrationsDir = join(prismaDir, 'migrations');
export const defaultSchemaPath = join(prismaDir, 'schema.prisma');

const LOCKFILE = 'migration_lock.toml';
const MIGRATION_FILE = 'migration.sql';

export async function readMigrationList(migrationsDir: string): Promise<MigrationList> {
  const lockfileContent = await readFile(join(migrationsDir, LOCKFILE), 'utf8').catch(() => null);
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const directories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const migrationDirectories = await Promise.all(
    directories.map(async (name) => ({
      path: name,
      migrationFile: {
        path: MIGRATION_FILE,
        content: await readFile(join(migrationsDir, name, MIGRATION_FILE), 'utf8').then(
          (value) => ({ tag: 'ok' as const, value }),
          (error: unknown) => ({ tag: 'error' as const, value: String(error) }),
        ),
      },
    })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: lockfileContent },
    shadowDbInitScript: '',
    migrationDirectories,
  };
}
