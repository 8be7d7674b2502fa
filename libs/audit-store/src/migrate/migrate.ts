// Applies and checks the committed Prisma migrations with Prisma's WASM schema engine, so no
// native engine has to be downloaded (air-gapped sites, build machines without Prisma's host).
import { readFile } from 'node:fs/promises';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import internals from '@prisma/internals';
import schemaEngineWasmModule from '@prisma/migrate/dist/SchemaEngineWasm.js';
import type { SchemaFilter } from '@prisma/schema-engine-wasm';
import { AuditStoreError } from '../errors';
import { defaultMigrationsDir, defaultSchemaPath, readMigrationList } from './migrations-dir';
import { ensureSchemaEngineWasm } from './schema-engine-wasm';
import { MigrationAdapterFactory } from './shadow-adapter';

const { SchemaEngineWasm } = schemaEngineWasmModule;
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };

export interface MigrateOptions {
  /** The database to migrate; it must exist. */
  databaseUrl: string;
  /** Defaults to this library's prisma/migrations. */
  migrationsDir?: string;
}

export interface MigrateResult {
  /** Migrations applied by this call, oldest first; empty when the database was up to date. */
  appliedMigrationNames: string[];
}

/** `prisma migrate deploy` without a native engine: applies pending migrations, records them in `_prisma_migrations`. */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  await ensureSchemaEngineWasm();
  const migrationsList = await readMigrationList(options.migrationsDir ?? defaultMigrationsDir);
  const factory = new MigrationAdapterFactory(options.databaseUrl);
  try {
    const engine = await SchemaEngineWasm.setup({ adapter: bindMigrationAwareSqlAdapterFactory(factory) });
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
      return { appliedMigrationNames };
    } finally {
      await engine.stop();
    }
  } catch (error) {
    throw new AuditStoreError('MIGRATION_FAILED', `applying migrations failed: ${messageOf(error)}`, {
      cause: error,
    });
  } finally {
    await factory.close();
  }
}

export interface CheckMigrationsOptions {
  /** A server on which a temporary shadow database can be created (and dropped) to replay the migrations. */
  databaseUrl: string;
  migrationsDir?: string;
  /** Defaults to this library's prisma/schema.prisma. */
  schemaPath?: string;
}

export interface MigrationCheck {
  /** True when replaying the migrations yields exactly the schema in schema.prisma. */
  inSync: boolean;
  /** SQL that would bring the migrated database to schema.prisma; empty when in sync. */
  diff: string;
}

/**
 * `prisma migrate diff --from-migrations --to-schema` without a native engine. CHECK constraints and
 * partial indexes that exist only in the SQL are invisible to Prisma's differ, so they do not show.
 */
export async function checkMigrations(options: CheckMigrationsOptions): Promise<MigrationCheck> {
  await ensureSchemaEngineWasm();
  const schemaPath = options.schemaPath ?? defaultSchemaPath;
  const [migrationsList, schema] = await Promise.all([
    readMigrationList(options.migrationsDir ?? defaultMigrationsDir),
    readFile(schemaPath, 'utf8'),
  ]);
  const factory = new MigrationAdapterFactory(options.databaseUrl);
  try {
    // The raw engine, because SchemaEngineWasm.migrateDiff prints the diff instead of returning it.
    const engine = await internals.wasmSchemaEngineLoader.loadSchemaEngine(
      { datamodels: undefined },
      () => undefined,
      bindMigrationAwareSqlAdapterFactory(factory),
    );
    try {
      const result = await engine.diff({
        from: { tag: 'migrations', ...migrationsList },
        to: { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] },
        script: true,
        exitCode: true,
        filters: NO_FILTER,
      });
      const diff = (result.stdout ?? '').trim();
      return { inSync: result.exitCode === 0 && isEmptyScript(diff), diff: isEmptyScript(diff) ? '' : diff };
    } finally {
      engine.free();
    }
  } catch (error) {
    throw new AuditStoreError('MIGRATION_FAILED', `checking migrations failed: ${messageOf(error)}`, {
      cause: error,
    });
  } finally {
    await factory.close();
  }
}

/** The engine renders "no difference" as a comment-only script. */
function isEmptyScript(script: string): boolean {
  return script
    .split('\n')
    .map((line) => line.trim())
    .every((line) => line === '' || line.startsWith('--'));
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) return String(error.message);
  return String(error);
}
