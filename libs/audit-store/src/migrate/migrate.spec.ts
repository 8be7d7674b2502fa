import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase, testServerUrl } from '../test-support/database';
import { checkMigrations, migrate } from './migrate';
import { defaultMigrationsDir, defaultSchemaPath, readMigrationList } from './migrations-dir';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe('migrate (WASM schema engine, no native engine)', () => {
  const db = useTestDatabase();

  it('applies every committed migration to an empty database', async () => {
    const committed = (await readMigrationList(defaultMigrationsDir)).migrationDirectories.map(
      (dir) => dir.path,
    );
    expect(committed.length).toBeGreaterThan(0);

    const result = await migrate({ databaseUrl: db.url });

    expect(result.appliedMigrationNames).toEqual(committed);
    const tables = await query<{ tablename: string }>(
      db.url,
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    expect(tables.map((row) => row.tablename)).toEqual([
      '_prisma_migrations',
      'assignment',
      'cluster',
      'event',
      'event_prune',
      'host',
      'pool',
      'retained_object',
    ]);
    const recorded = await query<{ migration_name: string; finished_at: Date | null }>(
      db.url,
      'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(recorded.map((row) => row.migration_name)).toEqual(committed);
    expect(recorded.every((row) => row.finished_at !== null)).toBe(true);
  });

  it('is a no-op the second time', async () => {
    const before = await query<{ count: string }>(db.url, 'SELECT count(*) FROM _prisma_migrations');
    const result = await migrate({ databaseUrl: db.url });
    const after = await query<{ count: string }>(db.url, 'SELECT count(*) FROM _prisma_migrations');
    expect(result.appliedMigrationNames).toEqual([]);
    expect(after).toEqual(before);
  });

  it('creates the hand-written constraints Prisma cannot express', async () => {
    const indexes = await query<{ indexdef: string }>(
      db.url,
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'assignment_open_address_key'",
    );
    expect(indexes[0]?.indexdef).toMatch(/UNIQUE INDEX .* WHERE \(valid_to IS NULL\)/);
    const checks = await query<{ conname: string }>(
      db.url,
      "SELECT conname FROM pg_constraint WHERE contype = 'c' ORDER BY conname",
    );
    expect(checks.map((row) => row.conname)).toEqual(
      expect.arrayContaining([
        'assignment_family_check',
        'assignment_interval_check',
        'assignment_source_check',
        'event_action_check',
        'event_source_check',
      ]),
    );
  });
});

describe('checkMigrations', () => {
  const scratch: string[] = [];
  afterAll(async () => {
    await Promise.all(scratch.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('finds schema.prisma and the committed migrations in agreement', async () => {
    const check = await checkMigrations({ databaseUrl: testServerUrl });
    expect(check).toEqual({ inSync: true, diff: '' });
  });

  it('reports the SQL a schema change still needs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'audit-store-schema-'));
    scratch.push(dir);
    const schema = await readFile(defaultSchemaPath, 'utf8');
    const changed = schema.replace('model Host {\n', 'model Host {\n  rack String?\n');
    expect(changed).not.toEqual(schema);
    const schemaPath = join(dir, 'schema.prisma');
    await writeFile(schemaPath, changed);

    const check = await checkMigrations({ databaseUrl: testServerUrl, schemaPath });

    expect(check.inSync).toBe(false);
    expect(check.diff).toMatch(/ALTER TABLE "host" ADD COLUMN\s+"rack" TEXT/);
  });

  it('leaves no shadow database behind', async () => {
    const shadows = await query<{ datname: string }>(
      testServerUrl,
      "SELECT datname FROM pg_database WHERE datname LIKE 'stableip_shadow_%'",
    );
    expect(shadows).toEqual([]);
  });
});
