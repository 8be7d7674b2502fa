// `nx run audit-store:migrate` and friends, with no native Prisma engine:
//   deploy          apply pending migrations (like `prisma migrate deploy`)
//   check           exit 1 when schema.prisma and the migrations disagree, printing the SQL diff
//   create <name>   write the SQL diff as a new migration folder (review and hand-edit it)
// The database is DATABASE_URL, else embedded PostgreSQL (see resolveDatabase).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveDatabase } from '../db/database';
import { checkMigrations, migrate } from './migrate';
import { defaultMigrationsDir } from './migrations-dir';

function migrationFolderName(name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14);
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
  if (!slug) throw new Error('migration name must contain letters or digits');
  return `${stamp}_${slug}`;
}

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  if (command !== 'deploy' && command !== 'check' && command !== 'create') {
    process.stderr.write('usage: migrate deploy | check | create <name>\n');
    return 2;
  }
  const database = await resolveDatabase({ embedded: { onLog: () => undefined } });
  try {
    if (command === 'deploy') {
      const { appliedMigrationNames } = await migrate({ databaseUrl: database.databaseUrl });
      process.stdout.write(
        appliedMigrationNames.length === 0
          ? 'database is up to date\n'
          : `applied ${appliedMigrationNames.length} migration(s): ${appliedMigrationNames.join(', ')}\n`,
      );
      return 0;
    }
    const check = await checkMigrations({ databaseUrl: database.databaseUrl });
    if (command === 'check') {
      if (check.inSync) {
        process.stdout.write('schema.prisma and the migrations agree\n');
        return 0;
      }
      process.stdout.write(`schema.prisma and the migrations differ; missing SQL:\n${check.diff}\n`);
      return 1;
    }
    if (check.inSync) {
      process.stdout.write('nothing to migrate: schema.prisma and the migrations agree\n');
      return 0;
    }
    const folder = join(defaultMigrationsDir, migrationFolderName(name ?? ''));
    await mkdir(folder, { recursive: true });
    await writeFile(join(folder, 'migration.sql'), `${check.diff}\n`);
    process.stdout.write(`wrote ${join(folder, 'migration.sql')}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
