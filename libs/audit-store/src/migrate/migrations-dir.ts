// Reads a Prisma migrations folder into the shape the schema engine takes, as Prisma's CLI does.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MigrationList } from '@prisma/schema-engine-wasm';

/** libs/audit-store/prisma (the same relative place from src/migrate and dist/migrate). */
const prismaDir = fileURLToPath(new URL('../../prisma/', import.meta.url));

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
